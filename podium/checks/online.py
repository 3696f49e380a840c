"""Checks external http(s) links and images over the network, politely, with a result cache.

One asyncio loop speaks HTTP/1.1 over `asyncio.open_connection` and keeps idle keep-alive
connections for reuse. Each host has a gate (requests in flight) and a start schedule (one
request start per `min_interval`); one more gate bounds the whole run. Links are asked with HEAD,
and with GET where a server refuses HEAD. Images are fetched with GET, reading only the first
few KB, so that their content can be recognised.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Coroutine, Mapping, Sequence
from urllib.parse import SplitResult, quote, urldefrag, urljoin, urlsplit

from .linkcache import CACHE_AGES, Answer, CachedLink, LinkResult, Outcome, cached_results
from .linkcache import head_refused, image_problem, judge, load_cache, network_detail, retry_delay
from .linkcache import save_cache, trusted

log = logging.getLogger(__name__)

__all__ = ["LinkResult", "OnlineOptions", "Outcome", "UrlCheck", "cached_results", "check_urls",
           "image_problem"]

DEFAULT_PORTS: Mapping[str, int] = {"http": 80, "https": 443}
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
NO_BODY = frozenset({204, 304})
SNIFF_BYTES = 4096
"""At most this much of a body is read; longer bodies end the connection instead."""
ACCEPT: Mapping[bool, str] = {
    False: "text/html,application/xhtml+xml,*/*;q=0.8",
    True: "image/avif,image/webp,image/png,image/svg+xml,image/*,*/*;q=0.8",
}


@dataclass(frozen=True, slots=True)
class UrlCheck:
    """One use of an external URL in the course."""

    url: str
    """An absolute http(s) URL, perhaps with a fragment (which is not sent)."""
    want_image: bool
    """True when used as `<img src>` or a background image: the URL must give a real image."""


@dataclass(frozen=True, slots=True)
class OnlineOptions:
    """How hard and how politely to check, and where to remember results."""

    concurrency: int = 64
    """Requests in flight overall."""
    per_host: int = 8
    """Requests in flight to one host."""
    min_interval: float = 0.05
    """Seconds between two request starts to one host (0.05: at most 20 requests/s)."""
    timeout: float = 10.0
    """Seconds one request may take, connecting and reading included."""
    retries: int = 2
    """Further attempts after a timeout, a 5xx or a 429."""
    backoff: float = 0.5
    """Wait before retry n (from 0) is `backoff * 2**n`, unless the server sends Retry-After."""
    max_retry_after: float = 30.0
    """Longest wait before a retry, whatever the server asks for."""
    max_redirects: int = 10
    """Redirects followed from one URL before it counts as broken."""
    cache_dir: Path | None = None
    """The folder of the result cache (`.podium-cache/`); None: no cache."""
    user_agent: str = "podium-linkcheck/0.1"
    """The User-Agent header sent."""
    cache_ages: Mapping[str, float] = field(default_factory=lambda: CACHE_AGES)
    """Seconds a cached result is trusted, per outcome; failures are never trusted."""


def check_urls(checks: Sequence[UrlCheck], options: OnlineOptions) -> dict[str, LinkResult]:
    """Check every http(s) URL of `checks` once; keys are the URLs as given.

    A URL used both as a link and as an image is checked as an image. Other schemes are skipped.
    """
    wanted: dict[str, bool] = {}
    for check in checks:
        url = urldefrag(check.url).url
        if urlsplit(url).scheme.lower() in DEFAULT_PORTS:
            wanted[url] = wanted.get(url, False) or check.want_image
    known = load_cache(options.cache_dir) if options.cache_dir is not None else {}
    now = time.time()
    results = {
        url: known[url].result
        for url, image in wanted.items()
        if url in known and trusted(known[url], image, now, options.cache_ages)
    }
    pending = {url: image for url, image in wanted.items() if url not in results}
    log.debug("%d URLs to check online, %d answered by the cache", len(pending), len(results))
    if pending:
        fresh = _run(_check_all(pending, options))
        results.update(fresh)
        if options.cache_dir is not None:
            stored = {url: CachedLink(replace(res, from_cache=True), pending[url])
                      for url, res in fresh.items()}
            save_cache(options.cache_dir, {**known, **stored})
    found = ((check.url, urldefrag(check.url).url) for check in checks)
    return {given: results[url] for given, url in found if url in results}


def _run(work: Coroutine[object, object, dict[str, LinkResult]]) -> dict[str, LinkResult]:
    """Run `work` to the end, also from a thread whose own event loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


async def _check_all(pending: Mapping[str, bool], options: OnlineOptions) -> dict[str, LinkResult]:
    session = _Session(options)
    try:
        found = await asyncio.gather(*(session.check(url, image) for url, image in pending.items()))
    finally:
        await session.close()
    return dict(zip(pending, found))


_Failure = tuple[Outcome, str]
"""A check that ended without a usable HTTP answer: `broken` or `timeout`, and why."""
_Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class _NoAnswer(Exception):
    """The connection ended before any answer arrived."""


class _Unusable(Exception):
    """The URL cannot be requested, or what came back is not HTTP/1.x; the message says which."""


class _Session:
    """The state of one run: gates, schedules, idle connections."""

    def __init__(self, options: OnlineOptions) -> None:
        self.options = options
        self.gate = asyncio.Semaphore(max(1, options.concurrency))
        self.host_gates: dict[str, asyncio.Semaphore] = {}
        self.next_start: dict[str, float] = {}
        """Per host name: the loop time before which no request may start."""
        self.idle: dict[tuple[str, str, int], list[_Conn]] = {}
        self.tls: ssl.SSLContext | None = None

    async def check(self, url: str, want_image: bool) -> LinkResult:
        """The result for `url`; never raises."""
        try:
            return await self._follow(url, want_image)
        except Exception as exc:  # an odd server or URL must not end the whole run
            log.debug("checking %s failed", url, exc_info=True)
            return LinkResult(url, "broken", None, f"cannot check: {exc}", None, time.time(), False)

    async def _follow(self, url: str, want_image: bool) -> LinkResult:
        """Check `url`, following redirects; `new_url` is where the leading permanent ones end."""
        current, moved, permanent, seen = url, None, True, {url}
        status: int | None = None
        for _ in range(self.options.max_redirects + 1):
            answer = await self._hop(current, want_image)
            if isinstance(answer, tuple):
                return _result(url, answer[0], None, _after(answer[1], url, current))
            status, location = answer.status, answer.headers.get("location", "").strip()
            if status not in REDIRECTS or not location:
                outcome, detail = judge(answer, want_image)
                if outcome == "ok" and moved is not None:
                    detail = f"moved permanently to {moved}"
                    return _result(url, "redirected", status, detail, moved)
                return _result(url, outcome, status, _after(detail, url, current))
            target = urldefrag(urljoin(current, location)).url
            permanent = permanent and status in PERMANENT
            moved = target if permanent else moved
            if target in seen:
                return _result(url, "broken", status, f"redirect loop back to {target}")
            if urlsplit(target).scheme.lower() not in DEFAULT_PORTS:
                return _result(url, "broken", status, f"redirects to {target}")
            log.debug("%s redirects (%d) to %s", current, status, target)
            seen.add(target)
            current = target
        limit = self.options.max_redirects
        return _result(url, "broken", status, f"more than {limit} redirects")

    async def _hop(self, url: str, want_image: bool) -> Answer | _Failure:
        """One URL without following redirects: HEAD (or GET), GET when HEAD fails, retries."""
        options = self.options
        method, attempt = ("GET" if want_image else "HEAD"), 0
        while True:
            outcome: Answer | _Failure
            try:
                answer = await self._request(method, url, want_image)
            except _NoAnswer as exc:
                if method == "HEAD":
                    method = "GET"
                    continue
                return "broken", str(exc)
            except asyncio.TimeoutError:
                outcome = "timeout", f"timed out after {options.timeout:g} s"
                delay = options.backoff * 2**attempt
            except _Unusable as exc:
                return "broken", str(exc)
            except (OSError, UnicodeError) as exc:
                return "broken", network_detail(exc, _host_name(url))
            else:
                if method == "HEAD" and head_refused(answer.status):
                    method = "GET"
                    continue
                wait = retry_delay(answer, options.backoff * 2**attempt, options.max_retry_after)
                if wait is None:
                    return answer
                if answer.status == 429:  # the host asked us to slow down: start nothing there
                    host = _host_name(url)
                    later = asyncio.get_running_loop().time() + wait
                    self.next_start[host] = max(self.next_start.get(host, 0.0), later)
                outcome, delay = answer, wait
            if attempt >= options.retries:
                return outcome
            attempt += 1
            log.debug("retry %d of %s %s in %.2f s", attempt, method, url, delay)
            await asyncio.sleep(delay)

    async def _request(self, method: str, url: str, want_image: bool) -> Answer:
        parts, host = urlsplit(url), _host_name(url)
        if not host:
            raise _Unusable("no host name in the URL")
        gate = self.host_gates.setdefault(host, asyncio.Semaphore(max(1, self.options.per_host)))
        async with gate, self.gate:
            now = asyncio.get_running_loop().time()
            start = max(now, self.next_start.get(host, 0.0))
            self.next_start[host] = start + self.options.min_interval
            if start > now:
                await asyncio.sleep(start - now)
            log.debug("%s %s", method, url)
            exchange = self._exchange(method, parts, want_image)
            return await asyncio.wait_for(exchange, self.options.timeout)

    async def _exchange(self, method: str, parts: SplitResult, want_image: bool) -> Answer:
        """Send one request, on an idle connection when there is one, else on a new one."""
        scheme = parts.scheme.lower()
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError as exc:
            raise _Unusable(f"bad port in the URL ({exc})") from None
        name = (parts.hostname or "").encode("idna").decode("ascii")
        key = (scheme, name, port)
        request = _request_bytes(method, parts, name, port, want_image, self.options.user_agent)
        idle = self.idle.setdefault(key, [])
        while idle:
            conn = idle.pop()
            if conn[0].at_eof() or conn[1].is_closing():
                conn[1].close()
                continue
            try:
                return await self._send(key, conn, request, method)
            except (_NoAnswer, _Unusable) as exc:  # closed meanwhile, or left in a bad state
                log.debug("idle connection to %s:%d failed (%s); opening one", name, port, exc)
        if scheme == "https" and self.tls is None:
            self.tls = ssl.create_default_context()
        tls = self.tls if scheme == "https" else None
        conn = await asyncio.open_connection(name, port, ssl=tls)
        return await self._send(key, conn, request, method)

    async def _send(self, key: tuple[str, str, int], conn: _Conn, request: bytes,
                    method: str) -> Answer:
        reader, writer = conn
        try:
            writer.write(request)
            await writer.drain()
            version, answer = await _read_head(reader)
            body, whole = await _read_body(reader, method, answer)
        except (ConnectionResetError, BrokenPipeError):
            writer.close()
            raise _NoAnswer("connection reset by the server") from None
        except BaseException:
            writer.close()
            raise
        closing = "close" in answer.headers.get("connection", "").lower()
        if whole and version == "HTTP/1.1" and not closing:
            self.idle[key].append(conn)
        else:
            writer.close()
        return replace(answer, body=body)

    async def close(self) -> None:
        """Close every idle connection."""
        writers = [writer for idle in self.idle.values() for _, writer in idle]
        self.idle.clear()
        for writer in writers:
            writer.close()
        waits = [writer.wait_closed() for writer in writers]
        if waits:
            await asyncio.wait([asyncio.ensure_future(w) for w in waits], timeout=1.0)


def _request_bytes(method: str, parts: SplitResult, name: str, port: int, want_image: bool,
                   user_agent: str) -> bytes:
    target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=~")
    if parts.query:
        target += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=~?")
    host = f"[{name}]" if ":" in name else name
    if port != DEFAULT_PORTS[parts.scheme.lower()]:
        host = f"{host}:{port}"
    lines = (
        f"{method} {target} HTTP/1.1",
        f"Host: {host}",
        f"User-Agent: {user_agent}",
        f"Accept: {ACCEPT[want_image]}",
        "Accept-Encoding: identity",
        "Connection: keep-alive",
    )
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, Answer]:
    """The HTTP version and the status line and headers of the answer (1xx ones skipped)."""
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if exc.partial.strip():
                raise _Unusable("incomplete HTTP answer") from None
            raise _NoAnswer("connection closed without an answer") from None
        except asyncio.LimitOverrunError:
            raise _Unusable("HTTP answer head too long") from None
        lines = head.decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code, _, reason = rest.strip().partition(" ")
        if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise _Unusable("not an HTTP/1.x answer")
        if not 100 <= int(code) < 200:
            break
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            key, value = name.strip().lower(), value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return version, Answer(int(code), reason.strip(), headers)


async def _read_body(reader: asyncio.StreamReader, method: str,
                     answer: Answer) -> tuple[bytes, bool]:
    """At most SNIFF_BYTES of the body, and whether it was read to its end."""
    if method == "HEAD" or answer.status in NO_BODY:
        return b"", True
    try:
        if "chunked" in answer.headers.get("transfer-encoding", "").lower():
            return await _read_chunked(reader)
        length = answer.headers.get("content-length", "").strip()
        if length.isdigit():
            size = int(length)
            return await reader.readexactly(min(size, SNIFF_BYTES)), size <= SNIFF_BYTES
        data = b""
        while len(data) < SNIFF_BYTES and (more := await reader.read(SNIFF_BYTES - len(data))):
            data += more
        return data, False
    except asyncio.IncompleteReadError as exc:
        return exc.partial, False
    except (ConnectionError, ValueError):
        return b"", False


async def _read_chunked(reader: asyncio.StreamReader) -> tuple[bytes, bool]:
    data = b""
    while True:
        size = int((await reader.readline()).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readline()).strip():
                pass
            return data, True
        if len(data) + size > SNIFF_BYTES:
            return data + await reader.readexactly(SNIFF_BYTES - len(data)), False
        data += await reader.readexactly(size)
        await reader.readexactly(2)


def _host_name(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _after(detail: str, url: str, current: str) -> str:
    return detail if current == url else f"{detail} (after redirect to {current})"


def _result(url: str, outcome: Outcome, status: int | None, detail: str,
            new_url: str | None = None) -> LinkResult:
    return LinkResult(url, outcome, status, detail, new_url, time.time(), False)
