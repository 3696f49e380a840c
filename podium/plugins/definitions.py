"""Link reference definitions taken out of the text as remark.js takes them out.

remark's lexer removes a definition together with the line break before it and every blank line
after it, so `text`, a blank line, `[id]: url`, a blank line, `more` is one paragraph there, the
two lines joined by a space. markdown-it keeps two paragraphs. This core rule, run after the
block phase, joins two paragraphs that only such definitions separate: the paragraph ends and
starts are hidden (each paragraph keeps its own tokens and line map) and a line break joins them.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .env import podium_env

DEFINITION = re.compile(r"^ *\[[^\]]+\]: *<?[^\s>]+>?(?: +[\"(][^\n]+[\")])? *$")
"""One definition line, as remark's lexer reads it."""


def _joined_by_definitions(lines: list[str], gap: list[str]) -> bool:
    """True when the lines between two paragraphs are one blank line, definitions, then blank lines."""
    if len(gap) < 2 or gap[0].strip() or not DEFINITION.match(gap[1]):
        return False
    rest = gap[2:]
    while rest and DEFINITION.match(rest[0]):
        rest = rest[1:]
    return not any(line.strip() for line in rest)


def _join_paragraphs(state: StateCore) -> None:
    tokens = state.tokens
    lines = podium_env(state.env).source_lines or state.src.split("\n")
    opened: dict[int, Token] = {}
    index = 0
    while index < len(tokens) - 1:
        token = tokens[index]
        if token.type == "paragraph_open":
            opened[token.level] = token
        elif token.type == "paragraph_close" and tokens[index + 1].type == "paragraph_open":
            first, second = opened.get(token.level), tokens[index + 1]
            if first and first.map and second.map and not token.hidden and not second.hidden and \
                    _joined_by_definitions(lines, lines[first.map[1]:second.map[0]]):
                token.hidden = second.hidden = True
                tokens.insert(index + 1, Token("softbreak", "br", 0, level=token.level))
                index += 1
        index += 1


def definitions_plugin(md: MarkdownIt) -> None:
    """Install the rule (after the block phase, before inline parsing)."""
    md.core.ruler.after("block", "podium_definitions", _join_paragraphs)
