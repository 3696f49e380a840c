"""The offline kit: the images, stylesheets and fonts a course loads from other hosts, kept in the site.

`build --offline` (and `serve --offline`, `pdf`) fetches every remote image, background, stylesheet
and font the pages load, through the online check's client and its politeness (checks/online.py),
keeps each in `.podium-cache/remote/` (so a warm cache needs no network at all) and writes it into
the site as `static/remote/<hash>.<ext>`; the pages point at those copies (rewrite.py), the
Markdown stays as it is. What is stored is what the bytes are, not what the URL or the server
says: an image, a stylesheet (served as CSS) or a font, up to MAX_BYTES. A stylesheet's own
`@import` and `url()` (fonts, images) are stored too and its copy points at theirs. What cannot be
stored keeps its URL and is reported once, as a warning at the line that uses it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping
from urllib.parse import urldefrag, urljoin, urlsplit

from .diagnostics import Diagnostic
from .model import RemoteUse, RenderedDeck, SourceLocation
from .project import Project, shown
from .references import is_external, line_columns, stylesheet_urls
from .sniff import accepts, decoded, sniff

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
"""The largest file stored (a bigger one keeps its URL)."""
MAX_DEPTH = 4
"""Stylesheets importing stylesheets: how deep the kit follows them."""
RETRY_AFTER_S = 60.0
"""A URL that could not be fetched is asked again only after this long (a `serve` rebuild)."""
REFUSED_FOR_S = 24 * 60 * 60.0
"""A server's answer that was not stored (404, an HTML page posing as an image) is trusted this
long: a build within a day does not ask again."""
FOLDER = "remote"
"""The folder of the stored copies, in the site's `static/` and in the cache folder."""
INDEX = "index.json"
"""The cache's list of stored URLs, in its folder."""
UNFETCHED = "it could not be fetched"
NOT_CACHED = "the offline cache has no copy (`build --offline` fetches it)"
WHAT = {"image": "image", "stylesheet": "stylesheet", "css": "file"}
"""How a message names what a use must be."""
Fetch = Callable[[list[str]], Mapping[str, object]]


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored copy."""

    name: str
    """Its file name: `<hash>.<ext>`, the hash of its bytes."""
    media: str
    """What the bytes are: `image/png`, `text/css`, `font/woff2`..."""
    final: str
    """The URL it came from, after redirects: where its own relative URLs start."""


def absolute(url: str) -> str:
    """A remote URL as fetched: protocol-relative ones over https, without the fragment."""
    url = url.strip()
    return urldefrag("https:" + url if url.startswith("//") else url).url


def fetch_remote(urls: list[str]) -> Mapping[str, object]:
    from .checks.online import OnlineOptions, fetch_urls

    options = OnlineOptions(concurrency=16, per_host=4, retries=1, deadline=120.0, user_agent="podium-offline/0.1")
    return fetch_urls(urls, options, MAX_BYTES + 1)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class Kit:
    """The stored copies of one course: loaded from the cache folder, grown by `store`."""

    def __init__(self, cache_dir: Path | None, fetch: Fetch | None = fetch_remote) -> None:
        self.folder = cache_dir / FOLDER if cache_dir is not None else None
        self.fetch = fetch
        """Fetches URLs (see `fetch_remote`); None: only the cache's copies are used."""
        self.stored: dict[str, Stored] = {}
        """Remote URL (see `absolute`) -> its copy."""
        self.failed: dict[str, tuple[str, float]] = {}
        """Remote URL -> why it was not stored, and when that was found."""
        self.data: dict[str, bytes] = {}
        """Copies by name, when there is no cache folder to keep them in."""
        self.refused: dict[str, tuple[str, float]] = {}
        """Remote URL -> why its server's answer was not stored, and when (epoch seconds): kept in
        the cache, trusted for REFUSED_FOR_S."""
        if self.folder is not None:
            self._load()

    def _load(self) -> None:
        try:
            entries = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        for url, entry in entries.items() if isinstance(entries, dict) else ():
            if isinstance(entry, dict) and isinstance(entry.get("refused"), str):
                at = entry.get("at")
                self.refused[url] = (entry["refused"], float(at) if isinstance(at, (int, float)) else 0.0)
                continue
            try:
                stored = Stored(str(entry["name"]), str(entry["media"]), str(entry["final"]))
            except (KeyError, TypeError):
                continue
            if posixpath.basename(stored.name) == stored.name and (self.folder / stored.name).is_file():
                self.stored[url] = stored

    def _save(self) -> None:
        if self.folder is None:
            return
        self._load()  # keep what another build stored meanwhile
        entries: dict[str, dict] = {url: {"refused": why, "at": at} for url, (why, at) in sorted(self.refused.items())}
        entries.update({url: {"name": s.name, "media": s.media, "final": s.final} for url, s in sorted(self.stored.items())})
        _write_atomic(self.folder / INDEX, json.dumps(entries, indent=1).encode("utf-8"))

    def bytes_of(self, name: str) -> bytes:
        """The stored bytes of the copy `name` (as fetched)."""
        return self.data[name] if self.folder is None else (self.folder / name).read_bytes()

    def _keep(self, url: str, fetched: object) -> Stored | tuple[str, bool]:
        """Store what fetching `url` gave; or why it is not stored, and whether the server answered."""
        answer = getattr(fetched, "answer", None)
        if answer is None:
            return getattr(fetched, "result").detail, False
        if answer.status != 200:  # a client error is the server's word; a busy or failing one may change its mind
            return f"the server answered {answer.status}", 400 <= answer.status < 500 and answer.status not in (408, 429)
        body = decoded(answer.body, answer.headers.get("content-encoding", ""))
        if isinstance(body, str):
            return body, True
        if len(body) > MAX_BYTES:
            return f"it is larger than {size_text(MAX_BYTES)}", True
        found = sniff(body, answer.headers.get("content-type", ""))
        if isinstance(found, str):
            return f"it is {found}", True
        extension, media = found
        stored = Stored(f"{hashlib.sha256(body).hexdigest()[:24]}.{extension}", media, getattr(fetched, "final_url"))
        if self.folder is None:
            self.data[stored.name] = body
        else:
            _write_atomic(self.folder / stored.name, body)
        self.stored[url] = stored
        return stored

    def children(self, stored: Stored) -> list[tuple[str, str]]:
        """(absolute URL, kind) of what a stored stylesheet loads: its `@import`s and `url()`s."""
        if stored.media != "text/css":
            return []
        css = self.bytes_of(stored.name).decode("utf-8", errors="replace")
        found = []
        for kind, url, _ in stylesheet_urls(css):
            target = urljoin(stored.final, url)
            if urlsplit(target).scheme in ("http", "https"):
                found.append((absolute(target), "stylesheet" if kind == "link" else "css"))
        return found

    def _why_not(self, url: str) -> str:
        """Why `url` has no copy (it was asked, or may not be)."""
        if url in self.failed:
            return self.failed[url][0]
        if url in self.refused:
            return self.refused[url][0] if self.fetch is not None else f"{NOT_CACHED}; when last fetched, {self.refused[url][0]}"
        return UNFETCHED if self.fetch is not None else NOT_CACHED

    def _to_fetch(self, urls: Iterable[str]) -> list[str]:
        """The URLs of `urls` to ask the network for: no copy, no recent failure, no trusted refusal."""
        if self.fetch is None:
            return []
        now, wall = time.monotonic(), time.time()
        return [url for url in urls if url not in self.stored
                and not (url in self.failed and now - self.failed[url][1] < RETRY_AFTER_S)
                and not (url in self.refused and 0 <= wall - self.refused[url][1] < REFUSED_FOR_S)]

    def store(self, uses: Iterable[RemoteUse]) -> list[tuple[RemoteUse, Diagnostic]]:
        """Store everything `uses` (and the stylesheets among them) load; a warning for each URL
        that cannot be stored, at its first use, paired with that use."""
        pending: dict[str, tuple[str, RemoteUse, str]] = {}
        for use in uses:
            pending.setdefault(absolute(use.url), (use.kind, use, ""))
        seen, problems, changed = set(pending), [], False
        if self.folder is not None and any(url not in self.stored for url in pending):
            self._load()  # another build (the students' copy, say) may have stored them meanwhile
        for _ in range(MAX_DEPTH + 1):
            missing = self._to_fetch(pending)
            fetched = self.fetch(missing) if missing else {}
            for url in missing:
                kept = self._keep(url, fetched[url]) if url in fetched else (UNFETCHED, False)
                if isinstance(kept, Stored):
                    self.refused.pop(url, None)
                    self.failed.pop(url, None)
                    changed = True
                elif kept[1]:  # the server's answer: trusted for a while, on disk too
                    self.refused[url] = (kept[0], time.time())
                    self.failed.pop(url, None)
                    changed = True
                else:
                    self.failed[url] = (kept[0], time.monotonic())
            later: dict[str, tuple[str, RemoteUse, str]] = {}
            for url, (kind, use, parent) in pending.items():
                stored = self.stored.get(url)
                why = self._why_not(url) if stored is None else \
                    None if accepts(kind, stored.media) else f"it is {stored.media}, not a {WHAT[kind]}"
                if why is not None:
                    problems.append((use, _warning(use, kind, url, parent, why)))
                    continue
                for child, child_kind in self.children(stored):
                    if child not in seen:
                        seen.add(child)
                        later[child] = (child_kind, use, url)
            pending = later
            if not pending:
                break
        if changed:
            self._save()
        return problems

    def lookup(self, prefix: str) -> Callable[[str], str | None]:
        """A page's lookup (see rewrite.py): a stored URL -> `prefix` + its copy's name."""
        def find(url: str) -> str | None:
            if not is_external(url):
                return None
            stored = self.stored.get(absolute(url))
            if stored is None:
                return None
            fragment = urldefrag(url.strip()).fragment
            return prefix + stored.name + (f"#{fragment}" if fragment else "")
        return find

    def content(self, name: str) -> bytes:
        """The bytes written into the site as `name`: a stylesheet points at its neighbours' copies
        (and at absolute URLs for what was not stored)."""
        from .rewrite import rewrite_css

        data = self.bytes_of(name)
        stored = next((s for s in self.stored.values() if s.name == name), None)
        if stored is None or stored.media != "text/css":
            return data

        def find(url: str) -> str | None:
            target = urljoin(stored.final, url.strip())
            copy = self.stored.get(absolute(target))
            return copy.name if copy is not None else (target if target != url.strip() else None)

        return rewrite_css(data.decode("utf-8", errors="replace"), find)[0].encode("utf-8")

    def closure(self, names: Iterable[str]) -> set[str]:
        """`names` and every copy their stylesheets load, as names of copies."""
        by_name = {s.name: s for s in self.stored.values()}
        todo, found = [n for n in names if n in by_name], set()
        while todo:
            name = todo.pop()
            if name in found:
                continue
            found.add(name)
            todo += [self.stored[url].name for url, _ in self.children(by_name[name]) if url in self.stored]
        return found

    def write(self, names: Iterable[str], folder: Path) -> None:
        """Write the copies `names` (and what they load) into the site's `folder`."""
        for name in sorted(self.closure(names)):
            _write_atomic(folder / name, self.content(name))


def size_text(size: int) -> str:
    """`20 MB`, `300 KB`, `512 bytes`."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size / unit:g} {name}"
    return f"{size} bytes"


def _warning(use: RemoteUse, kind: str, url: str, parent: str, why: str) -> Diagnostic:
    named = f" (loaded by {parent})" if parent else ""
    return Diagnostic(use.location, "warning", "remote-not-stored",
                      f"{WHAT[kind]} {url}{named} not stored for offline use: {why}; the page keeps its URL", use.slide)


def css_uses(path: Path) -> list[RemoteUse]:
    """What a local stylesheet loads from other hosts (`@import`, `url()`), with its lines."""
    try:
        css = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    uses = [use for use in stylesheet_urls(css) if is_external(use[1])]
    places = line_columns(css, [offset for _, _, offset in uses])
    return [RemoteUse(url, "stylesheet" if kind == "link" else "css", SourceLocation(shown(path), line, column))
            for (kind, url, _), (line, column) in zip(uses, places)]


def deck_uses(rendered: RenderedDeck) -> list[RemoteUse]:
    """What a deck's page loads from other hosts: its slides', its remark page's and its own
    local stylesheets'."""
    found = list(rendered.remote)
    for name, path in sorted(rendered.assets.items()):
        if path.suffix.lower() == ".css":
            found += css_uses(path)
    return found


def course_uses(project: Project) -> list[RemoteUse]:
    """What the course's own stylesheets (course.toml) load from other hosts."""
    return [use for path in project.stylesheet_files for use in css_uses(path)]
