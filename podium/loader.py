"""Read the session files of a course and turn each into a Deck (lexer + parser)."""

from __future__ import annotations

import logging
from pathlib import Path

from .diagnostics import Diagnostic
from .lexer import lex, normalize
from .model import Deck, SourceLocation
from .parser import ParseOptions, parse
from .project import Project, shown

log = logging.getLogger(__name__)


def session_files(project: Project) -> list[Path]:
    """The course's session files, in file-name order."""
    if not project.slides_dir.is_dir():
        return []
    return sorted((p.resolve() for p in project.slides_dir.glob("*.md") if p.is_file()), key=lambda p: p.name)


def parse_options(project: Project) -> ParseOptions:
    """How decks are resolved, from the course settings."""
    options = project.options
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


def load_deck(path: Path, project: Project) -> tuple[Deck | None, list[Diagnostic]]:
    """One session file as a Deck (None when it cannot be read)."""
    text, problems = read_source(path, project.options.max_session_mb)
    if text is None:
        return None, problems
    name = shown(path)
    lexed = lex(normalize(text), name)
    deck, found = parse(lexed, path, name, parse_options(project))
    problems += list(lexed.diagnostics) + found
    if not deck.slides:
        problems.append(Diagnostic(SourceLocation(name, 1), "warning", "no-slides",
                                   "every slide of this session is a layout or excluded; it is left out of the site"))
        return None, problems
    return deck, problems
