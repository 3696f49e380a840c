"""remark's `highlightSpans`: text between backticks on a code line is highlighted, backticks removed.

remark 0.15 (`highlightBlockSpans` in src/remark/views/slideView.js) replaces SPAN over each
line's HTML after highlight.js has run and the `*` lines are marked: a span needs one character
before its opening backtick that is not a backtick (so none opens at the start of a line), holds at
least one character and no backtick, and ends at the next backtick; when that character is a
backslash, the backslash is dropped and the backticks stay. Spans never cross lines.

Here SPAN runs over each line's text, the code is highlighted as it is shown (without the
backticks that mark spans, which so never change its colours), and the spans are laid over the
Pygments tokens: a token is split where a span starts or ends, a span may hold several tokens. A
block or line without spans is exactly what `highlight_lines` makes.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from .highlight import highlight_lines, line_tokens, tokens_html

SPAN = re.compile(r"([^`])`([^`]+?)`")
"""remark's pattern: (the character before, the highlighted text)."""
HIGHLIGHTED = "remark-code-span-highlighted"

Spans = tuple[tuple[int, int], ...]


def parse_line(line: str) -> tuple[str, Spans]:
    """The line as shown (marking backticks and escaping backslashes dropped) and its spans,
    as (start, end) offsets in the shown text."""
    shown: list[str] = []
    spans: list[tuple[int, int]] = []
    size = pos = 0
    for match in SPAN.finditer(line):
        before, text = match.group(1), match.group(2)
        if before == "\\":
            kept = [line[pos:match.start()], line[match.start() + 1:match.end()]]
        else:
            kept = [line[pos:match.start()] + before, text]
            spans.append((size + len(kept[0]), size + len(kept[0]) + len(text)))
        shown += kept
        size += sum(map(len, kept))
        pos = match.end()
    shown.append(line[pos:])
    return "".join(shown), tuple(spans)


def _cut(pieces: list[tuple[str, str]], spans: Spans) -> list[tuple[int | None, str, str]]:
    """(the span it lies in or None, CSS classes, text) for each part of the pieces a span
    boundary does not cross."""
    bounds = sorted({offset for span in spans for offset in span})
    parts = []
    start = 0
    for classes, text in pieces:
        end = start + len(text)
        cuts = [start, *(b for b in bounds if start < b < end), end]
        for left, right in zip(cuts, cuts[1:]):
            inside = next((n for n, (a, b) in enumerate(spans) if a <= left < b), None)
            parts.append((inside, classes, text[left - start:right - start]))
        start = end
    return parts


def _line_html(pieces: list[tuple[str, str]], spans: Spans) -> Markup:
    groups: list[tuple[int | None, list[tuple[str, str]]]] = []
    for inside, classes, text in _cut(pieces, spans):
        if not groups or groups[-1][0] != inside:
            groups.append((inside, []))
        groups[-1][1].append((classes, text))
    return Markup("").join(
        Markup('<span class="{}">{}</span>').format(HIGHLIGHTED, tokens_html(parts)) if inside is not None
        else tokens_html(parts) for inside, parts in groups)


def spanned_lines(code: str, lexer_alias: str | None) -> list[Markup]:
    """`highlight_lines` of the code as shown, with each line's backtick spans highlighted."""
    parsed = [parse_line(line) for line in code.split("\n")]
    shown = "\n".join(text for text, _ in parsed)
    lines = highlight_lines(shown, lexer_alias)
    if not any(spans for _, spans in parsed):
        return lines
    tokens = line_tokens(shown, lexer_alias)
    for number, (text, spans) in enumerate(parsed[: len(lines)]):
        if spans:
            pieces = tokens[number] if "".join(t for _, t in tokens[number]) == text else [("", text)]
            lines[number] = _line_html(pieces, spans)
    return lines
