"""The build: read every session, render it, and publish the site only when nothing failed.

`build(project)` is the one-shot build of `python build.py build`: all or nothing. `Builder` keeps
the rendered decks between builds so that a change to one session re-renders only that deck and
rewrites only its page (plus the index and the highlight styles when they changed). With
`keep_going=True` (the dev server) a deck with errors does not stop the others: its last good
page stays published and the errors are reported in the result.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from .config import CourseOptions
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .loader import load_deck
from .markdown import MarkdownOptions, ParseCache
from .model import RenderedDeck
from .parallel import file_size, parallel_map
from .project import Project
from .render import RenderSettings, render_deck
from .sessions import Session, find_sessions
from .publish import publish_site
from .site import IndexContext, index_context, write_deck, write_index, write_site

log = logging.getLogger(__name__)

MISSING_FILE = "missing-file"
"""The rule of a reference to a file that does not exist: a new file may be the one it wants."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did."""

    diagnostics: tuple[Diagnostic, ...]
    """Every problem found, sorted."""
    decks: tuple[RenderedDeck, ...]
    """The published decks (empty when nothing was published)."""
    inputs: frozenset[Path]
    """Every file the build read: what a watcher should watch."""
    written: bool
    """True when the site on disk matches this result."""
    rebuilt: frozenset[Path] | None = None
    """The session files this build re-rendered; None when it was the whole course."""
    failed: frozenset[Path] = frozenset()
    """Session files with errors (with `keep_going`, their last good page stays published)."""

    @property
    def ok(self) -> bool:
        """No errors."""
        return not has_errors(self.diagnostics)


def render_settings(project: Project, sessions: frozenset[str], options: CourseOptions | None = None) -> RenderSettings:
    """Rendering settings from the course options (or a session's own, `options`)."""
    options = options or project.options
    markdown = MarkdownOptions(options.highlight_lines, sessions, options.highlight_language, options.highlight_spans,
                               code_buttons=options.code_buttons)
    return RenderSettings(markdown, options.highlight_style, project.notes and options.include_presenter_notes,
                          lab=options.code_buttons, course_folders=(project.slides_dir, project.root))


def render_session(project: Project, session: Session, sessions: frozenset[str],
                   cache: ParseCache | None = None) -> tuple[RenderedDeck | None, list[Diagnostic]]:
    """Read, parse and render one session (with the texts `cache` holds already parsed)."""
    deck, problems = load_deck(session, project)
    if deck is None:
        return None, problems
    return render_deck(deck, session_settings(project, session, sessions), problems.append, cache), problems


def session_settings(project: Project, session: Session, sessions: frozenset[str]) -> RenderSettings:
    """How one session renders: its settings, and where its page is in the site."""
    settings = render_settings(project, sessions, session.options)
    root = "../" * session.site_folder.count("/")
    return replace(settings, markdown=replace(settings.markdown, site_root=root))


def _render_one(session: Session, project: Project, sessions: frozenset[str],
                cache: ParseCache) -> tuple[RenderedDeck | None, list[Diagnostic]]:
    return render_session(project, session, sessions, cache)


def session_size(session: Session) -> float:
    """The weight of the work on a session: the size of its file."""
    return file_size(session.source)


def fixed_inputs(project: Project) -> set[Path]:
    """Files every deck depends on: course.toml, templates, static files, the course's stylesheets.
    (A session's remark page is one of the course's fixed inputs too: see `Builder.sessions`.)"""
    found = {p.resolve() for folder in (project.templates_dir, project.static_dir, project.static_dir / "themes")
             for p in folder.glob("*") if p.is_file()}
    found |= {p.resolve() for p in project.stylesheet_files}
    return found | ({project.config_path.resolve()} if project.config_path else set())


class Builder:
    """Builds the course and rebuilds only what a change touches."""

    def __init__(self, project: Project, keep_going: bool = False) -> None:
        self.project = project
        self.keep_going = keep_going
        """Publish the decks that built even when others failed (their last good page stays)."""
        self.decks: dict[Path, RenderedDeck] = {}
        self.problems: dict[Path, list[Diagnostic]] = {}
        self.parsed = ParseCache()
        """Slide texts parsed by earlier builds (kept by a forked worker only for its own pass)."""
        self._files: list[Path] | None = None
        self._sessions: dict[Path, Session] = {}
        self._finding: list[Diagnostic] = []
        self._fixed: frozenset[Path] = frozenset()
        self._fixed_folders = frozenset(p.resolve() for p in (project.templates_dir, project.static_dir))
        self._published = False
        self._index: IndexContext | None = None
        self.kit = None
        """The offline kit (offline.py) when the project is built `offline`."""
        if project.offline:
            from .offline import Kit, fetch_remote

            self.kit = Kit(project.cache_dir, fetch_remote if project.offline_fetch else None)
        self._course_remote: list[Diagnostic] = []

    def sessions(self) -> list[Path]:
        """The sessions' files, found once per full build."""
        if self._files is None:
            found, self._finding = find_sessions(self.project)
            self._sessions = {session.source: session for session in found}
            self._files = list(self._sessions)
        return self._files

    def session(self, path: Path) -> Session:
        """The session read from one of `sessions()`."""
        return self._sessions[path]

    def keys(self) -> frozenset[str]:
        """The sessions' keys (what links between sessions name)."""
        self.sessions()
        return frozenset(session.key for session in self._sessions.values())

    def ordered(self) -> list[RenderedDeck]:
        """The decks in session order."""
        order = {path: number for number, path in enumerate(self.sessions())}
        return [self.decks[p] for p in sorted(self.decks, key=lambda p: order.get(p, len(order)))]

    def _render(self, paths: Iterable[Path]) -> None:
        stems = self.keys()
        paths = list(paths)
        items = [self._sessions[path] for path in paths]
        results = parallel_map(_render_one, items, self.project, stems, self.parsed, weight=session_size)
        for path, (rendered, problems) in zip(paths, results):
            self.problems[path] = problems
            if self.keep_going and has_errors(problems):
                continue
            if rendered is None:
                self.decks.pop(path, None)
            else:
                self.decks[path] = rendered

    def _store(self, paths: Iterable[Path], course: bool) -> None:
        """With the offline kit: store what the decks of `paths` (and, with `course`, the course's
        stylesheets) load from other hosts; a warning on the deck for each URL that is not stored."""
        if self.kit is None:
            return
        from .offline import course_uses, deck_uses

        owner: dict[object, Path | None] = {}
        for path in paths:
            if path in self.decks and not (self.keep_going and has_errors(self.problems.get(path, []))):
                for use in deck_uses(self.decks[path]):
                    owner.setdefault(use, path)
        if course:
            for use in course_uses(self.project):
                owner.setdefault(use, None)
            self._course_remote = []
        for use, problem in self.kit.store(list(owner)):
            path = owner[use]
            (self._course_remote if path is None else self.problems.setdefault(path, [])).append(problem)

    def _may_publish(self) -> bool:
        if has_errors(self._finding) and not self.keep_going:
            return False
        return self.keep_going or not any(has_errors(items) for items in self.problems.values())

    def _result(self, written: bool, rebuilt: frozenset[Path] | None) -> BuildResult:
        problems = [d for items in self.problems.values() for d in items] + self._finding + self._course_remote
        inputs = set(self.decks) | set(self.problems) | self._fixed
        for rendered in self.decks.values():
            inputs.update(rendered.assets.values())
        failed = frozenset(p for p, items in self.problems.items() if has_errors(items))
        return BuildResult(tuple(sort_diagnostics(problems)), tuple(self.ordered()) if written else (),
                           frozenset(inputs), written, rebuilt, failed)

    def _publish_all(self) -> None:
        decks = self.ordered()
        publish_site(self.project, lambda folder: write_site(self.project, decks, folder, self.kit))
        self._published = True
        self._index = index_context(self.project, decks)
        log.info("built %d sessions into %s", len(decks), self.project.out_dir)

    def build(self) -> BuildResult:
        """Render every session; publish the whole site atomically (when there is no error)."""
        self._files = None
        self._published = False
        files = self.sessions()
        if not self.keep_going:
            self.decks.clear()
        for gone in set(self.decks) - set(files):
            del self.decks[gone]
        self.problems.clear()
        pages = {s.page.resolve() for s in self._sessions.values() if s.page is not None}
        self._fixed = frozenset(fixed_inputs(self.project) | pages)
        self._render(files)
        self._store(files, course=True)
        if not self._may_publish():
            return self._result(False, None)
        self._publish_all()
        return self._result(True, None)

    def _needs_full_build(self, changed: set[Path], files: set[Path], assets: dict[Path, Path]) -> bool:
        if not self._published or not changed or not self.project.out_dir.is_dir():
            return True
        slides = self.project.slides_dir.resolve()
        for path in changed:
            if path in self._fixed or any(path.is_relative_to(folder) for folder in self._fixed_folders):
                return True
            if path in assets:
                continue
            if path.suffix == ".md" and path.parent == slides and (path in files) != path.is_file():
                return True
            if path.name == "index.html" and path.parent == slides or \
                    path.name in ("index.html", "slides.md") and path.parent.parent == slides and path not in files:
                return True  # a session folder (or the root page) may have come or gone
            if not path.is_relative_to(slides):
                return True
        return False

    def restyle(self, changed: Iterable[Path]) -> tuple[list[str], list[Path]] | None:
        """When every changed file is a stylesheet the site copies (course.toml's, or one a deck
        uses), copy those again: their URL paths in the site (`/static/course/theme.css`) and the
        session files of the decks they style. None when anything else changed (or nothing was
        published yet): that needs a rebuild."""
        changed = {Path(p).resolve() for p in changed}
        if not changed or not self._published or any(path.suffix.lower() != ".css" for path in changed):
            return None
        course = {path.resolve(): path for path in self.project.stylesheet_files}
        uses = {(source.resolve(), path, url) for path, rendered in self.decks.items()
                for url, source in rendered.assets.items() if source.suffix.lower() == ".css"}
        if changed - course.keys() - {source for source, _, _ in uses}:
            return None
        from .site import REMOTE, copy_stylesheet, course_stylesheet, site_folder

        out, written, decks = self.project.out_dir, [], set()
        targets = [(path, course_stylesheet(course[path]), None) for path in sorted(changed & course.keys())]
        targets += [(source, posixpath.normpath(site_folder(self.decks[path]) + url), path)
                    for source, path, url in sorted(uses) if source in changed]
        for source, name, deck in targets:
            if name.startswith("../"):
                continue
            used = copy_stylesheet(source, out, name, self.kit)
            if self.kit is not None:
                self.kit.write(used, out / REMOTE)
            written.append("/" + name)
            decks |= set(self.decks) if deck is None else {deck}
        return written, sorted(decks)

    def rebuild(self, changed: Iterable[Path]) -> BuildResult:
        """Re-render the sessions a change touches; rewrite their pages, and the index if it changed.

        A change to a template, a static file or course.toml, a session added or removed, or a file
        outside the slides folder rebuilds everything. A file in the slides folder that no deck uses
        re-renders only the decks that referred to a missing file.
        """
        changed = {Path(p).resolve() for p in changed}
        files = set(self.sessions())
        assets = {a.resolve(): path for path, r in self.decks.items() for a in r.assets.values()}
        if self._needs_full_build(changed, files, assets):
            return self.build()
        decks = {p for p in changed if p in files} | {assets[p] for p in changed if p in assets}
        if changed - files - assets.keys():
            decks |= {p for p, items in self.problems.items() if any(d.code == MISSING_FILE for d in items)}
        if not decks:
            return self._result(True, frozenset())
        published = set(self.decks)
        self._render(sorted(decks))
        self._store(sorted(decks), course=False)
        if not self._may_publish():
            self._published = False
            return self._result(False, frozenset(decks))
        if set(self.decks) != published:
            self._publish_all()
            return self._result(True, None)
        out = self.project.out_dir
        for path in sorted(decks):
            if path in self.decks and not has_errors(self.problems[path]):
                write_deck(self.project, self.decks[path], out, self.kit)
        ordered = self.ordered()
        index = index_context(self.project, ordered)
        if index != self._index:
            write_index(self.project, ordered, out)
            self._index = index
        return self._result(True, frozenset(decks))


def build(project: Project) -> BuildResult:
    """Build the whole site; publish it only when there is no error."""
    return Builder(project).build()
