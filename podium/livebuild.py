"""The build as the dev server runs it: rebuild what a change touches and never stop on an error.

`LiveBuild` owns a keep-going `Builder`. A change to one session re-renders that deck (and the
index); course.toml, a template or a static file rebuilds everything. A deck with errors keeps its
last good page; its diagnostics are kept per page (`errors`) for the overlay and returned in the
`Outcome` for the terminal. A failure of the whole build (say, a template syntax error) leaves the
site as it was and becomes an error shown on every page; the next good save clears it.
"""

from __future__ import annotations

import logging
import posixpath
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .builder import Builder, BuildResult
from .diagnostics import Diagnostic, sort_diagnostics
from .hotupdate import Shape, shape, update_message
from .model import SourceLocation
from .project import Project, load_project, shown
from .site import index_folder

log = logging.getLogger(__name__)

ALL_PAGES = "*"
"""The page path that means "every page"."""
COURSE = ""
"""The key in `LiveBuild.errors` of problems that concern every page (course.toml, templates)."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One build or rebuild, as the dev server reports it."""

    pages: tuple[str, ...]
    """URL paths of the pages to reload (`/`, `/02-intro/`), or `*` for all of them."""
    diagnostics: tuple[Diagnostic, ...]
    """Problems in what was (re)built, sorted: what the terminal shows."""
    changed: tuple[Path, ...]
    """The files whose change caused it (empty for the first build)."""
    full: bool
    """True when the whole course was rebuilt."""
    seconds: float
    """How long it took."""
    failed: tuple[str, ...]
    """Decks (session keys) with errors; `COURSE` when the course itself failed to build."""
    rebuilt: tuple[Path, ...] = ()
    """The session files re-rendered (empty when the whole course was, or nothing)."""
    messages: tuple[dict, ...] = ()
    """What the pages of rebuilt decks are told instead of reloading: a hot update of their slides
    (hotupdate.py), or the problems of a deck whose page stays as it was."""


def error_location(error: BaseException, templates: Path) -> SourceLocation:
    """Where a build exception points: the template line for template errors."""
    lineno = getattr(error, "lineno", None)
    filename = getattr(error, "filename", None)
    if filename and lineno:
        return SourceLocation(shown(Path(filename)), lineno)
    root = str(templates.resolve())
    for frame, line in reversed(list(traceback.walk_tb(error.__traceback__))):
        if frame.f_code.co_filename.startswith(root):
            return SourceLocation(shown(Path(frame.f_code.co_filename)), line)
    return SourceLocation(shown(templates), 1)


class LiveBuild:
    """The course as the dev server builds it, and the problems to show on each page."""

    def __init__(self, slides: Path, config: Path | None, out: Path, notes: bool = True, offline: bool = False,
                 hot: bool = True) -> None:
        self.slides = Path(slides)
        self.hot = hot
        """Send the open pages the slides a save changed instead of reloading them (hotupdate.py)."""
        self.shapes: dict[Path, Shape] = {}
        """What the published page of each deck shows (hot updates start from it)."""
        self.versions: dict[str, int] = {}
        """How many times each deck's page (by session key) was written: a page says which it shows."""
        self.notes = notes
        """False builds the students' copy (no presenter notes)."""
        self.offline = offline
        """True stores the remote files the pages load in the site (offline.py)."""
        inside = self.slides / "course.toml"
        self.config = Path(config) if config else inside if inside.is_file() else self.slides.resolve().parent / "course.toml"
        self.out = Path(out)
        self.errors: Mapping[str, tuple[str, ...]] = {}
        """Diagnostic lines per deck stem (`COURSE` for every page); replaced, never mutated."""
        self.inputs: frozenset[Path] = frozenset()
        """The files the last build read."""
        self.published = False
        """True once a site has been published (from then on the site folder only vanishes while swapped)."""
        self.stems: frozenset[str] = frozenset()
        """The decks of the course (by session key), built or not."""
        self.index = ""
        """The folder of the course page in the site (`sessions/` when a session is at the root)."""
        self.project, self.builder, self._course_problems = self._load()
        self._broken = True

    def _load(self) -> tuple[Project, Builder, list[Diagnostic]]:
        project, problems = load_project(self.slides, self.out, self.config, notes=self.notes)
        project = project.with_options(offline=self.offline)
        return project, Builder(project, keep_going=True), problems

    def watched(self) -> tuple[tuple[Path, ...], frozenset[Path]]:
        """The folders to watch (recursively) and the single files (course.toml, even when absent)."""
        project = self.project
        return (project.slides_dir, project.templates_dir, project.static_dir), frozenset({self.config})

    def build(self) -> Outcome:
        """Build the whole course."""
        return self.update(set())

    def update(self, changed: set[Path]) -> Outcome:
        """Rebuild after a change to these files (all of the course when empty)."""
        start = time.perf_counter()
        config = self.config.resolve()
        try:
            if not changed or config in {p.resolve() for p in changed}:
                self.project, self.builder, self._course_problems = self._load()
                self._broken = True
            restyled = None if self._broken or not changed else self.builder.restyle(changed)
            if restyled is not None:
                return self._restyled(*restyled, changed, start)
            result = self.builder.build() if self._broken else self.builder.rebuild(changed)
        except Exception as error:  # a template or file system error: keep serving the old site
            log.debug("build failed", exc_info=True)
            self._broken = True
            self.stems = self.builder.keys()
            problem = Diagnostic(error_location(error, self.project.templates_dir), "error", "build",
                                 str(error).splitlines()[0] if str(error) else type(error).__name__)
            errors = {**{k: v for k, v in self.errors.items() if k != COURSE}, COURSE: (str(problem),)}
            return self._outcome([problem], errors, (ALL_PAGES,), changed, True, start)
        self._broken = False
        self.inputs = result.inputs
        self.stems = self.builder.keys()
        self.index = index_folder(self.project, self.builder.ordered()) if result.written else self.index
        self.published = self.published or result.written
        return self._finish(result, changed, start)

    def _finish(self, result: BuildResult, changed: set[Path], start: float) -> Outcome:
        problems = self.builder.problems
        errors: dict[str, tuple[str, ...]] = {
            self.key(path): tuple(str(d) for d in sort_diagnostics(problems[path])) for path in result.failed}
        course = sort_diagnostics(self._course_problems)
        if any(d.severity == "error" for d in course):
            errors[COURSE] = tuple(str(d) for d in course)
        messages: list[dict] = []
        if result.rebuilt is None:
            shown_problems = list(result.diagnostics) + course
            pages: tuple[str, ...] = (ALL_PAGES,)
            if result.written:
                self.shapes.clear()
                for path in self.builder.decks:
                    self._written(path)
        else:
            shown_problems = [d for path in sorted(result.rebuilt) for d in problems.get(path, ())]
            reloads = []
            for path in sorted(result.rebuilt):
                message = self._message(path, result, errors, changed)
                if message is None:
                    reloads.append(f"/{self.builder.session(path).site_folder}")
                else:
                    messages.append(message)
            pages = (*reloads, f"/{self.index}") if result.rebuilt else ()
        return self._outcome(shown_problems, errors, pages, changed, result.rebuilt is None, start,
                             tuple(sorted(result.rebuilt or ())), tuple(messages))

    def _restyled(self, sheets: list[str], decks: list[Path], changed: set[Path], start: float) -> Outcome:
        """Stylesheets copied again: the pages swap them (in follow mode, the decks' pages reload)."""
        pages = tuple(f"/{self.builder.session(path).site_folder}" for path in decks)
        messages = ({"command": "podium-css", "paths": sheets},) if self.hot else ()
        return self._outcome([], dict(self.errors), () if self.hot else pages, changed, False, start, tuple(decks),
                             messages)

    def _written(self, path: Path) -> Shape | None:
        """Note that the page of the deck from `path` was written: its shape and a new version."""
        if path not in self.builder.decks:
            self.shapes.pop(path, None)
            return None
        key = self.key(path)
        self.versions[key] = self.versions.get(key, 0) + 1
        if not self.hot:
            return None
        self.shapes[path] = shape(self.project, self.builder.decks[path])
        return self.shapes[path]

    def _message(self, path: Path, result: BuildResult, errors: dict[str, tuple[str, ...]],
                 changed: set[Path]) -> dict | None:
        """What the open pages of a rebuilt deck are told, or None when they reload. Files of the
        deck that changed (an image saved again, one that appeared) are named in `assets`: the
        pages load them again."""
        key, page = self.key(path), f"/{self.builder.session(path).site_folder}"
        lines = [*errors.get(COURSE, ()), *errors.get(key, ())]
        if path in result.failed:  # the page stays as it was: only its problems change
            return {"command": "podium-errors", "path": page, "errors": lines} if self.hot else None
        old, base = self.shapes.get(path), self.versions.get(key, 0)
        new = self._written(path)
        if old is None or new is None or old.shell != new.shell:
            return None
        rendered = self.builder.decks[path]
        message = update_message(self.project, rendered, old, new, page, (base, base + 1), lines, self.builder.kit)
        saved = {p.resolve() for p in changed}
        message["assets"] = sorted(posixpath.normpath(page + url) for url, source in rendered.assets.items()
                                   if source.resolve() in saved)
        return message

    def key(self, path: Path) -> str:
        """The key of the session read from `path` (its file's stem when it is no longer a session)."""
        try:
            return self.builder.session(path).key
        except KeyError:
            return path.stem

    def _outcome(self, problems: list[Diagnostic], errors: dict[str, tuple[str, ...]], pages: tuple[str, ...],
                 changed: set[Path], full: bool, start: float, rebuilt: tuple[Path, ...] = (),
                 messages: tuple[dict, ...] = ()) -> Outcome:
        self.errors = errors
        return Outcome(pages, tuple(sort_diagnostics(problems)), tuple(sorted(changed)), full,
                       time.perf_counter() - start, tuple(sorted(errors)), rebuilt, messages)
