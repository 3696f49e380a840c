"""What the Markdown plugins know while they parse and render one text: the course's Markdown
options, the text's lines, and where problems go. markdown-it carries it in its env, under one key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

KEY = "podium"
"""The env key that holds the PodiumEnv."""

Problem = tuple[int, int, str, str]
"""A problem a plugin found: (0-based line in the text, 1-based column, rule, message)."""


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """Course settings that change how Markdown renders."""

    highlight_lines: bool = False
    """Lines of code starting with `*` are highlighted (remark's highlightLines)."""
    sessions: frozenset[str] = frozenset()
    """Stems of the course's sessions, for links between them."""
    highlight_language: str = ""
    """Language of code blocks without a label (`auto`: inferred); empty leaves them plain, as remark."""
    highlight_spans: bool = False
    """Text between backticks inside code is highlighted, the backticks removed (remark's highlightSpans)."""
    code_buttons: bool = False
    """Copy (and, for a lab file, download) buttons on every code block."""
    site_root: str = "../"
    """The relative URL from the deck's page to the site's root (empty for the session there)."""
    annotate: bool = False
    """For the layout check: elements carry the source line they come from (`data-podium-line`)."""
    links_only: bool = False
    """For checking, not rendering: inline text that cannot hold a link, image, raw HTML or macro
    (no `[`, `<` or `://` in it) is left unparsed."""


@dataclass(slots=True)
class PodiumEnv:
    """The plugins' view of the text being parsed."""

    options: MarkdownOptions = MarkdownOptions()
    """How the course renders Markdown."""
    source_lines: list[str] = field(default_factory=list)
    """The text's lines (its block tokens' maps index them)."""
    problems: list[Problem] = field(default_factory=list)
    """What the plugins found wrong, in the order found."""
    line: int = 0
    """The line the inline run being parsed starts on."""
    macro_depth: int = 0
    """How deep macros are expanding inside one another."""
    block_offset: int = 0
    """The text's line where the block text being parsed starts (content classes parse their
    inside as a text of its own)."""
    too_deep: bool = False
    """The text has been told it nests too deep (it is told once)."""
    report: Callable[[int, int, str, str, str, tuple[str, ...]], None] | None = None
    """Where an inline rule reports a problem: (line in its run, column, rule, message, the name
    it did not know, the names it knows); None once parsing is over."""


def podium_env(env: Mapping) -> PodiumEnv:
    """The PodiumEnv in a markdown-it env (a default one for an env made elsewhere)."""
    found = env.get(KEY)
    return found if isinstance(found, PodiumEnv) else PodiumEnv()
