"""`python build.py serve`: the built course on a local web server that rebuilds and reloads on save.

Three threads. The main thread runs tornado's loop: the site's files, the dev script and the reload
websocket. One watcher thread polls the course's files, waits for a quiet moment, rebuilds what the
change touched (`LiveBuild`) and hands the loop the pages to reload (`call_soon_threadsafe`). A
layout thread (`LiveLayout`) then lays the rebuilt decks out in Chromium and hands the loop what
it found, for the pages' overlay.

The web side (site files, dev script, livereload's websocket) is in `devsite`. livereload's
`Server` is not used: its watcher polls every 0.8 s and drops reloads within 3 s of the previous
one (a late save would never show), and its static handler answers 403 where we want 404.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import shutil
import signal
import socket
import tempfile
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from livereload.handlers import LiveReloadHandler
from tornado import netutil
from tornado.httpserver import HTTPServer

from .devsite import application, broadcast, broadcast_layout
from .livebuild import COURSE, LiveBuild, Outcome
from .livelayout import LiveLayout
from .watch import Watcher, run_watch

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """What `serve` was asked for."""

    slides: Path
    """The sessions folder."""
    config: Path | None = None
    """course.toml (default: beside the sessions folder)."""
    host: str = "127.0.0.1"
    """The one address to listen on."""
    port: int = 8000
    """The port; 0 picks a free one."""
    open_browser: bool = False
    """Open the course in the default browser once it is served."""
    interval: float = 0.025
    """Seconds between two polls of the files."""
    quiet: float = 0.05
    """Seconds without a change before a rebuild (a burst of saves makes one rebuild)."""
    layout: bool = True
    """Lay the rebuilt decks out in Chromium (checks.layout) and show what does not fit."""


class ServeError(Exception):
    """The server cannot start (the port is in use, the address does not exist, ...)."""


def exposed(host: str) -> bool:
    """True when listening on `host` makes the course reachable from other machines."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def url_for(host: str, port: int) -> str:
    """The address to open: loopback for the wildcard addresses."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{shown}]:{port}/" if ":" in shown else f"http://{shown}:{port}/"


def bind(host: str, port: int) -> list[socket.socket]:
    """Listening sockets on exactly `host`:`port`."""
    try:
        return netutil.bind_sockets(port, address=host or None)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} is in use on {host} (stop the other server, or pick another "
                             "with --port, or --port 0 for a free one)") from None
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def watch_inputs(watcher: Watcher, live: LiveBuild) -> None:
    """Also watch the files the last build read outside the watched folders (a deck's images)."""
    watcher.watch_files(p for p in live.inputs if not any(p.is_relative_to(f) for f in watcher.folders))


def laid_out(live: LiveBuild, outcome: Outcome) -> list[Path]:
    """The session files whose published pages an outcome changed (decks with errors keep their old page)."""
    if COURSE in outcome.failed:
        return []
    paths = live.builder.decks if outcome.full else outcome.rebuilt
    return [path for path in paths if path in live.builder.decks and live.key(path) not in outcome.failed]


def serve(options: ServeOptions, ready: Callable[[str, Outcome], None], rebuilt: Callable[[Outcome], None],
          layout_found: Callable[[str, tuple[str, ...]], None] = lambda stem, lines: None,
          layout_note: Callable[[str], None] = lambda line: None) -> None:
    """Build, serve and rebuild until SIGINT/SIGTERM. `ready(url, first build)`, `rebuilt(outcome)`;
    the layout check's findings of a deck go to `layout_found(stem, lines)`, and why it cannot run
    to `layout_note(line)`."""
    sockets = bind(options.host, options.port)
    work = Path(tempfile.mkdtemp(prefix="podium-serve-"))
    try:
        live = LiveBuild(options.slides, options.config, work / "site")
        watcher = Watcher(*live.watched())
        first = live.build()
        watch_inputs(watcher, live)
        url = url_for(options.host, sockets[0].getsockname()[1])
        asyncio.run(_serve(live, watcher, sockets, options, lambda: ready(url, first), rebuilt, url,
                           (first, layout_found, layout_note)))
    finally:
        for sock in sockets:
            sock.close()
        shutil.rmtree(work, ignore_errors=True)


async def _serve(live: LiveBuild, watcher: Watcher, sockets: list[socket.socket], options: ServeOptions,
                 ready: Callable[[], None], rebuilt: Callable[[Outcome], None], url: str, layout_hooks: tuple) -> None:
    loop = asyncio.get_running_loop()
    first, layout_found, layout_note = layout_hooks

    def layout_changed(stem: str, lines: tuple[str, ...]) -> None:
        loop.call_soon_threadsafe(broadcast_layout, stem, lines)
        layout_found(stem, lines)

    layout = LiveLayout(lambda path: live.builder.session(path), layout_changed, layout_note, enabled=options.layout)
    layout.request(live.project, laid_out(live, first))
    server = HTTPServer(application(live, loopback_only=not exposed(options.host), layout=layout.lines))
    server.add_sockets(sockets)
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stopping.set)
    done = threading.Event()

    def handle(changed: set[Path]) -> None:
        outcome = live.update(changed)
        watch_inputs(watcher, live)
        if outcome.pages:
            loop.call_soon_threadsafe(broadcast, outcome.pages)
        rebuilt(outcome)
        layout.request(live.project, laid_out(live, outcome))

    thread = threading.Thread(target=run_watch, args=(watcher.poll, handle, done, options.interval, options.quiet),
                              name="podium-watch", daemon=True)
    thread.start()
    ready()
    if options.open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    try:
        await stopping.wait()
    finally:
        done.set()
        server.stop()
        for waiter in list(LiveReloadHandler.waiters):
            waiter.close()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(server.close_all_connections(), 1)
        await loop.run_in_executor(None, thread.join, 5)
        await loop.run_in_executor(None, layout.stop)
