"""Print CSS, `python build.py pdf [--handout]`, and the students' copy (`build --no-notes`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from helpers import (DRILL, DRILL_SLIDES, WIDE, build_course, bundled_site, deck_url, drill_markdown,  # noqa: F401
                     drill_site, http_base, open_deck, pdf_page_sizes, pdf_pages, wide_site)

pytestmark = pytest.mark.browser

PX = 0.75                                                # CSS px -> PDF points


def steps(page_html: str) -> list[bool]:
    """Per slide: True when it is an earlier step of a `--` build (the next slide continues it)."""
    continued = [bool(m) for m in re.findall(r'<div class="remark-slide( remark-slide-incremental)?">', page_html)]
    return [i + 1 < len(continued) and continued[i + 1] for i in range(len(continued))]


def decks(site: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in sorted(site.glob("*/index.html"))}


def slide_width(page_html: str) -> int:
    return 1210 if 'data-ratio="16:9"' in page_html else 908


def page_size_is(data: bytes, width_px: float, height_px: float) -> bool:
    """Every page of the PDF has this size (Chromium rounds to its own units: within half a point)."""
    sizes = pdf_page_sizes(data)
    return bool(sizes) and all(abs(w - width_px * PX) < 0.5 and abs(h - height_px * PX) < 0.5 for w, h in sizes)


def print_in_subprocess(jobs: list[tuple[str, Path]], driver: str) -> None:
    """`podium.pdf.print_pages` in its own process (this one already runs Playwright for the fixtures)."""
    code = ("import sys; from pathlib import Path; from podium.pdf import find_chromium, print_pages; "
            "args = sys.argv[2:]; print_pages(find_chromium(), [(args[i], Path(args[i + 1])) "
            "for i in range(0, len(args), 2)], sys.argv[1])")
    flat = [str(x) for job in jobs for x in job]
    result = subprocess.run([sys.executable, "-c", code, driver, *flat], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


# ---- the pdf command -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled_pdfs(browser, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    for flags in ((), ("--handout",)):
        result = run_build("pdf", "--out", str(out), *flags, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert "PDF file(s)" in result.stdout
    return out


def test_one_page_per_slide_at_the_decks_ratio(bundled_pdfs, bundled_site):
    for stem, html in decks(bundled_site).items():
        data = (bundled_pdfs / f"{stem}.pdf").read_bytes()
        assert pdf_pages(data) == html.count('class="remark-slide-container'), stem
        assert page_size_is(data, slide_width(html), 681)


def test_handout_keeps_the_last_step_of_each_build(bundled_pdfs, bundled_site):
    for stem, html in decks(bundled_site).items():
        data = (bundled_pdfs / f"{stem}-handout.pdf").read_bytes()
        assert pdf_pages(data) == steps(html).count(False), stem
        assert page_size_is(data, slide_width(html), round(slide_width(html) * 1.414))   # portrait


@pytest.mark.parametrize("driver", ["command", "playwright"])
def test_both_ways_of_driving_chromium(browser, drill_site, wide_site, tmp_path, driver):
    pages = {DRILL: drill_site / DRILL / "index.html", WIDE: wide_site / WIDE / "index.html"}
    jobs = [(pages[DRILL].as_uri(), tmp_path / "drill.pdf"), (pages[DRILL].as_uri() + "?handout", tmp_path / "handout.pdf"),
            (pages[WIDE].as_uri(), tmp_path / "wide.pdf")]
    print_in_subprocess(jobs, driver)
    drill = (tmp_path / "drill.pdf").read_bytes()
    assert pdf_pages(drill) == len(DRILL_SLIDES) == 14
    assert pdf_pages((tmp_path / "handout.pdf").read_bytes()) == 12             # a build of 3 steps prints once
    wide = (tmp_path / "wide.pdf").read_bytes()
    assert pdf_pages(wide) == 3
    assert page_size_is(wide, 1210, 681)
    assert page_size_is(drill, 908, 681)


def test_pdf_of_a_course_with_errors_prints_nothing(browser, tmp_path):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01-bad.md").write_text("template: nowhere\nclass: [\n\n# Bad\n", encoding="utf-8")
    (tmp_path / "course.toml").write_text("ratio = '5:4'\n", encoding="utf-8")
    result = run_build("pdf", "--slides", str(tmp_path / "slides"), "--out", str(tmp_path / "pdf"), cwd=tmp_path)
    assert result.returncode == 1
    assert "course.toml" in result.stderr
    assert not (tmp_path / "pdf").exists()


def test_without_a_browser_the_pdf_command_says_so(tmp_path):
    env = {**os.environ, "PODIUM_CHROMIUM": str(tmp_path / "no-chromium")}
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "--out", str(tmp_path / "pdf")], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("build.py: error: PODIUM_CHROMIUM") and "no-chromium" in lines[0]
    assert not (tmp_path / "pdf").exists()


# ---- print CSS in the browser -------------------------------------------------------------------------

def test_print_shows_every_slide_one_per_page(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#5"))
    page.emulate_media(media="print")
    boxes = page.eval_on_selector_all(".remark-slides-area > .remark-slide-container", """els => els.map(e => {
        const s = getComputedStyle(e); return [s.display, e.offsetWidth, e.offsetHeight, s.breakBefore]; })""")
    assert [b[:3] for b in boxes] == [["block", 908, 681]] * 14
    assert [b[3] for b in boxes] == ["auto"] + ["page"] * 13
    assert page.locator(".remark-slide-number").evaluate_all("els => els.every(e => e.offsetParent !== null)")
    assert page.locator(".remark-notes-area").is_hidden()


def test_handout_print_hides_earlier_steps_and_shows_notes(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "?handout"))
    page.emulate_media(media="print")
    shown = page.eval_on_selector_all(".remark-slides-area > .remark-slide-container",
                                      "els => els.map(e => getComputedStyle(e).display !== 'none')")
    assert shown == [True, True, False, False] + [True] * 10
    notes = page.locator("#slide-container-5 .remark-slide-notes")     # the build's last step
    assert notes.is_visible() and notes.inner_text().startswith("Build notes.")
    slide = page.locator("#slide-container-5 .remark-slide-content").bounding_box()
    assert notes.bounding_box()["y"] >= slide["y"] + slide["height"] - 1


# ---- the students' copy -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def students_site(tmp_path_factory) -> Path:
    return build_course(tmp_path_factory.mktemp("students"), {DRILL: drill_markdown()}, "--no-notes")


NOTE_TEXTS = ["Intro notes", "welcome", "Second notes", "Build notes", "Notes 8", "Notes 14"]


def test_no_notes_leaves_no_notes_text_in_the_html(students_site, drill_site):
    with_notes = (drill_site / DRILL / "index.html").read_text(encoding="utf-8")
    for text in NOTE_TEXTS:
        assert text in with_notes                        # the same course does have these notes
    for path in students_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".js", ".css"):
            content = path.read_text(encoding="utf-8")
            assert 'class="remark-slide-notes"' not in content
            for text in NOTE_TEXTS:
                assert text not in content, (path, text)


def test_no_notes_presenter_mode_has_nothing_to_show(page, deck_url, students_site):
    open_deck(page, deck_url(students_site, DRILL, "#p1"))
    assert page.evaluate("document.querySelector('.remark-notes').innerHTML") == ""
    for text in NOTE_TEXTS:
        assert text not in page.evaluate("document.documentElement.outerHTML")
