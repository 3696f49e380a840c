"""Pygments adapter: code -> one highlighted HTML line per source line, and style sheets."""

from __future__ import annotations

import functools
import logging
import re
import threading
from typing import TYPE_CHECKING

from markupsafe import Markup
from pygments.token import STANDARD_TYPES

from .hljs_styles import FALLBACK, PALETTES, REMARK_STYLES, TOKEN_CLASSES, Look, Palette

if TYPE_CHECKING:
    from pygments.formatters.html import HtmlFormatter
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def known_styles() -> frozenset[str]:
    """Every name accepted as a highlight style: highlight.js's (as remark 0.15 offers them) and Pygments'."""
    try:  # the table itself, without loading Pygments' style plugins (Pygments >= 2.16)
        from pygments.styles._mapping import STYLES as built_in

        names = frozenset(name for _, name, _ in built_in.values())
    except ImportError:  # older Pygments
        from pygments.styles import STYLE_MAP

        names = frozenset(STYLE_MAP)
    return names | frozenset(REMARK_STYLES)


def pygments_style(name: str) -> str:
    """The Pygments style drawn for a style name without a highlight.js palette (`grayscale` -> `bw`)."""
    return FALLBACK.get(name, name)


PYGMENTS = threading.RLock()
"""Held while Pygments loads a lexer, formatter or style: its lazy loading is not safe when two
threads first ask for one at once (the dev server renders in its watcher and its layout threads)."""


@functools.lru_cache(maxsize=None)
def _lexer(alias: str) -> Lexer | None:
    with PYGMENTS:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            return get_lexer_by_name(alias, stripnl=False, ensurenl=False)
        except ClassNotFound:
            log.debug("no Pygments lexer for %r", alias)
            return None


@functools.lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter:
    with PYGMENTS:
        from pygments.formatters.html import HtmlFormatter

        return HtmlFormatter(nowrap=True)


def highlight_lines(code: str, lexer_alias: str | None) -> list[Markup]:
    """HTML for each line of `code` (a trailing empty line is dropped): Pygments' tokens, each in a
    span of the class HtmlFormatter gives it (neighbours of the same classes share one span), the
    text escaped by markupsafe, so the markup does not change with Pygments' own escaping."""
    lines = [tokens_html(pieces) for pieces in line_tokens(code, lexer_alias)]
    source_lines = code.split("\n")
    lines = lines[: len(source_lines)]
    if len(lines) > 1 and not source_lines[-1]:
        lines.pop()
    return lines


def tokens_html(parts: list[tuple[str, str]]) -> Markup:
    """(CSS classes, text) pieces as HtmlFormatter writes them: neighbours of the same classes
    share one span; a piece without classes is plain text."""
    merged: list[list[str]] = []
    for classes, text in parts:
        if merged and merged[-1][0] == classes:
            merged[-1][1] += text
        elif text:
            merged.append([classes, text])
    return Markup("").join(Markup('<span class="{}">{}</span>').format(classes, text) if classes
                           else Markup.escape(text) for classes, text in merged)


def line_tokens(code: str, lexer_alias: str | None) -> list[list[tuple[str, str]]]:
    """Each line of `code` as the (CSS classes, text) pieces `highlight_lines` draws it from:
    the classes HtmlFormatter gives each token type (empty: no span); one unclassed piece per
    line without a lexer."""
    lexer = _lexer(lexer_alias) if lexer_alias else None
    if lexer is None:
        return [[("", line)] for line in code.split("\n")]
    formatter = _formatter()
    lines: list[list[tuple[str, str]]] = [[]]
    for ttype, value in lexer.get_tokens(code):
        classes = formatter._get_css_classes(ttype)  # what HtmlFormatter itself writes
        first, *rest = value.split("\n")
        lines[-1].append((classes, first))
        lines += [[(classes, part)] for part in rest]
    return lines


def style_class(name: str) -> str:
    """The class that scopes a highlight style on a slide (remark's `hljs-<style>`)."""
    return f"hljs-{name}"


BOX = "display: block; overflow-x: auto; padding: .5em"
"""How remark draws a highlighted block (highlight.js's `.hljs` rule): a box with the style's colours."""


def hljs_classes(ttype: _TokenType) -> tuple[str, ...]:
    """The highlight.js classes a Pygments token type stands for (its nearest listed ancestor's)."""
    while ttype not in TOKEN_CLASSES:
        ttype = ttype.parent
    return TOKEN_CLASSES[ttype]


def palette_look(palette: Palette, classes: tuple[str, ...]) -> Look:
    """How a palette draws text nested in these highlight.js classes (outermost first): each one
    inherits the look of those around it, then its own rule, then `outer>inner` rules win."""
    look = Look()
    for depth, name in enumerate(classes):
        look = look.over(palette.looks.get(name))
        for outer in classes[:depth]:
            look = look.over(palette.looks.get(f"{outer}>{name}"))
    return look


def _css_class(ttype: _TokenType) -> str:
    """The class Pygments' HtmlFormatter gives a token type (`l-Scalar-Plain` below a standard type)."""
    suffix = ""
    while ttype not in STANDARD_TYPES:
        suffix, ttype = f"-{ttype[-1]}{suffix}", ttype.parent
    return STANDARD_TYPES[ttype] + suffix


FONT = (("bold", "font-weight", "bold", "normal"), ("italic", "font-style", "italic", "normal"),
        ("underline", "text-decoration", "underline", "none"))
"""Look flag -> (CSS property, value when set, value when not)."""


def _declarations(look: Look, under: Look, text: str) -> list[str]:
    """CSS that turns text drawn as `under` (earlier rules on the same span) into `look`."""
    out = []
    if look.color != under.color:
        out.append(f"color: {look.color or text}")
    if look.background != under.background:
        out.append(f"background-color: {look.background or 'transparent'}")
    for flag, prop, on, off in FONT:
        if bool(getattr(look, flag)) != bool(getattr(under, flag)):
            out.append(f"{prop}: {on if getattr(look, flag) else off}")
    return out


def _palette_rules(scope: str, palette: Palette) -> list[str]:
    """One rule per Pygments class the palette draws differently from the text around it.

    A span of a type Pygments has no short name for also carries its ancestors' classes up to the
    nearest standard type (`l l-Scalar l-Scalar-Plain`), so rules go shallow types first and a
    deeper type's rule states only what differs from the nearest ancestor with a rule."""
    types = sorted({*STANDARD_TYPES, *TOKEN_CLASSES}, key=lambda t: (len(t), _css_class(t)))
    looks = {t: palette_look(palette, hljs_classes(t)) for t in types}
    rules = []
    for ttype in types:
        if not _css_class(ttype):
            continue
        parent = ttype
        while parent not in STANDARD_TYPES:
            parent = parent.parent
            if parent in looks:
                break
        under = looks[parent] if parent is not ttype else Look()
        declarations = _declarations(looks[ttype], under, palette.text)
        if declarations:
            rules.append(f"{scope} .{_css_class(ttype)} {{ {'; '.join(declarations)}; }}")
    return rules


def _pygments_rules(scope: str, name: str) -> tuple[str, list[str]]:
    """The box colours and token rules of a Pygments style."""
    from pygments.token import Token

    with PYGMENTS:
        from pygments.formatters.html import HtmlFormatter
        from pygments.styles import get_style_by_name

        style = get_style_by_name(pygments_style(name))
    text = style.style_for_token(Token.Text).get("color") or style.style_for_token(Token).get("color") or "000000"
    rules = HtmlFormatter(style=style).get_style_defs(scope)
    return f"background: {style.background_color}; color: #{text}", [
        line for line in rules.splitlines() if line.startswith(scope + " .")]


@functools.lru_cache(maxsize=None)
def style_css(name: str) -> str:
    """CSS for one highlight style, scoped to slides that use it: the box of a highlighted block
    (`code.hljs`) in the style's background and text colour, and its token colours."""
    scope = "." + re.sub(r"([^\w-])", r"\\\1", style_class(name)) + " .remark-code.hljs"
    palette = PALETTES.get(name)
    if palette is None:
        colours, rules = _pygments_rules(scope, name)
    else:
        background = f"background: {palette.background}; " if palette.background else ""
        colours, rules = f"{background}color: {palette.text}", _palette_rules(scope, palette)
    return "\n".join([f"{scope} {{ {BOX}; {colours}; }}", *rules]) + "\n"
