"""Watch the course with the operating system's file events (watchfiles: inotify, FSEvents,
ReadDirectoryChangesW), and fall back to polling (watch.py) where they cannot be had.

The folders (slides, templates, static) come from the events: a save is seen the moment the
editor closes the file, whatever its time stamp says, so two saves in the same millisecond are
both seen, and an idle course costs no work. The single files outside them (course.toml, a
build's inputs elsewhere) are few, and polled when the events go quiet. Editors' temporary and
swap files are ignored as the poller ignores them (watch.IGNORED). Events are collected while a
rebuild runs, so the last save always gets built; a burst of saves within `quiet` seconds of
each other gives one rebuild.

A symbolic link to a folder would be followed by recursive events anywhere (a link to `/`); when
the folders hold one, each real folder the poller would walk (links followed only into the
course, a loop walked once) is watched by itself instead, not recursively.

Polling is used instead with `serve --poll`, and when the platform gives no events (a network
share, an exhausted inotify limit).
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Callable, Iterable

from .watch import Watcher, ignored, run_watch

log = logging.getLogger(__name__)

SETTLE_S = 0.015
"""With file events: saves less than this apart are one burst (an editor's write, rename and
chmod of one save come within a millisecond or two)."""
FILES_EVERY_MS = 250
"""How often the single files are polled while no event comes."""
LONGEST_BURST_MS = 2000
"""A burst of saves longer than this is rebuilt in parts."""


def linked_folder(folders: Iterable[Path]) -> Path | None:
    """The first symbolic link to a folder inside `folders`, or None."""
    for top in folders:
        for root, names, _ in os.walk(top):
            names[:] = [name for name in names if not ignored(name)]
            for name in names:
                if os.path.islink(os.path.join(root, name)):
                    return Path(root) / name
    return None


class Notified:
    """The folders of a poller `Watcher` watched by file events; its single files still polled
    (`Watcher.watch_files` adds to them)."""

    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher
        self.folders = watcher.folders

    def keep(self, change: object, path: str) -> bool:
        """watchfiles' filter: not an ignored name (hidden, editors' backups and swap files)."""
        for folder in self.folders:
            if path.startswith(str(folder)):
                return not any(ignored(part) for part in Path(path).relative_to(folder).parts)
        return not ignored(os.path.basename(path))

    def run(self, handle: Callable[[set[Path]], None], stop: threading.Event, quiet: float) -> None:
        """Call `handle(paths)` once per burst of changes until `stop` is set.

        Folders without links are watched whole (recursively). When they hold a link to a folder,
        each real folder a poll would walk is watched on its own (not recursively: the events do
        not follow the links), and the set is read again when a folder or a link comes or goes."""
        while not stop.is_set():
            linked = linked_folder(self.folders) is not None
            folders = self.watcher.real_folders() if linked else self.folders
            if not self._watch(folders, not linked, handle, stop, quiet):
                return

    def _watch(self, folders: tuple[Path, ...], recursive: bool, handle: Callable[[set[Path]], None],
               stop: threading.Event, quiet: float) -> bool:
        """Watch `folders` until `stop` is set (False), or until the real folders changed (True)."""
        import watchfiles

        step, first, known = max(1, round(quiet * 1000)), True, set(folders)
        for changes in watchfiles.watch(*folders, watch_filter=self.keep, debounce=LONGEST_BURST_MS, step=step,
                                        stop_event=stop, rust_timeout=FILES_EVERY_MS, yield_on_timeout=True,
                                        raise_interrupt=False, ignore_permission_denied=True, recursive=recursive):
            if stop.is_set():
                return False
            # The events start a moment after the server does (or after the folders were read
            # again): the first time round, one poll of everything finds what changed meanwhile.
            found = {Path(path) for _, path in changes} | (self.watcher.poll() if first else self.watcher.poll_files())
            first = False
            if not found:
                continue
            try:
                handle(found)
            except Exception:  # keep watching whatever one rebuild did
                if not stop.is_set():
                    log.exception("rebuild failed")
            if recursive and any(path.is_symlink() and path.is_dir() for path in found):
                return True  # a link to a folder came: from now on, the real folders one by one
            if not recursive and any(path in known or path.is_dir() for path in found) \
                    and set(self.watcher.real_folders()) != known:
                return True
        return False


def watch_course(watcher: Watcher, handle: Callable[[set[Path]], None], stop: threading.Event, *,
                 poll: bool = False, interval: float = 0.025, quiet: float = 0.05,
                 started: Callable[[str], None] = lambda how: None) -> None:
    """Watch until `stop` is set: with file events unless `poll` (or they cannot be had).
    `started` is told which: `events` or `polling` (and why)."""
    if not poll:
        try:
            notified = Notified(watcher)
            started("events")
            notified.run(handle, stop, SETTLE_S)
            return
        except (ImportError, OSError, RuntimeError) as error:  # no events here: poll
            if stop.is_set():
                return
            log.warning("file events are not available (%s): polling the course instead", error)
    started("polling")
    run_watch(watcher.poll, handle, stop, interval, quiet)
