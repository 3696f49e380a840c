"""`#Title` without a space is a heading, as remark.js (pedantic marked) shows it."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

TIGHT_HEADING = re.compile(r"(#{1,6})([^#\s].*?)(?:[ \t]+#+)?[ \t]*")


def _rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    match = TIGHT_HEADING.fullmatch(state.src, begin, state.eMarks[start_line])
    if match is None:
        return False
    if silent:
        return True
    state.line = start_line + 1
    tag = f"h{len(match.group(1))}"
    opening = state.push("heading_open", tag, 1)
    opening.markup = match.group(1)
    opening.map = [start_line, state.line]
    opening.meta = {"tight": True}
    inline = state.push("inline", "", 0)
    inline.content = match.group(2).strip()
    inline.map = [start_line, state.line]
    inline.children = []
    state.push("heading_close", tag, -1).markup = match.group(1)
    return True


def tight_headings_plugin(md: MarkdownIt) -> None:
    """Register `#Title` headings after the CommonMark heading rule."""
    md.block.ruler.after("heading", "tight_heading", _rule, {"alt": ["paragraph", "reference", "blockquote"]})
