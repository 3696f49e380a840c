"""The external link checker against real HTTP servers on the loopback interface.

Every server here listens on a loopback address (127.0.0.1, or 127.0.0.2 where a test needs a
second host) with a port the system picks; no test goes further. Each path of ROUTES is one
behaviour; the server records every request it gets. Raw socket servers stand for servers that
never answer and for servers whose lines end in a bare LF.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest
from conftest import run_build

from podium.checks.linkcache import (
    CachedLink,
    LinkResult,
    age_text,
    cached_results,
    load_cache,
    retry_after,
    save_cache,
)
from podium.checks.online import OnlineOptions, UrlCheck, check_urls, image_problem


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    chunks = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


PNG = _png()
HTML = b"<!DOCTYPE html><html><head><title>A page</title></head><body>Hello</body></html>"
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


@dataclass(frozen=True, slots=True)
class Reply:
    """What a test server sends for one request."""

    status: int = 200
    body: bytes = HTML
    ctype: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    drop: bool = False
    """Close the connection without answering."""
    chunked: bool = False
    early_hints: bool = False
    """Send a `103 Early Hints` interim answer first."""


def moved(status: int, location: str) -> Reply:
    return Reply(status, b"", headers=(("Location", location),))


# path -> behaviour(method, n): n counts earlier requests to the same path (0 for the first)
ROUTES: dict[str, Callable[[str, int], Reply]] = {
    "/ok": lambda m, n: Reply(),
    "/perm-1": lambda m, n: moved(301, "/perm-2"),
    "/perm-2": lambda m, n: moved(308, "final"),  # relative to /perm-2: /final
    "/final": lambda m, n: Reply(),
    "/temp": lambda m, n: moved(302, "/ok"),
    "/see-other": lambda m, n: moved(303, "/ok"),
    "/perm-then-temp": lambda m, n: moved(301, "/temp"),
    "/perm-then-missing": lambda m, n: moved(301, "/missing"),
    "/temp-then-perm": lambda m, n: moved(307, "/perm-2"),
    "/loop-a": lambda m, n: moved(302, "/loop-b"),
    "/loop-b": lambda m, n: moved(302, "/loop-a"),
    "/chain-3": lambda m, n: moved(302, "/chain-2"),
    "/chain-2": lambda m, n: moved(302, "/chain-1"),
    "/chain-1": lambda m, n: moved(302, "/chain-0"),
    "/chain-0": lambda m, n: Reply(),
    "/to-mail": lambda m, n: moved(302, "mailto:someone@example.invalid"),
    "/missing": lambda m, n: Reply(404),
    "/gone": lambda m, n: Reply(410),
    "/no-head": lambda m, n: Reply(405 if m == "HEAD" else 200),
    "/head-drops": lambda m, n: Reply(drop=m == "HEAD"),
    "/retry-after": lambda m, n: Reply(429, headers=(("Retry-After", "1"),)) if n == 0 else Reply(),
    "/always-429": lambda m, n: Reply(429),
    "/busy": lambda m, n: Reply(429, headers=(("Retry-After", "100000"),)),
    "/busy-1s": lambda m, n: Reply(429, headers=(("Retry-After", "1"),)),
    "/down-for-long": lambda m, n: Reply(503, headers=(("Retry-After", "100000"),)),
    "/flaky-500": lambda m, n: Reply(500 if n < 2 else 200),
    "/flaky-503": lambda m, n: Reply(503 if n == 0 else 200),
    "/always-502": lambda m, n: Reply(502),
    "/slow": lambda m, n: Reply(delay=1.0),
    "/slowish": lambda m, n: Reply(delay=0.2),
    "/png": lambda m, n: Reply(body=PNG, ctype="image/png"),
    "/png-chunked": lambda m, n: Reply(body=PNG, ctype="image/png", chunked=True),
    "/png-hinted": lambda m, n: Reply(body=PNG, ctype="image/png", early_hints=True),
    "/png-big": lambda m, n: Reply(body=PNG + bytes(200_000), ctype="image/png"),
    "/svg": lambda m, n: Reply(body=SVG, ctype="image/svg+xml"),
    "/page": lambda m, n: Reply(),
    "/page-as-png": lambda m, n: Reply(ctype="image/png"),
    "/junk-as-png": lambda m, n: Reply(body=b"hello, world", ctype="image/png"),
    "/png-as-binary": lambda m, n: Reply(body=PNG, ctype="application/octet-stream"),
    "/img-perm": lambda m, n: moved(301, "/png"),
    "/unauthorized": lambda m, n: Reply(401),
    "/forbidden": lambda m, n: Reply(403),
    "/wall": lambda m, n: Reply(999),
    "/challenge": lambda m, n: Reply(503, headers=(("Server", "cloudflare"),
                                                   ("cf-mitigated", "challenge"))),
    "/sets-cookie": lambda m, n: Reply(headers=(("Set-Cookie", "visitor=1; Path=/"),)),
}


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the server got it."""

    at: float
    method: str
    path: str
    client_port: int


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def do_HEAD(self) -> None:
        self.answer("HEAD")

    def do_GET(self) -> None:
        self.answer("GET")

    def answer(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        n = self.server.record(Seen(time.monotonic(), method, self.path, self.client_address[1]))
        if self.headers.get("Cookie"):
            self.server.cookies.append(self.headers["Cookie"])
        reply = ROUTES[path](method, n) if path in ROUTES else Reply(404)
        try:
            self.server.enter()
            time.sleep(reply.delay)
            self.send(method, reply)
        except OSError:
            self.close_connection = True
        finally:
            self.server.leave()

    def send(self, method: str, reply: Reply) -> None:
        if reply.drop:
            self.close_connection = True
            return
        if reply.early_hints:
            self.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if method == "HEAD":
            return
        if reply.chunked:
            for at in range(0, len(reply.body), 16):
                piece = reply.body[at:at + 16]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: str = "127.0.0.1") -> None:
        super().__init__((address, 0), Handler)
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.cookies: list[str] = []
        self.busy = 0
        self.most_busy = 0
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}{path}"

    def record(self, seen: Seen) -> int:
        with self.lock:
            earlier = sum(1 for s in self.seen if s.path.split("?")[0] == seen.path.split("?")[0])
            self.seen.append(seen)
            return earlier

    def enter(self) -> None:
        with self.lock:
            self.busy += 1
            self.most_busy = max(self.most_busy, self.busy)

    def leave(self) -> None:
        with self.lock:
            self.busy -= 1

    def requests(self, path: str | None = None) -> list[tuple[str, str]]:
        with self.lock:
            return [(s.method, s.path) for s in self.seen if path in (None, s.path)]

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def server():
    srv = LoopbackServer()
    yield srv
    srv.shutdown()
    srv.server_close()


FAST = OnlineOptions(min_interval=0.0, timeout=2.0, retries=2, backoff=0.01, max_wait=2.0)


def check(server: LoopbackServer, *paths: str, image: bool = False,
          options: OnlineOptions = FAST) -> dict[str, LinkResult]:
    """Results by path for `paths` on `server`."""
    results = check_urls([UrlCheck(server.url(p), image) for p in paths], options)
    return {path: results[server.url(path)] for path in paths if server.url(path) in results}


def summary(result: LinkResult) -> tuple[str, int | None, str, str | None]:
    return result.outcome, result.status, result.detail, result.new_url


# --- outcomes of links -------------------------------------------------------------------------

def test_ok(server):
    result = check(server, "/ok")["/ok"]
    assert summary(result) == ("ok", 200, "200 OK", None)
    assert result.url == server.url("/ok") and not result.from_cache
    assert abs(result.checked_at - time.time()) < 5
    assert server.requests() == [("HEAD", "/ok")]


def test_permanent_redirect_chain_suggests_the_final_url(server):
    result = check(server, "/perm-1")["/perm-1"]
    final = server.url("/final")
    assert summary(result) == ("redirected", 200, f"moved permanently to {final}", final)
    assert server.requests() == [("HEAD", "/perm-1"), ("HEAD", "/perm-2"), ("HEAD", "/final")]


@pytest.mark.parametrize("path", ["/temp", "/see-other"])
def test_temporary_redirect_to_a_page_is_ok(server, path):
    result = check(server, path)[path]
    ok = server.url("/ok")
    assert summary(result) == ("ok", 200, f"200 OK (after redirect to {ok})", None)


def test_permanent_then_temporary_suggests_the_permanent_target(server):
    result = check(server, "/perm-then-temp")["/perm-then-temp"]
    target = server.url("/temp")
    assert summary(result) == ("redirected", 200, f"moved permanently to {target}", target)


def test_temporary_then_permanent_is_ok(server):
    result = check(server, "/temp-then-perm")["/temp-then-perm"]
    final = server.url("/final")
    assert summary(result) == ("ok", 200, f"200 OK (after redirect to {final})", None)


def test_permanent_redirect_to_a_missing_page_is_broken(server):
    result = check(server, "/perm-then-missing")["/perm-then-missing"]
    missing = server.url("/missing")
    assert summary(result) == ("broken", 404, f"404 Not Found (after redirect to {missing})", None)


def test_redirect_loop_is_broken(server):
    result = check(server, "/loop-a")["/loop-a"]
    loop = server.url("/loop-a")
    assert summary(result) == ("broken", 302, f"redirect loop back to {loop}", None)
    assert len(server.requests()) == 2


def test_redirects_beyond_the_limit_are_broken(server):
    options = OnlineOptions(min_interval=0.0, max_redirects=2)
    results = check(server, "/chain-2", "/chain-3", options=options)
    assert summary(results["/chain-2"])[:2] == ("ok", 200)
    assert summary(results["/chain-3"]) == ("broken", 302, "more than 2 redirects", None)


def test_redirect_to_another_scheme_is_broken(server):
    result = check(server, "/to-mail")["/to-mail"]
    assert summary(result) == ("broken", 302, "redirects to mailto:someone@example.invalid", None)


@pytest.mark.parametrize(("path", "status", "detail"), [
    ("/missing", 404, "404 Not Found"),
    ("/gone", 410, "410 Gone"),
])
def test_missing_pages_are_broken_after_trying_get(server, path, status, detail):
    assert summary(check(server, path)[path]) == ("broken", status, detail, None)
    assert server.requests() == [("HEAD", path), ("GET", path)]


def test_head_refused_then_get_is_ok(server):
    assert summary(check(server, "/no-head")["/no-head"]) == ("ok", 200, "200 OK", None)
    assert server.requests() == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_connection_dropped_on_head_then_get_is_ok(server):
    assert summary(check(server, "/head-drops")["/head-drops"]) == ("ok", 200, "200 OK", None)
    assert server.requests() == [("HEAD", "/head-drops"), ("GET", "/head-drops")]


@pytest.mark.parametrize(("path", "status", "detail", "methods"), [
    ("/unauthorized", 401, "401 Unauthorized", ["HEAD", "GET"]),
    ("/forbidden", 403, "403 Forbidden", ["HEAD", "GET"]),
    ("/wall", 999, "999", ["HEAD"]),
])
def test_refusals_are_blocked(server, path, status, detail, methods):
    assert summary(check(server, path)[path]) == ("blocked", status, detail, None)
    assert server.requests() == [(method, path) for method in methods]


def test_bot_challenge_is_blocked_without_retrying(server):
    result = check(server, "/challenge")["/challenge"]
    assert summary(result) == ("blocked", 503, "503 Service Unavailable (bot challenge)", None)
    assert server.requests() == [("HEAD", "/challenge")]


def test_connection_refused_is_broken():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/page"
    result = check_urls([UrlCheck(url, False)], FAST)[url]
    assert summary(result) == ("broken", None, "connection refused", None)


def test_only_http_and_https_are_checked(server):
    urls = ["mailto:someone@example.invalid", "ftp://127.0.0.1/file", "http:///no-host"]
    results = check_urls([UrlCheck(url, False) for url in urls], FAST)
    assert list(results) == ["http:///no-host"]
    assert summary(results["http:///no-host"]) == ("broken", None, "no host name in the URL", None)
    assert server.requests() == []


# --- retries -----------------------------------------------------------------------------------

def test_retry_after_is_honoured(server):
    result = check(server, "/retry-after")["/retry-after"]
    assert summary(result) == ("ok", 200, "200 OK", None)
    first, second = server.seen
    assert (first.method, second.method) == ("HEAD", "HEAD")
    assert second.at - first.at >= 0.99


def test_retry_after_holds_back_the_whole_host(server):
    options = OnlineOptions(min_interval=0.0, per_host=1, backoff=0.01)
    results = check(server, "/retry-after", "/ok", options=options)
    assert [r.outcome for r in results.values()] == ["ok", "ok"]
    first, *later = server.seen
    assert first.path == "/retry-after" and len(later) == 2
    assert min(s.at for s in later) - first.at >= 0.99


def test_always_rate_limited(server):
    result = check(server, "/always-429")["/always-429"]
    assert summary(result) == ("rate-limited", 429, "429 Too Many Requests", None)
    assert server.requests() == [("HEAD", "/always-429")] * 3


def test_server_error_then_ok_after_retry(server):
    assert summary(check(server, "/flaky-500")["/flaky-500"]) == ("ok", 200, "200 OK", None)
    methods = [method for method, _ in server.requests()]
    assert methods == ["HEAD", "GET", "GET"]


def test_unavailable_then_ok_after_retry(server):
    assert summary(check(server, "/flaky-503")["/flaky-503"]) == ("ok", 200, "200 OK", None)
    assert server.requests() == [("HEAD", "/flaky-503")] * 2


def test_lasting_server_error_is_broken(server):
    options = OnlineOptions(min_interval=0.0, retries=1, backoff=0.01)
    result = check(server, "/always-502", options=options)["/always-502"]
    assert summary(result) == ("broken", 502, "502 Bad Gateway", None)
    assert server.requests() == [("HEAD", "/always-502")] * 2


def test_backoff_grows(server):
    options = OnlineOptions(min_interval=0.0, retries=2, backoff=0.1)
    check(server, "/always-502", options=options)
    times = [s.at for s in server.seen]
    assert times[1] - times[0] >= 0.1 - 0.01
    assert times[2] - times[1] >= 0.2 - 0.01


def test_slow_answer_times_out(server):
    options = OnlineOptions(min_interval=0.0, timeout=0.2, retries=1, backoff=0.01)
    result = check(server, "/slow", options=options)["/slow"]
    assert summary(result) == ("timeout", None, "timed out after 0.2 s", None)
    assert server.requests() == [("HEAD", "/slow")] * 2


@pytest.mark.parametrize(("value", "expected"), [
    ("1", 1.0),
    (" 120 ", 120.0),
    ("soon", None),
    ("", None),
])
def test_retry_after_values(value, expected):
    assert retry_after(value, time.time()) == expected


def test_retry_after_as_a_date():
    now = time.time()
    assert 9 <= retry_after(formatdate(now + 10, usegmt=True), now) <= 11
    assert retry_after(formatdate(now - 10, usegmt=True), now) == 0.0


# --- images ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/png", "/png-chunked", "/png-hinted", "/png-big", "/svg"])
def test_real_images_are_ok(server, path):
    assert summary(check(server, path, image=True)[path]) == ("ok", 200, "200 OK", None)
    assert server.requests() == [("GET", path)]


@pytest.mark.parametrize(("path", "detail"), [
    ("/page", "HTML page, not an image (text/html)"),
    ("/page-as-png", "HTML page, not an image (image/png)"),
    ("/junk-as-png", "content is not a known image format (image/png)"),
    ("/png-as-binary", "not an image (application/octet-stream)"),
])
def test_pages_and_junk_are_not_images(server, path, detail):
    assert summary(check(server, path, image=True)[path]) == ("broken", 200, detail, None)


def test_moved_image_is_redirected(server):
    result = check(server, "/img-perm", image=True)["/img-perm"]
    png = server.url("/png")
    assert summary(result) == ("redirected", 200, f"moved permanently to {png}", png)
    assert server.requests() == [("GET", "/img-perm"), ("GET", "/png")]


@pytest.mark.parametrize(("ctype", "head", "problem"), [
    ("image/png", PNG[:64], None),
    ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", None),
    ("image/gif", b"GIF89a\x01\x00", None),
    ("image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 ", None),
    ("image/x-icon", b"\x00\x00\x01\x00\x01\x00", None),
    ("image/avif", b"\x00\x00\x00\x1cftypavif\x00\x00", None),
    ("image/svg+xml", b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>", None),
    ("image/svg+xml", b"<!-- drawn by hand --><svg/>", None),
    ("image/svg+xml", b"<!-- nothing -->", "content is not a known image format (image/svg+xml)"),
    ("image/webp", b"RIFF\x24\x00\x00\x00WAVEfmt ",
     "content is not a known image format (image/webp)"),
    ("image/png", b"", "empty body, not an image (image/png)"),
    ("", PNG, "not an image (no content type)"),
    ("text/html; charset=utf-8", b"<!doctype html>", "HTML page, not an image (text/html)"),
    ("application/json", b"{}", "not an image (application/json)"),
])
def test_image_problem(ctype, head, problem):
    assert image_problem(ctype, head) == problem


# --- dedupe, politeness, connections -----------------------------------------------------------

def test_each_url_is_asked_once_and_image_use_wins(server):
    urls = [server.url("/png"), server.url("/png#top"), server.url("/png"), server.url("/png#x")]
    checks = [UrlCheck(url, index == 2) for index, url in enumerate(urls)]
    results = check_urls(checks, FAST)
    assert sorted(results) == sorted(set(urls))
    assert {summary(r) for r in results.values()} == {("ok", 200, "200 OK", None)}
    assert results[urls[1]].url == urls[0]
    assert server.requests() == [("GET", "/png")]


def test_duplicate_links_are_asked_once(server):
    results = check(server, "/ok", "/ok", "/missing", "/missing")
    assert [r.outcome for r in results.values()] == ["ok", "broken"]
    assert sorted(server.requests()) == [("GET", "/missing"), ("HEAD", "/missing"), ("HEAD", "/ok")]


def test_minimum_interval_between_starts_to_one_host(server):
    options = OnlineOptions(min_interval=0.15)
    paths = [f"/ok?n={n}" for n in range(5)]
    check(server, *paths, options=options)
    times = sorted(s.at for s in server.seen)
    assert len(times) == 5
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 0.15 - 0.01, gaps


@pytest.mark.parametrize(("per_host", "concurrency", "most"), [(2, 64, 2), (8, 3, 3), (8, 64, 6)])
def test_requests_in_flight_are_bounded(server, per_host, concurrency, most):
    options = OnlineOptions(min_interval=0.0, per_host=per_host, concurrency=concurrency)
    results = check(server, *[f"/slowish?n={n}" for n in range(6)], options=options)
    assert [r.outcome for r in results.values()] == ["ok"] * 6
    assert server.most_busy == most


def test_keep_alive_connection_is_reused(server):
    options = OnlineOptions(min_interval=0.0, per_host=1)
    check(server, "/ok?n=1", "/ok?n=2", "/ok?n=3", "/png-chunked", "/ok?n=4", options=options)
    assert len({s.client_port for s in server.seen}) == 1


def test_proxy_settings_of_the_environment_are_ignored(server, monkeypatch):
    proxy = LoopbackServer()
    try:
        for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.url(""))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert summary(check(server, "/ok")["/ok"]) == ("ok", 200, "200 OK", None)
        assert server.requests() == [("HEAD", "/ok")] and proxy.requests() == []
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_no_cookies_are_kept_between_requests(server):
    """A server's Set-Cookie is not sent back on the next request (a course is checked as a
    stranger would see it)."""
    options = OnlineOptions(min_interval=0.0, per_host=1)
    check(server, "/sets-cookie", "/ok", options=options)
    assert [s.path for s in server.seen] == ["/sets-cookie", "/ok"]
    assert server.cookies == []


# --- cache -------------------------------------------------------------------------------------

def cached_options(tmp_path: Path, **changes: object) -> OnlineOptions:
    return OnlineOptions(min_interval=0.0, retries=0, backoff=0.01, cache_dir=tmp_path / "cache",
                         **changes)


def test_second_run_asks_only_about_failures(server, tmp_path):
    options = cached_options(tmp_path)
    paths = ("/ok", "/perm-1", "/forbidden", "/missing")
    first = check(server, *paths, options=options)
    assert not any(r.from_cache for r in first.values())
    before = len(server.seen)
    second = check(server, *paths, options=options)
    assert server.requests()[before:] == [("HEAD", "/missing"), ("GET", "/missing")]
    for path in ("/ok", "/perm-1", "/forbidden"):
        assert second[path].from_cache
        assert summary(second[path]) == summary(first[path])
        assert second[path].checked_at == first[path].checked_at
    assert not second["/missing"].from_cache
    assert summary(second["/missing"]) == ("broken", 404, "404 Not Found", None)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["links.json"]


def test_link_entry_does_not_answer_an_image_check(server, tmp_path):
    options = cached_options(tmp_path)
    check(server, "/png", options=options)
    assert check(server, "/png", image=True, options=options)["/png"].from_cache is False
    assert check(server, "/png", image=True, options=options)["/png"].from_cache is True
    assert check(server, "/png", options=options)["/png"].from_cache is True
    assert server.requests() == [("HEAD", "/png"), ("GET", "/png")]


@pytest.mark.parametrize(("outcome", "days", "trusted"), [
    ("ok", 6.9, True),
    ("ok", 7.1, False),
    ("redirected", 6.9, True),
    ("blocked", 0.9, True),
    ("blocked", 1.1, False),
    ("broken", 0.0, False),
    ("timeout", 0.0, False),
    ("rate-limited", 0.0, False),
])
def test_cache_ages_per_outcome(server, tmp_path, outcome, days, trusted):
    url = server.url("/ok")
    when = time.time() - days * 86400
    save_cache(tmp_path / "cache", {url: CachedLink(LinkResult(url, outcome, 200, "earlier", None,
                                                                when, True), False)})
    result = check(server, "/ok", options=cached_options(tmp_path))["/ok"]
    assert result.from_cache is trusted
    assert len(server.seen) == (0 if trusted else 1)


def test_cached_results_for_offline_runs(server, tmp_path):
    options = cached_options(tmp_path)
    check(server, "/ok", "/missing", options=options)
    urls = [server.url("/ok"), server.url("/missing#part"), server.url("/never")]
    found = cached_results(urls, tmp_path / "cache")
    assert list(found) == urls[:2]
    assert summary(found[urls[0]]) == ("ok", 200, "200 OK", None)
    assert summary(found[urls[1]]) == ("broken", 404, "404 Not Found", None)
    assert all(r.from_cache and time.time() - r.checked_at < 60 for r in found.values())
    assert age_text(found[urls[0]].checked_at) == "just now"
    assert cached_results(urls, tmp_path / "nowhere") == {}


@pytest.mark.parametrize(("seconds", "text"), [
    (5, "just now"),
    (60, "1 minute ago"),
    (3 * 3600 + 59, "3 hours ago"),
    (86400, "1 day ago"),
    (3 * 86400 + 7, "3 days ago"),
])
def test_age_text(seconds, text):
    assert age_text(1_000_000.0 - seconds, now=1_000_000.0) == text


def test_unreadable_cache_is_replaced(server, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "links.json").write_text("{ not json", encoding="utf-8")
    options = cached_options(tmp_path)
    assert check(server, "/ok", options=options)["/ok"].outcome == "ok"
    data = json.loads((folder / "links.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and list(data["links"]) == [server.url("/ok")]
    assert set(load_cache(folder)) == {server.url("/ok")}


def test_warm_cache_answers_300_urls_fast(server, tmp_path):
    paths = [f"/ok?n={n}" for n in range(300)]
    now = time.time()
    save_cache(tmp_path / "cache", {
        server.url(p): CachedLink(LinkResult(server.url(p), "ok", 200, "200 OK", None, now, True),
                                  False)
        for p in paths
    })
    results = check(server, *paths, options=cached_options(tmp_path))
    assert server.seen == []                              # its speed: bench/check_speed.py (cached re-run)
    assert len(results) == 300 and all(r.from_cache and r.outcome == "ok" for r in results.values())


def test_callable_from_a_running_event_loop(server):
    async def inside() -> dict[str, LinkResult]:
        return check(server, "/ok")

    found: dict[str, LinkResult] = {}
    # A thread of its own: in a full run the browser tests' driver keeps a loop on the main thread.
    worker = threading.Thread(target=lambda: found.update(asyncio.run(inside())))
    worker.start()
    worker.join(30)
    assert found["/ok"].outcome == "ok"


# --- bounds: a host that asks to wait too long, the run's deadline -----------------------------

HELD = "asks to wait 100000 s, more than the 10 s the check waits for one host"


def test_a_host_asking_to_wait_too_long_is_asked_nothing_more(server):
    options = OnlineOptions(min_interval=0.0, per_host=1, backoff=0.01)
    started = time.monotonic()
    results = check(server, "/busy", "/ok?n=1", "/ok?n=2", options=options)
    assert time.monotonic() - started < 3
    assert summary(results["/busy"]) == ("rate-limited", 429, f"429 Too Many Requests; 127.0.0.1 {HELD}", None)
    for path in ("/ok?n=1", "/ok?n=2"):
        assert summary(results[path]) == ("rate-limited", None, f"not asked: 127.0.0.1 {HELD}", None)
    assert server.requests() == [("HEAD", "/busy")]


def test_the_waits_a_host_asks_for_add_up(server):
    """Three answers asking for 1 s each: past 2.5 s in all the host is asked nothing more."""
    options = OnlineOptions(min_interval=0.0, per_host=1, retries=0, max_wait=2.5)
    results = check(server, "/busy-1s?n=0", "/busy-1s?n=1", "/busy-1s?n=2", "/ok", options=options)
    held = "127.0.0.1 asks to wait 3 s, more than the 2.5 s the check waits for one host"
    assert [summary(results[f"/busy-1s?n={n}"]) for n in range(3)] == [
        ("rate-limited", 429, "429 Too Many Requests", None)] * 2 + [
        ("rate-limited", 429, f"429 Too Many Requests; {held}", None)]
    assert summary(results["/ok"]) == ("rate-limited", None, f"not asked: {held}", None)
    first, second, third = server.seen
    assert second.at - first.at >= 0.99 and third.at - second.at >= 0.99


def test_a_long_retry_after_on_a_server_error_is_the_final_answer(server):
    started = time.monotonic()
    results = check(server, "/down-for-long", "/ok", options=OnlineOptions(min_interval=0.0, per_host=1))
    assert time.monotonic() - started < 3
    assert summary(results["/down-for-long"]) == (
        "broken", 503, "503 Service Unavailable; asks to retry in 100000 s", None)
    assert summary(results["/ok"]) == ("ok", 200, "200 OK", None)  # the host is not held for a 5xx
    assert server.requests() == [("HEAD", "/down-for-long"), ("HEAD", "/ok")]


class Silent:
    """A server on 127.0.0.1 that takes every connection and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.held.append(self.sock.accept()[0])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{path}"

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent():
    srv = Silent()
    yield srv
    srv.close()


def test_the_deadline_ends_the_run_and_reports_the_rest_not_checked(silent, tmp_path):
    urls = [silent.url(f"/n{n}") for n in range(40)]
    remembered = silent.url("/n0")
    week_ago = LinkResult(remembered, "ok", 200, "200 OK", None, time.time() - 8 * 86400, True)
    save_cache(tmp_path / "cache", {remembered: CachedLink(week_ago, False)})
    options = OnlineOptions(deadline=1.0, cache_dir=tmp_path / "cache")
    started = time.monotonic()
    results = check_urls([UrlCheck(url, False) for url in urls], options)
    assert time.monotonic() - started < 3
    assert sorted(results) == sorted(urls)
    details = [summary(results[url]) for url in urls]
    asked = ("not-checked", None, "no answer before the deadline of 1 s", None)
    not_asked = ("not-checked", None, "not asked before the deadline of 1 s", None)
    assert 1 <= details.count(asked) <= 8                # at most 8 in flight to one host
    assert details.count(asked) + details.count(not_asked) == 40
    assert load_cache(tmp_path / "cache")[remembered].result == week_ago  # not replaced by "not checked"


def test_a_name_lookup_that_hangs_does_not_hold_the_end_of_the_run(monkeypatch):
    """A resolver that never answers (names under `.hang.test`, which no resolver is asked about):
    the run ends at its deadline without waiting for the lookups' threads."""
    release = threading.Event()
    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name.endswith(".hang.test"):
            release.wait(30)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    urls = [f"http://h{n}.hang.test/x" for n in range(3)]
    try:
        started = time.monotonic()
        results = check_urls([UrlCheck(url, False) for url in urls], OnlineOptions(deadline=1.0))
        assert time.monotonic() - started < 3
    finally:
        release.set()
    assert [summary(results[url]) for url in urls] == [
        ("not-checked", None, "no answer before the deadline of 1 s", None)] * 3


class BareLF:
    """A server on 127.0.0.1 whose answers end their lines in a bare LF, keep-alive, as some
    embedded and hand-written servers do: every path answers `status` with `body`."""

    def __init__(self, status: bytes, body: bytes, ctype: bytes) -> None:
        self.answer = b"HTTP/1.1 %s\nContent-Type: %s\nContent-Length: %d\n\n" % (status, ctype, len(body))
        self.body = body
        self.lines: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn = self.sock.accept()[0]
                threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        data = b""
        with conn, contextlib.suppress(OSError):
            while True:
                while b"\r\n\r\n" not in data:
                    more = conn.recv(4096)
                    if not more:
                        return
                    data += more
                head, data = data.split(b"\r\n\r\n", 1)
                self.lines.append(head.split(b"\r\n", 1)[0])
                conn.sendall(self.answer + (b"" if head.startswith(b"HEAD ") else self.body))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}{path}"


@pytest.mark.parametrize(("status", "body", "ctype", "image", "expected", "lines"), [
    (b"200 OK", HTML, b"text/html", False, ("ok", 200, "200 OK", None), [b"HEAD /x HTTP/1.1"]),
    (b"404 Not Found", HTML, b"text/html", False, ("broken", 404, "404 Not Found", None),
     [b"HEAD /x HTTP/1.1", b"GET /x HTTP/1.1"]),
    (b"200 OK", PNG, b"image/png", True, ("ok", 200, "200 OK", None), [b"GET /x HTTP/1.1"]),
    (b"200 OK", HTML, b"text/html", True, ("broken", 200, "HTML page, not an image (text/html)", None),
     [b"GET /x HTTP/1.1"]),
])
def test_answers_with_bare_lf_line_ends_are_read(status, body, ctype, image, expected, lines):
    srv = BareLF(status, body, ctype)
    try:
        started = time.monotonic()
        result = check_urls([UrlCheck(srv.url("/x"), image)], OnlineOptions(timeout=5.0))[srv.url("/x")]
        assert time.monotonic() - started < 2
        assert summary(result) == expected
        assert srv.lines == lines
    finally:
        srv.sock.close()


# --- the same bounds through `check --online` ---------------------------------------------------

def _course(folder: Path, urls: list[str], config: str = "") -> Path:
    """A course whose one session links to each of `urls` on a line of its own (line 3 on)."""
    (folder / "slides").mkdir(parents=True)
    links = "".join(f"[link {n}]({url})\n\n" for n, url in enumerate(urls))
    (folder / "slides" / "01-a.md").write_text(f"# Links\n\n{links}", encoding="utf-8")
    if config:
        (folder / "course.toml").write_text(config, encoding="utf-8")
    return folder


def _at(n: int) -> str:
    """Where `_course` puts link n: its line and the column of its URL."""
    return f"slides/01-a.md:{3 + 2 * n}:{len(f'[link {n}](') + 1}"


def _check_online(folder: Path, *flags: str) -> tuple[float, object]:
    started = time.monotonic()
    result = run_build("check", "--no-layout", "--online", *flags, cwd=folder)
    return time.monotonic() - started, result


def test_check_online_is_not_held_by_a_host_asking_to_wait(server, tmp_path):
    busy_host = LoopbackServer("127.0.0.2")
    try:
        fine = [server.url(f"/ok?n={n}") for n in range(20)]
        busy = [busy_host.url(f"/busy?n={n}") for n in range(12)]
        fine_alone, alone = _check_online(_course(tmp_path / "fine", fine))
        assert alone.returncode == 0 and alone.stdout == "", alone.stdout + alone.stderr
        with_busy, mixed = _check_online(_course(tmp_path / "mixed", fine + busy))
    finally:
        busy_host.shutdown()
        busy_host.server_close()
    assert with_busy < fine_alone + 5, (fine_alone, with_busy)
    assert mixed.returncode == 0, mixed.stdout + mixed.stderr
    lines = mixed.stdout.splitlines()
    assert len(lines) == len(busy)
    for line, (n, url) in zip(lines, enumerate(busy, len(fine))):
        assert line.startswith(f"{_at(n)}: warning: rate-limited: {url} (")
        assert line.endswith(f"127.0.0.2 {HELD}) [link-rate-limited] (slide 1)")
    assert len(busy_host.requests()) < len(busy)      # the held host was not asked about the rest
    assert "0 error(s), 12 warning(s)" in mixed.stderr


def test_check_online_deadline_reports_each_link_not_checked(silent, tmp_path):
    urls = [silent.url(f"/n{n}") for n in range(40)]
    seconds, result = _check_online(_course(tmp_path / "course", urls), "--online-deadline", "3")
    assert seconds < 8
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 40
    for n, (line, url) in enumerate(zip(lines, urls)):
        assert line.startswith(f"{_at(n)}: warning: not checked: {url} (")
        assert line.endswith(" before the deadline of 3 s) [link-not-checked] (slide 1)")
    assert "0 error(s), 40 warning(s) (the online check stopped at its deadline of 3 s; " \
           "--online-deadline sets it)" in result.stderr
    seconds, strict = _check_online(tmp_path / "course", "--online-deadline", "0.5", "--strict")
    assert seconds < 6 and strict.returncode == 1      # unchecked links fail a strict run


def test_course_toml_sets_the_deadline(silent, tmp_path):
    folder = _course(tmp_path / "course", [silent.url("/n0")], "[check]\nonline_deadline = 0.5\n")
    seconds, result = _check_online(folder)
    assert seconds < 5
    assert result.stdout == (f"{_at(0)}: warning: not checked: {silent.url('/n0')} "
                             "(no answer before the deadline of 0.5 s) [link-not-checked] (slide 1)\n")


@pytest.mark.parametrize("value", ["0", "-3", "soon", "nan", "inf"])
def test_a_bad_deadline_flag_is_a_usage_error(tmp_path, value):
    folder = _course(tmp_path / "course", ["http://127.0.0.1:9/never"])
    result = run_build("check", "--no-layout", "--online", "--online-deadline", value, cwd=folder)
    assert result.returncode == 2
    assert f"argument --online-deadline: '{value}' is not a positive number of seconds" in result.stderr


def test_the_deadline_flag_needs_online(tmp_path):
    folder = _course(tmp_path / "course", ["http://127.0.0.1:9/never"])
    result = run_build("check", "--no-layout", "--online-deadline", "3", cwd=folder)
    assert result.returncode == 2
    assert result.stderr == "build.py: error: --online-deadline bounds the online check: use it with --online\n"


@pytest.mark.parametrize("value", ["0", "-1", "true", '"1m"', "inf", "nan"])
def test_a_bad_deadline_in_course_toml_is_located(tmp_path, value):
    folder = _course(tmp_path / "course", ["http://127.0.0.1:9/never"], f"[check]\nonline_deadline = {value}\n")
    result = run_build("check", "--no-layout", cwd=folder)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "course.toml:2:1: error: online_deadline: expected a positive number of seconds [config-value]")
