"""Follow mode (`present`, `serve --follow`): the room's copy, the leader's token, the follow socket."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from test_server import DevServer, eventually, write

NOTE = "Secret trainer note"


def deck(title: str, count: int = 5) -> str:
    slides = [f"## {title} {n}\n\nText {n} of {title}.\n\n???\n\n{NOTE} {n}." for n in range(1, count + 1)]
    return "\n\n---\n\n".join(slides) + "\n"


class Room(DevServer):
    """`present` (or `serve --follow`) on loopback, with its two URLs read from its output."""

    def __init__(self, course: Path, *extra: str, command: str = "present") -> None:
        super().__init__(course, "--host", "127.0.0.1", *extra, command=command)
        self.followers = self.wait_for(r"the room follows at (http://\S+)").group(1)
        self.leader = self.wait_for(r"lead from (http://\S+)").group(1)
        self.token = re.search(r"/lead/([^/]+)/$", self.leader).group(1)
        self.origin = f"http://127.0.0.1:{self.port}"

    async def connect(self, lead: str | None = None, origin: str | None = "", path: str = "/__podium__/follow"):
        url = f"ws://127.0.0.1:{self.port}{path}" + (f"?lead={lead}" if lead else "")
        headers = {} if origin is None else {"Origin": origin or self.origin}
        return await websocket_connect(HTTPRequest(url, headers=headers))


async def receive(connection, timeout: float = 5.0) -> dict | None:
    message = await asyncio.wait_for(connection.read_message(), timeout)
    return None if message is None else json.loads(message)


async def silent(connection, seconds: float = 0.4) -> bool:
    """True when nothing arrives on `connection` for `seconds`."""
    try:
        await asyncio.wait_for(connection.read_message(), seconds)
    except asyncio.TimeoutError:
        return True
    return False


def in_thread(work) -> None:
    """Run a coroutine to its end in a thread of its own (the browser tests' loop may hold this one)."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(work)
        except BaseException as error:  # handed to the test's thread
            failed.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]


def move(token: str, index: int, path: str = "/01-first/", **extra) -> str:
    return json.dumps({"command": "move", "token": token, "path": path, "index": index, "number": index + 1,
                       "name": None, "text": "", "blackout": False, **extra})


@pytest.fixture
def course_of_two(course: Path) -> Path:
    write(course, "01-first.md", deck("First"))
    write(course, "02-second.md", deck("Second", 3))
    return course


@pytest.fixture
def room(course_of_two: Path):
    running = Room(course_of_two)
    yield running
    running.stop()


def test_the_terminal_shows_both_urls_a_qr_code_and_a_long_token(room: Room) -> None:
    assert room.followers == room.origin + "/"
    assert room.leader == f"{room.origin}/lead/{room.token}/"
    assert len(room.token) * 6 >= 128 and re.fullmatch(r"[A-Za-z0-9_-]+", room.token)
    qr = [line for line in room.lines if set(line) <= set("█▀▄ ") and len(line) > 20]
    assert len(qr) >= 10, room.lines
    assert any("this machine only" in line for line in room.lines)
    again = Room(room.course)
    try:
        assert again.token != room.token
    finally:
        again.stop()


def test_no_follower_answer_holds_the_token_or_the_notes(room: Room) -> None:
    paths = ["/", "/01-first/", "/02-second/", "/__podium__/follow.js", "/__podium__/follow-qr.svg", "/lead/x/",
             f"/lead/{room.token[:-1]}/01-first/"]
    page = room.text("/01-first/")
    paths += sorted(set(re.findall(r'(?:src|href)="([^"#]+)"', page)) - {p for p in paths})
    for path in paths:
        url = path if path.startswith("/") else "/01-first/" + path
        status, headers, body = room.get(url)
        text = body.decode("utf-8", "replace") + json.dumps(headers)
        assert room.token not in text, url
        assert NOTE not in text, url
    assert 'class="remark-slide-notes"' not in page
    leader = room.text(f"/lead/{room.token}/01-first/")
    assert NOTE in leader and room.token in leader


def test_the_leaders_copy_needs_the_token(room: Room) -> None:
    assert room.get(f"/lead/{room.token[:-1]}A/01-first/")[0] == 404
    assert room.get("/lead//01-first/")[0] == 404
    status, headers, _ = room.get(f"/lead/{room.token}")
    assert status in (301, 302) and headers["Location"] == f"/lead/{room.token}/"
    status, headers, _ = room.get(f"/lead/{room.token}/01-first")
    assert status in (301, 302) and headers["Location"] == f"/lead/{room.token}/01-first/"
    status, headers, _ = room.get(f"/lead/{room.token}/01-first/")
    assert status == 200 and headers["Referrer-Policy"] == "same-origin"
    assert room.get(f"/lead/{room.token}/01-first/", method="HEAD")[0] == 200


def test_moves_reach_every_page_in_order_and_late_joiners_get_the_state(room: Room) -> None:
    async def run() -> None:
        followers = [await room.connect() for _ in range(3)]
        leader = await room.connect(lead=room.token)
        for page in [*followers, leader]:
            assert (await receive(page))["path"] is None
        for index in (1, 2, 3):
            leader.write_message(move(room.token, index, notes="the trainer's notes", elapsed=61000, presenter=True))
        for page in [*followers, leader]:
            got = [await receive(page) for _ in range(3)]
            assert [g["index"] for g in got] == [1, 2, 3]
            assert [g["seq"] for g in got] == sorted(g["seq"] for g in got)
            assert all(room.token not in json.dumps(g) for g in got)
            assert {key for g in got for key in g} == {"command", "seq", "path", "index", "number", "name", "text",
                                                       "blackout", "from", "n"}
        late = await room.connect()
        state = await receive(late)
        assert (state["path"], state["index"], state["number"]) == ("/01-first/", 3, 4)

    in_thread(run())


@pytest.mark.parametrize("token", ["", "wrong", None, "0" * 32])
def test_a_move_without_the_token_moves_nobody(room: Room, token: str | None) -> None:
    async def run() -> None:
        follower = await room.connect()
        leader = await room.connect(lead=room.token)
        await receive(follower), await receive(leader)
        bad = json.loads(move(room.token, 2))
        if token is None:
            del bad["token"]
        else:
            bad["token"] = token
        leader.write_message(json.dumps(bad))
        follower.write_message(move(room.token, 4))  # a follower's message reaches nobody, token or not
        pretender = await room.connect(lead=token or "x")
        await receive(pretender)
        pretender.write_message(move(room.token, 3))
        assert await silent(follower) and await silent(leader)
        late = await room.connect()
        assert (await receive(late))["path"] is None

    in_thread(run())


@pytest.mark.parametrize("fields", [{"path": "/nowhere/"}, {"index": -1}, {"index": "2"}, {"index": True},
                                    {"path": None}, {"command": "goto"}])
def test_a_move_to_nowhere_is_ignored(room: Room, fields: dict) -> None:
    async def run() -> None:
        follower = await room.connect()
        leader = await room.connect(lead=room.token)
        await receive(follower), await receive(leader)
        leader.write_message(json.dumps({**json.loads(move(room.token, 1)), **fields}))
        assert await silent(follower)

    in_thread(run())


def test_every_leader_follows_the_last_move(room: Room) -> None:
    async def run() -> None:
        laptop, phone = await room.connect(lead=room.token), await room.connect(lead=room.token)
        await receive(laptop), await receive(phone)
        laptop.write_message(move(room.token, 1))
        assert (await receive(phone))["index"] == 1 and (await receive(laptop))["index"] == 1
        phone.write_message(move(room.token, 0, path="/02-second/", blackout=True))
        for page in (laptop, phone):
            state = await receive(page)
            assert (state["path"], state["index"], state["blackout"]) == ("/02-second/", 0, True)

    in_thread(run())


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1", "null", None])
def test_other_origins_are_refused(room: Room, origin: str | None) -> None:
    async def run() -> None:
        with pytest.raises(HTTPClientError) as refused:
            await room.connect(origin=origin)
        assert refused.value.code == 403

    in_thread(run())


def test_the_room_has_a_cap_leaders_do_not_count(course_of_two: Path) -> None:
    capped = Room(course_of_two, "--max-followers", "3")
    try:
        async def run() -> None:
            pages = [await capped.connect() for _ in range(3)]
            with pytest.raises(HTTPClientError) as full:
                await capped.connect()
            assert full.value.code == 503
            leader = await capped.connect(lead=capped.token)
            assert (await receive(leader))["command"] == "podium-follow"
            pages[0].close()
            await asyncio.sleep(0.3)
            assert (await receive(await capped.connect()))["command"] == "podium-follow"

        in_thread(run())
    finally:
        capped.stop()


def test_big_or_fast_messages_close_their_connection(room: Room) -> None:
    async def run() -> None:
        big = await room.connect(lead=room.token)
        await receive(big)
        big.write_message(move(room.token, 1, text="x" * 20000))
        assert await receive(big) is None  # closed
        fast = await room.connect()
        await receive(fast)
        for _ in range(50):
            fast.write_message("{}")
        assert await receive(fast) is None
        assert fast.close_code == 1008
        leader = await room.connect(lead=room.token)
        await receive(leader)
        leader.write_message(move(room.token, 2))
        assert (await receive(leader))["index"] == 2  # the server is fine

    in_thread(run())


def test_the_room_does_not_reach_the_reload_socket_without_serve(room: Room) -> None:
    assert room.get("/__podium__/livereload")[0] == 404
    assert "podium-dev" not in room.text("/01-first/")


def listening(port: int) -> set[str]:
    """The local addresses of the TCP sockets listening on `port` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hexport = local.split(":")
        if state == "0A" and int(hexport, 16) == port:
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads listening sockets from /proc/net/tcp (Linux)")
def test_follow_mode_listens_beyond_loopback_and_serve_does_not(course_of_two: Path) -> None:
    plain = DevServer(course_of_two, "--no-layout")
    try:
        assert listening(plain.port) == {"127.0.0.1"}
    finally:
        plain.stop()
    wide = DevServer(course_of_two, "--no-layout", "--follow")
    try:
        assert listening(wide.port) == {"0.0.0.0"}
        followers = wide.wait_for(r"the room follows at (http://\S+)").group(1)
        assert "this machine only" not in " ".join(wide.lines)
        assert followers.endswith(f":{wide.port}/")
    finally:
        wide.stop()


def test_serve_follow_rebuilds_both_copies(course_of_two: Path) -> None:
    served = Room(course_of_two, "--no-layout", "--follow", command="serve")
    try:
        assert "podium-dev" in served.text("/01-first/")
        write(course_of_two, "01-first.md", deck("Edited"))
        eventually(lambda: "Text 1 of Edited" in served.text("/01-first/"))
        page = served.text("/01-first/")
        assert NOTE not in page and served.token not in page
        assert f"{NOTE} 1" in served.text(f"/lead/{served.token}/01-first/")
        assert "Text 1 of Edited" in served.text(f"/lead/{served.token}/01-first/")
    finally:
        served.stop()


def test_max_followers_needs_follow_mode(course_of_two: Path) -> None:
    from conftest import run_build

    result = run_build("serve", "--slides", str(course_of_two / "slides"), "--max-followers", "3", cwd=course_of_two)
    assert result.returncode == 2 and "--follow" in result.stderr
