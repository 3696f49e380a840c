"""Follow mode in Chromium: a leader's page and followers' pages, each in a browser of its own."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers import DRILL, DRILL_NUMBERS, PLAIN, drill_markdown, shown
from test_follow import Room
from test_server import write

pytestmark = pytest.mark.browser

NOTES = ("Intro notes", "Second notes", "Build notes", "Notes 8")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory):
    course = tmp_path_factory.mktemp("follow")
    write(course, f"{DRILL}.md", drill_markdown())
    write(course, f"{PLAIN}.md", "# Plain\n\n---\n\n# Two\n")
    running = Room(course)
    yield running
    running.stop()


@pytest.fixture
def device(browser):
    """`device()` -> a new page in a browser context of its own (a laptop, a phone), which fails the
    test on any request leaving loopback and records every answer it gets."""
    contexts = []

    def make(width: int = 908, height: int = 681):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.outside_requests, page.answers = [], []

        def guard(route):
            if "://127.0.0.1" in route.request.url:
                route.continue_()
            else:
                page.outside_requests.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page.on("response", lambda response: page.answers.append(response))
        return page

    yield make
    for context in contexts:
        context.close()


def lead(page, room: Room, deck: str = DRILL, direct: bool = False) -> None:
    """Open a deck in the leader's copy: from the course page, as a trainer picks a session (that
    moves the room there), or `direct`ly by its address (that follows the room)."""
    if direct:
        page.goto(f"{room.leader}{deck}/")
    else:
        page.goto(room.leader)
        page.click(f"a[href*='{deck}']")
    page.wait_for_function(f"window.podium && podium.current() >= 0 && location.pathname.indexOf('/{deck}/') > 0")
    page.wait_for_function("document.documentElement.hasAttribute('data-podium-following')")


def follow(page, room: Room) -> None:
    page.goto(room.followers)
    page.wait_for_function("window.podium && podium.current() >= 0 && "
                           "document.documentElement.hasAttribute('data-podium-following')")


def on(page, index: int, timeout: float = 5000) -> None:
    page.wait_for_function(f"window.podium && podium.current() === {index}", timeout=timeout)
    assert shown(page) == index


def press(page, *keys: str) -> None:
    for key in keys:
        page.keyboard.press(key)


@pytest.fixture
def trio(room: Room, device):
    """A leader at the first slide of the drill and two followers that came in by the room's URL."""
    leader = device()
    lead(leader, room)
    press(leader, "Home")
    followers = [device(), device()]
    for page in followers:
        follow(page, room)
        on(page, 0)
    return leader, followers


def test_followers_land_on_the_leaders_slide_and_step(room: Room, trio) -> None:
    leader, followers = trio
    press(leader, "ArrowRight", "ArrowRight", "ArrowRight")  # index 3: the second step of the build
    for page in followers:
        on(page, 3)
        assert page.url.endswith(f"/{DRILL}/#4")
        assert page.evaluate("document.querySelector('#slide-container-4 .remark-slide-content').innerText"
                             ).count("two") == 1
    press(leader, "End")
    for page in followers:
        on(page, len(DRILL_NUMBERS) - 1)


def test_a_late_joiner_is_on_the_current_slide_within_a_second(room: Room, trio, device) -> None:
    leader, _ = trio
    press(leader, "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowRight")
    late = device()
    start = time.monotonic()
    late.goto(room.followers)
    on(late, 5, timeout=3000)
    took = time.monotonic() - start
    assert took < 1.0, took
    assert late.url.endswith(f"/{DRILL}/#6")


def test_a_follower_that_moved_stays_until_it_clicks_follow(room: Room, trio) -> None:
    leader, (wanderer, other) = trio
    press(wanderer, "ArrowRight", "ArrowRight")
    on(wanderer, 2)
    press(leader, "End")
    on(other, len(DRILL_NUMBERS) - 1)
    badge = wanderer.locator("#podium-follow-badge")
    badge.wait_for()
    assert badge.inner_text() == f"Follow (slide {DRILL_NUMBERS[-1]})"
    assert wanderer.evaluate("podium.current()") == 2
    press(leader, "ArrowLeft")
    wanderer.wait_for_function(f"document.getElementById('podium-follow-badge').textContent === "
                               f"'Follow (slide {DRILL_NUMBERS[-2]})'")
    assert wanderer.evaluate("podium.current()") == 2
    box = badge.bounding_box()
    assert box and box["width"] > 80 and box["y"] + box["height"] <= 681
    wanderer.screenshot(path=str(Path(room.course) / "detached.png"))
    badge.click()
    on(wanderer, len(DRILL_NUMBERS) - 2)
    assert wanderer.locator("#podium-follow-badge").count() == 0
    press(leader, "ArrowLeft")
    on(wanderer, len(DRILL_NUMBERS) - 3)


def test_blackout_follows(room: Room, trio) -> None:
    leader, followers = trio
    press(leader, "b")
    for page in followers:
        page.wait_for_function("document.body.classList.contains('remark-blackout-mode')")
    press(leader, "b")
    for page in followers:
        page.wait_for_function("!document.body.classList.contains('remark-blackout-mode')")


def test_a_followers_page_and_answers_hold_no_notes_and_no_token(room: Room, trio) -> None:
    leader, followers = trio
    press(leader, "ArrowRight")
    for page in followers:
        on(page, 1)
        html = page.content()
        assert room.token not in html and not any(note in html for note in NOTES)
        assert page.evaluate("document.querySelectorAll('.remark-slide-notes').length") == 0
        assert page.answers and all(room.token not in answer.url for answer in page.answers)
        for answer in page.answers:  # each answer again, as the server sends it to anyone asking
            status, headers, body = room.get(urlsplit(answer.url).path)
            text = body.decode("utf-8", "replace") + str(headers)
            assert room.token not in text and not any(note in text for note in NOTES), answer.url
        assert page.outside_requests == []
    assert "Second notes" in leader.content()


@pytest.mark.parametrize("token", ["wrong", ""])
def test_a_move_with_a_wrong_or_missing_token_moves_nobody(room: Room, trio, token: str) -> None:
    leader, (sender, other) = trio
    press(leader, "ArrowRight")
    on(other, 1)
    sent = sender.evaluate("""token => new Promise(done => {
        const socket = new WebSocket('ws://' + location.host + '/__podium__/follow' + (token ? '?lead=' + token : ''));
        socket.onopen = () => {
          const move = {command: 'move', path: location.pathname, index: 9, number: 9, text: '', blackout: true};
          if (token) move.token = token;
          socket.send(JSON.stringify(move));
          setTimeout(() => done(true), 500);
        };
        socket.onerror = () => done(false);
    })""", token)
    assert sent
    assert other.evaluate("podium.current()") == 1 and leader.evaluate("podium.current()") == 1
    assert not other.evaluate("document.body.classList.contains('remark-blackout-mode')")


def test_several_leaders_follow_the_last_move(room: Room, trio, device) -> None:
    laptop, followers = trio
    phone = device(390, 700)
    lead(phone, room, direct=True)
    on(phone, 0)
    press(phone, "ArrowRight", "ArrowRight")
    on(laptop, 2)
    for page in followers:
        on(page, 2)
    press(laptop, "ArrowLeft")
    on(phone, 1)


def test_the_room_follows_the_leader_to_another_deck(room: Room, trio) -> None:
    leader, followers = trio
    leader.goto(f"{room.leader}")
    leader.click(f"a[href*='{PLAIN}']")
    leader.wait_for_function("window.podium && location.pathname.indexOf('02-plain') > 0")
    for page in followers:
        page.wait_for_function(f"location.pathname === '/{PLAIN}/'")
        on(page, 0)
    press(leader, "ArrowRight")
    for page in followers:
        on(page, 1)


def test_q_in_presenter_mode_shows_the_rooms_qr_code(room: Room, trio) -> None:
    leader, _ = trio
    press(leader, "q")
    assert leader.locator("#podium-follow-qr").count() == 0  # only in presenter mode
    press(leader, "p")
    leader.wait_for_function("document.body.classList.contains('remark-presenter-mode')")
    press(leader, "q")
    image = leader.locator("#podium-follow-qr img")
    image.wait_for()
    leader.wait_for_function("document.querySelector('#podium-follow-qr img').naturalWidth > 0")
    assert leader.locator("#podium-follow-qr").inner_text().count(room.followers) == 1
    box = image.bounding_box()
    assert box and box["width"] >= 300
    leader.screenshot(path=str(Path(room.course) / "qr.png"))
    press(leader, "Escape")
    assert leader.locator("#podium-follow-qr").count() == 0


def test_the_help_lists_q_for_leaders_only(room: Room, trio) -> None:
    leader, (student, _) = trio
    for page in (leader, student):
        press(page, "h")
        page.wait_for_function("document.body.classList.contains('remark-help-mode')")
    row = leader.locator(".remark-help tr", has=leader.locator('kbd[data-key="q"]'))
    assert row.count() == 1 and "QR code" in row.inner_text() and row.is_visible()
    assert student.locator('.remark-help kbd[data-key="q"]').count() == 0
    assert student.locator(".remark-help tr").count() == leader.locator(".remark-help tr").count() - 1


class Relay:
    """A loopback TCP relay in front of the server whose connections can all be cut at once (a
    room's Wi-Fi dropping), and refused for a while."""

    def __init__(self, port: int) -> None:
        import socket
        import threading

        self.target, self.open = port, threading.Event()
        self.open.set()
        self.pairs: list = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target))
            self.pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            try:
                end.shutdown(2)
            except OSError:
                pass

    def cut(self) -> None:
        self.open.clear()
        for pair in self.pairs:
            for end in pair:
                try:
                    end.shutdown(2)
                except OSError:
                    pass
        self.pairs = []

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_a_follower_catches_up_after_its_network_drops(room: Room, trio, device) -> None:
    leader, _ = trio
    relay = Relay(room.port)
    try:
        phone = device()
        phone.goto(f"http://127.0.0.1:{relay.port}/")
        on(phone, 0)
        press(leader, "ArrowRight")
        on(phone, 1)
        relay.cut()
        press(leader, "ArrowRight", "ArrowRight", "ArrowRight")
        on(leader, 4)
        time.sleep(1.5)  # a few reconnects are refused meanwhile
        assert phone.evaluate("podium.current()") == 1
        relay.open.set()
        on(phone, 4, timeout=8000)
        press(leader, "ArrowRight")
        on(phone, 5)
    finally:
        relay.close()


def test_the_audience_window_shows_the_qr_code_with_its_presenter(room: Room, trio) -> None:
    leader, _ = trio
    press(leader, "p")
    with leader.expect_popup() as opened:
        press(leader, "c")
    audience = opened.value
    audience.wait_for_function("window.podium && podium.current() >= 0")
    press(leader, "q")
    audience.wait_for_function("document.querySelector('#podium-follow-qr img') && "
                               "document.querySelector('#podium-follow-qr img').naturalWidth > 0")
    press(leader, "q")
    audience.wait_for_function("!document.getElementById('podium-follow-qr')")
    audience.close()


@pytest.mark.parametrize("case", ["text", "name"])
def test_the_leaders_slide_is_found_by_identity(room: Room, trio, case: str) -> None:
    leader, followers = trio
    sent = leader.evaluate("""kind => new Promise(done => {
        const config = JSON.parse(document.getElementById('podium-follow').textContent);
        const socket = new WebSocket('ws://' + location.host + config.socket + '?lead=' + config.lead);
        const slide = document.querySelector('#slide-container-8 .remark-slide-content').cloneNode(true);
        slide.querySelector('.remark-slide-number').remove();
        const text = slide.textContent.replace(/\\s+/g, ' ').trim();
        /* an index the page no longer agrees with (a deck rebuilt meanwhile): the slide is found by what it is */
        const move = kind === 'name' ? {name: 'named', index: 1, text: 'Gone'} : {name: null, index: 1, text: text};
        socket.onopen = () => {
          socket.send(JSON.stringify(Object.assign({command: 'move', token: config.lead, path: '/01-drill/',
                                                    number: 2, blackout: false}, move)));
          setTimeout(() => done(true), 300);
        };
    })""", case)
    assert sent
    for page in followers:
        on(page, 5 if case == "name" else 7)
