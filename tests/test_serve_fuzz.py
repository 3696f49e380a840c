"""`serve` under the crafted sessions: each one saved into a session file while the server runs is
rebuilt within the time bound of its size, and then either shows on the page or is reported in
the page's dev overlay (the errors in the state the server puts into the page, each a located
diagnostic of that session), the open page is told to reload over the websocket, and the server
goes on answering. A server that stops rebuilding is replaced for the next case.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import threading
import time
from pathlib import Path

import pytest

import fuzzgen
from fuzzrun import BASE, BASE_TEXT, deadline, time_bound
from test_server import DevServer, dev_state, eventually

CASES = [case for case in fuzzgen.crafted() if fuzzgen.SESSION in case.files]
"""The crafted Markdown sessions (the remark pages are left to test_fuzz.py)."""
PAGE = "/" + Path(fuzzgen.SESSION).stem + "/"
FILE = "slides/" + fuzzgen.SESSION
LOCATED = re.compile(rf"^{re.escape(FILE)}:\d+(?::\d+)?: (?:error|warning|info): .+ \[[a-z0-9-]+\]( \(slide \d+\))?$")
"""A diagnostic line located in the case's session."""
REBUILT = re.compile(r"^rebuilt .* in \d+ ms(?:; failing: (.*))?$")
SLACK = 1.0
"""Seconds for the watcher to see the save (it polls every 25 ms and waits 50 ms for quiet)."""


def marked(case: fuzzgen.Case, number: int) -> bytes:
    """The case's session after a first slide that names it (what the page shows when it builds)."""
    return f"# Case {number}\n\n---\n\n".encode() + case.files[fuzzgen.SESSION]


def save(course: Path, data: bytes) -> None:
    """Save the session as an editor does: a new file renamed over the old one."""
    path = course / FILE
    temporary = path.with_name(f".{path.name}.swap")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class Reloads:
    """The reload websocket as the case's open page holds it: every message it gets, with its time."""

    def __init__(self, port: int) -> None:
        self.messages: list[tuple[float, dict]] = []
        self.registered = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.connection = None
        self.thread = threading.Thread(target=lambda: asyncio.run(self._listen(port)), daemon=True)
        self.thread.start()
        assert self.registered.wait(15), "the reload socket did not answer"

    async def _listen(self, port: int) -> None:
        from tornado.websocket import websocket_connect

        self.loop = asyncio.get_running_loop()
        self.connection = await websocket_connect(f"ws://127.0.0.1:{port}/__podium__/livereload")
        await self.connection.write_message(json.dumps(
            {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        await self.connection.write_message(json.dumps(
            {"command": "info", "url": f"http://127.0.0.1:{port}{PAGE}", "plugins": {}}))
        while (message := await self.connection.read_message()) is not None:
            data = json.loads(message)
            self.messages.append((time.monotonic(), data))
            if data.get("command") == "podium-layout":  # sent once the server counts this page in
                self.registered.set()

    def told(self, since: float) -> bool:
        """Whether the page was told of the save after `since`: to reload, to put its new slides in
        place, or (a deck that failed) what its problems are now."""
        return any(at >= since and (data.get("command") == "reload" and data.get("path") in (PAGE, "*") or
                                    data.get("command") in ("podium-update", "podium-errors") and data.get("path") == PAGE)
                   for at, data in self.messages)

    def close(self) -> None:
        if self.loop is not None and self.connection is not None and self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.connection.close)
        self.thread.join(5)


@contextlib.contextmanager
def temporary_files_in(folder: Path):
    """Processes started meanwhile keep their temporary files in `folder`."""
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = before


class Served:
    """A course served by `python build.py serve`, started again when a case left it stuck."""

    def __init__(self, course: Path, temporary: Path) -> None:
        self.course, self.temporary = course, temporary
        (course / "slides").mkdir()
        (course / "slides" / BASE).write_text(BASE_TEXT, encoding="utf-8")
        self.server: DevServer | None = None
        self.reloads: Reloads | None = None
        self.stuck = False

    def start(self) -> tuple[DevServer, Reloads]:
        if self.server is None or self.stuck or self.server.process.poll() is not None:
            self.stop()
            save(self.course, b"# Case 0\n")  # not the case that left the last one stuck
            with temporary_files_in(self.temporary):  # a server killed when stuck leaves its own there
                self.server = DevServer(self.course, "--no-layout")
            self.reloads = Reloads(self.server.port)
            self.stuck = False
        assert self.reloads is not None
        return self.server, self.reloads

    def stop(self) -> None:
        if self.reloads is not None:
            self.reloads.close()
        if self.server is not None:
            if self.stuck:
                self.server.process.kill()
            self.server.stop()
        self.server = self.reloads = None


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    running = Served(tmp_path_factory.mktemp("served"), tmp_path_factory.mktemp("served-tmp"))
    yield running
    running.stop()


@pytest.mark.parametrize("number, case", list(enumerate(CASES, 1)), ids=[case.name for case in CASES])
def test_a_hostile_save_is_reported_and_the_server_goes_on(served: Served, number: int, case: fuzzgen.Case) -> None:
    server, reloads = served.start()
    data = marked(case, number)
    bound = time_bound(len(data)) + SLACK
    mark = len(server.lines)
    saved = time.monotonic()
    save(served.course, data)
    try:
        rebuilt = server.wait_for(REBUILT.pattern, timeout=deadline(bound), start=mark)
    except AssertionError:
        served.stuck = True
        raise
    seconds = time.monotonic() - saved
    printed = server.lines[mark:]
    assert not [line for line in printed if "Traceback" in line], "\n".join(printed[-30:])
    assert seconds <= bound, f"rebuilt after {seconds:.2f} s (bound {bound:.2f} s)"

    status, _, body = server.get(PAGE)
    assert status == 200
    page = body.decode("utf-8")
    errors = dev_state(page)["errors"]
    if rebuilt.group(1):                                  # failing: the overlay lists the session's errors
        assert Path(fuzzgen.SESSION).stem in rebuilt.group(1), rebuilt.group(0)
        assert errors, "the page carries no errors for its overlay"
        unlocated = [line for line in errors if not LOCATED.match(line)]
        assert not unlocated, f"errors not located in {FILE}: {unlocated[:3]}"
        assert set(errors) <= set(printed), "the overlay shows errors the terminal did not"
    else:                                                 # built: the page is the new one
        assert not errors, errors[:3]
        assert f"Case {number}" in page
    eventually(lambda: reloads.told(saved), timeout=5)

    assert server.get("/")[0] == 200
    assert "Base session" in server.text("/" + Path(BASE).stem + "/")
