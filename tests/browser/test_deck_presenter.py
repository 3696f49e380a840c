"""Presenter mode, the audience window, help, blackout/mirror/fullscreen, and accessibility."""

from __future__ import annotations

import re

import pytest

from helpers import (BUNDLED_DECK, DRILL, DRILL_NUMBERS, PLAIN, WIDE, assert_offline, body_classes,  # noqa: F401
                     deck_url, drill_site, http_base, open_deck, shown, wait_shown, wide_site)

pytestmark = pytest.mark.browser

# Every key the issue names, as the runtime's key table spells it.
REMARK_KEYS = ["ArrowLeft", "ArrowUp", "PageUp", "k", "Shift+Space", "ArrowRight", "ArrowDown", "PageDown",
               "Space", "j", "Home", "End", "0-9", "Enter", "b", "m", "f", "c", "p", "s", "t", "h", "?", "Escape"]


def notes_html(page, index: int) -> str:
    return page.evaluate(f"(document.querySelector('#slide-container-{index + 1} .remark-slide-notes') || {{}})"
                         ".innerHTML || ''")


def pane(page, selector: str) -> str:
    return page.locator(selector).inner_text().strip()


# ---- presenter mode ------------------------------------------------------------------------------

def test_presenter_mode_shows_notes_next_slide_and_position(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#2"))
    page.keyboard.press("p")
    page.wait_for_function("podium.presenter()")
    assert "remark-presenter-mode" in body_classes(page)
    assert page.evaluate("location.hash") == "#p2"
    # the current slide's notes, rendered Markdown
    assert page.locator(".remark-notes strong").inner_text() == "bold"
    assert page.locator(".remark-notes code").inner_text() == "code"
    assert page.evaluate("document.querySelector('.remark-notes').innerHTML") == notes_html(page, 1)
    assert pane(page, ".remark-notes-preview") == "Build notes."
    # the next slide, as a preview copy that does not take the slide's ids or notes
    preview = page.locator(".remark-preview-area .remark-slide-container")
    assert preview.count() == 1
    assert preview.locator("h1").inner_text() == "Build"
    assert preview.evaluate("e => [e.id, e.querySelectorAll('[id], .remark-slide-notes').length]") == ["", 0]
    assert pane(page, ".podium-position") == "Slide 2 / 13"
    page.keyboard.press("ArrowRight")
    wait_shown(page, 2)
    assert pane(page, ".remark-notes") == "Build notes."
    assert preview.locator("li").all_inner_texts() == ["one", "two"]
    assert page.evaluate("location.hash") == "#p3"
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    wait_shown(page, 5)
    assert page.evaluate("document.querySelector('.remark-notes').innerHTML") == ""   # no notes on this slide
    assert pane(page, ".remark-notes-preview") == ""
    page.keyboard.press("p")
    page.wait_for_function("!podium.presenter()")
    assert "remark-presenter-mode" not in body_classes(page)
    assert page.evaluate("location.hash") == "#6"
    assert page.outside_requests == []


def test_presenter_layout_keeps_the_slide_in_its_area(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p1"))
    area = page.locator(".remark-slides-area").bounding_box()
    slide = page.locator(".remark-slides-area > .remark-visible .remark-slide-scaler").bounding_box()
    assert area["width"] < 1024 * 0.7
    assert slide["x"] >= area["x"] - 1 and slide["x"] + slide["width"] <= area["x"] + area["width"] + 1
    assert slide["y"] >= area["y"] - 1 and slide["y"] + slide["height"] <= area["y"] + area["height"] + 1
    assert slide["width"] / slide["height"] == pytest.approx(908 / 681, rel=0.01)
    notes = page.locator(".remark-notes-area").bounding_box()
    assert notes["x"] >= area["x"] + area["width"]


WALK = """() => {
  const text = e => e ? e.textContent : '';
  const found = [];
  for (let i = 0; i < podium.count(); i++) {
    podium.goto(i);
    const own = document.querySelector(`#slide-container-${i + 1} .remark-slide-notes`);
    const next = document.querySelector(`#slide-container-${i + 2} .remark-slide-content`);
    found.push([podium.current(), document.querySelector('.remark-notes').innerHTML, own ? own.innerHTML : '',
                text(document.querySelector('.remark-preview-area .remark-slide-content')), text(next)]);
  }
  return found;
}"""


def test_presenter_notes_match_every_slide_of_the_bundled_course(page, deck_url, bundled_site):
    for deck in sorted(p.parent.name for p in bundled_site.glob("*/index.html")):
        open_deck(page, deck_url(bundled_site, deck, "#p1"))
        for index, (current, notes, own_notes, preview, next_slide) in enumerate(page.evaluate(WALK)):
            assert current == index
            assert notes == own_notes, (deck, index)
            assert preview == next_slide, (deck, index)
    assert_offline(page, bundled_site)


def test_timer_starts_on_the_first_move_and_s_t_control_it(page, deck_url, drill_site):
    page.clock.install()
    open_deck(page, deck_url(drill_site, DRILL, "#p1"))
    timer = page.locator(".remark-toolbar-timer")
    page.clock.run_for(5000)
    assert timer.inner_text() == "0:00:00"               # not before the first move
    page.keyboard.press("ArrowRight")
    page.clock.run_for(65_500)                           # the display ticks 4 times a second
    assert timer.inner_text() == "0:01:05"
    page.keyboard.press("s")                             # stop
    page.clock.run_for(10_000)
    assert timer.inner_text() == "0:01:05"
    page.keyboard.press("ArrowRight")                    # a stopped timer is not restarted by moving
    page.clock.run_for(10_000)
    assert timer.inner_text() == "0:01:05"
    page.keyboard.press("s")                             # start again
    page.clock.run_for(3_000)
    assert timer.inner_text() == "0:01:08"
    page.keyboard.press("t")                             # reset
    assert timer.inner_text() == "0:00:00"
    page.clock.run_for(3_000)
    assert timer.inner_text() == "0:00:00"
    page.keyboard.press("ArrowRight")                    # after a reset the next move starts it
    page.clock.run_for(2_500)
    assert timer.inner_text() == "0:00:02"
    clock = page.locator(".podium-clock").inner_text()
    assert re.fullmatch(r"\d\d:\d\d", clock)
    # the display ticks 4 times a second: it may still show the minute of a moment ago
    assert clock in page.evaluate("[0, 1000].map(ago => (d => String(d.getHours()).padStart(2, '0') + ':' + "
                                  "String(d.getMinutes()).padStart(2, '0'))(new Date(Date.now() - ago)))")


def test_pacing_shows_ahead_or_behind_the_planned_duration(page, deck_url, drill_site):
    """The drill plans 10 minutes for 14 slides: slide index 7 is due at 5:00."""
    page.clock.install()
    open_deck(page, deck_url(drill_site, DRILL, "#p1"))
    pacing = page.locator(".podium-pacing")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    wait_shown(page, 7)
    page.clock.run_for(60_500)                           # due in 4:00 less half a second
    assert pacing.inner_text() == "3:59 ahead"
    assert "podium-ahead" in pacing.get_attribute("class")
    page.clock.run_for(230_000)
    assert pacing.inner_text() == "on time"
    page.clock.run_for(170_000)
    assert pacing.inner_text() == "2:40 behind"
    assert "podium-behind" in pacing.get_attribute("class")


def test_pacing_from_course_toml_and_none_without_a_duration(page, deck_url, drill_site, wide_site):
    open_deck(page, deck_url(wide_site, WIDE, "#p2"))    # course.toml: 5 minutes for 3 slides
    assert page.locator(".podium-pacing").inner_text() == "1:40 ahead"
    open_deck(page, deck_url(drill_site, PLAIN, "#p1"))
    assert page.locator(".podium-pacing").is_hidden()


def test_notes_font_bigger_and_smaller_by_key_and_by_button(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p1"))
    size = lambda: float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.remark-notes')).fontSize)"))
    start = size()
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert size() == pytest.approx(start * 1.2, rel=0.01)
    page.keyboard.press("-")
    assert size() == pytest.approx(start * 1.1, rel=0.01)
    page.locator(".podium-notes-smaller").focus()          # the toolbar works by keyboard too
    page.keyboard.press("Enter")
    assert size() == pytest.approx(start, rel=0.01)
    assert shown(page) == 0                               # Enter on a button is the button's
    page.locator(".podium-notes-bigger").click()
    assert size() == pytest.approx(start * 1.1, rel=0.01)


# ---- the audience window ------------------------------------------------------------------------------

def _open_clone(page):
    with page.expect_popup() as popup:
        page.keyboard.press("c")
    clone = popup.value
    clone.wait_for_function("window.podium && podium.current() >= 0")
    return clone


def test_clone_follows_the_presenter_and_the_presenter_follows_the_clone(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p3"))
    clone = _open_clone(page)
    wait_shown(clone, 2)
    assert clone.evaluate("podium.presenter()") is False  # never in presenter mode
    assert clone.evaluate("location.hash") == "#3"
    page.keyboard.press("ArrowRight")
    wait_shown(clone, 3)
    page.keyboard.press("End")
    wait_shown(clone, 13)
    clone.keyboard.press("Home")                          # the other way round
    wait_shown(page, 0)
    clone.keyboard.press("ArrowRight")
    wait_shown(page, 1)
    assert page.evaluate("location.hash") == "#p2"
    page.keyboard.press("b")                              # blackout, both ways
    clone.wait_for_function("document.body.classList.contains('remark-blackout-mode')")
    assert clone.locator(".remark-backdrop").is_visible()
    assert page.locator(".podium-blackout-note").is_visible()
    clone.keyboard.press("Escape")
    page.wait_for_function("!document.body.classList.contains('remark-blackout-mode')")
    clone.keyboard.press("b")
    page.wait_for_function("document.body.classList.contains('remark-blackout-mode')")
    with _no_popup(page):
        page.keyboard.press("c")                          # a second c focuses the same window
    assert page.context.pages == [page, clone]
    assert page.outside_requests == []


def test_the_audience_window_follows_a_presenter_page_that_was_reloaded(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p3"))
    clone = _open_clone(page)
    wait_shown(clone, 2)
    page.reload()
    page.wait_for_function("window.podium && podium.current() === 2 && podium.presenter()")
    page.keyboard.press("ArrowRight")                     # the clone greets the new page, which takes it back
    wait_shown(clone, 3)
    clone.keyboard.press("ArrowRight")
    wait_shown(page, 4)
    with _no_popup(page):
        page.keyboard.press("c")                          # the same window again, not a second one
    assert page.context.pages == [page, clone]


class _no_popup:
    """Context manager: fails if the page opens a window meanwhile."""

    def __init__(self, page):
        self.page, self.opened = page, []
        self.listener = lambda popup: self.opened.append(popup)

    def __enter__(self):
        self.page.on("popup", self.listener)

    def __exit__(self, *exc):
        self.page.wait_for_timeout(100)
        self.page.remove_listener("popup", self.listener)
        assert not self.opened


def test_clone_never_shows_notes_nor_presents(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p2"))
    clone = _open_clone(page)
    clone.wait_for_function("document.querySelectorAll('.remark-slide-notes').length === 0")
    assert "podium-clone" in body_classes(clone)
    clone.keyboard.press("p")
    clone.wait_for_timeout(50)
    assert clone.evaluate("podium.presenter()") is False
    clone.evaluate("podium.setPresenter(true)")
    assert clone.evaluate("podium.presenter()") is False
    assert clone.locator(".remark-notes-area").is_hidden()
    assert "Second notes" not in clone.evaluate("document.body.innerText")
    with _no_popup(clone):
        clone.keyboard.press("c")                         # the clone does not clone itself
    clone.evaluate("location.hash = '#p5'")               # nor does #pN make it present
    wait_shown(clone, 4)
    assert clone.evaluate("[podium.presenter(), location.hash]") == [False, "#5"]
    wait_shown(page, 4)


def test_messages_are_namespaced_and_only_taken_from_the_other_window(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p1"))
    clone = _open_clone(page)
    deck = DRILL
    # from the page itself (not the other window): ignored
    page.evaluate(f"window.postMessage({{podium: 1, deck: '{deck}', type: 'goto', index: 9}}, '*')")
    # from the other window, but not ours: no namespace, another deck, a bad index
    clone.evaluate("opener.postMessage({type: 'goto', index: 9}, '*')")
    clone.evaluate("opener.postMessage('gotoSlide:10', '*')")
    clone.evaluate(f"opener.postMessage({{podium: 1, deck: 'other', type: 'goto', index: 9}}, '*')")
    clone.evaluate(f"opener.postMessage({{podium: 1, deck: '{deck}', type: 'goto', index: 99}}, '*')")
    page.wait_for_timeout(100)
    assert shown(page) == 0
    clone.evaluate(f"opener.postMessage({{podium: 1, deck: '{deck}', type: 'goto', index: 9}}, '*')")
    wait_shown(page, 9)


def test_messages_from_another_origin_are_refused(page, drill_site, http_base, tmp_path):
    """Over HTTP only: file:// pages have no origin to compare (the source window check covers them)."""
    open_deck(page, f"{http_base(drill_site)}{DRILL}/#p1")
    clone = _open_clone(page)
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>elsewhere</title>", encoding="utf-8")
    clone.goto(http_base(tmp_path))                       # the audience window now shows another origin
    clone.evaluate(f"opener.postMessage({{podium: 1, deck: '{DRILL}', type: 'goto', index: 9}}, '*')")
    page.wait_for_timeout(100)
    assert shown(page) == 0


# ---- help and modes ---------------------------------------------------------------------------------

def test_help_lists_every_key_of_the_table(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    table = page.evaluate("podium.keys")
    keys = [k for row in table for k in row["keys"]]
    assert set(REMARK_KEYS) <= set(keys)
    page.keyboard.press("h")
    page.wait_for_function("document.body.classList.contains('remark-help-mode')")
    help_box = page.locator(".remark-help")
    assert help_box.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('remark-help')")
    listed = help_box.locator("kbd").evaluate_all("els => els.map(e => e.dataset.key)")
    assert listed == keys
    rows = help_box.locator("tr").all_inner_texts()
    assert len(rows) == len(table)
    for row, entry in zip(rows, table):
        assert entry["help"] in row
    page.keyboard.press("Escape")
    assert "remark-help-mode" not in body_classes(page)
    assert help_box.is_hidden()
    page.keyboard.press("?")
    assert "remark-help-mode" in body_classes(page)
    page.keyboard.press("h")
    assert "remark-help-mode" not in body_classes(page)


def test_blackout_and_escape(page, deck_url, bundled_site):
    open_deck(page, deck_url(bundled_site, BUNDLED_DECK))
    page.keyboard.press("b")
    assert "remark-blackout-mode" in body_classes(page)
    backdrop = page.locator(".remark-backdrop").bounding_box()
    assert (backdrop["width"], backdrop["height"]) == (1024, 768)
    assert page.evaluate("getComputedStyle(document.querySelector('.remark-backdrop')).backgroundColor") == "rgb(0, 0, 0)"
    page.keyboard.press("b")
    assert "remark-blackout-mode" not in body_classes(page)
    page.keyboard.press("B")
    page.keyboard.press("Escape")
    assert "remark-blackout-mode" not in body_classes(page)
    page.keyboard.press("b")
    page.keyboard.press("p")                              # not shown in presenter mode
    assert page.locator(".remark-backdrop").is_hidden()


def test_mirror(page, deck_url, bundled_site):
    open_deck(page, deck_url(bundled_site, BUNDLED_DECK))
    transform = "getComputedStyle(document.querySelector('.remark-slides-area')).transform"
    page.keyboard.press("m")
    assert "remark-mirrored-mode" in body_classes(page)
    assert page.evaluate(transform).startswith("matrix(-1, 0, 0, 1")
    page.keyboard.press("p")                              # ignored in presenter mode
    assert page.evaluate(transform) == "none"
    page.keyboard.press("p")
    page.keyboard.press("m")
    assert "remark-mirrored-mode" not in body_classes(page)
    assert page.evaluate(transform) == "none"


def test_fullscreen(page, deck_url, bundled_site):
    open_deck(page, deck_url(bundled_site, BUNDLED_DECK))
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === document.documentElement")
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")


def test_the_index_the_slide_number_and_the_toolbar_count_the_same_slides(page, deck_url, drill_site):
    """remark's %total% (the number of the last slide) everywhere; an uncounted slide shares its number."""
    page.goto((drill_site / "index.html").as_uri())
    counts = page.locator(".podium-session-count").all_inner_texts()
    assert counts[0] == "13 slides"
    for index in range(len(DRILL_NUMBERS)):
        open_deck(page, deck_url(drill_site, DRILL, f"#p{index + 1}"))
        number = DRILL_NUMBERS[index]
        shown_slide = page.locator(".remark-slides-area > .remark-visible")
        assert shown_slide.locator(".remark-slide-number").inner_text() == f"{number} / 13"
        assert pane(page, ".podium-position") == f"Slide {number} / 13"
        assert shown_slide.get_attribute("aria-label") == f"{number} / 13"


# ---- accessibility -------------------------------------------------------------------------------------

def test_slide_changes_are_announced(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    status = page.locator("[role=status][aria-live=polite]")
    assert status.count() == 1
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.podium-status').textContent !== ''")
    assert status.inner_text() == "Slide 2 of 13: Second"
    page.keyboard.press("End")
    page.wait_for_function("document.querySelector('.podium-status').textContent.startsWith('Slide 13 ')")
    assert status.inner_text() == "Slide 13 of 13: Slide 14"


def test_hidden_slides_are_hidden_from_assistive_technology(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#8"))
    page.keyboard.press("ArrowRight")                     # the slide it leaves is still fading out
    wait_shown(page, 8)
    tree = page.locator("body").aria_snapshot()
    assert 'heading "Slide 9"' in tree
    for other in ("Slide 8", "Introduction", "Slide 10", "Named slide"):
        assert f'heading "{other}"' not in tree
    assert "Text 9" in tree
    assert page.locator(".remark-fading").count() == 1
    assert page.locator(".remark-fading").get_attribute("aria-hidden") == "true"
    page.keyboard.press("p")                              # the preview copy is hidden too
    tree = page.locator("body").aria_snapshot()
    assert 'heading "Slide 10"' not in tree
    assert "Notes 9" in tree


def test_reduced_motion_is_honoured(page, deck_url, drill_site):
    animation = "getComputedStyle(document.querySelector('.remark-slides-area > .remark-visible')).animationName"
    open_deck(page, deck_url(drill_site, DRILL))
    page.keyboard.press("ArrowRight")
    wait_shown(page, 1)
    assert page.evaluate(animation) == "podium-in"
    assert page.locator(".remark-fading").count() == 1
    page.emulate_media(reduced_motion="reduce")
    page.keyboard.press("ArrowRight")
    wait_shown(page, 2)
    assert page.evaluate(animation) == "none"
    assert page.locator(".remark-fading").count() == 0
