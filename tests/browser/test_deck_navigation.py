"""Navigation in the browser: keys, slide numbers, the URL hash and history, wheel/touch/click, scaling, API."""

from __future__ import annotations

import pytest

from helpers import (BUNDLED_DECK, DRILL, DRILL_NUMBERS, WIDE, assert_offline, deck_url,  # noqa: F401
                     drill_site, http_base, open_deck, shown, wait_shown, wide_site)

pytestmark = pytest.mark.browser

PREVIOUS = ["ArrowLeft", "ArrowUp", "PageUp", "k", "Shift+Space"]
NEXT = ["ArrowRight", "ArrowDown", "PageDown", "Space", "j"]


def test_next_and_previous_keys(page, deck_url, bundled_site):
    open_deck(page, deck_url(bundled_site, BUNDLED_DECK))
    for key in NEXT:
        before = shown(page)
        page.keyboard.press(key)
        page.wait_for_function(f"podium.current() === {before + 1}")
        assert shown(page) == before + 1, key
        assert page.evaluate("location.hash") == f"#{before + 2}", key
    for key in PREVIOUS:
        before = shown(page)
        page.keyboard.press(key)
        page.wait_for_function(f"podium.current() === {before - 1}")
        assert shown(page) == before - 1, key
        assert page.evaluate("location.hash") == f"#{before}", key
    assert shown(page) == 0
    assert_offline(page, bundled_site)


def test_letters_are_case_insensitive_and_modifiers_are_left_alone(page, deck_url, bundled_site):
    open_deck(page, deck_url(bundled_site, BUNDLED_DECK))
    page.keyboard.press("J")
    wait_shown(page, 1)
    page.keyboard.press("Control+ArrowRight")
    page.keyboard.press("Alt+j")
    page.wait_for_timeout(50)
    assert shown(page) == 1


def test_home_end_and_going_out_of_range(page, deck_url, bundled_site):
    open_deck(page, deck_url(bundled_site, BUNDLED_DECK))
    count = page.evaluate("podium.count()")
    assert count == page.locator(".remark-slides-area > .remark-slide-container").count()
    page.keyboard.press("ArrowLeft")                     # before the first slide: ignored
    assert shown(page) == 0
    page.keyboard.press("End")
    wait_shown(page, count - 1)
    page.keyboard.press("ArrowRight")                    # after the last slide: ignored
    assert shown(page) == count - 1
    assert page.evaluate("location.hash") == f"#{count}"
    page.keyboard.press("Home")
    wait_shown(page, 0)


def test_digits_then_enter_go_to_the_displayed_number(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    wait_shown(page, DRILL_NUMBERS.index(7))             # index 7: slide 7 (uncounted) shows number 6
    page.keyboard.type("6")
    page.keyboard.press("Enter")
    wait_shown(page, DRILL_NUMBERS.index(6))             # the first slide that shows 6
    page.keyboard.type("12")
    page.keyboard.press("Enter")
    wait_shown(page, DRILL_NUMBERS.index(12))
    page.keyboard.type("99")                             # no such number: stays
    page.keyboard.press("Enter")
    page.keyboard.type("1")
    page.keyboard.press("x")                             # another key forgets the digits
    page.keyboard.press("Enter")
    page.wait_for_timeout(50)
    assert shown(page) == DRILL_NUMBERS.index(12)


# ---- the URL hash -----------------------------------------------------------------------------

OPENINGS = [("#3", 2, "#3"), ("#named", 5, "#6"), ("#intro", 0, "#1"), ("#nope", 0, "#1"), ("#03", 0, "#1"),
            ("#99", 0, "#1"), ("#0", 0, "#1"), ("", 0, "#1"), ("#14", 13, "#14")]


def test_opening_at_a_hash(page, deck_url, drill_site):
    for suffix, index, hash_after in OPENINGS:
        page.goto("about:blank")
        open_deck(page, deck_url(drill_site, DRILL, suffix))
        assert (shown(page), page.evaluate("location.hash")) == (index, hash_after), suffix
        assert not page.evaluate("podium.presenter()")
    assert page.outside_requests == []


def test_opening_at_p_n_starts_in_presenter_mode(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#p4"))
    assert shown(page) == 3
    assert page.evaluate("podium.presenter()")
    assert "remark-presenter-mode" in page.evaluate("document.body.className")
    assert page.evaluate("location.hash") == "#p4"


FIRST_PAINT_WATCH = """
window.__displayed = new Set();
window.__marked = new Set();
const look = () => {
  document.querySelectorAll('.remark-slides-area > .remark-slide-container').forEach(c => {
    if (getComputedStyle(c).display !== 'none') __displayed.add(+c.dataset.index);
    if (c.classList.contains('remark-visible')) __marked.add(+c.dataset.index);
  });
};
new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
const frame = () => { look(); if (document.readyState !== 'complete') requestAnimationFrame(frame); };
requestAnimationFrame(frame);
"""


@pytest.mark.parametrize("suffix, index", [("#12", 11), ("#named", 5), ("#p12", 11)])
def test_opening_at_a_slide_never_shows_another_one_first(page, deck_url, drill_site, suffix, index):
    page.add_init_script(FIRST_PAINT_WATCH)
    open_deck(page, deck_url(drill_site, DRILL, suffix))
    page.wait_for_load_state("load")
    assert page.evaluate("[...__displayed]") == [index]
    assert page.evaluate("[...__marked]") == [index]


def test_the_hash_follows_and_hashchange_navigates(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#2'")
    page.evaluate("location.hash = '#named'")
    wait_shown(page, 5)
    page.wait_for_function("location.hash === '#6'")     # a name becomes the slide's number
    page.evaluate("location.hash = '#9'")
    wait_shown(page, 8)
    page.evaluate("location.hash = '#unknown'")          # unknown: the first slide, as remark does
    wait_shown(page, 0)
    page.evaluate("location.hash = '#p3'")
    wait_shown(page, 2)
    assert page.evaluate("podium.presenter()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("location.hash === '#p4'")


def test_step_moves_replace_history_and_jumps_push(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    length = page.evaluate("history.length")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    wait_shown(page, 3)
    assert page.evaluate("history.length") == length      # step by step: no new entries
    page.keyboard.press("End")
    wait_shown(page, 13)
    assert page.evaluate("history.length") == length + 1
    page.evaluate("history.back()")
    wait_shown(page, 3)                                  # Back: where the jump started
    assert page.evaluate("location.hash") == "#4"
    page.evaluate("history.forward()")
    wait_shown(page, 13)
    page.keyboard.press("Home")
    wait_shown(page, 0)
    page.keyboard.type("9")
    page.keyboard.press("Enter")
    wait_shown(page, DRILL_NUMBERS.index(9))
    page.evaluate("history.back()")
    wait_shown(page, 0)
    page.evaluate("history.back()")
    wait_shown(page, 13)


def test_links_to_named_slides_and_back(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL, "#2"))
    page.locator(".remark-visible a[href='#named']").click()
    wait_shown(page, 5)
    page.wait_for_function("location.hash === '#6'")
    page.locator(".remark-visible a[href='#intro']").click()
    wait_shown(page, 0)
    page.evaluate("history.back()")
    wait_shown(page, 5)
    page.evaluate("history.back()")
    wait_shown(page, 1)


# ---- wheel, touch, click ----------------------------------------------------------------------

def _touch(page, points):
    """A one-finger gesture through `points` (the last one is where the finger lifts)."""
    cdp = page.context.new_cdp_session(page)
    x, y = points[0]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for x, y in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_wheel_navigates_one_slide_per_gesture(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    page.mouse.move(500, 400)
    page.evaluate("""() => {                             // two events of one gesture: one move
        const area = document.querySelector('.remark-slides-area');
        for (const i of [1, 2]) area.dispatchEvent(new WheelEvent('wheel', {deltaY: 100, bubbles: true}));
    }""")
    wait_shown(page, 1)
    page.wait_for_timeout(250)
    page.mouse.wheel(0, 100)
    wait_shown(page, 2)
    page.wait_for_timeout(250)
    page.mouse.wheel(0, -100)
    wait_shown(page, 1)


def test_touch_swipes_and_taps(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    _touch(page, [(800, 400), (600, 405), (300, 410)])     # swipe left: next
    wait_shown(page, 1)
    _touch(page, [(300, 400), (800, 400)])                 # swipe right: previous
    wait_shown(page, 0)
    _touch(page, [(900, 400)])                             # tap on the right half: next
    wait_shown(page, 1)
    _touch(page, [(903, 402)])
    wait_shown(page, 2)
    _touch(page, [(100, 400)])                             # tap on the left half: previous
    wait_shown(page, 1)


def test_click_navigation_is_off_by_default(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    page.mouse.click(700, 500)
    page.mouse.click(700, 500, button="right")
    page.wait_for_timeout(50)
    assert shown(page) == 0


def test_course_toml_turns_inputs_on_and_off(page, deck_url, wide_site):
    """The wide course: scroll = false, touch = false, click = true."""
    open_deck(page, deck_url(wide_site, WIDE))
    page.mouse.move(500, 400)
    page.mouse.wheel(0, 100)
    _touch(page, [(800, 400), (300, 400)])               # (a tap would be a click here: click = true)
    page.wait_for_timeout(50)
    assert shown(page) == 0
    page.mouse.click(700, 600)                           # click: next
    wait_shown(page, 1)
    page.mouse.click(700, 600, button="right")           # context menu: previous
    wait_shown(page, 0)
    page.locator(".remark-visible a").click()            # a link is followed, not a click-to-advance
    wait_shown(page, 1)
    assert page.outside_requests == []


# ---- scaling and numbers -----------------------------------------------------------------------

def _scaler_box(page):
    return page.locator(".remark-slides-area > .remark-visible .remark-slide-scaler").bounding_box()


@pytest.mark.parametrize("width, height", [(1024, 768), (1200, 600), (600, 900)])
def test_slides_keep_the_ratio_and_are_letterboxed(page, deck_url, drill_site, wide_site, width, height):
    page.set_viewport_size({"width": width, "height": height})
    for site, deck, slide_width in ((drill_site, DRILL, 908), (wide_site, WIDE, 1210)):
        open_deck(page, deck_url(site, deck))
        scale = min(width / slide_width, height / 681)
        box = _scaler_box(page)
        assert box["width"] == pytest.approx(slide_width * scale, abs=1)
        assert box["height"] == pytest.approx(681 * scale, abs=1)
        assert box["x"] == pytest.approx((width - slide_width * scale) / 2, abs=1)
        assert box["y"] == pytest.approx((height - 681 * scale) / 2, abs=1)
        # remark's sizes are in reference pixels: a 55px h1 stays 55px before scaling
        assert page.evaluate("getComputedStyle(document.querySelector('.remark-visible h1')).fontSize") == "40px"


def test_resizing_rescales(page, deck_url, drill_site):
    open_deck(page, deck_url(drill_site, DRILL))
    page.set_viewport_size({"width": 800, "height": 400})
    page.wait_for_function("document.querySelector('.remark-visible .remark-slide-scaler')"
                           ".getBoundingClientRect().height < 401")
    box = _scaler_box(page)
    assert box["height"] == pytest.approx(400, abs=1)
    assert box["width"] == pytest.approx(908 * 400 / 681, abs=1)


def test_slide_numbers_use_the_configured_format(page, deck_url, wide_site, drill_site):
    open_deck(page, deck_url(wide_site, WIDE, "#2"))
    assert page.locator(".remark-visible .remark-slide-number").inner_text() == "Slide 2 of 3"
    open_deck(page, deck_url(drill_site, DRILL, "#7"))
    assert page.locator(".remark-visible .remark-slide-number").inner_text() == "6 / 13"


# ---- the API for other scripts ------------------------------------------------------------------

def test_api_and_change_event(page, deck_url, drill_site):
    page.add_init_script("window.__events = []; document.addEventListener('podium:change', e => __events.push(e.detail));")
    open_deck(page, deck_url(drill_site, DRILL, "#2"))
    assert page.evaluate("[podium.current(), podium.count(), podium.presenter()]") == [1, 14, False]
    assert page.evaluate("__events") == [{"index": 1, "presenter": False, "blackout": False, "from": "start"}]
    page.evaluate("() => { window.__seen = []; window.__off = podium.on('change', d => __seen.push(d)); }")
    page.evaluate("podium.goto(4)")
    wait_shown(page, 4)
    page.evaluate("podium.goto(99); podium.goto(-1); podium.goto(1.5)")   # ignored
    page.evaluate("podium.setPresenter(true)")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("b")
    page.evaluate("podium.setBlackout(false)")
    assert page.evaluate("__seen") == [
        {"index": 4, "presenter": False, "blackout": False, "from": "api"},
        {"index": 4, "presenter": True, "blackout": False, "from": "api"},
        {"index": 5, "presenter": True, "blackout": False, "from": "input"},
        {"index": 5, "presenter": True, "blackout": True, "from": "input"},
        {"index": 5, "presenter": True, "blackout": False, "from": "api"}]
    assert page.evaluate("[podium.blackout(), __events.length]") == [False, 6]
    page.evaluate("__off(); podium.setPresenter(false)")
    assert page.evaluate("[podium.current(), podium.presenter(), __seen.length]") == [5, False, 5]
    assert page.evaluate("location.hash") == "#6"


NUMBER_OVERLAPS = """() => {
  const found = [];
  for (let i = 0; i < podium.count(); i++) {
    podium.goto(i);
    const slide = document.querySelector('.remark-slides-area > .remark-visible .remark-slide-content');
    const number = slide.querySelector('.remark-slide-number');
    if (!number || !number.textContent.trim()) continue;
    const n = number.getBoundingClientRect();
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (!text.textContent.trim() || number.contains(text)) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const r of range.getClientRects()) {
        if (r.width && r.left < n.right && r.right > n.left && r.top < n.bottom && r.bottom > n.top)
          found.push([i + 1, text.textContent.trim().slice(0, 40)]);
      }
    }
  }
  return found;
}"""


def test_no_text_of_the_bundled_course_runs_into_a_slide_number(page, http_base, bundled_site):
    """The footers of the course's layouts stay clear of the number on every slide, `right` and
    `center` slides too."""
    decks = sorted(p.parent.name for p in bundled_site.glob("*/index.html"))
    assert len(decks) >= 2
    for deck in decks:
        open_deck(page, f"{http_base(bundled_site)}{deck}/")
        assert page.evaluate(NUMBER_OVERLAPS) == [], deck
