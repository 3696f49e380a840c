"""Watch the course's files by polling them, and call back once per burst of changes.

`serve` watches with file events (notify.py); it polls with this where they cannot be had, with
`--poll`, and for the few single files outside the course's folders. A poll of file stamps
(mtime, size) every few tens of milliseconds: portable, and cheap for a course (tens of files). A file written within the file system's clock
tick of a poll is "racy" (a second write in the same tick may keep mtime and size), so racy
files also carry a digest of their bytes until they settle: the last save is never missed.

Each real folder is visited once a poll (by device and inode), so a folder reached through a
symlink is not watched twice and a symlink loop (`ln -s . slides/again`) is walked once. A symlink
to a folder is followed only into the watched folders and the folders named `within` (the
course); one pointing elsewhere (`/`, a home folder) is watched as a link, its target is not read.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

log = logging.getLogger(__name__)

IGNORED = (".*", "*~", "#*#", "*.swp", "*.swx", "*.tmp", "4913", "__pycache__")
"""Names never watched: hidden files, editor backups and swap files, vim's write test file."""
RACY_NS = 50_000_000
"""A file changed this close to a poll may change again without a new mtime."""
DIGEST_LIMIT = 4 * 1024 * 1024
"""Larger files are compared by mtime and size only."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a poll remembers of one file."""

    mtime_ns: int
    """Modification time."""
    size: int
    """Size in bytes."""
    digest: bytes | None = None
    """A hash of the bytes while the file is racy, else None."""


_IGNORED = re.compile("|".join(fnmatch.translate(pattern) for pattern in IGNORED))


def ignored(name: str) -> bool:
    """True for names the watcher skips."""
    return _IGNORED.match(name) is not None


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None


class Watcher:
    """Polls folders (recursively) and single files; reports the paths that changed."""

    def __init__(self, folders: Iterable[Path], files: Iterable[Path] = (), within: Iterable[Path] = ()) -> None:
        self.folders = tuple(dict.fromkeys(Path(f).resolve() for f in folders))
        self.within = (*self.folders, *(Path(f).resolve() for f in within))
        """The folders a symlink to a folder may lead into and be followed."""
        self.files: frozenset[Path] = frozenset(Path(f).resolve() for f in files)
        self.stamps: dict[Path, Stamp] = {}
        self.stamps = self._scan(self.files, self.folders, set())

    def watch_files(self, files: Iterable[Path]) -> None:
        """Also watch these files (e.g. a build's inputs outside the folders)."""
        new = frozenset(Path(f).resolve() for f in files) - self.files
        if new:
            self.files |= new
            self.stamps.update(self._scan(new, (), set()))

    def poll(self) -> set[Path]:
        """The paths added, changed or removed since the last poll."""
        changed: set[Path] = set()
        found = self._scan(self.files, self.folders, changed)
        changed.update(self.stamps.keys() - found.keys())
        self.stamps = found
        return changed

    def poll_files(self) -> set[Path]:
        """The single files (not the folders) added, changed or removed since they were last polled."""
        changed: set[Path] = set()
        found = self._scan(self.files, (), changed)
        for path in self.files:
            if path in found:
                self.stamps[path] = found[path]
            elif self.stamps.pop(path, None) is not None:
                changed.add(path)
        return changed

    def _scan(self, files: Iterable[Path], folders: Iterable[Path], changed: set[Path]) -> dict[Path, Stamp]:
        now = time.time_ns()
        found: dict[Path, Stamp] = {}
        for path in files:
            try:
                self._visit(path, path.stat(), now, found, changed)
            except OSError:
                continue
        seen: set[tuple[int, int]] = set()
        for folder in folders:
            self._walk(folder, now, found, changed, seen)
        return found

    def real_folders(self) -> tuple[Path, ...]:
        """The real folders a poll walks (each once, links followed as a poll follows them): where
        file events are asked for when the folders hold links (notify.py)."""
        walked: list[Path] = []
        seen: set[tuple[int, int]] = set()
        for folder in self.folders:
            self._walk(folder, 0, None, set(), seen, walked)
        return tuple(walked)

    def _walk(self, top: Path, now: int, found: dict[Path, Stamp] | None, changed: set[Path],
              seen: set[tuple[int, int]], walked: list[Path] | None = None) -> None:
        """Every file below `top`, each real folder once (`seen`: device and inode of those visited);
        with `found` None only the folders (listed in `walked`)."""
        try:
            stat = os.stat(top)
        except OSError:
            return
        folders = [(top, stat)]
        while folders:
            folder, stat = folders.pop()
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            if walked is not None:
                walked.append(folder)
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError:
                continue
            for entry in entries:
                if ignored(entry.name):
                    continue
                path = folder / entry.name
                try:
                    if entry.is_dir():
                        if not entry.is_symlink():
                            folders.append((path, entry.stat()))
                        elif (target := self._followed(path)) is not None:
                            folders.append((target, entry.stat()))
                        elif found is not None:
                            self._visit(path, entry.stat(follow_symlinks=False), now, found, changed)
                    elif entry.is_file() and found is not None:
                        self._visit(path, entry.stat(), now, found, changed)
                except OSError:
                    continue

    def _followed(self, link: Path) -> Path | None:
        """The real folder a symlink leads to when it may be walked (inside `within`, through no
        ignored name such as `.git`), else None."""
        target = Path(os.path.realpath(link))
        return target if any(target.is_relative_to(folder) and not any(map(ignored, target.relative_to(folder).parts))
                             for folder in self.within) else None

    def _visit(self, path: Path, stat: os.stat_result, now: int, found: dict[Path, Stamp], changed: set[Path]) -> None:
        old = self.stamps.get(path)
        racy = stat.st_mtime_ns >= now - RACY_NS
        compare = old is not None and old.digest is not None
        digest = _digest(path) if (racy or compare) and stat.st_size <= DIGEST_LIMIT else None
        if old is None or (old.mtime_ns, old.size) != (stat.st_mtime_ns, stat.st_size) or (compare and digest != old.digest):
            changed.add(path)
        found[path] = Stamp(stat.st_mtime_ns, stat.st_size, digest if racy else None)


def run_watch(poll: Callable[[], set[Path]], handle: Callable[[set[Path]], None], stop: threading.Event,
              interval: float = 0.025, quiet: float = 0.05) -> None:
    """Call `handle(paths)` once per burst: after `quiet` seconds without a new change.

    Changes made while `handle` runs are seen by the next poll, so they cause another call: the
    last state always gets built.
    """
    pending: set[Path] = set()
    last = 0.0
    while not stop.wait(interval):
        try:
            found = poll()
            now = time.monotonic()
            if found:
                pending |= found
                last = now
            elif pending and now - last >= quiet:
                batch, pending = pending, set()
                handle(batch)
        except Exception:  # keep watching whatever one rebuild did
            if not stop.is_set():  # a rebuild cut short by the server stopping is no failure
                log.exception("rebuild failed")
