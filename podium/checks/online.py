"""Checks external http(s) links and images over the network, politely, with a result cache.

One asyncio loop asks with httpx (exchange.py: HTTP/1.1, idle keep-alive connections reused, no
proxies from the environment; redirects are followed here so that each one is seen). Each host
has a gate, a start schedule and a budget of waiting (hosts.py); one more gate bounds the whole
run. Links are asked with HEAD, and with GET where a server refuses HEAD. Images are fetched with
GET, reading only the first few KB, so that their content can be recognised.

Two bounds keep a hostile network from holding the run: a host that asks to wait more than
`max_wait` seconds in all is asked nothing more (its remaining URLs are `rate-limited`), and once
the run's `deadline` passes, the URLs without a result yet are `not-checked`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Coroutine, Mapping, Sequence
from urllib.parse import urldefrag, urljoin, urlsplit

import anyio
import httpx

from .exchange import DEFAULT_PORTS, Connections, Lookups, NoAnswer, Unusable
from .hosts import HostHeld, Hosts, seconds_text
from .linkcache import CACHE_AGES, Answer, CachedLink, LinkResult, Outcome, cached_results
from .linkcache import head_refused, image_problem, judge, load_cache, network_detail, retry_delay
from .linkcache import save_cache, trusted

log = logging.getLogger(__name__)

__all__ = ["Fetched", "LinkResult", "OnlineOptions", "Outcome", "UrlCheck", "cached_results", "check_urls",
           "fetch_urls", "image_problem"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
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
    max_wait: float = 10.0
    """Seconds one host may make the run wait with 429 answers (Retry-After, else the backoff), in
    all; a host that asks for more is asked nothing more and its remaining URLs are rate-limited.
    Also the longest wait before retrying one URL: a 5xx asking for more is its final answer."""
    deadline: float | None = None
    """Seconds the whole online run may take; the URLs without a result by then are not-checked.
    None: no deadline."""
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
        fresh, answered = _run(_check_all(pending, options))
        results.update(fresh)
        if options.cache_dir is not None:  # a URL not asked, or not answered, keeps its entry
            stored = {url: CachedLink(replace(res, from_cache=True), pending[url])
                      for url, res in fresh.items() if url in answered}
            save_cache(options.cache_dir, {**known, **stored})
    found = ((check.url, urldefrag(check.url).url) for check in checks)
    return {given: results[url] for given, url in found if url in results}


@dataclass(frozen=True, slots=True)
class Fetched:
    """What fetching one URL gave: the check's result and, when it ended in an answer, that answer."""

    result: LinkResult
    """The result, as a check of the URL would have it (outcome, detail)."""
    final_url: str
    """The URL the answer came from (after redirects)."""
    answer: Answer | None
    """The last answer (its body read up to the fetch's limit), None when there was none."""


def fetch_urls(urls: Sequence[str], options: OnlineOptions, limit: int) -> dict[str, Fetched]:
    """GET every http(s) URL of `urls` with the check's client, its gates and its politeness
    (redirects followed, retries, Retry-After), reading each body up to `limit` bytes. The result
    cache is not used: the caller keeps what it fetched."""
    wanted = {urldefrag(url).url: True for url in urls if urlsplit(url).scheme.lower() in DEFAULT_PORTS}
    if not wanted:
        return {}
    session_of: list[_Session] = []
    fresh, _ = _run(_check_all(wanted, options, limit, session_of))
    finals = session_of[0].finals
    return {url: Fetched(fresh[url], *finals.get(url, (url, None))) for url in wanted if url in fresh}


_Found = tuple[dict[str, LinkResult], set[str]]
"""The result of each URL, and the URLs whose result is what their server said (they were asked,
and their check ended before the deadline)."""


def _run(work: Coroutine[object, object, _Found]) -> _Found:
    """Run `work` to the end, also from a thread whose own event loop is running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_with_lookups(work))
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _with_lookups(work)).result()


async def _with_lookups(work: Coroutine[object, object, _Found]) -> _Found:
    """`work`, on a loop whose name lookups the end of the run does not wait for."""
    asyncio.get_running_loop().set_default_executor(Lookups())
    return await work


async def _check_all(pending: Mapping[str, bool], options: OnlineOptions, limit: int | None = None,
                     kept: list[_Session] | None = None) -> _Found:
    """Check every URL of `pending` until each has a result or the deadline passes (with `limit`:
    fetch each, reading its body up to `limit` bytes; the session goes into `kept`)."""
    session = _Session(options, limit)
    if kept is not None:
        kept.append(session)
    # Loaded before the first request is timed, or its start would lag behind its schedule (and
    # come too close to the next one): httpcore, with the first pool, and anyio's event loop
    # backend, which httpcore runs on.
    with contextlib.suppress(ValueError):  # a bad port: that URL is reported later
        session.connections.pool(urlsplit(next(iter(pending))))
    await anyio.sleep(0)
    tasks = {url: asyncio.ensure_future(session.check(url, image)) for url, image in pending.items()}
    try:
        _, late = await asyncio.wait(tasks.values(), timeout=options.deadline)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    finally:
        for task in tasks.values():
            task.cancel()
        await session.close()
    if late:
        log.debug("deadline of %g s passed with %d URLs unchecked", options.deadline, len(late))
    found = {url: _unchecked(url, url in session.asked, options.deadline) if task in late
             else task.result() for url, task in tasks.items()}
    return found, {url for url, task in tasks.items() if url in session.asked and task not in late}


def _unchecked(url: str, asked: bool, deadline: float | None) -> LinkResult:
    when = f"before the deadline of {deadline or 0.0:g} s"
    return _result(url, "not-checked", None, f"no answer {when}" if asked else f"not asked {when}")


@dataclass(frozen=True, slots=True)
class _Failure:
    """A check that ended without an answer to judge: the outcome, why, and the status seen."""

    outcome: Outcome
    detail: str
    status: int | None = None


class _Session:
    """The state of one run: the gates and schedules of the hosts, the URLs asked, and one
    httpx connection pool per host (idle keep-alive connections are reused)."""

    def __init__(self, options: OnlineOptions, limit: int | None = None) -> None:
        self.options = options
        self.limit = limit
        """None: check (bodies sniffed only); else fetch, reading bodies up to this many bytes."""
        self.finals: dict[str, tuple[str, Answer]] = {}
        """When fetching: the URL each asked URL's last answer came from, and that answer."""
        self.gate = asyncio.Semaphore(max(1, options.concurrency))
        self.hosts = Hosts(options.per_host, options.min_interval, options.max_wait)
        self.asked: set[str] = set()
        """The URLs (the first of each chain of redirects too) that a request was sent for."""
        self.connections = Connections(options.timeout)
        self.headers = {
            image: {"User-Agent": options.user_agent, "Accept": accept, "Accept-Encoding": "identity",
                    "Connection": "keep-alive"}
            for image, accept in ACCEPT.items()
        }
        if limit is not None:  # what is fetched may be an image, a stylesheet or a font
            self.headers = {image: {**headers, "Accept": "*/*"} for image, headers in self.headers.items()}
        """The headers of a request (besides Host), for a link and for an image."""

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
            if isinstance(answer, _Failure):
                return _result(url, answer.outcome, answer.status, _after(answer.detail, url, current))
            status, location = answer.status, answer.headers.get("location", "").strip()
            if status not in REDIRECTS or not location:
                if self.limit is not None:
                    self.finals[url] = (current, answer)
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
            except NoAnswer as exc:
                if method == "HEAD":
                    method = "GET"
                    continue
                return _Failure("broken", str(exc))
            except HostHeld as held:
                return _Failure("rate-limited", ("" if url in self.asked else "not asked: ") + str(held))
            except (asyncio.TimeoutError, httpx.TimeoutException):
                outcome = _Failure("timeout", f"timed out after {options.timeout:g} s")
                delay = options.backoff * 2**attempt
            except Unusable as exc:
                return _Failure("broken", str(exc))
            except (OSError, UnicodeError) as exc:
                return _Failure("broken", network_detail(exc, _host_name(url)))
            else:
                if method == "HEAD" and head_refused(answer.status):
                    method = "GET"
                    continue
                wait = retry_delay(answer, options.backoff * 2**attempt)
                if wait is None:
                    return answer
                # The host asked us to slow down: start nothing there for a while, or no more.
                hold = self.hosts.slow_down(_host_name(url), wait) if answer.status == 429 else None
                if hold is not None or wait > options.max_wait:
                    outcome_of, text = judge(answer, want_image)
                    why = hold.text() if hold else f"asks to retry in {seconds_text(wait)}"
                    return _Failure(outcome_of, f"{text}; {why}", answer.status)
                outcome, delay = answer, wait
            if attempt >= options.retries:
                return outcome
            attempt += 1
            log.debug("retry %d of %s %s in %.2f s", attempt, method, url, delay)
            await asyncio.sleep(delay)

    async def _request(self, method: str, url: str, want_image: bool) -> Answer:
        parts, host = urlsplit(url), _host_name(url)
        if not host:
            raise Unusable("no host name in the URL")
        try:
            parts.port
        except ValueError as exc:
            raise Unusable(f"bad port in the URL ({exc})") from None
        async with self.hosts.gate(host), self.gate:
            await self.hosts.start(host)
            log.debug("%s %s", method, url)
            self.asked.add(url)
            limit = {} if self.limit is None else {"limit": self.limit}
            exchange = self.connections.exchange(method, parts, url, self.headers[want_image], **limit)
            return await asyncio.wait_for(exchange, self.options.timeout)

    async def close(self) -> None:
        """Close every connection pool and its idle connections."""
        await self.connections.close()


def _host_name(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _after(detail: str, url: str, current: str) -> str:
    return detail if current == url else f"{detail} (after redirect to {current})"


def _result(url: str, outcome: Outcome, status: int | None, detail: str,
            new_url: str | None = None) -> LinkResult:
    return LinkResult(url, outcome, status, detail, new_url, time.time(), False)
