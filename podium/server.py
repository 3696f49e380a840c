"""`python build.py serve`: the built course on a local web server that rebuilds and reloads on save.

Three threads. The main thread runs tornado's loop: the site's files, the dev script and the reload
websocket. One watcher thread polls the course's files, waits for a quiet moment, rebuilds what the
change touched (`LiveBuild`) and hands the loop the pages to reload (`call_soon_threadsafe`). A
layout thread (`LiveLayout`) then lays the rebuilt decks out in Chromium and hands the loop what
it found, for the pages' overlay. SIGINT/SIGTERM stop it within `STOP_SECONDS`: a rebuild or a
layout under way is not waited for (its result would be thrown away with the temporary site).

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
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from livereload.handlers import LiveReloadHandler
from tornado import netutil
from tornado.httpserver import HTTPServer

from .devsite import application, broadcast, broadcast_layout, broadcast_messages
from .livebuild import COURSE, LiveBuild, Outcome
from .livelayout import LiveLayout
from .notify import watch_course
from .watch import Watcher

if TYPE_CHECKING:
    from .classroom import Classroom

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
    follow: bool = False
    """Follow mode: the students' copy for the room at `/`, the leader's under a token (`follow`)."""
    reload: bool = True
    """Rebuild and reload on save (False: `present`, built once)."""
    max_followers: int = 500
    """Follow mode: the most followers at once."""
    offline: bool = False
    """Store the remote images, stylesheets and fonts the pages load in the site (offline.py)."""
    poll: bool = False
    """Poll the files instead of watching them with the operating system's file events (notify.py)."""
    hot: bool = True
    """Put the slides a save changed in place on the open pages (hotupdate.py); False reloads them."""


WORK_PREFIX = "podium-serve-"
"""The temporary folder of a server's site: `podium-serve-PID-XXXX` in the system's temporary folder."""
STOP_SECONDS = 0.8
"""From SIGINT/SIGTERM to the end of `serve`, at most (a rebuild under way is not waited for)."""
CLOSE_SECONDS = 0.3
"""How long open connections get to finish their answers when the server stops."""


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


def remove_stale_work(folder: Path | None = None) -> list[Path]:
    """Remove the temporary sites of servers that have ended (`podium-serve-PID-*` of this user
    whose process is gone): one stopped during a rebuild, or killed, cannot remove its own."""
    removed: list[Path] = []
    if os.name != "posix":  # no owner to compare, and os.kill would end the process
        return removed
    for path in Path(folder or tempfile.gettempdir()).glob(WORK_PREFIX + "*-*"):
        pid = path.name[len(WORK_PREFIX):].split("-", 1)[0]
        try:
            mine = path.is_dir() and not path.is_symlink() and path.lstat().st_uid == os.getuid()
            if not (mine and pid.isdigit() and not _alive(int(pid))):
                continue
        except (OSError, OverflowError):  # gone meanwhile, or a number no process has
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


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
          layout_note: Callable[[str], None] = lambda line: None,
          following: Callable[[str, str], None] = lambda followers, leader: None) -> None:
    """Build, serve and rebuild until SIGINT/SIGTERM. `ready(url, first build)`, `rebuilt(outcome)`;
    the layout check's findings of a deck go to `layout_found(stem, lines)`, and why it cannot run
    to `layout_note(line)`. In follow mode `following(followers' URL, leader's URL)` comes first."""
    sockets = bind(options.host, options.port)
    remove_stale_work()
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
    try:
        live = LiveBuild(options.slides, options.config, work / "site", offline=options.offline,
                         hot=options.hot and not options.follow)
        watcher = Watcher(*live.watched(), within=(live.project.root,))
        first = live.build()
        watch_inputs(watcher, live)
        port = sockets[0].getsockname()[1]
        url = url_for(options.host, port)
        classroom = None
        if options.follow:
            from .classroom import open_classroom

            classroom, _ = open_classroom(options.slides, options.config, work, options.host, port,
                                          options.max_followers, options.offline)
        announce = (lambda: (ready(url, first), following(classroom.followers_url, classroom.leader_url))) \
            if classroom is not None else (lambda: ready(url, first))
        asyncio.run(_serve(live, watcher, sockets, options, announce, rebuilt, url,
                           (first, layout_found, layout_note), classroom))
    finally:
        for sock in sockets:
            sock.close()
        shutil.rmtree(work, ignore_errors=True)


async def _serve(live: LiveBuild, watcher: Watcher, sockets: list[socket.socket], options: ServeOptions,
                 ready: Callable[[], None], rebuilt: Callable[[Outcome], None], url: str, layout_hooks: tuple,
                 classroom: Classroom | None = None) -> None:
    loop = asyncio.get_running_loop()
    first, layout_found, layout_note = layout_hooks

    def layout_changed(stem: str, lines: tuple[str, ...]) -> None:
        try:
            loop.call_soon_threadsafe(broadcast_layout, stem, lines)
        except RuntimeError:  # the server has stopped
            return
        layout_found(stem, lines)

    layout = LiveLayout(lambda path: live.builder.session(path), layout_changed, layout_note, enabled=options.layout)
    if options.reload:
        layout.request(live.project, laid_out(live, first))
    follow = None
    if classroom is not None:
        from .followsite import routes

        follow = routes(classroom.room, live, classroom.followers_url)
    site = classroom.students if classroom is not None else live
    server = HTTPServer(application(site, options.host, layout=layout.lines, reload=options.reload, follow=follow))
    server.add_sockets(sockets)
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stopping.set)
    done = threading.Event()

    def handle(changed: set[Path]) -> None:
        outcome = live.update(changed)
        if classroom is not None and not done.is_set():
            classroom.students.update(changed)
        if done.is_set():  # stopped while rebuilding: the site is going away, say nothing
            return
        watch_inputs(watcher, live)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            if outcome.messages:
                loop.call_soon_threadsafe(broadcast_messages, outcome.messages)
            if outcome.pages:
                loop.call_soon_threadsafe(broadcast, outcome.pages)
        rebuilt(outcome)
        layout.request(live.project, laid_out(live, outcome))

    thread = threading.Thread(target=watch_course, args=(watcher, handle, done), name="podium-watch", daemon=True,
                              kwargs={"poll": options.poll, "interval": options.interval, "quiet": options.quiet})
    if options.reload:
        thread.start()
    ready()
    if options.open_browser:
        opened = classroom.leader_url if classroom is not None else url
        threading.Thread(target=webbrowser.open, args=(opened,), daemon=True).start()
    try:
        await stopping.wait()
    finally:
        await _stop(server, done, thread, layout, list(classroom.room.sockets) if classroom else ())


async def _stop(server: HTTPServer, done: threading.Event, watch: threading.Thread, layout: LiveLayout,
                pages: Iterable = ()) -> None:
    """Stop serving, then give the watcher (maybe mid-rebuild) and the layout thread until
    `STOP_SECONDS` after the signal to end. Threads still busy then are left to end with the
    process (they are daemons): a rebuild or a layout under way never holds the server up."""
    deadline = time.monotonic() + STOP_SECONDS
    done.set()
    server.stop()
    for waiter in [*LiveReloadHandler.waiters, *pages]:
        waiter.close()
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(server.close_all_connections(), CLOSE_SECONDS)
    # No executor: asyncio.run waits for its threads at the end, however long a rebuild takes.
    stopper = threading.Thread(target=lambda: (watch.ident and watch.join(max(0.0, deadline - time.monotonic())),
                                               layout.stop(max(0.0, deadline - time.monotonic()))),
                               name="podium-stop", daemon=True)
    stopper.start()
    while stopper.is_alive() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    if watch.is_alive():
        log.debug("stopped during a rebuild: it is left unfinished")
