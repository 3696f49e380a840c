"""Shared pieces of the browser tests: the courses they open, built sites, and page helpers.

Test modules import the fixtures they use from here (`from helpers import ...`); each module
builds its sites once (module scope), and `deck_url` is parametrized over file:// and a loopback
HTTP server so every behaviour is checked both ways.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from conftest import run_build

BUNDLED_DECK = "06-docker-compose"
"""A session of the bundled course (slides/) that has no notes, names or steps: plain navigation."""

DRILL = "01-drill"
"""The purpose-made session: names, notes, `--` steps, an uncounted slide, a planned duration."""

DRILL_SLIDES = [
    "name: intro\nduration: 10m\n\n# Introduction\n\nWelcome.\n\n???\n\nIntro notes: *welcome* everyone.",
    "# Second\n\nSee [the named slide](#named).\n\n???\n\nSecond notes with **bold** and `code`.",
    "# Build\n\n- one\n\n???\n\nBuild notes.",
    "- two",
    "- three",
    "name: named\n\n# Named slide\n\nBack to [the introduction](#intro).",
    "count: false\n\n# Uncounted\n\nShares the number of the slide before it.",
] + [f"# Slide {n}\n\nText {n}.\n\n???\n\nNotes {n}." for n in range(8, 15)]
"""14 slides: index 2-4 are one build (`--`), index 6 has no number of its own."""

DRILL_SEPARATORS = ["---", "---", "---", "--", "--", "---", "---"] + ["---"] * 7
"""The separator in front of each slide (the first one is not written)."""

DRILL_NUMBERS = [1, 2, 3, 4, 5, 6, 6, 7, 8, 9, 10, 11, 12, 13]
"""The displayed number of each drill slide."""

PLAIN = "02-plain"
"""A second session of the drill course without a planned duration."""

WIDE_COURSE_TOML = """\
ratio = "16:9"
slide_number_format = "Slide %current% of %total%"
duration = "5m"

[navigation]
scroll = false
touch = false
click = true
"""
WIDE = "01-wide"
WIDE_SLIDES = ["# Wide one\n\nA [link](#2) on the slide.", "# Wide two", "# Wide three"]


def drill_markdown() -> str:
    parts = [DRILL_SLIDES[0]]
    for separator, slide in zip(DRILL_SEPARATORS[1:], DRILL_SLIDES[1:]):
        parts.append(f"\n{separator}\n\n{slide}")
    return "\n".join(parts) + "\n"


def build_course(folder: Path, sessions: dict[str, str], *flags: str, toml: str | None = None) -> Path:
    """Write a course into `folder` and build it; returns the site folder."""
    (folder / "slides").mkdir(parents=True)
    for stem, text in sessions.items():
        (folder / "slides" / f"{stem}.md").write_text(textwrap.dedent(text), encoding="utf-8")
    if toml is not None:
        (folder / "course.toml").write_text(toml, encoding="utf-8")
    result = run_build("build", "--slides", str(folder / "slides"), "--out", str(folder / "site"), *flags, cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


# ---- built sites, one per test module ---------------------------------------------------------

@pytest.fixture(scope="module")
def drill_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_course(tmp_path_factory.mktemp("drill"), {DRILL: drill_markdown(), PLAIN: "# Plain\n\n---\n\n# Two\n"})


@pytest.fixture(scope="module")
def wide_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_course(tmp_path_factory.mktemp("wide"), {WIDE: "\n---\n\n".join(WIDE_SLIDES)}, toml=WIDE_COURSE_TOML)


# ---- opening decks over file:// and HTTP -----------------------------------------------------

@pytest.fixture(scope="session")
def http_base(http_root):
    """One loopback server per site folder: `http_base(site) -> base URL`."""
    servers: dict[Path, str] = {}

    def base(site: Path) -> str:
        if site not in servers:
            servers[site] = http_root(site)
        return servers[site]

    return base


@pytest.fixture(params=["file", "http"])
def deck_url(request, http_base):
    """`deck_url(site, deck, suffix='') -> URL` of a deck page, from file:// or over HTTP."""

    def url(site: Path, deck: str, suffix: str = "") -> str:
        if request.param == "file":
            return (site / deck / "index.html").as_uri() + suffix
        return f"{http_base(site)}{deck}/{suffix}"

    url.kind = request.param  # type: ignore[attr-defined]
    return url


def open_deck(page, url: str) -> None:
    """Load a deck page and wait until the runtime shows a slide."""
    page.goto(url)
    page.wait_for_function("window.podium && podium.current() >= 0")


def shown(page) -> int:
    """The data-index of the one visible slide (fails when there is not exactly one)."""
    indices = page.eval_on_selector_all(".remark-slides-area > .remark-visible", "els => els.map(e => +e.dataset.index)")
    assert len(indices) == 1, indices
    return indices[0]


def wait_shown(page, index: int) -> None:
    page.wait_for_function(f"window.podium && podium.current() === {index}")
    assert shown(page) == index


def body_classes(page) -> set[str]:
    return set(page.evaluate("document.body.className").split())


def remote_urls(site: Path) -> set[str]:
    """Every http(s) URL written in the site's pages: content the course itself links to."""
    found: set[str] = set()
    for page in site.rglob("*.html"):
        found.update(re.findall(r"https?://[^\s\"')<>]+", page.read_text(encoding="utf-8")))
    return found


def assert_offline(page, site: Path) -> None:
    """Nothing left loopback/file:// except URLs the course's own slides contain."""
    course_urls = remote_urls(site)
    strays = [u for u in page.outside_requests if u not in course_urls]
    assert not strays, strays


# ---- reading PDFs without a PDF library --------------------------------------------------------

def pdf_pages(data: bytes) -> int:
    """Number of page objects (Chromium writes page dictionaries uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def pdf_page_sizes(data: bytes) -> set[tuple[float, float]]:
    """The distinct page sizes, in points."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return {(round(float(x1) - float(x0), 1), round(float(y1) - float(y0), 1)) for x0, y0, x1, y1 in boxes}
