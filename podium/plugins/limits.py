"""Bounds on the parser's work whatever the input.

A fixed limit on how deep blocks nest (content classes, blockquotes, lists): past the limit the rest of the innermost block is kept as plain paragraph text and one
`nesting-too-deep` error names the limit: parsing never recurses deeper than that, whatever the
input, and nothing is dropped without a word (markdown-it alone drops the text silently)."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from .env import podium_env

MAX_NESTING = 40
"""Levels of block nesting a text may use: a blockquote or a content class is one level, a list two
(the list and its item)."""
RULE = "nesting-too-deep"


def too_deep_message() -> str:
    return f"blocks nest more than {MAX_NESTING} levels deep (the limit); the rest is shown as plain text"


def _guard(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.level <= MAX_NESTING or silent:
        return False
    own = podium_env(state.env)
    if not own.too_deep:
        own.too_deep = True
        column = state.tShift[start_line] + 1
        own.problems.append((own.block_offset + start_line, column, RULE, too_deep_message()))
    token = state.push("paragraph_open", "p", 1)
    token.map = [start_line, end_line]
    token = state.push("inline", "", 0)
    token.content = state.getLines(start_line, end_line, state.blkIndent, False).strip()
    token.map = [start_line, end_line]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.line = end_line
    return True


@functools.lru_cache(maxsize=4)
def _last_close(src: str) -> int:
    return src.rfind("]")


def _no_label_end(state: StateInline, silent: bool) -> bool:
    """A `[` or `![` with no `]` after it cannot start a link or an image: take it as text at
    once. (markdown-it's link rule would look for the label's end through the rest of the text,
    rule by rule, at every such bracket.)"""
    if state.src[state.pos] not in "[!" or _last_close(state.src) > state.pos:
        return False
    if not silent:
        state.pending += state.src[state.pos]
    state.pos += 1
    return True


def limits_plugin(md: MarkdownIt) -> None:
    """Register the nesting guard ahead of every other block rule, and the unclosed-bracket rule
    just before links (use it after the other plugins)."""
    md.options["maxNesting"] = MAX_NESTING + 8
    first = md.block.ruler.get_all_rules()[0]
    md.block.ruler.before(first, "nesting_guard", _guard)
    md.inline.ruler.before("link", "unclosed_bracket", _no_label_end)
