"""Source lines on rendered elements, for the layout check (`MarkdownOptions.annotate`).

Every block element that markdown-it knows the line of gets `data-podium-line="N"` (N counted
from 0 in the slide's text, as `token.map`), and so does every image, counted from its
paragraph's first line. Code blocks carry it on their `pre` (see the code plugin). Published
pages never have these attributes: only the check renders with them.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .env import podium_env

LINE = "data-podium-line"
BREAKS = ("softbreak", "hardbreak")


def _annotate(state: StateCore) -> None:
    if not podium_env(state.env).options.annotate:
        return
    for token in state.tokens:
        if not token.map:
            continue
        if token.nesting == 1 or token.type in ("hr", "html_block"):
            token.attrSet(LINE, str(token.map[0]))
        if token.type == "inline" and token.children:
            line = token.map[0]
            for child in token.children:
                if child.type in BREAKS:
                    line += 1
                elif child.type == "image":
                    child.attrSet(LINE, str(line))


def lines_plugin(md: MarkdownIt) -> None:
    """Install the rule at the end of the core chain."""
    md.core.ruler.push("podium_lines", _annotate)
