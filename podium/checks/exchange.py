"""One HTTP request of the online check, over httpx's transport, and what it answered.

Requests go to httpx's transport, not through an `httpx.AsyncClient`: a client keeps cookies
between requests, and even when not following redirects it parses every Location header and
fails on one it cannot follow (`mailto:`, malformed), losing the answer; the online check looks
at each redirect itself. httpx (h11) also reads answers whose lines end in a bare LF.
"""

from __future__ import annotations

import contextlib
import logging
import ssl
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Mapping
from urllib.parse import SplitResult, urlunsplit

import httpx

from .linkcache import Answer

log = logging.getLogger(__name__)

DEFAULT_PORTS: Mapping[str, int] = {"http": 80, "https": 443}
UNBOUNDED = httpx.Limits(max_connections=None, max_keepalive_connections=None, keepalive_expiry=None)
"""Pool limits: none, as the gates bound requests; idle connections are kept for the whole run."""
SNIFF_BYTES = 4096
"""At most this much of a body is kept; a longer body ends its connection instead of being read
to its end."""


class NoAnswer(Exception):
    """The connection ended before any answer arrived."""


class Unusable(Exception):
    """The URL cannot be requested, or what came back is not HTTP/1.x; the message says which."""


class Connections:
    """One httpx connection pool per scheme, host and port (idle keep-alive connections are
    reused), made at its first use."""

    def __init__(self, timeout: float) -> None:
        self.pools: dict[tuple[str, str, int], httpx.AsyncHTTPTransport] = {}
        self.tls: dict[str, ssl.SSLContext] = {}
        self.timeouts = dict.fromkeys(("connect", "read", "write", "pool"), timeout)
        """httpx's own timeouts, per operation; the caller bounds a whole request."""

    async def exchange(self, method: str, parts: SplitResult, url: str, headers: Mapping[str, str],
                       limit: int = SNIFF_BYTES) -> Answer:
        """Send one request; an answer's body is read only as far as `limit` bytes.

        Raises NoAnswer, Unusable, OSError (cannot connect), UnicodeError (a bad host name) or
        httpx.TimeoutException.
        """
        transport = self.pool(parts)
        target, host = target_of(parts)
        try:
            request = httpx.Request(method, target, headers={"Host": host, **headers},
                                    extensions={"timeout": self.timeouts})
            response = await transport.handle_async_request(request)
        except httpx.RemoteProtocolError as exc:
            if "without sending a response" in str(exc):  # h11's words for an empty answer
                raise NoAnswer("connection closed without an answer") from None
            log.debug("%s: %s", url, exc)
            raise Unusable("not an HTTP/1.x answer") from None
        except (httpx.ReadError, httpx.WriteError):
            raise NoAnswer("connection reset by the server") from None
        except httpx.ConnectError as exc:
            raise network_error(exc) from None
        except httpx.InvalidURL as exc:
            raise Unusable(f"bad URL ({exc})") from None
        except httpx.TimeoutException:
            raise
        except httpx.TransportError as exc:
            raise Unusable(str(exc) or type(exc).__name__) from None
        try:
            body = await _sniff(response, limit)  # also for HEAD: the end of the answer frees the connection
        finally:
            await response.aclose()  # a body not read to its end closes the connection
        return Answer(response.status_code, response.reason_phrase, dict(response.headers.items()), body)

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


class Lookups(ThreadPoolExecutor):
    """An event loop's default executor, which runs its name lookups (`getaddrinfo`): each call
    in a daemon thread of its own, and shutting down waits for none of them, so that neither the
    end of a run nor the interpreter's exit waits for a lookup that hangs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # handed to whoever awaits the lookup
                future.set_exception(exc)
            else:
                future.set_result(result)

        threading.Thread(target=run, name="podium-lookup", daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Nothing to wait for: a lookup still running ends on its own, or with the process."""


def target_of(parts: SplitResult) -> tuple[str, str]:
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


async def _sniff(response: httpx.Response, limit: int = SNIFF_BYTES) -> bytes:
    """At most `limit` bytes of the body as it came (no content decoding): what a cut-off body
    gave is kept, a reset connection gives nothing."""
    data = bytearray()
    try:
        async with contextlib.aclosing(response.aiter_raw()) as chunks:
            async for chunk in chunks:
                data += chunk
                if len(data) > limit:  # a body of exactly `limit` bytes is read to its end
                    break
    except httpx.RemoteProtocolError:  # ended early, or a bad chunk
        pass
    except httpx.ReadError:
        return b""
    return bytes(data[:limit])


def network_error(exc: BaseException) -> OSError:
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
