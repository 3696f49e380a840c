"""Verdicts on external links: how an HTTP answer is judged, and the cache that keeps results.

Nothing here touches the network: `judge` turns what a server answered into an outcome,
`image_problem` tells an image from a page by its content type and first bytes, `retry_delay`
says how long to wait before asking again and `network_detail` words a failure to connect.

The cache is one JSON file, `links.json`, in the project's cache folder. Every entry is the last
result for a URL. A result is trusted again without asking the network only while it is younger
than the age its outcome allows (`CACHE_AGES`); failures are never trusted, so a link that broke
is looked at again on every online run. Offline runs may show any entry, with its age.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Literal, Mapping
from urllib.parse import urldefrag

log = logging.getLogger(__name__)

Outcome = Literal["ok", "redirected", "broken", "blocked", "rate-limited", "timeout", "not-checked"]
OUTCOMES: tuple[Outcome, ...] = ("ok", "redirected", "broken", "blocked", "rate-limited", "timeout",
                                 "not-checked")
"""`not-checked`: the online run's deadline passed before the URL had an answer."""

DAY = 24 * 60 * 60.0

CACHE_AGES: Mapping[str, float] = MappingProxyType({
    "ok": 7 * DAY,
    "redirected": 7 * DAY,
    "blocked": 1 * DAY,
})
"""Seconds a cached result stays trusted, per outcome; outcomes not listed are always re-checked."""

BLOCKED = frozenset({401, 403, 451, 999})
"""Statuses of servers that are there but will not answer a robot (999: LinkedIn's wall)."""
CHALLENGE_SERVERS = ("cloudflare", "ddos-guard")
CHALLENGE_MARKERS = (b"challenge-platform", b"cf-chl", b"cf_chl", b"Just a moment...")
"""Bytes of a bot-wall page: an answer of a CHALLENGE_SERVERS server that holds one is blocked."""
HEAD_REFUSED_5XX = frozenset({500, 501})
"""Besides 4xx other than 429: answers to HEAD after which GET is worth a try."""

IMAGE_SIGNATURES: tuple[tuple[str, tuple[tuple[int, bytes], ...]], ...] = (
    ("PNG", ((0, b"\x89PNG\r\n\x1a\n"),)),
    ("JPEG", ((0, b"\xff\xd8\xff"),)),
    ("GIF", ((0, b"GIF87a"),)),
    ("GIF", ((0, b"GIF89a"),)),
    ("WebP", ((0, b"RIFF"), (8, b"WEBP"))),
    ("ICO", ((0, b"\x00\x00\x01\x00"),)),
    ("CUR", ((0, b"\x00\x00\x02\x00"),)),
    ("BMP", ((0, b"BM"),)),
    ("TIFF", ((0, b"II*\x00"),)),
    ("TIFF", ((0, b"MM\x00*"),)),
    ("JPEG XL", ((0, b"\xff\x0a"),)),
    ("JPEG XL", ((0, b"\x00\x00\x00\x0cJXL \r\n\x87\n"),)),
    *(("AVIF/HEIF", ((4, b"ftyp"), (8, brand)))
      for brand in (b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx",
                    b"mif1", b"msf1")),
)
"""Image formats a browser shows, each known by byte strings at fixed offsets."""
SVG_STARTS = (b"<svg", b"<?xml", b"<!doctype svg")
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")

CACHE_FILE = "links.json"
CACHE_VERSION = 1
KEEP_FOR = 90 * DAY
"""Entries not refreshed for this long are dropped when the cache is written."""

AGE_UNITS: tuple[tuple[float, str], ...] = (
    (DAY, "day"),
    (60 * 60.0, "hour"),
    (60.0, "minute"),
)


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one external URL."""

    url: str
    """The URL that was checked (without its fragment)."""
    outcome: Outcome
    """What the check found."""
    status: int | None
    """The final HTTP status, None for network errors and timeouts."""
    detail: str
    """Short human text, e.g. `404 Not Found` or `moved permanently to https://...`."""
    new_url: str | None
    """For permanent redirects (301, 308): the URL to write instead; otherwise None."""
    checked_at: float
    """When the network was asked (`time.time()`)."""
    from_cache: bool
    """True when this result was read from the cache instead of being checked now."""


@dataclass(frozen=True, slots=True)
class CachedLink:
    """One cache entry: a result and what kind of check produced it."""

    result: LinkResult
    """The stored result (`from_cache` is True)."""
    image: bool
    """True when the URL was checked as an image (its content was looked at)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a server answered to one request."""

    status: int
    """The HTTP status."""
    reason: str
    """The reason phrase the server sent."""
    headers: Mapping[str, str]
    """Headers by lower-case name (repeated ones joined with `, `)."""
    body: bytes = b""
    """The first bytes of the body, as far as they were read (nothing for HEAD)."""


def judge(answer: Answer, want_image: bool) -> tuple[Outcome, str]:
    """Outcome and detail of a final answer (not a redirect that is followed)."""
    from http import HTTPStatus

    status = answer.status
    try:
        text = f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        text = f"{status} {answer.reason}".strip()
    if is_challenge(answer):
        return "blocked", f"{text} (bot challenge)"
    if 200 <= status < 300:
        problem = want_image and image_problem(answer.headers.get("content-type", ""), answer.body)
        return ("broken", problem) if problem else ("ok", text)
    if status in BLOCKED:
        return "blocked", text
    if status == 429:
        return "rate-limited", text
    if 300 <= status < 400:
        return "broken", f"{text} without a Location"
    return "broken", text


def is_challenge(answer: Answer) -> bool:
    """True for a bot wall such as a Cloudflare challenge page."""
    if "cf-mitigated" in answer.headers:
        return True
    server = answer.headers.get("server", "").lower()
    return (answer.status in (403, 429, 503) and server.startswith(CHALLENGE_SERVERS)
            and any(marker in answer.body for marker in CHALLENGE_MARKERS))


def head_refused(status: int) -> bool:
    """True when an answer to HEAD may be the server disliking HEAD rather than the URL."""
    return (400 <= status < 500 and status != 429) or status in HEAD_REFUSED_5XX


def retry_after(value: str, now: float) -> float | None:
    """Seconds from `now` that a Retry-After value (seconds or an HTTP date) asks to wait."""
    import email.utils

    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now) if when.tzinfo else None


def retry_delay(answer: Answer, backoff: float) -> float | None:
    """Seconds to wait before asking again, or None when asking again is pointless.

    The server's Retry-After wins over `backoff`; whether a wait that long is worth it is the
    caller's choice.
    """
    if not (answer.status == 429 or 500 <= answer.status < 600) or is_challenge(answer):
        return None
    asked = retry_after(answer.headers.get("retry-after", ""), time.time())
    return backoff if asked is None else asked


def network_detail(exc: BaseException, host: str) -> str:
    """Short text for a failure to reach `host` (to resolve, connect or agree on TLS)."""
    import errno
    import socket
    import ssl

    if isinstance(exc, socket.gaierror):
        return f"host not found ({host})"
    if isinstance(exc, ConnectionRefusedError) or getattr(exc, "errno", None) == errno.ECONNREFUSED:
        return "connection refused"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not accepted: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}"
    if isinstance(exc, UnicodeError):
        return "bad host name in the URL"
    return f"cannot connect: {getattr(exc, 'strerror', None) or exc}"


def image_problem(content_type: str, head: bytes) -> str | None:
    """Why a body starting with `head` and sent as `content_type` is not an image, or None."""
    media = content_type.split(";", 1)[0].strip().lower()
    shown = media or "no content type"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if media.startswith("image/") and (image_format(head) or _is_svg(text)):
        return None
    if media in ("text/html", "application/xhtml+xml") or text.startswith(HTML_STARTS):
        return f"HTML page, not an image ({shown})"
    if not media.startswith("image/"):
        return f"not an image ({shown})"
    if not head:
        return f"empty body, not an image ({shown})"
    return f"content is not a known image format ({shown})"


def image_format(head: bytes) -> str | None:
    """The name of the binary image format whose signature `head` starts with, or None."""
    for name, parts in IMAGE_SIGNATURES:
        if all(head[at:at + len(magic)] == magic for at, magic in parts):
            return name
    return None


def _is_svg(text: bytes) -> bool:
    """True for (lower-cased, stripped) text that opens an SVG document."""
    return text.startswith(SVG_STARTS) or (text.startswith(b"<!--") and b"<svg" in text)


def trusted(entry: CachedLink, want_image: bool, now: float, ages: Mapping[str, float]) -> bool:
    """True when `entry` can stand for a check made at `now` without asking the network.

    An entry made by a plain link check says nothing about whether the URL is an image.
    """
    if want_image and not entry.image:
        return False
    max_age = ages.get(entry.result.outcome)
    return max_age is not None and 0 <= now - entry.result.checked_at <= max_age


def load_cache(cache_dir: Path) -> dict[str, CachedLink]:
    """Every entry of the cache in `cache_dir`; an absent or unreadable cache is empty."""
    path = Path(cache_dir) / CACHE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.debug("ignoring unreadable link cache %s: %s", path, exc)
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        log.debug("ignoring link cache %s of another format", path)
        return {}
    entries: dict[str, CachedLink] = {}
    for url, raw in (data.get("links") or {}).items():
        entry = _entry_from_json(url, raw)
        if entry is not None:
            entries[url] = entry
    return entries


def save_cache(cache_dir: Path, entries: Mapping[str, CachedLink],
               now: float | None = None) -> None:
    """Write `entries` (minus very old ones) as the cache in `cache_dir`, atomically."""
    now = time.time() if now is None else now
    links = {
        url: _entry_to_json(entry)
        for url, entry in sorted(entries.items())
        if now - entry.result.checked_at <= KEEP_FOR
    }
    text = json.dumps({"version": CACHE_VERSION, "links": links}, indent=1, ensure_ascii=False)
    folder = Path(cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".links-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temp, folder / CACHE_FILE)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        log.warning("cannot write the link cache in %s: %s", folder, exc)
        return
    log.debug("link cache written: %d entries in %s", len(links), folder / CACHE_FILE)


def cached_results(urls: Iterable[str], cache_dir: Path) -> dict[str, LinkResult]:
    """The last known result of each URL found in the cache, whatever its age.

    Keys are the URLs as given (a fragment is ignored for the lookup); unknown URLs are left out.
    """
    entries = load_cache(cache_dir)
    found: dict[str, LinkResult] = {}
    for url in urls:
        entry = entries.get(urldefrag(url).url)
        if entry is not None:
            found[url] = entry.result
    return found


def age_text(checked_at: float, now: float | None = None) -> str:
    """How long ago `checked_at` was, in words: `just now`, `5 minutes ago`, `3 days ago`."""
    seconds = (time.time() if now is None else now) - checked_at
    for size, unit in AGE_UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def _entry_to_json(entry: CachedLink) -> dict[str, object]:
    result = entry.result
    return {
        "outcome": result.outcome,
        "status": result.status,
        "detail": result.detail,
        "new_url": result.new_url,
        "checked_at": result.checked_at,
        "image": entry.image,
    }


def _entry_from_json(url: object, raw: object) -> CachedLink | None:
    """The entry stored as `raw`, or None when it is not a well-formed entry."""
    if not isinstance(url, str) or not isinstance(raw, dict):
        return None
    outcome, status, detail = raw.get("outcome"), raw.get("status"), raw.get("detail")
    new_url, checked_at = raw.get("new_url"), raw.get("checked_at")
    if (
        outcome not in OUTCOMES
        or not (status is None or isinstance(status, int))
        or not isinstance(detail, str)
        or not (new_url is None or isinstance(new_url, str))
        or not isinstance(checked_at, (int, float))
    ):
        return None
    result = LinkResult(url, outcome, status, detail, new_url, float(checked_at), True)
    return CachedLink(result, bool(raw.get("image")))
