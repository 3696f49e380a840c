"""Read the sessions of a course and turn each into a Deck (lexer + parser)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from .config import CourseOptions
from .diagnostics import Diagnostic
from .lexer import lex, normalize
from .model import Deck, SourceLocation
from .parser import ParseOptions, parse
from .project import Project, shown
from .sessions import Session, find_sessions

log = logging.getLogger(__name__)


def sessions(project: Project) -> list[Session]:
    """The course's sessions, in order (see sessions.py)."""
    return find_sessions(project)[0]


def session_files(project: Project) -> list[Path]:
    """The file each session is read from, in session order."""
    return [session.source for session in sessions(project)]


def session_of(project: Project, path: Path) -> Session:
    """The session read from `path` (a Markdown file outside the course is a session of its own)."""
    path = Path(path).resolve()
    for session in sessions(project):
        if session.source == path:
            return session
    return Session(path.stem, path, path.parent, project.options)


def parse_options(options: CourseOptions) -> ParseOptions:
    """How decks are resolved, from the course settings."""
    return ParseOptions(count_incremental_slides=options.count_incremental_slides,
                        exclude_classes=options.exclude_classes,
                        inherit_presenter_notes=options.inherit_presenter_notes)


def read_source(path: Path, limit_mb: float) -> tuple[str | None, list[Diagnostic]]:
    """The text of a session file, or None with the reason when it cannot be a deck."""
    name = shown(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Diagnostic(SourceLocation(name, 1), "error", "unreadable", f"cannot read the file: {error.strerror}")]
    if len(data) > limit_mb * 1024 * 1024:
        size = len(data) / 1024 / 1024
        return None, [Diagnostic(SourceLocation(name, 1), "error", "too-large",
                                 f"session is {size:.1f} MB, over the {limit_mb:g} MB limit "
                                 "(raise max_session_mb in course.toml if this is intended)")]
    if b"\0" in data:
        return None, [Diagnostic(SourceLocation(name, 1), "error", "binary-file",
                                 "this is a binary file, not a Markdown session (it contains NUL bytes)")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Diagnostic(SourceLocation(name, line, column), "error", "encoding",
                                 f"not UTF-8: byte 0x{data[error.start]:02x} cannot be decoded; save the file as UTF-8")]
    if not text.strip("\ufeff \t\r\n"):
        return None, [Diagnostic(SourceLocation(name, 1), "warning", "empty-file",
                                 "the session file is empty; it is left out of the site")]
    return text, []


def load_deck(where: Path | Session, project: Project) -> tuple[Deck | None, list[Diagnostic]]:
    """One session as a Deck (None when it cannot be read)."""
    session = where if isinstance(where, Session) else session_of(project, where)
    path = session.source
    if session.inline is not None:  # a remark page's textarea: line N of the text is line N of the page
        text, first = session.inline
        text, problems = "\n" * (first - 1) + text, []
    else:
        text, problems = read_source(path, session.options.max_session_mb)
    problems = list(session.problems) + problems
    if text is None:
        return None, problems
    name = shown(path)
    lexed = lex(normalize(text), name)
    deck, found = parse(lexed, path, name, parse_options(session.options))
    deck = replace(deck, stem=session.key, session=session)
    problems += list(lexed.diagnostics) + found
    if not deck.slides:
        problems.append(Diagnostic(SourceLocation(name, 1), "warning", "no-slides",
                                   "every slide of this session is a layout or excluded; it is left out of the site"))
        return None, problems
    return deck, problems
