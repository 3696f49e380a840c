"""Shared fixtures: paths, and building a course into a temporary site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_build(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python build.py ARGS` as a user runs it, run in this process (`cli.main`): its exit status
    and what it printed on stdout and stderr (log lines included). `pdf` drives Chromium with
    Playwright's sync API, which cannot run beside the browser tests' own: it gets a process."""
    if args[:1] == ("pdf",):
        return run_build_process(*args, cwd=cwd)
    import contextlib
    import io
    import logging
    import os

    from podium.cli import main

    out, err = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []                    # the command's logging.basicConfig writes to this stderr
    home = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(list(args), "build.py")
    finally:
        os.chdir(home)
        root.handlers, root.level = handlers, level
    return subprocess.CompletedProcess(["build.py", *args], status, out.getvalue(), err.getvalue())


def run_build_process(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python build.py ARGS` in a process of its own (for what only a process shows: start-up,
    signals, the interpreter's exit)."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled course (slides/) built as `python build.py build` builds it, once per test run
    (read it, do not change it)."""
    out = tmp_path_factory.mktemp("bundled") / "site"
    result = run_build("build", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def course(tmp_path: Path):
    """A fresh course folder: write sessions into `course / 'slides'`."""
    (tmp_path / "slides").mkdir()
    return tmp_path


def copy_case(source: Path, folder: Path) -> Path:
    """Copy a file byte for byte (CRLF cases stay CRLF)."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


# ---- browser tests: Playwright for Python driving Debian's Chromium -------------------------------

from podium.pdf import CHROMIUM_FLAGS, CHROMIUM_PATHS as CHROMIUM_CANDIDATES  # noqa: E402


def chromium_path() -> str | None:
    """PODIUM_CHROMIUM, else Debian's Chromium; None when there is none."""
    import os

    wanted = os.environ.get("PODIUM_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).exists() else None
    return next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)


def _no_browser(reason: str) -> None:
    import os

    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests need Chromium in CI: {reason}")
    pytest.skip(f"no browser: {reason}")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (skips locally without one; fails in CI)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed (pip install -e '.[test]')")
    path = chromium_path()
    if path is None:
        _no_browser("no Chromium at /usr/bin/chromium or PODIUM_CHROMIUM (apt-get install chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, headless=True, args=list(CHROMIUM_FLAGS))
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context; fails the test on any request that leaves loopback or file://."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")) or "://127.0.0.1" in url or "://localhost" in url:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.outside_requests = outside  # type: ignore[attr-defined]
    yield page
    context.close()


class LoopbackServers:
    """HTTP servers on free loopback ports, each in a thread of its own, all stopped together."""

    def __init__(self) -> None:
        self.servers: list = []

    def start(self, handler) -> str:
        """Serve with `handler` (a BaseHTTPRequestHandler class); returns the base URL, ending in `/`."""
        import http.server
        import threading

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        self.servers.clear()


@pytest.fixture
def loopback():
    """`loopback.start(handler) -> base URL`; `loopback.stop()` stops them early (else at the end)."""
    servers = LoopbackServers()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def http_root():
    """Serve a folder over HTTP on a free loopback port: `http_root(folder) -> base URL`."""
    import functools
    import http.server

    servers = LoopbackServers()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    def serve(folder: Path) -> str:
        return servers.start(functools.partial(Quiet, directory=str(folder)))

    yield serve
    servers.stop()
