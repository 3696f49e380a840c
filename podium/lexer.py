"""Split one session file into raw slides, the way remark.js lexes before it splits.

Separators (`---`, `--`, `<!-- break -->`) and the notes marker (`???`) count only on their own
line, outside fenced code and outside content-class brackets `.class[ ... ]` (which may span
lines). Everything here works on the normalised text (see `normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .diagnostics import Diagnostic
from .model import LexResult, RawSlide, SourceLocation, SourceText
from .textscan import bracket_matches

SLIDE_SEPARATORS = {"---": False, "--": True}
"""Separator line -> whether the new slide continues the previous one (an incremental step)."""
NOTES_SEPARATOR = "???"
BREAK_COMMENT = re.compile(r"<!--\s*break\s*-->")
FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
CONTENT_CLASS = re.compile(r"\\?(?:\.[A-Za-z_-][\w-]*)+\[")
INDENT = re.compile(r"^[ \t]*")
UNINDENTED = re.compile(r"^[^ \t\n]", re.M)
"""A line that starts with text: then no indentation is common to all lines."""


def normalize(text: str) -> str:
    """Drop a BOM, turn CRLF/CR into LF and remove the indentation common to all lines."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if UNINDENTED.search(text):
        return text
    lines = text.split("\n")
    widths = [len(INDENT.match(line).group()) for line in lines if line.strip()]
    common = min(widths, default=0)
    if common == 0:
        return text
    return "\n".join(line[common:] if line.strip() else line[: max(0, len(line) - common)].lstrip(" \t") for line in lines)


@dataclass(slots=True)
class _Piece:
    """A slide being collected: its lines and where it starts."""

    start: int
    continued: bool
    content: list[str]
    notes: list[str] | None = None
    notes_start: int = 0
    head_end: int | None = None
    code: set[int] = field(default_factory=set)


def lex(text: str, path: str) -> LexResult:
    """Split normalised `text` of the file shown as `path` into raw slides."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    matches = bracket_matches(text)
    diagnostics: list[Diagnostic] = []
    pieces = [_Piece(start=0, continued=False, content=[])]
    protected_until = 0  # offset up to which a content class protects the text
    fence: tuple[str, int, int] | None = None  # (char, length, line) of an open fence
    previous_blank, in_indented = True, False

    for number, line in enumerate(lines):
        piece = pieces[-1]
        target = piece.content if piece.notes is None else piece.notes
        start = offsets[number]
        if fence is not None:
            if piece.notes is None:
                piece.code.add(len(piece.content))
            target.append(line)
            char, length, _ = fence
            stripped = line.strip()
            if len(line) - len(line.lstrip(" ")) < 4 and stripped and set(stripped) == {char} and len(stripped) >= length:
                fence = None
            continue
        if protected_until <= start:
            if line in SLIDE_SEPARATORS or (line.startswith("<!--") and BREAK_COMMENT.fullmatch(line)):
                continued = SLIDE_SEPARATORS.get(line, False)
                pieces.append(_Piece(start=number, continued=continued, content=[""] if continued else []))
                if not continued:
                    pieces[-1].start = number + 1
                previous_blank, in_indented = True, False
                continue
            if line == NOTES_SEPARATOR:
                if piece.notes is None:
                    piece.notes, piece.notes_start = [], number + 1
                else:
                    piece.notes.append("")
                previous_blank, in_indented = True, False
                continue
            opened = FENCE_OPEN.match(line) if "`" in line or "~" in line else None
            if opened and not (opened.group(2)[0] == "`" and "`" in opened.group(3)):
                fence = (opened.group(2)[0], len(opened.group(2)), number)
                if piece.notes is None:
                    piece.code.add(len(piece.content))
                target.append(line)
                previous_blank, in_indented = False, False
                continue
            in_indented = line.startswith("    ") and (previous_blank or in_indented)
            if in_indented and piece.notes is None:
                piece.code.add(len(piece.content))
        if (not in_indented or protected_until > start) and "[" in line:
            first, end = _scan_line(text, max(start, protected_until), start + len(line), matches)
            if first is not None and piece.notes is None and piece.head_end is None:
                piece.head_end = sum(len(x) + 1 for x in piece.content) + first - start
            if end is not None:
                protected_until = end
        target.append(line)
        previous_blank = not line.strip()

    if fence is not None:
        diagnostics.append(Diagnostic(
            SourceLocation(path, fence[2] + 1, 1), "error", "unclosed-fence",
            f"code fence opened with {fence[0] * fence[1]} is never closed; close it with a line of {fence[0] * fence[1]}"))
    slides, heads, code = [], [], []
    for piece in pieces:
        content = "\n".join(piece.content)
        start = SourceLocation(path, piece.start + 1, 1)
        notes = None
        if piece.notes is not None:
            notes = SourceText.at("\n".join(piece.notes), SourceLocation(path, piece.notes_start + 1, 1))
        slides.append(RawSlide(SourceText.at(content, start), notes, piece.continued, start))
        heads.append(len(content) if piece.head_end is None else piece.head_end)
        code.append(frozenset(piece.code))
    return LexResult(tuple(slides), tuple(heads), tuple(code), tuple(diagnostics))


INTERESTING = re.compile(r"[`.\\]")


def _find_class(text: str, pos: int, end: int) -> int | None:
    """Offset of the first unescaped content-class opener in text[pos:end] outside inline code."""
    while True:
        found = INTERESTING.search(text, pos, end)
        if found is None:
            return None
        pos = found.start()
        if text[pos] == "`":
            run = len(text[pos:end]) - len(text[pos:end].lstrip("`"))
            close = text.find("`" * run, pos + run + 1, end)
            pos = pos + run if close < 0 else close + run
            continue
        opener = CONTENT_CLASS.match(text, pos, end)
        if opener is None:
            pos += 1
        elif text[pos] == "\\":
            pos = opener.end()
        else:
            return pos


def _scan_line(text: str, pos: int, end: int, matches: dict[int, int]) -> tuple[int | None, int | None]:
    """Scan one line for content classes: (offset of the first one, offset past the last one).

    Both are None when no class opens on the line. A class whose `[` has no balancing `]`
    stays literal text, as in remark.
    """
    first: int | None = None
    protected: int | None = None
    while pos < end:
        found = _find_class(text, pos, end)
        if found is None:
            break
        bracket = CONTENT_CLASS.match(text, found).end() - 1
        close = matches.get(bracket)
        if close is None:
            pos = bracket + 1
            continue
        first = found if first is None else first
        protected = close + 1
        if close >= end:
            break
        pos = close + 1
    return first, protected
