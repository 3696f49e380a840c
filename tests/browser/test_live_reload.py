"""Live reload in Chromium (`serve --reload`: the whole page reloads on every save, as it does
for a template change): edits show up, the place is kept by identity, errors show over the page.
(Without --reload the slides are updated in place: test_hot_update.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_server import DevServer, eventually, write

pytestmark = pytest.mark.browser

RECORD_CHANGES = """
window.__changes = [];
document.addEventListener('podium:change', function (e) { window.__changes.push(e.detail.index); });
"""
"""Every slide the runtime shows, from the first one (added to every page before its scripts)."""


def deck(*titles: str, named: dict[str, str] | None = None) -> str:
    """A session with one slide per title (a `name:` for the titles in `named`)."""
    named = named or {}
    slides = [(f"name: {named[t]}\n\n" if t in named else "") + f"## {t}\n\nText of {t.lower()}." for t in titles]
    return "\n\n---\n\n".join(slides) + "\n"


TITLES = [f"Slide {n}" for n in range(1, 9)]


@pytest.fixture
def served(course: Path):
    write(course, "01-first.md", deck(*TITLES))
    write(course, "02-second.md", deck("Other deck", "Other two"))
    running = DevServer(course, "--reload")
    yield running
    running.stop()


def open_deck(page, server: DevServer, hash_: str = "", stem: str = "01-first"):
    page.add_init_script(RECORD_CHANGES)
    page.goto(f"{server.url}{stem}/{hash_}")
    page.wait_for_function("window.podium && window.__changes.length > 0")
    mark_loaded(page)


def mark_loaded(page) -> None:
    page.evaluate("window.__old = true")


def wait_reloaded(page, timeout: float = 15000) -> None:
    page.wait_for_function("!window.__old && window.podium && document.readyState === 'complete'", timeout=timeout)


def visible_title(page) -> str:
    return page.locator(".remark-slide-container.remark-visible h2").inner_text()


def test_an_edit_shows_up_without_touching_the_browser(page, served: DevServer) -> None:
    open_deck(page, served, "#3")
    write(served.course, "01-first.md", deck(*TITLES).replace("Text of slide 3.", "Freshly written."))
    page.wait_for_function("document.body && document.body.innerText.includes('Freshly written.')", timeout=15000)
    assert page.evaluate("podium.current()") == 2
    assert page.outside_requests == []


def test_inserting_slides_before_keeps_the_same_slide(page, served: DevServer) -> None:
    open_deck(page, served, "#5")
    assert visible_title(page) == "Slide 5"
    write(served.course, "01-first.md", deck("New A", *TITLES[:2], "New B", *TITLES[2:]))
    wait_reloaded(page)
    assert visible_title(page) == "Slide 5"
    assert page.evaluate("podium.current()") == 6
    assert page.url.endswith("#7")
    assert page.evaluate("window.__changes") == [6], "another slide was shown before the kept one"


def test_an_edited_current_slide_is_found_next_to_its_neighbours(page, served: DevServer) -> None:
    open_deck(page, served, "#4")
    titles = ["New A", *TITLES]
    titles[4] = "Slide 4, reworded"
    write(served.course, "01-first.md", deck(*titles))
    wait_reloaded(page)
    assert visible_title(page) == "Slide 4, reworded"


def test_a_named_slide_is_found_by_its_name(page, served: DevServer) -> None:
    write(served.course, "01-first.md", deck(*TITLES, named={"Slide 6": "goal"}))
    eventually(lambda: 'data-name="goal"' in served.text("/01-first/"))
    page.add_init_script(RECORD_CHANGES)
    page.goto(f"{served.url}01-first/#goal")
    page.wait_for_function("window.podium && podium.current() === 5")
    mark_loaded(page)
    titles = ["New A", "New B", *TITLES]
    titles[7] = "Slide 6 with a new title"
    write(served.course, "01-first.md", deck(*titles, named={"Slide 6 with a new title": "goal"}))
    wait_reloaded(page)
    assert visible_title(page) == "Slide 6 with a new title"
    assert page.evaluate("podium.current()") == 7


def test_presenter_mode_and_the_audience_window_stay_together(page, served: DevServer) -> None:
    open_deck(page, served, "#p3")
    assert page.evaluate("podium.presenter()") is True
    with page.expect_popup() as popup_info:
        page.keyboard.press("c")
    audience = popup_info.value
    audience.wait_for_function("window.podium && podium.current() === 2")
    mark_loaded(audience)
    page.keyboard.press("ArrowRight")
    audience.wait_for_function("podium.current() === 3")
    write(served.course, "01-first.md", deck("New A", "New B", *TITLES))
    wait_reloaded(page)
    wait_reloaded(audience)
    assert page.evaluate("[podium.current(), podium.presenter()]") == [5, True]
    assert page.url.endswith("#p6")
    audience.wait_for_function("podium.current() === 5")
    assert visible_title(audience) == "Slide 4"
    assert audience.evaluate("podium.presenter()") is False


def test_a_broken_deck_shows_the_errors_and_the_next_good_save_clears_them(page, served: DevServer) -> None:
    open_deck(page, served, "#2")
    write(served.course, "01-first.md", deck(*TITLES) + "\n```python\nprint('open')\n")
    wait_reloaded(page)
    overlay = page.locator("#podium-dev-overlay")
    overlay.wait_for()
    assert "slides/01-first.md:" in overlay.inner_text() and "[unclosed-fence]" in overlay.inner_text()
    assert visible_title(page) == "Slide 2", "the last good page stays usable"
    other = page.context.new_page()
    other.goto(f"{served.url}02-second/")
    other.wait_for_function("window.podium && podium.count() === 2")
    assert other.locator("#podium-dev-overlay").count() == 0
    mark_loaded(page)
    write(served.course, "01-first.md", deck(*TITLES).replace("Text of slide 2.", "Mended."))
    wait_reloaded(page)
    page.wait_for_function("document.body && document.body.innerText.includes('Mended.')")
    assert page.locator("#podium-dev-overlay").count() == 0
    assert visible_title(page) == "Slide 2"


def test_without_the_runtime_the_hash_keeps_the_place(page, served: DevServer) -> None:
    page.route("**/static/podium*.js", lambda route: route.fulfill(status=200, body="", content_type="text/javascript"))
    page.goto(f"{served.url}01-first/#5")
    page.wait_for_load_state("load")
    mark_loaded(page)
    write(served.course, "01-first.md", deck("New A", "New B", *TITLES))
    page.wait_for_function("!window.__old && document.readyState === 'complete'", timeout=15000)
    assert page.evaluate("location.hash") == "#7"
    assert page.locator("#slide-container-7 h2").inner_text() == "Slide 5"


# ---- the layout check while writing --------------------------------------------------------------

def test_what_does_not_fit_shows_in_the_overlay_and_goes_when_fixed(page, course: Path) -> None:
    items = "\n".join(f"- item {n}" for n in range(1, 25))
    write(course, "01-first.md", f"# Fits\n\n---\n\n# Too long\n\n{items}\n")
    running = DevServer(course, "--reload")
    try:
        open_deck(page, running, "#2")
        panel = page.locator("#podium-dev-layout")
        panel.wait_for(timeout=20000)
        assert "Layout: 1 problem on the slides" in panel.inner_text()
        assert ('slides/01-first.md:30:1: warning: the slide\'s content is 12 px taller than the slide; '
                'the list item "item 24" is the first that does not fit [overflow] (slide 2)') in panel.inner_text()
        assert page.locator("#podium-dev-overlay").count() == 0          # not a build error
        running.wait_for(r"layout of 01-first: 1 problem\(s\) on its slides")
        mark_loaded(page)
        write(course, "01-first.md", f"# Fits\n\n---\n\n# Short enough\n\n{items.rsplit(chr(10), 2)[0]}\n")
        wait_reloaded(page)
        page.wait_for_function("!document.getElementById('podium-dev-layout')", timeout=20000)
        assert page.locator(".remark-slides-area > .remark-visible h1").inner_text() == "Short enough"
        running.wait_for(r"layout of 01-first: no problem\(s\) on its slides")
    finally:
        running.stop()
