"""The dev server against a hostile page and a hostile course: Host names that only look like
loopback, a websocket from another site, overlong URLs, malformed socket messages, symlink loops
in the slides folder, and Ctrl-C while a slow rebuild runs."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from test_server import DevServer, eventually, session, write

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory):
    """One server (loopback, the default address) for the tests that only ask."""
    course = tmp_path_factory.mktemp("guarded")
    write(course, "01-first.md", session("First"))
    running = DevServer(course, "--no-layout")
    yield running
    running.stop()


def ask(port: int, path: str = "/", headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """The status and body of a GET sent to 127.0.0.1:`port` with these headers (Host forged)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def handshake(port: int, host: str, origin: str | None) -> int:
    """The status a websocket opening on the reload socket gets (101: opened)."""
    headers = {"Host": host, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    if origin is not None:
        headers["Origin"] = origin
    return ask(port, "/__podium__/livereload", headers)[0]


def no_traceback(server: DevServer, since: int = 0) -> None:
    """Nothing the server printed after line `since` is (part of) a traceback."""
    ask(server.port)        # the server has answered what came before: its log lines are out
    time.sleep(0.3)
    shown = server.lines[since:]
    assert not [line for line in shown if "Traceback" in line or "Uncaught exception" in line], "\n".join(shown)


# ---- Host and Origin ----------------------------------------------------------------------------

@pytest.mark.parametrize("host", [
    "127.0.0.1.evil.example", "127.evil.example", "127.0.0.1.evil.example:{port}", "127.1.evil.example:{port}",
    "localhost.evil.example:{port}", "evil.localhost.example", "evil.example:{port}", "127.0.0.1x:{port}",
    "0177.0.0.1:{port}", "127.1:{port}", "[::1].evil.example", "localhost:{port}x", "[::2]:{port}", ":{port}",
])
def test_host_names_that_only_look_like_loopback_are_refused(guarded: DevServer, host: str) -> None:
    mark = len(guarded.lines)
    status, body = ask(guarded.port, "/01-first/", headers={"Host": host.format(port=guarded.port)})
    assert status == 403, (host, status, body[:100])
    assert body.startswith(b"403 Forbidden: this server answers to localhost") and b"<" not in body
    assert b"First" not in body
    no_traceback(guarded, mark)


@pytest.mark.parametrize("host", [
    "localhost:{port}", "LocalHost:{port}", "localhost", "127.0.0.1:{port}", "127.0.0.1", "127.1.2.3:{port}",
    "127.255.255.255:{port}", "[::1]:{port}", "[::1]", "[0:0:0:0:0:0:0:1]:{port}",
])
def test_loopback_names_and_addresses_are_served(guarded: DevServer, host: str) -> None:
    status, body = ask(guarded.port, "/01-first/", headers={"Host": host.format(port=guarded.port)})
    assert status == 200 and b"Slide 3 of First" in body, host


def test_the_reload_socket_checks_host_and_origin_itself(guarded: DevServer) -> None:
    """tornado does not check the Origin when it matches the Host: a page of another site whose
    own DNS name points at 127.0.0.1 has both agree."""
    port = guarded.port
    for name in ("evil.example", "127.0.0.1.evil.example", "127.evil.example", "localhost.evil.example"):
        assert handshake(port, f"{name}:{port}", f"http://{name}:{port}") == 403, name
        assert handshake(port, f"{name}:{port}", None) == 403, name
    assert handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1.evil.example:{port}") == 403
    assert handshake(port, f"127.0.0.1:{port}", f"https://127.0.0.1:{port}") == 403
    assert handshake(port, f"127.0.0.1:{port}", "null") == 403                 # a sandboxed or file:// page
    assert handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port + 1}") == 403
    assert handshake(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
    assert handshake(port, f"[::1]:{port}", f"http://[::1]:{port}") == 101
    assert handshake(port, f"localhost:{port}", None) == 101                  # not a browser: no Origin


def test_listening_on_every_address_still_refuses_other_names(tmp_path: Path) -> None:
    """Listening on 0.0.0.0 the course is reached through any address of the machine (or its host
    name), never through another site's DNS name. (Served in-process on 127.0.0.1: the application
    is told it listens on every address, no port is opened to the network.)"""
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    from podium.devsite import application
    from podium.livebuild import LiveBuild

    (tmp_path / "slides").mkdir()
    write(tmp_path, "01-first.md", session("First"))
    live = LiveBuild(tmp_path / "slides", None, tmp_path / "site")
    assert live.build().failed == ()
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    ready, stop = threading.Event(), threading.Event()

    async def run() -> None:
        server = HTTPServer(application(live, "0.0.0.0"))
        server.add_sockets(sockets)
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.02)
        server.stop()

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    try:
        assert ready.wait(10)
        for host in ("evil.example", "127.0.0.1.evil.example", "192.0.2.7.evil.example"):
            assert ask(port, headers={"Host": f"{host}:{port}"})[0] == 403, host
            assert handshake(port, f"{host}:{port}", f"http://{host}:{port}") == 403, host
        for host in ("192.0.2.7", "[2001:db8::7]", "127.0.0.1", "localhost", socket.gethostname().lower()):
            assert ask(port, headers={"Host": f"{host}:{port}"})[0] == 200, host
        assert handshake(port, f"192.0.2.7:{port}", f"http://192.0.2.7:{port}") == 101
    finally:
        stop.set()
        thread.join(10)


@pytest.mark.parametrize(("host", "bound", "allowed"), [
    ("127.0.0.1.evil.example", "127.0.0.1", False), ("127.evil.example:80", "127.0.0.1", False),
    ("127.8.9.10:80", "127.0.0.1", True), ("[::1]:80", "127.0.0.1", True), ("192.168.1.5:80", "127.0.0.1", False),
    ("192.168.1.5:80", "192.168.1.5", True), ("192.168.1.6:80", "192.168.1.5", False),
    ("devbox.lan:8000", "devbox.lan", True), ("DEVBOX.lan", "devbox.lan", True),
    ("devbox.lan.evil.example", "devbox.lan", False), ("localhost:8000", "devbox.lan", True),
    ("[fe80::1]:80", "fe80::1", True), ("[fe80::2]:80", "fe80::1", False),
    ("evil.example", "0.0.0.0", False), ("203.0.113.9:80", "0.0.0.0", True), ("[2001:db8::1]", "::", True),
    ("localhost:80:80", "127.0.0.1", False), ("localhost:", "127.0.0.1", False), ("[::1", "127.0.0.1", False),
])
def test_host_allowed(host: str, bound: str, allowed: bool) -> None:
    from podium.devhosts import host_allowed

    assert host_allowed(host, bound) is allowed


# ---- what a URL or a socket message may do ---------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/" + "a" * 256, "/" + "a" * 300 + "/", "/01-first/" + "b" * 256, "/" + "%C3%A9" * 128,
    "/" + "/".join(["c" * 200] * 30), "/" + "d" * 255,
])
def test_an_overlong_path_is_404_without_a_traceback(guarded: DevServer, path: str) -> None:
    mark = len(guarded.lines)
    status, body = ask(guarded.port, path)
    assert (status, body) == (404, b"404 Not Found\n")
    no_traceback(guarded, mark)


MALFORMED: list[str | bytes] = [
    "not json", "[1, 2]", "{}", '"text"', "null", "17", '{"command": 5}', '{"command": null}', '{"url": "/"}',
    "[" * 100_000, '{"command": "x", "deep": ' + "[" * 100_000 + "}", b"\xff\xfe\x00binary", b"{}",
]


def test_malformed_socket_messages_are_ignored_with_a_log_line(guarded: DevServer) -> None:
    async def talk() -> dict | None:
        from tornado.websocket import websocket_connect

        connection = await websocket_connect(f"ws://127.0.0.1:{guarded.port}/__podium__/livereload")
        try:
            for message in MALFORMED:
                await connection.write_message(message, binary=isinstance(message, bytes))
            await connection.write_message(json.dumps({"command": "hello", "protocols": []}))
            answer = await asyncio.wait_for(connection.read_message(), 10)
            return None if answer is None else json.loads(answer)
        finally:
            connection.close()

    mark = len(guarded.lines)
    got: list = []  # in a thread of its own: the browser tests' Playwright keeps a loop running here
    worker = threading.Thread(target=lambda: got.append(asyncio.run(talk())), daemon=True)
    worker.start()
    worker.join(30)
    answer = got[0] if got else None
    assert answer is not None and answer["command"] == "hello"          # the socket is still open
    no_traceback(guarded, mark)
    said = [line for line in guarded.lines[mark:] if "reload socket" in line]
    assert said == ["WARNING: reload socket: ignored a message that is not livereload's: 'not json'"]


# ---- symlinks in the slides folder ----------------------------------------------------------------

def test_the_watcher_visits_each_real_folder_once(tmp_path: Path) -> None:
    from podium.watch import Watcher

    course = tmp_path / "course"
    slides = course / "slides"
    (slides / "img").mkdir(parents=True)
    (slides / "01-a.md").write_text("# A\n")
    (slides / "img" / "a.png").write_bytes(b"png")
    (course / "common").mkdir()
    (course / "common" / "shared.css").write_text("p {}")
    (course / ".git").mkdir()
    (course / ".git" / "config").write_text("[core]")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text("not the course's")
    (slides / "again").symlink_to(".")
    (slides / "loop").symlink_to(".")
    (slides / "img" / "up").symlink_to("..")
    (slides / "pictures").symlink_to("img")
    (slides / "common").symlink_to("../common")
    (slides / "git").symlink_to("../.git")
    (slides / "outside").symlink_to(tmp_path / "elsewhere")
    (slides / "root").symlink_to("/")
    real = slides.resolve()
    watcher = Watcher([slides], within=[course])
    assert set(watcher.stamps) == {
        real / "01-a.md", real / "img" / "a.png", course.resolve() / "common" / "shared.css",
        real / "git", real / "outside", real / "root",   # links out of reach are watched as links
    }
    assert sorted(watcher.real_folders()) == sorted([real, real / "img", course.resolve() / "common"])
    assert watcher.poll() == set()
    (course / "common" / "shared.css").write_text("p { color: red }")
    os.utime(course / "common" / "shared.css", ns=(1, 1))
    assert watcher.poll() == {course.resolve() / "common" / "shared.css"}
    (slides / "outside").unlink()
    (slides / "outside").symlink_to(course / "common")
    assert watcher.poll() == {real / "outside"}


def _cpu_seconds(pid: int) -> float:
    """The user and system time a process has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class QuickServer(DevServer):
    """A DevServer that must start within 15 s (a server that never starts is stopped, not waited for)."""

    def wait_for(self, pattern: str, timeout: float = 15.0, start: int = 0):
        try:
            return super().wait_for(pattern, timeout, start)
        except AssertionError:
            if self.process.poll() is None:
                self.process.kill()
            raise


@pytest.mark.parametrize("links", [1, 2])
@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="measures CPU time through Linux's /proc")
def test_a_symlink_loop_leaves_the_idle_server_idle(course: Path, links: int) -> None:
    write(course, "01-first.md", session("First"))
    for number in range(links):
        (course / "slides" / f"l{number}").symlink_to(".")
    server = QuickServer(course, "--no-layout")
    try:
        assert "Slide 3 of First" in server.text("/01-first/")
        time.sleep(0.5)
        shares = []
        for _ in range(2):  # the lower of two measures: a busy machine may slow one down
            before, start = _cpu_seconds(server.process.pid), time.monotonic()
            time.sleep(3)
            shares.append((_cpu_seconds(server.process.pid) - before) / (time.monotonic() - start))
        assert min(shares) < 0.05, f"the idle server used {min(shares):.0%} of a core"
        mark = len(server.lines)
        write(course, "01-first.md", session("First", word="Edited"))
        eventually(lambda: "Edited 3 of First" in server.text("/01-first/"))
        server.wait_for(r"^rebuilt slides/01-first\.md in \d+ ms$", start=mark)
    finally:
        assert server.stop() == 0


# ---- stopping ---------------------------------------------------------------------------------------

SLOW_SLIDES = 400
"""Slides of highlighted code in the session saved: its rebuild takes seconds."""


def slow_session() -> str:
    code = "```python\n" + "\n".join(f"def f{i}(x):\n    return [y * {i} for y in range(x) if y % 3]"
                                      for i in range(20)) + "\n```\n"
    return "# Slow\n\n---\n\n" + "\n---\n\n".join(f"## Slide {n}\n\n{code}" for n in range(SLOW_SLIDES))


def test_ctrl_c_during_a_slow_rebuild_stops_within_two_seconds(course: Path) -> None:
    write(course, "01-first.md", session("First"))
    server = DevServer(course, "--no-layout")
    try:
        mark = len(server.lines)
        write(course, "01-first.md", slow_session())
        cpu = _cpu_seconds(server.process.pid)
        eventually(lambda: _cpu_seconds(server.process.pid) - cpu > 0.5, timeout=10)   # rebuilding
        assert not [line for line in server.lines[mark:] if line.startswith("rebuilt")], "the rebuild was too quick"
        start = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        status = server.process.wait(timeout=30)
        took = time.monotonic() - start
        assert (status, took < 2) == (0, True), f"exit {status} after {took:.1f} s"
        time.sleep(0.1)
        shown = server.lines[mark:]
        assert not [line for line in shown if line.startswith("rebuilt") or "Traceback" in line], shown
        assert "stopped" in shown
        from podium.server import WORK_PREFIX, remove_stale_work

        remove_stale_work()               # what the next `serve` does first: the stopped one's site goes
        assert not list(Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}{server.process.pid}-*"))
    finally:
        if server.process.poll() is None:
            server.process.kill()


def test_the_sites_of_ended_servers_are_removed(tmp_path: Path) -> None:
    from podium.server import WORK_PREFIX, remove_stale_work

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(ended.stdout)
    stale = tmp_path / f"{WORK_PREFIX}{dead}-abc123"
    (stale / "site" / "deck").mkdir(parents=True)
    (stale / "site" / "deck" / "index.html").write_text("old page")
    running = tmp_path / f"{WORK_PREFIX}{os.getpid()}-def456"
    (running / "site").mkdir(parents=True)
    others = [tmp_path / f"{WORK_PREFIX}notes-x", tmp_path / f"{WORK_PREFIX}{dead}", tmp_path / "unrelated",
              tmp_path / f"{WORK_PREFIX}{'9' * 30}-x"]
    for other in others:
        other.mkdir()
    a_file = tmp_path / f"{WORK_PREFIX}{dead}-file"
    a_file.write_text("not a folder of ours")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / f"{WORK_PREFIX}{dead}-link").symlink_to(elsewhere)
    assert remove_stale_work(tmp_path) == [stale]
    assert not stale.exists() and running.is_dir() and a_file.is_file() and elsewhere.is_dir()
    assert all(other.is_dir() for other in others)
