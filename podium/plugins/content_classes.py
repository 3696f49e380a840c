"""Content classes `.a.b[...]`: a `<div>` when the brackets span lines, else a `<span>`.

The brackets balance by counting every `[` and `]` (as remark.js does); `\\.a[` is literal.
"""

from __future__ import annotations

import re
import textwrap

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from ..textscan import balancing_bracket
from .env import podium_env

OPENER = re.compile(r"((?:\.[A-Za-z_-][\w-]*)+)\[")


def class_names(opener: str) -> str:
    """`.a.b` -> `a b`."""
    return " ".join(x for x in opener.split(".") if x)


def _block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    opener = OPENER.match(state.src, begin, state.eMarks[start_line])
    if opener is None:
        return False
    close = balancing_bracket(state.src, opener.end() - 1, len(state.src))
    if close is None or "\n" not in state.src[opener.end():close]:
        return False
    last = start_line
    while last < end_line and state.eMarks[last] < close:
        last += 1
    if last >= end_line:
        return False
    if silent:
        return True
    inner = textwrap.dedent(state.src[opener.end():close])
    rest = state.src[close + 1:state.eMarks[last]]
    token = state.push("content_class_open", "div", 1)
    token.attrSet("class", class_names(opener.group(1)))
    token.map = [start_line, last + 1]
    token.block = True
    _nested(state, inner, start_line)
    state.push("content_class_close", "div", -1).block = True
    if rest.strip():
        _nested(state, rest, last)
    state.line = last + 1
    return True


def _nested(state: StateBlock, text: str, first_line: int) -> None:
    """Parse `text` as blocks into the state's tokens, lines counted from `first_line`, one level
    deeper (so that markdown-it's and the nesting guard's limits hold across content classes)."""
    if not text:
        return
    tokens: list = []
    inner = StateBlock(text, state.md, state.env, tokens)
    inner.level = state.level
    own = podium_env(state.env)
    own.block_offset += first_line
    try:
        state.md.block.tokenize(inner, inner.line, inner.lineMax)
    finally:
        own.block_offset -= first_line
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + first_line, token.map[1] + first_line]
    state.tokens.extend(tokens)


def _inline_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ".":
        return False
    opener = OPENER.match(state.src, state.pos, state.posMax)
    if opener is None:
        return False
    close = balancing_bracket(state.src, opener.end() - 1, state.posMax)
    if close is None:
        return False
    if not silent:
        token = state.push("content_class_inline_open", "span", 1)
        token.attrSet("class", class_names(opener.group(1)))
        limit = state.posMax
        state.pos, state.posMax = opener.end(), close
        state.md.inline.tokenize(state)
        state.push("content_class_inline_close", "span", -1)
        state.posMax = limit
    state.pos = close + 1
    return True


def content_classes_plugin(md: MarkdownIt) -> None:
    """Register block and inline content classes."""
    md.block.ruler.before("paragraph", "content_class", _block_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.inline.add_terminator_char(".")
    md.inline.ruler.before("link", "content_class", _inline_rule)
