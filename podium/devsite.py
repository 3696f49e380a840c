"""The dev server's web side: the built site's files, the dev script and the reload websocket.

Every page gets the dev script and its build problems injected at the start of its `<head>`
(before the deck's boot script, which the dev script may hold back). Files are read
whole, so an answer is never half of an old and half of a new build. A URL never reaches a file
outside the site: `..`, hidden names, names too long for a file and links out of it are 404, like
folders (nothing is listed). A request whose Host names another site is refused (`devhosts`).

Site files go through tornado's `StaticFileHandler` (ETag revalidation, HEAD, ranges), with
`locate` deciding what a URL may reach. From livereload we use the websocket handler and its
protocol (hello, info, reload), not its static file handler: that one answers 403 for paths
outside its root and for folders.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import mimetypes
import os
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from livereload.handlers import LiveReloadHandler
from tornado import web
from tornado.websocket import WebSocketClosedError

from .devhosts import host_allowed, same_origin, served_names
from .livebuild import COURSE, LiveBuild
from .sessions import ROOT

log = logging.getLogger(__name__)

DEV_FOLDER = Path(__file__).resolve().parent / "dev"
"""The dev script and pages: served by this server only, never published."""
DEV_PREFIX = "/__podium__/"
SOCKET_PATH = DEV_PREFIX + "livereload"
SCRIPT_PATH = DEV_PREFIX + "dev.js"
MISSING_PATH = DEV_PREFIX + "missing.js"
DEV_SCRIPTS = {
    "dev.js": ("dev.js", "dev-restore.js", "dev-overlay.js", "dev-hot.js", "dev-reload.js"),
    "missing.js": ("missing.js", "missing-images.js", "missing-backgrounds.js"),
    "follow.js": ("follow.js", "follow-badge.js"),
}
"""The dev scripts every page gets (reload and place keeping, and marks on what did not load), each
served as the files named here joined in this order (together they are one script)."""
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
SWAP_WAIT, SWAP_TRIES = 0.005, 200
"""While a full build swaps the site folder in, a request waits (up to 1 s) for it."""
NAME_MAX = 255
"""The longest file name (in bytes) a site can hold: a longer URL segment names nothing (404)."""


def locate(root: Path, url_path: str) -> Path | str | None:
    """The file below `root` a decoded URL path names; `"redirect"` for a folder without its slash.

    None (404) for `..`, `.`, empty or hidden segments, anything resolving outside `root`
    (symbolic links included) and folders without an index.html: nothing is ever listed.
    """
    parts = url_path.split("/")
    folder = parts[-1] == ""
    parts = parts[:-1] if folder else parts
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\0" in p or ":" in p
           or len(os.fsencode(p)) > NAME_MAX for p in parts):
        return None
    try:
        target = Path(os.path.realpath(root.joinpath(*parts)))
        if not target.is_relative_to(root):
            return None
        if target.is_dir():
            target = target / "index.html"
            if target.is_file() and not folder and parts:
                return "redirect"
        elif folder:
            return None
        return target if target.is_file() else None
    except (OSError, ValueError):  # a name too long for the file system, a link loop, ...: nothing there
        return None


def page_of(url_path: str, index: str = "", root: bool = False) -> str | None:
    """The deck key of a page's URL path (`02-intro/`; ROOT for the site's root when a session is
    there), COURSE for the course page (at `index`), None for other files."""
    if url_path == "index.html" or url_path.endswith("/index.html"):
        url_path = url_path[: -len("index.html")]
    if url_path == index:
        return COURSE
    if url_path == "":
        return ROOT if root else None
    stem = url_path[:-1]
    return stem if url_path.endswith("/") and stem and "/" not in stem else None


class HostChecked(web.RequestHandler):
    """Refuses requests whose Host names another site (see `host_allowed`)."""

    def prepare(self) -> None:
        why = self.refusal()
        if why is not None:
            log.debug("refused %s %s (Host %r): %s", self.request.method, self.request.uri, self.request.host, why)
            self.clear()
            self.set_status(getattr(self, "refused_status", 403))
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(f"403 Forbidden: {why}\n")

    def refusal(self) -> str | None:
        """Why this request is not answered (None: it is)."""
        bound = self.settings.get("podium_host", "127.0.0.1")
        if host_allowed(self.request.host, bound):
            return None
        return f"this server answers to {served_names(bound)} only (serve --host NAME to be reached under another name)"


class SiteHandler(HostChecked, web.StaticFileHandler):
    """The built site, through tornado's static file handler (ETag, 304, HEAD, ranges), each file
    read whole first (never half of an old and half of a new build) and served from memory, pages
    with the dev snippet in them. `locate` decides what a URL may reach; folders are not listed."""

    prefix = "/"
    """Where the site is in the server's URLs (the leader's copy in follow mode is under its own)."""

    def initialize(self, live: LiveBuild, root: Path, snippet: Callable[[str], bytes], headers: dict | None = None) -> None:
        super().initialize(path=str(root))
        self.live, self.site, self.snippet = live, root, snippet
        for name, value in (headers or {}).items():
            self.set_header(name, value)
        self.found: Path | None = None
        self.data = b""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-cache")  # kept, but checked (ETag) on every use
        self.set_header("X-Content-Type-Options", "nosniff")

    async def get(self, path: str, include_body: bool = True) -> None:
        for _ in range(SWAP_TRIES):
            try:
                found = self._load(path)
            except (FileNotFoundError, NotADirectoryError):  # the site folder is being swapped
                await asyncio.sleep(SWAP_WAIT)
                continue
            if found == "redirect":
                return self.redirect(self.prefix + quote(path) + "/")
            if found is None:
                return self.send_error(404)
            return await super().get(path, include_body)
        self.send_error(503)

    def _load(self, path: str) -> Path | str | None:
        """What `path` names (a file, "redirect" or None), the file's answer read into `data`."""
        if self.live.published and not self.site.is_dir():
            raise FileNotFoundError(self.site)
        found = locate(self.site, path)
        page = page_of(path, self.live.index, ROOT in self.live.stems)
        errors = self.live.errors
        if found is None and (page == COURSE or page in self.live.stems) and (page in errors or COURSE in errors):
            found = DEV_FOLDER / "failed.html"
        if isinstance(found, Path):
            data = found.read_bytes()
            if _media_type(found) == "text/html" and page is not None:
                data = data.replace(b"<head>", b"<head>\n" + self.snippet(page), 1)
            self.found, self.data = found, data
        return found

    # What tornado's handler would read from the file again is taken from what `_load` read.

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        return str(self.found)  # `locate` has refused what is outside the site

    def get_content_size(self) -> int:
        return len(self.data)

    def get_content(self, abspath: str, start: int | None = None,  # type: ignore[override]
                    end: int | None = None) -> bytes:
        return self.data[start:end]

    def compute_etag(self) -> str | None:
        return f'"{hashlib.sha1(self.data).hexdigest()}"'

    def get_modified_time(self) -> None:
        """None: no Last-Modified, as a page also changes with the build's errors (in its
        snippet) while its file stays the same; only the ETag tells."""
        return None

    def should_return_304(self) -> bool:
        return bool(self.request.headers.get("If-None-Match")) and self.check_etag_header()

    def get_cache_time(self, path: str, modified: object, mime_type: str) -> int:
        return 0  # never cached without asking, even with a `?v=` in the URL

    def get_content_type(self) -> str:
        assert self.found is not None
        kind = _media_type(self.found)
        return kind + ("; charset=utf-8" if kind.startswith(TEXT_TYPES) else "")

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


def _media_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class DevScriptHandler(HostChecked):
    """The dev scripts injected into every page."""

    def get(self, name: str) -> None:
        if name not in DEV_SCRIPTS:
            raise web.HTTPError(404)
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(b"".join((DEV_FOLDER / part).read_bytes() for part in DEV_SCRIPTS[name]))


class ReloadSocket(HostChecked, LiveReloadHandler):
    """livereload's websocket, accepting pages of this server only. A page that says which it is
    (livereload's `info`) is sent what the layout check last found on its slides, or told to reload
    when the version of the deck it says it shows is no longer the current one (a save landed
    between its request and its socket's opening).

    Host and Origin are both checked here, before the handshake, whatever tornado does (from 6.6
    it does not call `check_origin` when Origin and Host agree, as they do for a page of another
    site that reaches the server through a DNS name of its own). Browsers always send an Origin:
    it must be this server's own, under the Host the page asked for. A client without one is not a
    page (nothing a browser runs can leave it out). A message that is not one of livereload's
    (a JSON object with a `command`) is ignored, with a log line."""

    def refusal(self) -> str | None:
        origin = self.request.headers.get("Origin", self.request.headers.get("Sec-Websocket-Origin"))
        if origin is not None and not same_origin(origin, self.request.host):
            return super().refusal() or "this socket is for the pages of this server only"
        return super().refusal()

    def check_origin(self, origin: str) -> bool:
        # livereload's own handler accepts every origin; `prepare` has checked it already.
        return same_origin(origin, self.request.host)

    def on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except (ValueError, RecursionError):  # not JSON (bad UTF-8 included), or nested past any use
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("command"), str):
            self._ignore(message)
            return
        super().on_message(message)
        layout, live = self.settings.get("podium_layout"), self.settings.get("podium_live")
        if data.get("command") != "info" or live is None:
            return
        # `page`: the page's path as the server names it (the leader's copy in follow mode is under a
        # prefix, and its versions are the trainer's build's, not `live`'s: they are not compared).
        address = unquote(urlsplit(str(data.get("url", ""))).path)
        address = address[: -len("index.html")] if address.endswith("/index.html") else address
        path = unquote(data["page"]) if isinstance(data.get("page"), str) else address
        stem = page_of(path.lstrip("/"), live.index, ROOT in live.stems)
        if not stem:
            return
        version = data.get("version")
        if isinstance(version, int) and path == address and version != live.versions.get(stem, 0):
            # The page was written again after this one was served, and its socket was not open to hear it.
            self.write_message({"command": "reload", "path": "/" if stem == ROOT else f"/{stem}/",
                                "liveCSS": False, "liveImg": False})
        elif layout is not None:
            self.write_message(layout_message(stem, layout(stem)))

    def _ignore(self, message: str | bytes) -> None:
        """Say once per connection that its messages are not livereload's (then only in the debug log)."""
        self.malformed = getattr(self, "malformed", 0) + 1
        shown = repr(message[:40]) + ("..." if len(message) > 40 else "")
        log.log(logging.WARNING if self.malformed == 1 else logging.DEBUG,
                "reload socket: ignored a message that is not livereload's: %s", shown)


def layout_message(stem: str, lines: tuple[str, ...]) -> dict:
    """What a deck's pages are told about its layout findings."""
    return {"command": "podium-layout", "path": "/" if stem == ROOT else f"/{stem}/", "lines": list(lines)}


def broadcast_layout(stem: str, lines: tuple[str, ...]) -> None:
    """Tell every open page what the layout check found on a deck (pages of other decks ignore it)."""
    for waiter in list(LiveReloadHandler.waiters):
        try:
            waiter.write_message(layout_message(stem, lines))
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(waiter)


def broadcast_messages(messages: tuple[dict, ...]) -> None:
    """Send every open page the hot updates and problems of the rebuilt decks (pages of other
    decks ignore them)."""
    for waiter in list(LiveReloadHandler.waiters):
        for message in messages:
            try:
                waiter.write_message(message)
            except WebSocketClosedError:
                LiveReloadHandler.waiters.discard(waiter)
                break


def broadcast(pages: tuple[str, ...]) -> None:
    """Tell every open page which pages to reload (`*` for all)."""
    for waiter in list(LiveReloadHandler.waiters):
        for page in pages:
            try:
                waiter.write_message({"command": "reload", "path": page, "liveCSS": False, "liveImg": False})
            except WebSocketClosedError:
                LiveReloadHandler.waiters.discard(waiter)


def snippet_maker(live: LiveBuild, layout: Callable[[str], tuple[str, ...]], base: str = "") -> Callable[[str], bytes]:
    """What goes at the start of a page's `<head>`: its errors (JSON) and the dev script; `base` is
    where the site is in the server's URLs when not at `/`."""
    template = Environment(loader=FileSystemLoader(str(DEV_FOLDER)), autoescape=select_autoescape(default=True)
                           ).get_template("snippet.html")

    def snippet(page: str) -> bytes:
        errors = live.errors
        shown = [page] if page else sorted(errors)
        lines = [*errors.get(COURSE, ()), *(line for stem in shown if stem for line in errors.get(stem, ()))]
        state = {"page": page, "errors": lines, "layout": list(layout(page)) if page else [], "socket": SOCKET_PATH,
                 "version": live.versions.get(page, 0) if page else 0,
                 **({"base": base} if base else {})}
        return template.render(state=state, script=SCRIPT_PATH, missing=MISSING_PATH).encode()

    return snippet


def application(live: LiveBuild, host: str = "127.0.0.1",
                layout: Callable[[str], tuple[str, ...]] = lambda stem: (), reload: bool = True,
                follow: Callable[[Callable[[str], bytes] | None], tuple[list, Callable[[str], bytes]]] | None = None
                ) -> web.Application:
    """The tornado application serving `live`'s site when listening on `host` (to the host names
    `host_allowed` accepts); `layout(stem)` gives what the layout check found on a deck. Without
    `reload` pages get no dev script (nothing reloads them). `follow(dev snippet)` gives follow
    mode's routes and the snippet of the site's pages (`followsite.routes`)."""
    root = Path(os.path.realpath(live.out))
    snippet = snippet_maker(live, layout) if reload else None
    routes: list = [(SOCKET_PATH, ReloadSocket)] if reload else []
    if follow is not None:
        extra, snippet = follow(snippet)
        routes += extra
    return web.Application([
        *routes,
        (DEV_PREFIX + r"([a-z]+\.js)", DevScriptHandler),
        (r"/(.*)", SiteHandler, {"live": live, "root": root, "snippet": snippet or (lambda page: b"")}),
    ], podium_host=host, podium_layout=layout, podium_live=live,
        log_function=lambda handler: log.debug("%d %s", handler.get_status(), handler.request.uri))
