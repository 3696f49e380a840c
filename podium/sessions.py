"""The sessions of a course: Markdown files, and folders as remark courses keep them.

A course folder (`--slides DIR`) holds sessions as `NAME.md` files and/or as folders. A folder is a
session when it has an `index.html` that is a remark page (its source in `<textarea id="source">`
or in the file its `sourceUrl` names), or else a `slides.md`. A remark page in the course folder
itself is the session published at the site's root (the folder's `.md` files, a README say, are
then not sessions). Sessions are ordered naturally (`2` before `10`), or as course.toml's
`sessions` list says (leaving out the others).

What a session's remark page says applies to it: its options (a setting course.toml gives wins),
its title, its `<style>` blocks and stylesheets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import CourseOptions, key_line
from .diagnostics import Diagnostic, did_you_mean
from .model import SourceLocation
from .project import Project, shown

ROOT = "."
"""The key of the session published at the site's root (the course folder's own remark page)."""
PAGE = "index.html"
FOLDER_SOURCE = "slides.md"
NOT_SESSIONS = re.compile(r"^[._]|^(node_modules|site|static)$")
"""Folders that are never sessions: hidden ones, and what builds and tools leave."""


@dataclass(frozen=True, slots=True)
class Session:
    """One session of the course, and where it comes from."""

    key: str
    """Its name in the course and its folder in the site: the file's stem or the folder's name
    (`06-docker-compose`, `6`, `study-hall`); `ROOT` for the page at the site's root."""
    source: Path
    """The file whose text is the deck: Markdown, or the remark page holding it inline."""
    folder: Path
    """Where its page lives: relative links and files resolve from here."""
    options: CourseOptions
    """The course's settings with what its remark page says (course.toml's own settings win)."""
    page: Path | None = None
    """The remark page it comes from, when it has one."""
    title: str | None = None
    """The page's `<title>`, when it has one."""
    styles: tuple[tuple[str, int], ...] = ()
    """The page's `<style>` blocks: (CSS, the line of the page where it starts)."""
    stylesheets: tuple[tuple[str, int], ...] = ()
    """The page's `<link rel="stylesheet">` addresses, as written, with their lines."""
    inline: tuple[str, int] | None = None
    """The source from the page's textarea (unescaped as remark does) and the page line it starts on."""
    problems: tuple[Diagnostic, ...] = field(default=())
    """What reading the page found (options left out, JavaScript macros)."""

    @property
    def site_folder(self) -> str:
        """Its folder in the site, as a URL path: `6/`, or empty for the root session."""
        return "" if self.key == ROOT else f"{self.key}/"


def natural_key(name: str) -> tuple:
    """Sort key that puts `2` before `10` and `s2` before `s10`."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.lower())
                 for part in re.split(r"(\d+)", name) if part)


def _page_session(project: Project, key: str, page: Path) -> tuple[Session | None, list[Diagnostic]]:
    """The session a remark page is, or the problem that keeps it from being one."""
    from .remarkpage import read_remark_page

    read = read_remark_page(page, shown(page))
    if read is None:
        return None, []
    options = _with_page_options(project.options, read.options)
    common = dict(key=key, folder=page.parent, options=options, page=page, title=read.title, styles=read.styles,
                  stylesheets=read.stylesheets, problems=tuple(read.problems))
    if read.source_url:
        source = page.parent / read.source_url.split("#")[0].split("?")[0]
        if not source.is_file():
            where = SourceLocation(shown(page), 1)
            return None, [Diagnostic(where, "error", "missing-source",
                                     f"the remark page names '{read.source_url}' as its source, which does not exist")]
        return Session(source=source.resolve(), **common), []
    if read.inline_source is None:
        return None, [Diagnostic(SourceLocation(shown(page), 1), "error", "missing-source",
                                 "the remark page has no <textarea id=\"source\"> and no sourceUrl")]
    return Session(source=page.resolve(), inline=(read.inline_source, read.inline_line), **common), []


def _with_page_options(options: CourseOptions, page: dict) -> CourseOptions:
    """The course's settings with the page's, except those course.toml sets itself."""
    taken = {name: value for name, value in page.items() if name not in options.given and hasattr(options, name)}
    if "navigation" in taken:
        taken["navigation"] = {**options.navigation, **taken["navigation"]}
    return replace(options, **taken) if taken else options


def find_sessions(project: Project) -> tuple[list[Session], list[Diagnostic]]:
    """The course's sessions in order, and what keeps a folder or file from being one."""
    folder = project.slides_dir
    if not folder.is_dir():
        return [], []
    problems: list[Diagnostic] = []
    found: dict[str, Session] = {}
    root_page = folder / PAGE
    root, why = _page_session(project, ROOT, root_page) if root_page.is_file() else (None, [])
    problems += why
    if root is not None:
        found[ROOT] = root
    else:
        for path in folder.glob("*.md"):
            if path.is_file():
                found[path.stem] = Session(path.stem, path.resolve(), folder, project.options)
    out = project.out_dir.resolve()
    for sub in folder.iterdir():
        if not sub.is_dir() or NOT_SESSIONS.search(sub.name) or sub.resolve() == out:
            continue
        session, why = None, []
        if (sub / PAGE).is_file():
            session, why = _page_session(project, sub.name, sub / PAGE)
            problems += why
        if session is None and (sub / FOLDER_SOURCE).is_file() and not why:
            session = Session(sub.name, (sub / FOLDER_SOURCE).resolve(), sub, project.options)
        if session is None:
            continue
        if sub.name in found:
            problems.append(Diagnostic(SourceLocation(shown(session.source), 1), "error", "duplicate-session",
                                       f"two sessions are named '{sub.name}': {shown(found[sub.name].source)} "
                                       f"and this one"))
            continue
        found[sub.name] = session
    return _ordered(project, found, problems), problems


def _ordered(project: Project, found: dict[str, Session], problems: list[Diagnostic]) -> list[Session]:
    wanted = project.options.sessions
    if not wanted:
        return [found[key] for key in sorted(found, key=lambda k: (k != ROOT, natural_key(k)))]
    where = SourceLocation(shown(project.config_path), key_line(project.config_path.read_text(encoding="utf-8"),
                                                                 "", "sessions")) if project.config_path else None
    chosen = []
    for key in wanted:
        if key in found:
            chosen.append(found[key])
        elif where is not None:
            problems.append(Diagnostic(where, "error", "unknown-session",
                                       f"sessions: the course has no session '{key}'{did_you_mean(key, found)}"))
    return chosen
