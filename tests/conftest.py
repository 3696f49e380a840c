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
    """`python build.py ARGS` as a user runs it."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


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


@pytest.fixture(scope="session")
def http_root():
    """Serve a folder over HTTP on a free loopback port: `http_root(folder) -> base URL`."""
    import functools
    import http.server
    import threading

    servers = []

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    def serve(folder: Path) -> str:
        handler = functools.partial(Quiet, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
