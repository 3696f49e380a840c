"""Code samples: each block is validated by its language (labelled or inferred) and for copy hazards.

Markers on the lines just before a fence change what happens to it:
`<!-- check: skip -->`, `<!-- check: expect-error -->` (a "spot the bug" block must fail) and
`<!-- check: lang=compose -->` (validate as that language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ..diagnostics import Diagnostic, did_you_mean
from ..languages import canonical_language, infer_language
from ..model import SourceText
from ..plugins.code import CODE_TOKENS, text_before, typed_code
from .deck import CheckedDeck
from .samples import validate_sample

MARKER = re.compile(r"<!--\s*check\s*:\s*(.*?)\s*-->")
MARKERS = ("skip", "expect-error", "lang=")


@dataclass(frozen=True, slots=True)
class Markers:
    """What the markers before a block ask for."""

    skip: bool = False
    expect_error: bool = False
    language: str | None = None


def read_markers(lines: list[str], first: int, source: SourceText, slide: int) -> tuple[Markers, list[Diagnostic]]:
    """Markers on the lines above line `first` (blank lines between them allowed)."""
    skip = expect = False
    language = None
    problems = []
    number = first - 1
    while number >= 0 and (not lines[number].strip() or MARKER.fullmatch(lines[number].strip())):
        found = MARKER.fullmatch(lines[number].strip())
        number -= 1
        if not found:
            continue
        for word in found.group(1).split():
            if word == "skip":
                skip = True
            elif word == "expect-error":
                expect = True
            elif word.startswith("lang="):
                language = canonical_language(word[5:]) or word[5:]
            else:
                problems.append(Diagnostic(source.location(number + 1, 1), "warning", "check-marker",
                                           f"unknown check marker '{word}'{did_you_mean(word, MARKERS)}", slide))
    return Markers(skip, expect, language), problems


def _column(lines: list[str], line: int, code_line: str, column: int) -> int:
    """The column in the deck of a column in a code line (fences inside lists are indented)."""
    source = lines[line] if 0 <= line < len(lines) else ""
    offset = source.find(code_line) if code_line.strip() else 0
    return column + max(offset, 0)


def check_block(tokens: list, index: int, source: SourceText, lines: list[str], env: dict,
                slide: int) -> Iterator[Diagnostic]:
    """Every problem of one code block, located in the deck (`lines`: the slide's text split once)."""
    token = tokens[index]
    markers, problems = read_markers(lines, token.map[0], source, slide)
    yield from problems
    if markers.skip:
        return
    info = token.info.strip().split()[0] if token.type == "fence" and token.info.strip() else ""
    language = markers.language or infer_language(info, typed_code(token.content, env),
                                                  text_before(tokens, index, lines)).language
    if language is None:
        return
    start = token.map[0] + (1 if token.type == "fence" else 0)
    code = typed_code(token.content, env)
    code_lines = code.split("\n")
    found = validate_sample(language, code)
    if markers.expect_error:
        if not any(p.severity == "error" for p in found):
            yield Diagnostic(source.location(token.map[0], 1), "error", "expected-error",
                             f"this {language} block is marked 'check: expect-error' but has no error", slide)
        return
    for problem in found:
        line = start + problem.line
        code_line = code_lines[problem.line] if problem.line < len(code_lines) else ""
        column = _column(lines, line, code_line, problem.column)
        yield Diagnostic(source.location(line, column), problem.severity, problem.rule, problem.message, slide)


def check_code(checked: CheckedDeck) -> Iterator[Diagnostic]:
    """Validate every code block of every slide's content."""
    for parsed in checked.parsed:
        tokens = parsed.tokens
        lines = parsed.slide.content.text.split("\n")
        for index, token in enumerate(tokens):
            if token.type in CODE_TOKENS and token.map:
                yield from check_block(tokens, index, parsed.slide.content, lines, parsed.env,
                                       parsed.slide.index + 1)
