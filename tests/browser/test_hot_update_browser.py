"""Hot update in Chromium: a save puts the changed slides in place, without reloading the page."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from test_server import DevServer, write

pytestmark = pytest.mark.browser

MARK = """
window.__changes = [];
document.addEventListener('podium:change', function (e) { window.__changes.push([e.detail.index, e.detail.from]); });
"""
"""Added to every page before its scripts: every move it makes."""


def deck(titles: list[str], notes: bool = True) -> str:
    slides = [f"## {t}\n\nText of {t.lower()}." + (f"\n\n???\n\nNotes of {t.lower()}." if notes else "")
              for t in titles]
    return "\n\n---\n\n".join(slides) + "\n"


TITLES = [f"Slide {n}" for n in range(1, 11)]


def png(width: int, height: int) -> bytes:
    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def served(course: Path):
    write(course, "01-first.md", deck(TITLES))
    (course / "slides" / "theme.css").write_text(".remark-slide-content h2 { color: rgb(10, 20, 30); }\n",
                                               encoding="utf-8")
    (course / "course.toml").write_text('title = "Hot course"\nstylesheets = ["slides/theme.css"]\n', encoding="utf-8")
    running = DevServer(course)
    yield running
    running.stop()


def open_deck(page, server: DevServer, hash_: str = "") -> None:
    page.add_init_script(MARK)
    page.goto(f"{server.url}01-first/{hash_}")
    page.wait_for_function("window.podium && window.__changes.length > 0")
    mark_nodes(page)


def mark_nodes(page) -> None:
    """Give every slide element a property of its own (a node that stays keeps it), and the page a
    value a reload would lose."""
    page.evaluate("document.querySelectorAll('.remark-slide-container').forEach((n, i) => { n.__mark = i; });"
                  "window.__page = 'the same page'")


def marks(page) -> list:
    return page.evaluate("[...document.querySelectorAll('.remark-slide-container')].map(n => "
                         "n.__mark === undefined ? null : n.__mark)")


def visible_title(page) -> str:
    return page.locator(".remark-slide-container.remark-visible h2").inner_text()


def same_page(page) -> bool:
    return page.evaluate("window.__page") == "the same page"


def test_an_edit_replaces_only_that_slide(page, served: DevServer) -> None:
    open_deck(page, served, "#3")
    status = page.evaluate("document.querySelector('.podium-status').textContent")
    write(served.course, "01-first.md", deck(TITLES).replace("Text of slide 7.", "Slide 7, rewritten."))
    page.wait_for_function("document.querySelector('#slide-container-7').textContent.includes('rewritten')")
    assert same_page(page)
    assert marks(page) == [0, 1, 2, 3, 4, 5, None, 7, 8, 9]
    assert page.evaluate("podium.current()") == 2 and visible_title(page) == "Slide 3"
    assert page.evaluate("document.querySelector('.podium-status').textContent") == status  # nothing announced
    assert page.evaluate("window.__changes") == [[2, "start"]]
    assert page.locator(".remark-slide-container.remark-visible").count() == 1
    page.keyboard.press("End")
    page.wait_for_function("podium.current() === 9")
    assert "Slide 7, rewritten." in page.locator("#slide-container-7").text_content()
    assert page.outside_requests == []


def test_a_handout_shows_the_edited_notes_beside_their_slide(page, served: DevServer) -> None:
    page.add_init_script(MARK)
    page.goto(f"{served.url}01-first/?handout#2")
    page.wait_for_function("window.podium && window.__changes.length > 0")
    mark_nodes(page)
    beside = ("(n => n && n.parentElement.classList.contains('remark-slide-container'))"
              "(document.querySelector('#slide-container-2 .remark-slide-notes'))")
    assert page.evaluate(beside)
    write(served.course, "01-first.md", deck(TITLES).replace("Notes of slide 2.", "Notes of slide 2, rewritten."))
    page.wait_for_function("document.querySelector('#slide-container-2').textContent.includes('rewritten')")
    assert same_page(page) and page.evaluate(beside)
    page.emulate_media(media="print")
    notes = page.locator("#slide-container-2 > .remark-slide-notes")
    box, slide = notes.bounding_box(), page.locator("#slide-container-2 .remark-slide-scaler").bounding_box()
    assert box and slide and box["width"] > 100 and box["x"] >= slide["x"] + slide["width"] - 1  # beside it
    assert notes.inner_text().strip() == "Notes of slide 2, rewritten."


def test_a_new_slides_scripts_run_as_on_a_fresh_page(page, served: DevServer) -> None:
    script = "<script>(window.__ran = window.__ran || []).push('{}')</script>"
    write(served.course, "01-first.md", deck(TITLES).replace("Text of slide 4.", script.format("4 first")))
    served.wait_for(r"^rebuilt .*01-first\.md")
    open_deck(page, served, "#2")
    assert page.evaluate("window.__ran") == ["4 first"]
    write(served.course, "01-first.md", deck(TITLES).replace("Text of slide 4.", script.format("4 saved"))
          .replace("Text of slide 2.", "Slide 2, rewritten."))
    page.wait_for_function("window.__ran.length === 2")
    page.wait_for_function("document.querySelector('#slide-container-2').textContent.includes('rewritten')")
    assert same_page(page) and page.evaluate("window.__ran") == ["4 first", "4 saved"]  # slide 2 has none
    assert marks(page) == [0, None, 2, None, 4, 5, 6, 7, 8, 9]


def test_inserting_before_the_current_slide_keeps_it_on_screen(page, served: DevServer) -> None:
    open_deck(page, served, "#5")
    write(served.course, "01-first.md", deck(["New A", *TITLES[:2], "New B", *TITLES[2:]]))
    page.wait_for_function("podium.count() === 12")
    assert same_page(page)
    assert visible_title(page) == "Slide 5"
    assert page.evaluate("podium.current()") == 6
    assert page.url.endswith("#7")
    assert marks(page) == [None, 0, 1, None, 2, 3, 4, 5, 6, 7, 8, 9]
    assert page.locator("#slide-container-7 .remark-slide-number").inner_text() == "7 / 12"
    assert page.evaluate("window.__changes") == [[4, "start"], [6, "update"]]
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("podium.current() === 5")
    assert visible_title(page) == "Slide 4"
    write(served.course, "01-first.md", deck(TITLES[1:]))      # two inserted and the first removed
    page.wait_for_function("podium.count() === 9")
    assert visible_title(page) == "Slide 4" and page.evaluate("podium.current()") == 2 and same_page(page)


def test_an_edit_of_the_current_slide_shows_at_once_in_presenter_mode_and_the_audience_window(
        page, served: DevServer) -> None:
    open_deck(page, served, "#p4")
    with page.expect_popup() as popup_info:
        page.keyboard.press("c")
    audience = popup_info.value
    audience.wait_for_function("window.podium && podium.current() === 3")
    audience.evaluate("window.__audience = 'the same window'")
    page.keyboard.press("ArrowRight")                        # the first move starts the timer
    page.keyboard.press("ArrowLeft")
    audience.wait_for_function("podium.current() === 3")
    page.wait_for_timeout(1200)
    timer = page.locator(".remark-toolbar-timer")
    before = timer.inner_text()
    assert before != "0:00:00"
    text = deck(TITLES).replace("Text of slide 4.", "Slide 4, now with more.").replace(
        "Notes of slide 4.", "Fresh notes of slide 4.").replace("Text of slide 5.", "The next one, changed.")
    write(served.course, "01-first.md", text)
    page.wait_for_function("document.querySelector('.remark-notes').textContent.includes('Fresh notes')")
    assert same_page(page) and page.evaluate("[podium.current(), podium.presenter()]") == [3, True]
    assert "The next one, changed." in page.locator(".remark-preview-area").inner_text()
    audience.wait_for_function("document.querySelector('.remark-visible').textContent.includes('now with more')")
    assert audience.evaluate("window.__audience") == "the same window"
    assert audience.evaluate("[podium.current(), document.querySelectorAll('.remark-slide-notes').length]") == [3, 0]
    page.wait_for_function(f"document.querySelector('.remark-toolbar-timer').textContent !== '{before}'")
    assert page.evaluate("document.querySelector('.remark-toolbar-timer').classList.contains('podium-running')")
    page.keyboard.press("ArrowRight")
    audience.wait_for_function("podium.current() === 4")
    assert "The next one, changed." in audience.locator(".remark-visible").inner_text()


def test_a_broken_save_shows_the_problems_over_the_slides_and_the_fix_removes_them(page, served: DevServer) -> None:
    open_deck(page, served, "#2")
    write(served.course, "01-first.md", deck(TITLES) + "\n```python\nprint('open')\n")
    overlay = page.locator("#podium-dev-overlay")
    overlay.wait_for()
    assert "slides/01-first.md:" in overlay.inner_text() and "[unclosed-fence]" in overlay.inner_text()
    assert same_page(page) and marks(page) == list(range(10)) and visible_title(page) == "Slide 2"
    write(served.course, "01-first.md", deck(TITLES).replace("Text of slide 2.", "Mended."))
    page.wait_for_function("document.body.innerText.includes('Mended.')")
    page.wait_for_function("!document.getElementById('podium-dev-overlay')")
    assert same_page(page) and visible_title(page) == "Slide 2"
    assert marks(page) == [0, None, 2, 3, 4, 5, 6, 7, 8, 9]


def test_a_stylesheet_edit_applies_without_a_reload(page, served: DevServer) -> None:
    open_deck(page, served, "#2")
    colour = "getComputedStyle(document.querySelector('.remark-visible h2')).color"
    assert page.evaluate(colour) == "rgb(10, 20, 30)"
    mark = len(served.lines)
    (served.course / "slides" / "theme.css").write_text(".remark-slide-content h2 { color: rgb(200, 0, 0); }\n",
                                                      encoding="utf-8")
    page.wait_for_function(f"{colour} === 'rgb(200, 0, 0)'")
    assert same_page(page) and marks(page) == list(range(10))
    assert page.locator('link[rel="stylesheet"][href*="theme.css"]').count() == 1
    served.wait_for(r"^rebuilt slides/theme\.css in \d+ ms$", start=mark)


def test_an_image_saved_again_shows_its_new_version(page, served: DevServer) -> None:
    mark = len(served.lines)
    (served.course / "slides" / "picture.png").write_bytes(png(40, 20))
    write(served.course, "01-first.md", deck(TITLES).replace("Text of slide 2.", "![a picture](picture.png)"))
    served.wait_for(r"^rebuilt .*01-first\.md", start=mark)
    page.add_init_script(MARK)
    page.goto(f"{served.url}01-first/#2")
    page.wait_for_function("(i => i && i.complete && i.naturalWidth === 40)(document.querySelector('.remark-visible img'))")
    mark_nodes(page)
    (served.course / "slides" / "picture.png").write_bytes(png(80, 30))
    page.wait_for_function("document.querySelector('.remark-visible img').naturalWidth === 80")
    assert same_page(page)


def test_course_settings_still_reload_the_page(page, served: DevServer) -> None:
    open_deck(page, served, "#3")
    (served.course / "course.toml").write_text('title = "Renamed course"\nstylesheets = ["slides/theme.css"]\n',
                                               encoding="utf-8")
    page.wait_for_function("window.podium && document.readyState === 'complete' && document.title.includes('Renamed')")
    assert not same_page(page) and marks(page) == [None] * 10    # a new page: every node is new
    assert visible_title(page) == "Slide 3"


def test_a_template_edit_reloads_the_page(page, course: Path, tmp_path: Path) -> None:
    """Podium run from a copy of itself, whose templates the test may edit."""
    import shutil

    from test_server import ROOT

    app = tmp_path / "app"
    shutil.copytree(ROOT / "podium", app / "podium", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", app / "build.py")
    write(course, "01-first.md", deck(TITLES))
    server = DevServer(course, script=app / "build.py")
    try:
        open_deck(page, server, "#3")
        template = app / "podium" / "templates" / "slide.html"
        template.write_text(template.read_text().replace('role="group"', 'role="group" data-edited="yes"'))
        page.wait_for_function("document.querySelector('.remark-visible[data-edited=\"yes\"]')")
        page.wait_for_function("window.podium && document.readyState === 'complete'")
        assert not same_page(page) and marks(page) == [None] * 10     # reloaded: every node is new
        assert visible_title(page) == "Slide 3" and page.evaluate("podium.current()") == 2
    finally:
        server.stop()
