"""Pygments adapter: code -> one highlighted HTML line per source line, and style sheets."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

log = logging.getLogger(__name__)

STYLE_ALIASES = {
    "github": "friendly", "googlecode": "default", "idea": "default", "magula": "default",
    "docco": "friendly", "ascetic": "bw", "far": "borland", "tomorrow": "tango",
    "tomorrow-night": "one-dark", "atom-one-dark": "one-dark", "atom-one-light": "xcode",
    "obsidian": "monokai", "sunburst": "monokai", "railscasts": "monokai", "dark": "native",
    "arta": "native", "ir-black": "native", "hybrid": "native", "agate": "native",
    "androidstudio": "native", "darcula": "dracula", "darkula": "dracula", "rainbow": "rainbow_dash",
}
"""highlight.js style names used in remark decks -> the closest Pygments style."""

@functools.lru_cache(maxsize=1)
def known_styles() -> frozenset[str]:
    """Every name accepted as a highlight style: Pygments' built-in styles and the aliases above."""
    try:  # the table itself, without loading Pygments' style plugins (Pygments >= 2.16)
        from pygments.styles._mapping import STYLES as built_in

        names = frozenset(name for _, name, _ in built_in.values())
    except ImportError:  # older Pygments
        from pygments.styles import STYLE_MAP

        names = frozenset(STYLE_MAP)
    return names | frozenset(STYLE_ALIASES)


def pygments_style(name: str) -> str:
    """The Pygments style behind a style name (`github` -> `friendly`)."""
    return STYLE_ALIASES.get(name, name)


@functools.lru_cache(maxsize=None)
def _lexer(alias: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(alias, stripnl=False, ensurenl=False)
    except ClassNotFound:
        log.debug("no Pygments lexer for %r", alias)
        return None


@functools.lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(nowrap=True)


def highlight_lines(code: str, lexer_alias: str | None) -> list[Markup]:
    """HTML for each line of `code` (a trailing empty line is dropped).

    Pygments closes its spans at every line end, so the output splits cleanly into lines.
    """
    lexer = _lexer(lexer_alias) if lexer_alias else None
    if lexer is None:
        lines = [Markup.escape(line) for line in code.split("\n")]
    else:
        from pygments import highlight

        lines = [Markup(line) for line in highlight(code, lexer, _formatter()).split("\n")]
    source_lines = code.split("\n")
    lines = lines[: len(source_lines)]
    if len(lines) > 1 and not source_lines[-1]:
        lines.pop()
    return lines


def style_class(name: str) -> str:
    """The class that scopes a highlight style on a slide (remark's `hljs-<style>`)."""
    return f"hljs-{name}"


@functools.lru_cache(maxsize=None)
def style_css(name: str) -> str:
    """CSS for one highlight style, scoped to slides that use it."""
    scope = f".{style_class(name)} .remark-code"
    from pygments.formatters import HtmlFormatter

    rules = HtmlFormatter(style=pygments_style(name)).get_style_defs(scope)
    return "\n".join(line for line in rules.splitlines() if line.startswith(scope)) + "\n"
