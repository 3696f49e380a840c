"""`serve` shows what did not load: a missing image as a dashed box with its URL, a missing
background as a dashed slide with the URL in a corner; the published site shows neither."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from conftest import run_build
from test_server import DevServer, write

pytestmark = pytest.mark.browser

CLOSED = "http://127.0.0.1:9/remote-figure.png"
"""A loopback port nothing listens on (discard): the remote image that does not load."""

LONG = "images/" + "a-very-long-folder-name/" * 6 + "and-a-figure-that-is-not-there.png"

SLIDES = [
    "# Missing local\n\n![A diagram](nope.png)",
    "background-image: url(missing-bg.png)\n\n# Missing background",
    f"# Remote\n\n![The remote figure]({CLOSED})",
    "# Present\n\n![:scale 50%](ok.png)\n\n![A present background](ok.png)",
    "background-image: url(ok.png)\n\n# Present background",
    f"# Long and scaled\n\n![:scale 30%](small.png)\n\n![long]({LONG})",
]
"""Slide 1 a missing file, 2 a missing background, 3 a remote image that fails, 4 and 5 images
that load, 6 a scaled missing image and a URL longer than the slide is wide."""

DECK = "\n\n---\n\n".join(SLIDES) + "\n"


def png(width: int, height: int) -> bytes:
    """A plain PNG, written without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x30\x70\xb0" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def write_course(course: Path, text: str = DECK) -> None:
    (course / "slides" / "ok.png").write_bytes(png(120, 80))
    write(course, "01-images.md", text)


@pytest.fixture
def served(course: Path):
    write_course(course)
    running = DevServer(course)
    yield running
    running.stop()


def slide(index: int) -> str:
    return f"#slide-container-{index + 1} .remark-slide-content"


def open_marked(page, server: DevServer, hash_: str = "") -> None:
    """Open the deck and wait until every failure is marked: four images and a background, shown or not."""
    page.goto(f"{server.url}01-images/{hash_}")
    page.wait_for_function("window.podium && podium.current() >= 0")
    page.wait_for_function("document.querySelectorAll('.remark-slides-area .podium-dev-missing-image').length === 4"
                           " && document.querySelector('[data-podium-missing-background]')", timeout=15000)


def style(page, selector: str, *names: str) -> list[str]:
    return page.eval_on_selector(selector, "(e, names) => { const s = getComputedStyle(e);"
                                 " return names.map(n => s.getPropertyValue(n)); }", list(names))


def placeholder(index: int, nth: int = 0) -> str:
    return f"{slide(index)} .podium-dev-missing-image >> nth={nth}"


def test_a_missing_local_image_is_a_dashed_box_with_its_url(page, served: DevServer) -> None:
    open_marked(page, served)
    box = page.locator(placeholder(0))
    assert style(page, f"{slide(0)} .podium-dev-missing-image", "outline-style", "display") == ["dashed", "inline-flex"]
    assert "nope.png" in box.inner_text() and "missing image" in box.inner_text().lower()
    assert box.get_attribute("role") == "img"
    assert box.get_attribute("aria-label") == "missing image: nope.png"
    bounds = box.bounding_box()
    assert bounds and bounds["width"] >= 200 and bounds["height"] >= 100, bounds
    img = page.locator(f"{slide(0)} img")
    assert img.count() == 1 and img.get_attribute("src") == "nope.png", "the image stays in the page"
    assert not img.is_visible()
    colour, background = style(page, f"{slide(0)} .podium-dev-missing-image", "color", "background-color")
    assert contrast(colour, background) >= 4.5, (colour, background)
    assert page.outside_requests == []


def test_every_slide_is_checked_not_only_the_shown_one(page, served: DevServer) -> None:
    open_marked(page, served, "#4")
    assert page.evaluate("podium.current()") == 3
    remote = page.locator(placeholder(2))
    assert remote.get_attribute("aria-label") == f"missing image: {CLOSED}"
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("podium.current() === 2")
    assert remote.is_visible() and CLOSED in remote.inner_text()
    assert style(page, f"{slide(2)} .podium-dev-missing-image", "outline-style") == ["dashed"]
    assert page.outside_requests == []


def test_images_that_load_are_left_alone(page, served: DevServer) -> None:
    open_marked(page, served, "#4")
    page.wait_for_function(f"[...document.querySelectorAll('{slide(3)} img')].every(i => i.complete && i.naturalWidth)")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.locator(f"{slide(3)} .podium-dev-missing-image, {slide(4)} .podium-dev-missing-background").count() == 0
    assert page.locator(f"{slide(3)} img[data-podium-missing], {slide(4)}[data-podium-missing-background]").count() == 0
    assert style(page, slide(3), "outline-style") == ["none"]
    assert style(page, slide(4), "outline-style") == ["none"]
    assert page.locator(f"{slide(3)} img").first.is_visible()


def test_a_missing_background_outlines_the_slide_and_names_the_url(page, served: DevServer) -> None:
    open_marked(page, served, "#2")
    content = slide(1)
    assert style(page, content, "outline-style", "outline-offset") == ["dashed", "-4px"]
    label = page.locator(f"{content} .podium-dev-missing-background")
    assert label.is_visible()
    assert " ".join(label.inner_text().split()).lower() == "missing background: missing-bg.png"
    slide_box = page.locator(content).bounding_box()
    box = label.bounding_box()
    number = page.locator(f"{content} .remark-slide-number").bounding_box()
    assert slide_box and box and number
    assert box["x"] >= slide_box["x"] and box["y"] + box["height"] <= slide_box["y"] + slide_box["height"]
    assert box["y"] > slide_box["y"] + slide_box["height"] / 2, "in a bottom corner"
    assert box["x"] + box["width"] < number["x"], "clear of the slide number"
    colour, background = style(page, f"{content} .podium-dev-missing-background", "color", "background-color")
    assert contrast(colour, background) >= 4.5


def test_the_presenter_preview_shows_the_marks_too(page, served: DevServer) -> None:
    open_marked(page, served, "#p1")
    preview = ".remark-preview-area .remark-slide-content"
    page.wait_for_function(f"document.querySelector('{preview}[data-podium-missing-background]')", timeout=5000)
    assert page.locator(f"{preview} .podium-dev-missing-background").count() == 1
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('{preview} .podium-dev-missing-image')", timeout=5000)
    assert page.locator(f"{preview} .podium-dev-missing-image").count() == 1, "the copy has one box, not two"
    assert style(page, f"{preview} .podium-dev-missing-image", "outline-style") == ["dashed"]


def test_a_scaled_image_keeps_its_width_and_a_long_url_wraps(page, served: DevServer) -> None:
    open_marked(page, served, "#6")
    content = page.locator(slide(5)).bounding_box()
    scaled = page.locator(placeholder(5, 0))
    paragraph = page.locator(f"{slide(5)} p >> nth=0").bounding_box()
    scaled_box = scaled.bounding_box()
    assert content and paragraph and scaled_box
    assert abs(scaled_box["width"] - 0.3 * paragraph["width"]) < 2, (scaled_box, paragraph)
    long = page.locator(placeholder(5, 1))
    long_box = long.bounding_box()
    assert long_box and long_box["x"] + long_box["width"] <= content["x"] + content["width"]
    assert long_box["height"] > 60, "the URL wraps onto several lines"
    assert long.evaluate("e => e.scrollWidth <= e.clientWidth"), "nothing sticks out of the box"
    assert LONG in long.inner_text().replace("\n", "")


def test_the_place_is_kept_on_a_slide_with_a_missing_image(page, served: DevServer) -> None:
    """The dev marks are not part of a slide's identity when the slides are matched again."""
    open_marked(page, served, "#1")
    count = page.evaluate("podium.count()")
    write(served.course, "01-images.md", "# Inserted first\n\n---\n\n" + DECK)
    page.wait_for_function(f"window.podium && podium.count() === {count + 1}", timeout=15000)
    assert page.evaluate("podium.current()") == 1
    assert page.locator(".remark-visible h1").inner_text() == "Missing local"


def test_an_image_that_appears_is_shown_after_the_next_save(page, served: DevServer) -> None:
    open_marked(page, served, "#1")
    (served.course / "slides" / "nope.png").write_bytes(png(60, 40))
    write(served.course, "01-images.md", DECK.replace("# Missing local", "# Found local"))
    page.wait_for_function("document.body.innerText.includes('Found local')", timeout=15000)
    page.wait_for_function(f"(i => i && i.complete && i.naturalWidth)(document.querySelector('{slide(0)} img'))")
    assert page.locator(f"{slide(0)} .podium-dev-missing-image").count() == 0
    assert page.locator(f"{slide(0)} img").is_visible()


def test_the_published_site_shows_none_of_it(page, course: Path, http_root) -> None:
    write_course(course)
    result = run_build("build", "--slides", str(course / "slides"), "--out", str(course / "site"), cwd=course)
    assert result.returncode == 0, result.stderr
    site = course / "site"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js", ".css"):
            text = path.read_text(encoding="utf-8")
            for mark in ("podium-dev", "__podium__", "podium-missing", "missing image"):
                assert mark not in text, (path, mark)
    page.goto(f"{http_root(site)}01-images/")
    page.wait_for_function("window.podium && podium.current() === 0")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.locator(".podium-dev-missing-image, .podium-dev-missing-background, #podium-dev-style").count() == 0
    assert style(page, slide(1), "outline-style") == ["none"]
    assert page.locator(f"{slide(0)} img").is_visible(), "the broken image shows as remark shows it"


def contrast(colour: str, background: str) -> float:
    """WCAG contrast ratio of two `rgb(...)` / `rgba(...)` colours (the background taken as opaque)."""
    def luminance(value: str) -> float:
        parts = [float(x) for x in value[value.index("(") + 1:value.index(")")].split(",")[:3]]
        linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in parts]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)
