"""Print CSS, `python build.py pdf [--handout [--paper a4|letter]]`, and the students' copy (`build --no-notes`)."""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from helpers import (DRILL, DRILL_SLIDES, WIDE, build_course, deck_url, drill_markdown,  # noqa: F401
                     drill_site, http_base, open_deck, pdf_page_sizes, pdf_pages, wide_site)

pytestmark = pytest.mark.browser

PX = 0.75                                                # CSS px -> PDF points
PAPER = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
"""Paper sizes in points."""
ROWS_PER_PAGE = {"4:3": 3, "16:9": 4}
"""Handout rows (a slide and its short notes) that fit on a page, on A4 and on Letter alike."""
HANDOUT_SLIDE_PX = 381                                   # width of a slide in the handout, any ratio
DRILL_ROWS = 12                                          # the drill's 14 slides, a build of 3 steps printed once


@pytest.fixture
def poppler() -> None:
    """poppler-utils' pdftoppm and pdftotext (skips locally without them; fails in CI, which installs them)."""
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        reason = "poppler-utils (pdftoppm, pdftotext) is not installed (apt-get install poppler-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def steps(page_html: str) -> list[bool]:
    """Per slide: True when it is an earlier step of a `--` build (the next slide continues it)."""
    continued = [bool(m) for m in re.findall(r'<div class="remark-slide( remark-slide-incremental)?">', page_html)]
    return [i + 1 < len(continued) and continued[i + 1] for i in range(len(continued))]


def decks(site: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in sorted(site.glob("*/index.html"))}


def slide_width(page_html: str) -> int:
    return 1210 if re.search(r'<body[^>]* data-ratio="16:9"', page_html) else 908


def page_size_is(data: bytes, width_px: float, height_px: float) -> bool:
    """Every page of the PDF has this size (Chromium rounds to its own units: within half a point)."""
    return paper_is(data, (width_px * PX, height_px * PX))


def paper_is(data: bytes, paper: str | tuple[float, float]) -> bool:
    """Every page of the PDF is this paper ('a4', 'letter' or a size in points), within half a point."""
    width, height = PAPER[paper] if isinstance(paper, str) else paper
    sizes = pdf_page_sizes(data)
    return bool(sizes) and all(abs(w - width) < 0.5 and abs(h - height) < 0.5 for w, h in sizes)


def print_in_subprocess(jobs: list[tuple[str, Path]], driver: str) -> None:
    """`podium.pdf.print_pages` in its own process (this one already runs Playwright for the fixtures)."""
    code = ("import sys; from pathlib import Path; from podium.pdf import find_chromium, print_pages; "
            "args = sys.argv[2:]; print_pages(find_chromium(), [(args[i], Path(args[i + 1])) "
            "for i in range(0, len(args), 2)], sys.argv[1])")
    flat = [str(x) for job in jobs for x in job]
    result = subprocess.run([sys.executable, "-c", code, driver, *flat], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def page_texts(path: Path) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext)."""
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def inked_bottoms(path: Path, folder: Path) -> list[float]:
    """Per page, how far down the lowest non-white pixel is (0 top .. 1 bottom), from pdftoppm's greyscale."""
    subprocess.run(["pdftoppm", "-gray", "-r", "24", str(path), str(folder / "page")], check=True)
    bottoms = []
    for image in sorted(folder.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
        magic, width, height, _, pixels = image.read_bytes().split(maxsplit=4)
        width, height = int(width), int(height)
        assert magic == b"P5" and len(pixels) == width * height
        rows = [y for y in range(height) if min(pixels[y * width:(y + 1) * width]) < 245]
        bottoms.append((rows[-1] + 1) / height if rows else 0.0)
    return bottoms


# ---- purpose-made decks for the handout ------------------------------------------------------------

WIDE_HANDOUT = "01-wide-handout"
WIDE_HANDOUT_SLIDES = 9                                   # 16:9, four rows a page: 4 + 4 + 1
LONG = "01-long"
LONG_POINTS = 28
"""The notes of the long deck's third slide: 28 one-line points, more than the space left under two rows
(so the row moves to the next page whole) and less than a page."""


def long_markdown() -> str:
    notes = ["", "", "\n".join(f"- point {n}" for n in range(1, LONG_POINTS + 1)), "", ""]
    return "\n---\n\n".join(f"# Long {n}\n\nText {n}.\n\n???\n\n{notes[n - 1] or f'Short notes {n}.'}\n"
                            for n in range(1, 6))


@pytest.fixture(scope="module")
def handout_sites(tmp_path_factory) -> dict[str, Path]:
    """Deck name -> its index.html: a 16:9 deck of 9 slides with notes, and a 4:3 deck with one long note."""
    wide = "\n---\n\n".join(f"# Wide {n}\n\nText {n}.\n\n???\n\nWide notes {n}."
                            for n in range(1, WIDE_HANDOUT_SLIDES + 1))
    wide_site = build_course(tmp_path_factory.mktemp("wide-handout"), {WIDE_HANDOUT: wide}, toml='ratio = "16:9"\n')
    long_site = build_course(tmp_path_factory.mktemp("long"), {LONG: long_markdown()})
    return {WIDE_HANDOUT: wide_site / WIDE_HANDOUT / "index.html", LONG: long_site / LONG / "index.html"}


@pytest.fixture(scope="module")
def handouts(browser, drill_site, handout_sites, tmp_path_factory) -> Path:
    """`DECK-PAPER.pdf` for the drill, the 16:9 and the long deck on both papers, printed as `pdf` prints."""
    out = tmp_path_factory.mktemp("handouts")
    pages = {DRILL: drill_site / DRILL / "index.html", **handout_sites}
    print_in_subprocess([(path.as_uri() + f"?handout&paper={paper}", out / f"{deck}-{paper}.pdf")
                         for deck, path in pages.items() for paper in PAPER], "auto")
    return out


# ---- the pdf command -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled_pdfs(browser, tmp_path_factory) -> Path:
    """The bundled course: `pdf` into OUT, `pdf --handout` into OUT/a4, `... --paper letter` into OUT/letter."""
    out = tmp_path_factory.mktemp("pdf")
    runs = ((out, ()), (out / "a4", ("--handout",)), (out / "letter", ("--handout", "--paper", "letter")))
    for folder, flags in runs:
        result = run_build("pdf", "--out", str(folder), *flags, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert "PDF file(s)" in result.stdout
    return out


def test_one_page_per_slide_at_the_decks_ratio(bundled_pdfs, bundled_site):
    for stem, html in decks(bundled_site).items():
        data = (bundled_pdfs / f"{stem}.pdf").read_bytes()
        assert pdf_pages(data) == html.count('class="remark-slide-container'), stem
        assert page_size_is(data, slide_width(html), 681)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_bundled_handout_is_on_paper_with_slides_packed(bundled_pdfs, bundled_site, paper):
    for stem, html in decks(bundled_site).items():
        data = (bundled_pdfs / paper / f"{stem}-handout.pdf").read_bytes()
        rows = steps(html).count(False)                   # the last step of each build, once
        assert paper_is(data, paper), (stem, pdf_page_sizes(data))
        assert math.ceil(rows / 3) <= pdf_pages(data) <= math.ceil(rows / 2), (stem, rows, pdf_pages(data))


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("deck, rows, ratio", [(DRILL, DRILL_ROWS, "4:3"), (WIDE_HANDOUT, WIDE_HANDOUT_SLIDES, "16:9")])
def test_handout_page_count_and_size(handouts, deck, rows, ratio, paper):
    data = (handouts / f"{deck}-{paper}.pdf").read_bytes()
    assert paper_is(data, paper), pdf_page_sizes(data)
    assert pdf_pages(data) == math.ceil(rows / ROWS_PER_PAGE[ratio])     # drill 4, 16:9 deck 3


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_row_too_long_for_the_space_left_moves_to_the_next_page_whole(handouts, paper):
    data = (handouts / f"{LONG}-{paper}.pdf").read_bytes()
    assert paper_is(data, paper)
    assert pdf_pages(data) == 3                           # [1, 2], [3 and its long notes, 4], [5]


@pytest.mark.usefixtures("poppler")
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_handout_rows_in_order_with_their_notes(handouts, paper):
    texts = page_texts(handouts / f"{DRILL}-{paper}.pdf")
    assert len(texts) == 4
    whole = "\n".join(texts)
    assert whole.count("Build notes.") == 1 and whole.count("Introduction") == 1    # a build prints once
    assert "three" in whole                                                          # ... as its last step
    assert re.findall(r"\bSlide \d+\b", whole) == [f"Slide {n}" for n in range(8, 15)]      # in order
    for n in range(8, 15):                                # each slide on the same page as its notes
        slide_on = [i for i, text in enumerate(texts) if re.search(rf"\bSlide {n}\b", text)]
        assert slide_on == [i for i, text in enumerate(texts) if f"Notes {n}." in text] and len(slide_on) == 1, n
    long = page_texts(handouts / f"{LONG}-{paper}.pdf")
    assert [sorted(set(re.findall(r"Long \d", t))) for t in long] == [["Long 1", "Long 2"], ["Long 3", "Long 4"],
                                                                       ["Long 5"]]
    assert re.findall(r"\bpoint \d+\b", long[1]) == [f"point {n}" for n in range(1, LONG_POINTS + 1)]


@pytest.mark.usefixtures("poppler")
@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("deck", [DRILL, WIDE_HANDOUT])
def test_no_half_empty_pages(handouts, tmp_path, deck, paper):
    bottoms = inked_bottoms(handouts / f"{deck}-{paper}.pdf", tmp_path)
    assert len(bottoms) >= 3
    assert all(b > 0.8 for b in bottoms[:-1]), bottoms    # every page but the last is printed to near its foot
    assert 0 < bottoms[-1]


@pytest.mark.parametrize("driver", ["command", "playwright"])
def test_both_ways_of_driving_chromium(browser, drill_site, wide_site, tmp_path, driver):
    pages = {DRILL: drill_site / DRILL / "index.html", WIDE: wide_site / WIDE / "index.html"}
    jobs = [(pages[DRILL].as_uri(), tmp_path / "drill.pdf"),
            (pages[DRILL].as_uri() + "?handout&paper=a4", tmp_path / "handout.pdf"),
            (pages[DRILL].as_uri() + "?handout&paper=letter", tmp_path / "letter.pdf"),
            (pages[WIDE].as_uri(), tmp_path / "wide.pdf")]
    print_in_subprocess(jobs, driver)
    drill = (tmp_path / "drill.pdf").read_bytes()
    assert pdf_pages(drill) == len(DRILL_SLIDES) == 14
    handout = (tmp_path / "handout.pdf").read_bytes()
    assert pdf_pages(handout) == 4 and paper_is(handout, "a4")       # 12 rows, a build of 3 steps printed once
    letter = (tmp_path / "letter.pdf").read_bytes()
    assert pdf_pages(letter) == 4 and paper_is(letter, "letter")
    wide = (tmp_path / "wide.pdf").read_bytes()
    assert pdf_pages(wide) == 3
    assert page_size_is(wide, 1210, 681)
    assert page_size_is(drill, 908, 681)


def test_pdf_of_a_course_with_errors_prints_nothing(browser, tmp_path):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01-bad.md").write_text("template: nowhere\nclass: [\n\n# Bad\n", encoding="utf-8")
    (tmp_path / "course.toml").write_text("ratio = 'wide'\n", encoding="utf-8")
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


@pytest.mark.parametrize("flags, message", [(["--paper", "letter"], "--paper is the handout's paper"),
                                            (["--handout", "--paper", "a5"], "invalid choice: 'a5'")])
def test_paper_is_for_the_handout_and_a4_or_letter(tmp_path, flags, message):
    result = run_build("pdf", "--out", str(tmp_path / "pdf"), *flags, cwd=ROOT)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "pdf").exists()


# ---- print CSS in the browser -------------------------------------------------------------------------

def test_print_shows_every_slide_one_per_page(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#5"))
    page.emulate_media(media="print")
    boxes = page.eval_on_selector_all(".remark-slides-area > .remark-slide-container", """els => els.map(e => {
        const s = getComputedStyle(e); return [s.display, e.offsetWidth, e.offsetHeight, s.breakBefore]; })""")
    assert [b[:3] for b in boxes] == [["block", 908, 681]] * 14
    assert [b[3] for b in boxes] == ["auto"] + ["page"] * 13
    assert page.evaluate("getComputedStyle(document.querySelector('.remark-slides-area')).page") == "auto"
    assert page.locator(".remark-slide-number").evaluate_all("els => els.every(e => e.offsetParent !== null)")
    assert page.locator(".remark-notes-area").is_hidden()
    assert page.locator(".remark-slide-notes").evaluate_all("els => els.every(e => e.offsetParent === null)")


ROWS_JS = """() => {
    const box = e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
    return [...document.querySelectorAll('.remark-slides-area > .remark-slide-container')].map(row => {
        const style = getComputedStyle(row), notes = row.querySelector('.remark-slide-notes');
        return {shown: style.display !== 'none', breakBefore: style.breakBefore, breakInside: style.breakInside,
                row: box(row), slide: box(row.querySelector('.remark-slide-scaler')),
                number: row.querySelector('.remark-slide-number').offsetParent !== null,
                notes: notes && notes.offsetParent !== null ? box(notes) : null,
                text: notes ? notes.innerText.trim() : ''};
    });
}"""


def assert_handout_rows(page, ratio: str, paper_height_px: float) -> None:
    """Only the last step of each build; each row a small slide with its notes to its right; rows packed."""
    rows = page.evaluate(ROWS_JS)
    assert [r["shown"] for r in rows] == [True, True, False, False] + [True] * 10
    rows = [r for r in rows if r["shown"]]
    width = 1210 if ratio == "16:9" else 908
    for row in rows:
        slide = row["slide"]
        assert abs(slide["w"] - HANDOUT_SLIDE_PX) < 1 and abs(slide["h"] - HANDOUT_SLIDE_PX * 681 / width) < 1
        assert row["number"]
        assert row["breakBefore"] == "auto" and row["breakInside"] == "avoid"
        assert (row["notes"] is not None) == bool(row["text"])           # notes print, where there are any
        if row["notes"]:                                  # beside the slide, from its top
            assert row["notes"]["x"] >= slide["x"] + slide["w"] + 10
            assert abs(row["notes"]["y"] - slide["y"]) < 1
    assert rows[2]["text"].startswith("Build notes.")     # the build's last step, with its notes
    assert rows[4]["notes"] is None                       # a slide without notes still takes a row
    for before, after in zip(rows, rows[1:]):             # one after the other, no gaps ...
        assert abs(after["row"]["y"] - (before["row"]["y"] + before["row"]["h"])) < 1
    content = paper_height_px - 2 * 12 * 96 / 25.4        # ... and as many as fit in a page's height
    assert ROWS_PER_PAGE[ratio] * max(r["row"]["h"] for r in rows) <= content
    assert (ROWS_PER_PAGE[ratio] + 1) * min(r["row"]["h"] for r in rows) > content


@pytest.mark.parametrize("paper, page_name, height_px", [("", "podium-a4", 297 * 96 / 25.4),
                                                         ("&paper=a4", "podium-a4", 297 * 96 / 25.4),
                                                         ("&paper=letter", "podium-letter", 11 * 96)])
def test_handout_print_layout(page, deck_url, drill_site, paper, page_name, height_px):
    open_deck(page, deck_url(drill_site, DRILL, "?handout" + paper))
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.remark-slides-area')).page") == page_name
    assert_handout_rows(page, "4:3", height_px)


def test_printing_from_presenter_mode_gives_the_handout(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p3"))
    page.wait_for_function("podium.presenter()")
    page.emulate_media(media="print")
    page.evaluate("dispatchEvent(new Event('beforeprint'))")     # what the browser does before printing
    assert page.evaluate("getComputedStyle(document.querySelector('.remark-slides-area')).page") == "podium-a4"
    assert_handout_rows(page, "4:3", 297 * 96 / 25.4)
    page.emulate_media(media="null")                             # screen again (page.pdf prints with print media)
    assert page.locator(".remark-notes").inner_text().startswith("Build notes.")    # presenter mode still works
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf_pages(data) == 4 and paper_is(data, "a4")


def test_handout_of_a_wide_deck_in_the_browser(page, deck_url, handout_sites):
    open_deck(page, deck_url(handout_sites[WIDE_HANDOUT].parent.parent, WIDE_HANDOUT, "?handout&paper=letter"))
    page.emulate_media(media="print")
    rows = page.evaluate(ROWS_JS)
    assert len(rows) == WIDE_HANDOUT_SLIDES
    assert all(abs(r["slide"]["w"] - HANDOUT_SLIDE_PX) < 1 and abs(r["slide"]["h"] - HANDOUT_SLIDE_PX * 681 / 1210) < 1
               for r in rows)
    assert all(r["notes"] and r["notes"]["x"] >= r["slide"]["x"] + r["slide"]["w"] for r in rows)
    assert 4 * max(r["row"]["h"] for r in rows) <= 11 * 96 - 2 * 12 * 96 / 25.4


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
