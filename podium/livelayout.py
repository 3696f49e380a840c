"""The layout check as the dev server runs it: after each rebuild, in a thread of its own.

`LiveLayout.request(project, paths)` asks for the decks a rebuild published; a worker thread lays
them out with `checks.layout` in one Chromium kept for the whole session (newer requests for a
deck replace older ones, so a burst of saves is checked once) and keeps the findings per deck. `changed(stem, lines)` is called from that
thread when a deck's findings change (the server sends them to the deck's open pages), and
`note(lines)` once with the reason when no browser can lay the slides out.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable, Iterable

from .diagnostics import sort_diagnostics
from .project import Project, shown
from .sessions import Session

log = logging.getLogger(__name__)


class LiveLayout:
    """Layout findings per deck stem, kept up to date in the background."""

    def __init__(self, session: Callable[[Path], Session], changed: Callable[[str, tuple[str, ...]], None],
                 note: Callable[[str], None], enabled: bool = True) -> None:
        self.changed = changed
        self.note = note
        self.session = session
        """The session read from a path (the dev server's builder knows them)."""
        self.findings: dict[str, tuple[str, ...]] = {}
        """Diagnostic lines per deck stem, as `check` prints them; replaced, never mutated."""
        self._pending: dict[Path, Project] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._off = not enabled
        self._thread: threading.Thread | None = None
        self._browser = None

    def lines(self, stem: str) -> tuple[str, ...]:
        """The findings of one deck (none when it was not laid out yet)."""
        return self.findings.get(stem, ())

    def request(self, project: Project, paths: Iterable[Path]) -> None:
        """Lay these session files out again (soon, in the background)."""
        if self._off:
            return
        with self._lock:
            for path in paths:
                self._pending[path] = project
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="podium-layout", daemon=True)
            self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 5) -> None:
        """End the worker (a layout under way finishes first) and close its browser."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._browser is not None and (self._thread is None or not self._thread.is_alive()):
            self._browser.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                pending, self._pending = self._pending, {}
            if pending and not self._stop.is_set():
                try:
                    self._check(pending)
                except Exception:  # a failed check must never stop the server: say why in the log
                    log.warning("layout check failed", exc_info=True)

    def _check(self, pending: dict[Path, Project]) -> None:
        from .checks.layout import SKIPPED, check_layout, open_browser
        from .checks.run import apply_severities

        by_project: dict[int, tuple[Project, list[Path]]] = {}
        for path, project in pending.items():
            by_project.setdefault(id(project), (project, []))[1].append(path)
        for project, paths in by_project.values():
            if self._browser is None:
                opened = open_browser(project)
                if not hasattr(opened, "run"):
                    self._off = True
                    self.note(str(opened))
                    return
                self._browser = opened
            found = check_layout(project, [self.session(path) for path in sorted(paths)], self._browser)
            skipped = [d for d in found if d.code == SKIPPED]
            if skipped:  # the browser failed: say so once, and lay nothing out again
                self._off = True
                self.note(str(skipped[0]))
                return
            found = sort_diagnostics(apply_severities(found, project.options.severity))
            for path in paths:
                where, key = shown(path), self.session(path).key
                lines = tuple(str(d) for d in found if d.location.path == where)
                if self.findings.get(key) != lines:
                    self.findings = {**self.findings, key: lines}
                    self.changed(key, lines)
