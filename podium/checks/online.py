"""Checks external http(s) links and images over the network, politely, with a result cache.

One asyncio loop asks with httpx (HTTP/1.1, idle keep-alive connections reused, no proxies from
the environment, redirects followed here so that each one is seen). Each host has a gate
(requests in flight) and a start schedule (one request start per `min_interval`); one more gate
bounds the whole run. Links are asked with HEAD, and with GET where a server refuses HEAD. Images
are fetched with GET, reading only the first few KB, so that their content can be recognised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Coroutine, Mapping, Sequence
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit, urlunsplit

import anyio
import httpx

from .linkcache import CACHE_AGES, Answer, CachedLink, LinkResult, Outcome, cached_results
from .linkcache import head_refused, image_problem, judge, load_cache, network_detail, retry_delay
from .linkcache import save_cache, trusted

log = logging.getLogger(__name__)

__all__ = ["LinkResult", "OnlineOptions", "Outcome", "UrlCheck", "cached_results", "check_urls",
           "image_problem"]

DEFAULT_PORTS: Mapping[str, int] = {"http": 80, "https": 443}
UNBOUNDED = httpx.Limits(max_connections=None, max_keepalive_connections=None, keepalive_expiry=None)
"""Pool limits: none, as the gates bound requests; idle connections are kept for the whole run."""
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
SNIFF_BYTES = 4096
"""At most this much of a body is kept; a longer body ends its connection instead of being read
to its end."""
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
    # Loaded before the first request is timed, or its start would lag behind its schedule (and
    # come too close to the next one): httpcore, with the first pool, and anyio's event loop
    # backend, which httpcore runs on.
    with contextlib.suppress(ValueError):  # a bad port: that URL is reported later
        session.pool(urlsplit(next(iter(pending))))
    await anyio.sleep(0)
    try:
        found = await asyncio.gather(*(session.check(url, image) for url, image in pending.items()))
    finally:
        await session.close()
    return dict(zip(pending, found))


_Failure = tuple[Outcome, str]
"""A check that ended without a usable HTTP answer: `broken` or `timeout`, and why."""


class _NoAnswer(Exception):
    """The connection ended before any answer arrived."""


class _Unusable(Exception):
    """The URL cannot be requested, or what came back is not HTTP/1.x; the message says which."""


class _Session:
    """The state of one run: gates, schedules, and one httpx connection pool per host (idle
    keep-alive connections are reused).

    Requests go to httpx's transport, not through an `httpx.AsyncClient`: a client keeps cookies
    between requests, and even when not following redirects it parses every Location header
    and fails on one it cannot follow (`mailto:`, malformed), losing the answer; here each
    redirect is looked at and reported by `_follow`.
    """

    def __init__(self, options: OnlineOptions) -> None:
        self.options = options
        self.gate = asyncio.Semaphore(max(1, options.concurrency))
        self.host_gates: dict[str, asyncio.Semaphore] = {}
        self.next_start: dict[str, float] = {}
        """Per host name: the loop time before which no request may start."""
        self.pools: dict[tuple[str, str, int], httpx.AsyncHTTPTransport] = {}
        self.tls: dict[str, ssl.SSLContext] = {}
        self.headers = {
            image: {"User-Agent": options.user_agent, "Accept": accept, "Accept-Encoding": "identity",
                    "Connection": "keep-alive"}
            for image, accept in ACCEPT.items()
        }
        """The headers of a request (besides Host), for a link and for an image."""
        self.timeouts = dict.fromkeys(("connect", "read", "write", "pool"), options.timeout)
        """httpx's own timeouts, per operation; `asyncio.wait_for` bounds a whole request."""

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
            except (asyncio.TimeoutError, httpx.TimeoutException):
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
        try:
            parts.port
        except ValueError as exc:
            raise _Unusable(f"bad port in the URL ({exc})") from None
        gate = self.host_gates.setdefault(host, asyncio.Semaphore(max(1, self.options.per_host)))
        async with gate, self.gate:
            now = asyncio.get_running_loop().time()
            start = max(now, self.next_start.get(host, 0.0))
            self.next_start[host] = start + self.options.min_interval
            if start > now:
                await asyncio.sleep(start - now)
            log.debug("%s %s", method, url)
            exchange = self._exchange(method, parts, url, want_image)
            return await asyncio.wait_for(exchange, self.options.timeout)

    async def _exchange(self, method: str, parts: SplitResult, url: str, want_image: bool) -> Answer:
        """Send one request; an answer's body is read only as far as SNIFF_BYTES."""
        transport = self.pool(parts)
        target, host = _target(parts)
        headers = {"Host": host, **self.headers[want_image]}
        try:
            request = httpx.Request(method, target, headers=headers, extensions={"timeout": self.timeouts})
            response = await transport.handle_async_request(request)
        except httpx.RemoteProtocolError as exc:
            if "without sending a response" in str(exc):  # h11's words for an empty answer
                raise _NoAnswer("connection closed without an answer") from None
            log.debug("%s: %s", url, exc)
            raise _Unusable("not an HTTP/1.x answer") from None
        except (httpx.ReadError, httpx.WriteError):
            raise _NoAnswer("connection reset by the server") from None
        except httpx.ConnectError as exc:
            raise _network_error(exc) from None
        except httpx.InvalidURL as exc:
            raise _Unusable(f"bad URL ({exc})") from None
        except httpx.TimeoutException:
            raise
        except httpx.TransportError as exc:
            raise _Unusable(str(exc) or type(exc).__name__) from None
        try:
            body = await _sniff(response)  # also for HEAD: the end of the answer frees the connection
        finally:
            await response.aclose()  # a body not read to its end closes the connection
        headers = dict(response.headers.items())
        return Answer(response.status_code, response.reason_phrase, headers, body)

    def pool(self, parts: SplitResult) -> httpx.AsyncHTTPTransport:
        """The connection pool of one scheme, host and port, made at its first use.

        One pool per host, as the gates bound requests per host: httpcore's pool looks at every
        connection it holds on each request. https trusts the system's certificates as
        `ssl.create_default_context` loads them (which takes a while: a run that needs no https
        does not load them); plain http never uses its TLS context, one that trusts nothing.
        """
        scheme = parts.scheme.lower()
        key = (scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS[scheme])
        transport = self.pools.get(key)
        if transport is None:
            tls = self.tls.get(scheme)
            if tls is None:
                https = scheme == "https"
                tls = ssl.create_default_context() if https else ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                self.tls[scheme] = tls
            transport = httpx.AsyncHTTPTransport(verify=tls, limits=UNBOUNDED, trust_env=False)
            self.pools[key] = transport
        return transport

    async def close(self) -> None:
        """Close every pool and its idle connections."""
        pools = list(self.pools.values())
        self.pools.clear()
        for transport in pools:
            await transport.aclose()


def _target(parts: SplitResult) -> tuple[str, str]:
    """The URL to send (its host name in ASCII, no user name or fragment) and its Host header.

    The host name is converted with Python's IDNA codec (IDNA 2003), which also accepts names
    that httpx's stricter IDNA 2008 refuses (emoji domains); a name neither accepts raises
    UnicodeError.
    """
    scheme = parts.scheme.lower()
    name = (parts.hostname or "").encode("idna").decode("ascii")
    host = f"[{name}]" if ":" in name else name
    if parts.port is not None and parts.port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, "")), host


async def _sniff(response: httpx.Response) -> bytes:
    """At most SNIFF_BYTES of the body as it came (no content decoding): what a cut-off body
    gave is kept, a reset connection gives nothing."""
    data = b""
    try:
        async with contextlib.aclosing(response.aiter_raw()) as chunks:
            async for chunk in chunks:
                data += chunk
                if len(data) > SNIFF_BYTES:  # a body of exactly SNIFF_BYTES is read to its end
                    break
    except httpx.RemoteProtocolError:  # ended early, or a bad chunk
        pass
    except httpx.ReadError:
        return b""
    return data[:SNIFF_BYTES]


def _network_error(exc: BaseException) -> OSError:
    """The operating system's error behind a failure to connect (to resolve, connect or agree on
    TLS): the deepest OSError in the chain of causes (of an exception group, its first one)."""
    found: OSError = OSError(str(exc))
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        group = getattr(current, "exceptions", None)  # an ExceptionGroup
        if isinstance(group, tuple) and group:
            current = group[0]
            continue
        if isinstance(current, OSError):
            found = current
        current = current.__cause__ or current.__context__
    return found


def _host_name(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _after(detail: str, url: str, current: str) -> str:
    return detail if current == url else f"{detail} (after redirect to {current})"


def _result(url: str, outcome: Outcome, status: int | None, detail: str,
            new_url: str | None = None) -> LinkResult:
    return LinkResult(url, outcome, status, detail, new_url, time.time(), False)
