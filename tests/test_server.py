"""`python build.py serve`: the real server in a subprocess, plus its parts in-process."""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

SESSION = "class: center\n\n# {title}\n\n{body}"


def session(title: str, count: int = 6, word: str = "Slide") -> str:
    """A session of `count` slides, each with its own text ("Slide 3 of First")."""
    slides = [SESSION.format(title=title, body="The opening slide.")]
    slides += [f"## {word} {n} of {title}\n\n- point {n}" for n in range(2, count + 1)]
    return "\n\n---\n\n".join(slides) + "\n"


def write(course: Path, name: str, text: str) -> Path:
    path = course / "slides" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{name}.swap")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def eventually(check, timeout: float = 15.0, every: float = 0.02):
    """Poll `check()` until it returns something true; fail with its last value after `timeout`."""
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"condition not met within {timeout} s (last value: {value!r})")
        time.sleep(every)


class DevServer:
    """`python build.py serve --port 0` in a subprocess; its output is read as it comes."""

    def __init__(self, course: Path, *extra: str, command: str = "serve", script: Path = ROOT / "build.py") -> None:
        self.course = course
        self.process = subprocess.Popen(
            [sys.executable, str(script), command, "--port", "0", "--slides", str(course / "slides"), *extra],
            cwd=course, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        found = self.wait_for(r"serving (http://\S+)")
        self.url = found.group(1)
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
        self.lines.append("<exit>")

    def wait_for(self, pattern: str, timeout: float = 30.0, start: int = 0) -> re.Match:
        def search():
            found = [m for line in self.lines[start:] if (m := re.search(pattern, line))]
            if not found and "<exit>" in self.lines:
                raise AssertionError("server ended:\n" + "\n".join(self.lines))
            return found[0] if found else None
        return eventually(search, timeout)

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, (path, status)
        return body.decode("utf-8")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()


def dev_state(html: str) -> dict:
    """The server's state injected into a page: its errors."""
    found = re.search(r'<script type="application/json" id="podium-dev">(.*?)</script>', html)
    assert found, "no dev state in the page"
    return json.loads(found.group(1))


@pytest.fixture
def two_decks(course: Path) -> Path:
    write(course, "01-first.md", session("First"))
    write(course, "02-second.md", session("Second"))
    return course


@pytest.fixture
def server(two_decks: Path):
    running = DevServer(two_decks)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """One server for the tests that only read."""
    course = tmp_path_factory.mktemp("shared")
    write(course, "01-first.md", session("First"))
    write(course, "02-second.md", session("Second"))
    running = DevServer(course)
    yield running
    running.stop()


# ---- serving ------------------------------------------------------------------------------------

def test_serves_the_index_and_every_deck(shared: DevServer) -> None:
    server = shared
    index = server.text("/")
    assert 'href="01-first/"' in index and 'href="02-second/"' in index
    for stem, title in (("01-first", "First"), ("02-second", "Second")):
        page = server.text(f"/{stem}/")
        assert f"Slide 3 of {title}" in page
        assert dev_state(page) == {"errors": [], "layout": [], "page": stem, "socket": "/__podium__/livereload",
                                   "version": 1}
    status, headers, script = server.get("/__podium__/dev.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and b"podium-dev" in script
    status, headers, script = server.get("/__podium__/missing.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and b"podium-dev-missing" in script
    assert server.get("/__podium__/other.js")[0] == 404
    status, headers, _ = server.get("/01-first")
    assert status in (301, 302) and headers["Location"] == "/01-first/"


@pytest.mark.parametrize("path", [
    "/../", "/%2e%2e/", "/%2E%2E/pyproject.toml", "/..%2f..%2fpyproject.toml", "//etc/passwd", "/%2fetc%2fpasswd",
    "/static/../../slides/01-first.md", "/static/%2e%2e/%2e%2e/build.py", "/static/..%5c..%5cbuild.py",
    "/static/", "/static", "/01-first/../../slides/01-first.md", "/.podium-site", "/%00", "/nothing/here",
    "/index.html/", "/__podium__/", "/C:/Windows/win.ini",
])
def test_nothing_outside_the_site_is_served(shared: DevServer, path: str) -> None:
    server = shared
    status, _, body = server.get(path)
    assert status == 404, (path, status, body[:200])
    assert b"class: center" not in body


def test_other_host_names_are_refused_on_loopback(shared: DevServer) -> None:
    """A page of another site cannot reach the course through a DNS name that points at 127.0.0.1."""
    for host, expected in (("evil.example:80", 403), (f"localhost:{shared.port}", 200),
                           (f"127.0.0.1:{shared.port}", 200)):
        connection = http.client.HTTPConnection("127.0.0.1", shared.port, timeout=10)
        try:
            connection.request("GET", "/", headers={"Host": host})
            assert connection.getresponse().status == expected, host
        finally:
            connection.close()


def _socket_handshake(port: int, host: str, origin: str | None) -> int:
    """The status the server answers a websocket opening from `origin` (None: no Origin header)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    if origin is not None:
        headers["Origin"] = origin
    try:
        connection.request("GET", "/__podium__/livereload", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_the_reload_socket_accepts_its_own_pages_only(shared: DevServer) -> None:
    """Another site's page (another Origin, or a DNS name of its own pointing at 127.0.0.1) cannot
    listen to the course's reloads and layout findings."""
    own = f"127.0.0.1:{shared.port}"
    assert _socket_handshake(shared.port, own, f"http://{own}") == 101
    assert _socket_handshake(shared.port, f"localhost:{shared.port}", f"http://localhost:{shared.port}") == 101
    assert _socket_handshake(shared.port, own, None) == 101            # not a browser: no Origin to check
    assert _socket_handshake(shared.port, own, "http://evil.example") == 403
    assert _socket_handshake(shared.port, own, f"http://evil.example:{shared.port}") == 403
    assert _socket_handshake(shared.port, own, f"http://localhost:{shared.port}") == 403   # another origin
    assert _socket_handshake(shared.port, "evil.example", "http://evil.example") == 403


def test_pages_are_checked_on_every_use_by_their_etag(shared: DevServer) -> None:
    status, headers, body = shared.get("/01-first/")
    assert status == 200 and b'id="podium-dev"' in body
    assert headers["Cache-Control"] == "no-cache" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "text/html; charset=utf-8" and int(headers["Content-Length"]) == len(body)
    assert "Last-Modified" not in headers      # a page changes with the build's errors, its file may not
    etag = headers["Etag"]
    connection = http.client.HTTPConnection("127.0.0.1", shared.port, timeout=10)
    try:
        connection.request("GET", "/01-first/", headers={"If-None-Match": etag})
        response = connection.getresponse()
        assert (response.status, response.read()) == (304, b"")
        connection.request("GET", "/01-first/", headers={"If-None-Match": '"another"'})
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, body)
        connection.request("GET", "/01-first/", headers={"If-Modified-Since": "Sun, 06 Nov 2094 08:49:37 GMT"})
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, body)
    finally:
        connection.close()
    status, headers, head_body = shared.get("/01-first/", method="HEAD")
    assert (status, head_body, int(headers["Content-Length"]), headers["Etag"]) == (200, b"", len(body), etag)
    status, headers, css = shared.get("/static/podium.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8" and b"podium-dev" not in css


def test_fifty_clients_get_complete_answers(shared: DevServer) -> None:
    server = shared
    paths = ["/", "/01-first/", "/02-second/", "/static/podium.css", "/__podium__/dev.js", "/missing"]
    expected = {p: server.get(p) for p in paths}
    assert [expected[p][0] for p in paths] == [200, 200, 200, 200, 200, 404]

    def client(number: int) -> list[str]:
        wrong = []
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
        for i in range(20):
            path = paths[(number + i) % len(paths)]
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            length = response.getheader("Content-Length")
            if (response.status, body) != (expected[path][0], expected[path][2]) or int(length) != len(body):
                wrong.append(f"{path}: {response.status}, {len(body)} bytes")
        connection.close()
        return wrong

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(client, range(50)))
    assert [w for r in results for w in r] == []


# ---- rebuilding ---------------------------------------------------------------------------------

def test_an_edit_shows_up_and_rebuilds_only_that_deck(server: DevServer) -> None:
    mark = len(server.lines)
    write(server.course, "01-first.md", session("First", word="Edited"))
    eventually(lambda: "Edited 3 of First" in server.text("/01-first/"))
    server.wait_for(r"^rebuilt slides/01-first\.md in \d+ ms$", start=mark)
    assert not [line for line in server.lines[mark:] if "the course" in line]
    assert "Slide 3 of Second" in server.text("/02-second/")


def test_a_burst_of_saves_makes_one_rebuild_and_the_last_wins(server: DevServer) -> None:
    mark = len(server.lines)
    path = server.course / "slides" / "01-first.md"
    for word in ("One", "Two", "Three"):
        path.write_text(session("First", word=word), encoding="utf-8")
    eventually(lambda: "Three 3 of First" in server.text("/01-first/"))
    time.sleep(0.4)
    rebuilds = [line for line in server.lines[mark:] if line.startswith("rebuilt")]
    assert rebuilds == [rebuilds[0]] and "01-first.md" in rebuilds[0]


def test_course_settings_rebuild_everything(server: DevServer) -> None:
    mark = len(server.lines)
    (server.course / "course.toml").write_text('title = "Renamed course"\n', encoding="utf-8")
    eventually(lambda: "Renamed course" in server.text("/") and "Renamed course" in server.text("/02-second/"))
    server.wait_for(r"^rebuilt the course in \d+ ms$", start=mark)


def test_a_new_session_and_a_removed_one_change_the_index(server: DevServer) -> None:
    write(server.course, "03-third.md", session("Third"))
    eventually(lambda: 'href="03-third/"' in server.text("/"))
    assert "Slide 2 of Third" in server.text("/03-third/")
    (server.course / "slides" / "03-third.md").unlink()
    eventually(lambda: 'href="03-third/"' not in server.text("/"))
    assert server.get("/03-third/")[0] == 404


def test_a_broken_deck_keeps_its_last_page_with_the_errors(server: DevServer) -> None:
    mark = len(server.lines)
    broken = session("First", word="Broken") + "\n```python\nprint('never closed')\n"
    write(server.course, "01-first.md", broken)
    line = server.wait_for(r"^slides/01-first\.md:\d+:\d+: error: .*\[unclosed-fence\]", start=mark).group(0)
    page = eventually(lambda: (p := server.text("/01-first/")) and dev_state(p)["errors"] and p)
    assert dev_state(page)["errors"] == [line]
    assert "Slide 3 of First" in page and "Broken 3 of First" not in page
    assert dev_state(server.text("/02-second/"))["errors"] == []
    assert line in dev_state(server.text("/"))["errors"]
    write(server.course, "01-first.md", session("First", word="Fixed"))
    eventually(lambda: (p := server.text("/01-first/")) and "Fixed 3 of First" in p and not dev_state(p)["errors"])
    assert dev_state(server.text("/"))["errors"] == []


def test_a_deck_that_never_built_gets_a_page_with_its_errors(two_decks: Path) -> None:
    write(two_decks, "03-broken.md", "# Broken\n\n```\nnot closed\n")
    running = DevServer(two_decks)
    try:
        status, _, body = running.get("/03-broken/")
        assert status == 200
        assert re.search(r"slides/03-broken\.md:3:1: error: .*\[unclosed-fence\]", dev_state(body.decode())["errors"][0])
        assert "Slide 3 of First" in running.text("/01-first/")
        write(two_decks, "03-broken.md", "# Mended\n")
        eventually(lambda: (p := running.text("/03-broken/")) and "Mended" in p and not dev_state(p)["errors"])
    finally:
        running.stop()


# ---- starting and stopping ----------------------------------------------------------------------

def test_sigint_stops_cleanly(two_decks: Path) -> None:
    running = DevServer(two_decks)
    assert running.stop() == 0
    assert not [line for line in running.lines if "Traceback" in line]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", running.port), timeout=1).close()


def _serve_on_busy_port(course: Path, *extra: str) -> subprocess.CompletedProcess:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--slides", str(course / "slides"),
                                 "--port", str(port), *extra], cwd=course, capture_output=True, text=True, timeout=60)
    return result


def test_a_port_in_use_is_a_one_line_error(two_decks: Path) -> None:
    result = _serve_on_busy_port(two_decks)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and re.match(r"build\.py: error: port \d+ is in use", lines[0]), result.stderr


def test_listening_on_every_address_warns(two_decks: Path) -> None:
    result = _serve_on_busy_port(two_decks, "--host", "0.0.0.0")
    assert "warning: listening on 0.0.0.0: the course is visible to the network" in result.stderr
    assert result.returncode == 2


def test_a_missing_slides_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--slides", str(tmp_path / "nope")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "does not exist" in result.stderr


# ---- the parts, in-process ----------------------------------------------------------------------

def test_locate_refuses_links_out_of_the_site(tmp_path: Path) -> None:
    from podium.devsite import locate

    site = tmp_path / "site"
    (site / "deck").mkdir(parents=True)
    (site / "deck" / "index.html").write_text("page")
    (tmp_path / "secret.txt").write_text("secret")
    (site / "leak.txt").symlink_to(tmp_path / "secret.txt")
    root = site.resolve()
    assert locate(root, "deck/") == root / "deck" / "index.html"
    assert locate(root, "deck") == "redirect"
    assert locate(root, "leak.txt") is None
    assert locate(root, "deck/index.html/") is None


def test_the_watcher_sees_a_rewrite_with_the_same_time_and_size(tmp_path: Path) -> None:
    from podium.watch import Watcher

    path = tmp_path / "a.md"
    path.write_text("version 1")
    stamp = time.time_ns() + 10**10  # "just written" for the whole test
    os.utime(path, ns=(stamp, stamp))
    watcher = Watcher([tmp_path])
    assert watcher.poll() == set()
    path.write_text("version 2")
    os.utime(path, ns=(stamp, stamp))
    assert watcher.poll() == {path.resolve()}
    (tmp_path / ".a.md.swp").write_text("editor noise")
    (tmp_path / "a.md~").write_text("editor noise")
    assert watcher.poll() == set()


def test_a_save_during_a_rebuild_is_built_too(tmp_path: Path) -> None:
    from podium.watch import Watcher, run_watch

    path = tmp_path / "a.md"
    path.write_text("first")
    seen: list[str] = []
    started = threading.Event()

    def handle(changed: set[Path]) -> None:
        seen.append(path.read_text())
        started.set()
        if len(seen) == 1:
            time.sleep(0.3)

    stop = threading.Event()
    watcher = Watcher([tmp_path])
    worker = threading.Thread(target=run_watch, args=(watcher.poll, handle, stop, 0.01, 0.03))
    worker.start()
    try:
        path.write_text("second")
        assert started.wait(5)
        path.write_text("third")
        eventually(lambda: seen[-1] == "third", timeout=5)
    finally:
        stop.set()
        worker.join()
    assert seen == ["second", "third"]


def test_a_template_error_leaves_the_site_and_clears_when_fixed(tmp_path: Path) -> None:
    import shutil

    from podium.builder import Builder
    from podium.livebuild import COURSE, LiveBuild
    from podium.project import PACKAGE_ROOT

    (tmp_path / "slides").mkdir()
    write(tmp_path, "01-first.md", session("First"))
    templates = tmp_path / "templates"
    shutil.copytree(PACKAGE_ROOT / "templates", templates)
    live = LiveBuild(tmp_path / "slides", None, tmp_path / "site")
    live.project = live.project.with_options(templates_dir=templates)
    live.builder = Builder(live.project, keep_going=True)
    assert live.update({templates / "deck.html"}).failed == ()
    good = (tmp_path / "site" / "01-first" / "index.html").read_text()
    deck = templates / "deck.html"
    text = deck.read_text()
    deck.write_text(text.replace("{% endfor %}", "{% endfor", 1))
    outcome = live.update({deck})
    assert outcome.failed == (COURSE,) and outcome.pages == ("*",)
    assert re.match(r".*templates/deck\.html:\d+:1: error: .* \[build\]$", live.errors[COURSE][0])
    assert (tmp_path / "site" / "01-first" / "index.html").read_text() == good
    deck.write_text(text)
    assert live.update({deck}).failed == () and live.errors == {}


def test_the_builder_rebuilds_one_deck_and_keeps_the_others(tmp_path: Path) -> None:
    from podium.builder import Builder
    from podium.project import load_project

    (tmp_path / "slides").mkdir()
    first = write(tmp_path, "01-first.md", session("First"))
    write(tmp_path, "02-second.md", session("Second"))
    project, _ = load_project(tmp_path / "slides", tmp_path / "site")
    builder = Builder(project)
    assert builder.build().written
    other = tmp_path / "site" / "02-second" / "index.html"
    before = other.stat().st_mtime_ns
    write(tmp_path, "01-first.md", session("First", word="Changed"))
    result = builder.rebuild({first})
    assert result.rebuilt == {first.resolve()} and result.written
    assert "Changed 2 of First" in (tmp_path / "site" / "01-first" / "index.html").read_text()
    assert other.stat().st_mtime_ns == before
    write(tmp_path, "01-first.md", "```\nunclosed\n")
    assert not builder.rebuild({first}).written
    assert "Changed 2 of First" in (tmp_path / "site" / "01-first" / "index.html").read_text()


def test_the_builder_knows_what_a_change_touches(tmp_path: Path) -> None:
    import shutil

    from podium.builder import Builder
    from podium.project import PACKAGE_ROOT, load_project

    (tmp_path / "slides").mkdir()
    first = write(tmp_path, "01-first.md", "# First\n\n![a picture](img/new.png)\n")
    second = write(tmp_path, "02-second.md", session("Second"))
    shutil.copytree(PACKAGE_ROOT / "templates", tmp_path / "templates")
    project, _ = load_project(tmp_path / "slides", tmp_path / "site")
    builder = Builder(project.with_options(templates_dir=tmp_path / "templates"), keep_going=True)
    assert [d.code for d in builder.build().diagnostics] == ["missing-file"]
    image = tmp_path / "slides" / "img" / "new.png"
    image.parent.mkdir()
    image.write_bytes(b"\x89PNG picture")
    result = builder.rebuild({image})
    assert result.rebuilt == {first.resolve()} and result.diagnostics == ()
    assert (tmp_path / "site" / "01-first" / "img" / "new.png").read_bytes() == b"\x89PNG picture"
    assert builder.rebuild({tmp_path / "slides" / "notes.txt"}).rebuilt == frozenset()
    assert builder.rebuild({tmp_path / "templates" / "index.html"}).rebuilt is None
    third = write(tmp_path, "03-third.md", session("Third"))
    assert builder.rebuild({third}).rebuilt is None
    assert (tmp_path / "site" / "03-third" / "index.html").is_file()
    second.unlink()
    assert builder.rebuild({second}).rebuilt is None
    assert not (tmp_path / "site" / "02-second").exists()


def test_a_remark_course_is_served_at_its_own_urls(tmp_path: Path) -> None:
    """One folder per session, the root page as session 1, the course page at /sessions/."""
    shutil.copytree(FIXTURES / "remark-course", tmp_path / "slides")
    running = DevServer(tmp_path, "--no-layout")
    try:
        assert dev_state(running.text("/"))["page"] == "."
        assert dev_state(running.text("/sessions/"))["page"] == ""
        assert dev_state(running.text("/6/"))["page"] == "6" and "The Compose file" in running.text("/6/")
        assert running.get("/common/course.css")[0] == 200 and running.get("/2/Dockerfile")[0] == 200
        mark = len(running.lines)
        session = tmp_path / "slides" / "6" / "slides.md"
        session.write_text(session.read_text(encoding="utf-8").replace("The Compose file", "The Compose YAML"),
                           encoding="utf-8")
        eventually(lambda: "The Compose YAML" in running.text("/6/"))
        running.wait_for(r"^rebuilt slides/6/slides\.md in \d+ ms$", start=mark)
        assert "Docker and Kubernetes" in running.text("/")
    finally:
        running.stop()
