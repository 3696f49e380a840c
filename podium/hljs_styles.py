"""highlight.js styles as remark.js 0.15.0 bundles them (highlight.js 9.15.10).

`TOKEN_CLASSES` says which highlight.js class a Pygments token type stands for. The styles
themselves are data, in `hljs_styles.toml`, transcribed from the style sheets remark 0.15.0
carries and read on first use: `PALETTES` gives, for each highlight.js style, its box
(background, text colour) and the look of each highlight.js class; `FALLBACK` names the closest
Pygments style for the few styles a palette cannot draw; `REMARK_STYLES` lists every style name
remark 0.15.0 offers. Left out, as Pygments tokens cannot carry them: rules for one language only
(`.yaml .hljs-meta`), hover and selection rules, background images, and box geometry (padding,
line height, borders).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from pygments.token import Comment, Generic, Keyword, Literal, Name, Number, Operator, Punctuation, String, Token
from pygments.token import _TokenType

TOKEN_CLASSES: Mapping[_TokenType, tuple[str, ...]] = MappingProxyType({
    Token: (),
    Keyword: ("keyword",),
    Keyword.Constant: ("literal",),  # True, None; JSON's true, null
    Keyword.Type: ("type",),  # YAML's !!str
    Name: (),
    Name.Attribute: ("tag", "attr"),  # HTML attributes sit inside the tag
    Name.Builtin: ("built_in",),  # shell's echo, cd, export
    Name.Builtin.Pseudo: (),  # Python's self, cls: highlight.js leaves them
    Name.Class: ("class", "title"),
    Name.Constant: ("string",),  # the YAML lexer's block scalar text (after `|`)
    Name.Decorator: ("meta",),
    Name.Function: ("function", "title"),  # the name after Python's def
    Name.Label: ("meta",),  # YAML's &anchor
    Name.Tag: ("attr",),  # YAML and JSON keys
    Name.Variable: ("variable",),  # shell's $VAR
    Literal: (),
    Literal.Scalar.Plain: ("string",),  # YAML's unquoted values
    String: ("string",),
    String.Interpol: ("subst",),
    String.Regex: ("regexp",),
    String.Symbol: ("symbol",),
    Number: ("number",),
    Operator: (),
    Operator.Word: ("keyword",),  # and, or, not, in, is
    Punctuation: (),
    Punctuation.Indicator: ("bullet",),  # YAML's list dash
    Comment: ("comment",),
    Comment.Hashbang: ("meta",),
    Comment.Preproc: ("meta",),
    Comment.PreprocFile: ("meta",),
    Generic: (),
    Generic.Deleted: ("deletion",),
    Generic.Emph: ("emphasis",),
    Generic.Heading: ("section",),
    Generic.Inserted: ("addition",),
    Generic.Prompt: ("meta",),  # a shell session's `$ `
    Generic.Strong: ("strong",),
    Generic.Subheading: ("meta",),  # a diff's @@ line
})
"""Pygments token type -> the highlight.js classes it stands for, outermost first; `()` for none.

The most specific type listed wins (a type not listed takes its parent's). Operators and
punctuation stay unmarked: most highlight.js styles do not colour them."""


@dataclass(frozen=True, slots=True)
class Look:
    """How a style draws one highlight.js class; None leaves a property as the text around it."""

    color: str | None = None
    """Text colour, as the style sheet writes it."""
    background: str | None = None
    """Background colour (additions and deletions in most styles)."""
    bold: bool | None = None
    """True: bold; False: normal weight."""
    italic: bool | None = None
    """True: italic."""
    underline: bool | None = None
    """True: underlined."""

    def over(self, other: Look | None) -> Look:
        """This look with the properties `other` sets replaced (a later rule over an earlier one)."""
        if other is None:
            return self
        return replace(self, **{k: getattr(other, k) for k in self.__slots__ if getattr(other, k) is not None})


@dataclass(frozen=True, slots=True)
class Palette:
    """One highlight.js style."""

    background: str | None
    """Background of the code box (None: the style leaves it transparent)."""
    text: str
    """Default text colour of the code box."""
    looks: Mapping[str, Look]
    """highlight.js class (or `outer>inner`) -> its look."""


def _look(spec: str) -> Look:
    fields: dict = {}
    for word in spec.split():
        if word in ("bold", "normal"):
            fields["bold"] = word == "bold"
        elif word in ("italic", "underline"):
            fields[word] = True
        elif word.startswith("bg:"):
            fields["background"] = word[3:]
        else:
            fields["color"] = word
    return Look(**fields)


DATA = Path(__file__).with_name("hljs_styles.toml")


@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, Mapping]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    palettes = {}
    for name, style in data["styles"].items():
        looks = {cls: _look(spec) for classes, spec in style["looks"].items() for cls in classes.split()}
        palettes[name] = Palette(style.get("background"), style["text"], MappingProxyType(dict(sorted(looks.items()))))
    for name, other in data["same_as"].items():
        palettes[name] = palettes[other]
    return {"PALETTES": MappingProxyType(dict(sorted(palettes.items()))),
            "FALLBACK": MappingProxyType(dict(data["fallback"])), "REMARK_STYLES": tuple(data["remark_styles"])}


def __getattr__(name: str) -> object:
    """`PALETTES`, `FALLBACK` and `REMARK_STYLES`, read from the data file when first asked for."""
    if name in ("PALETTES", "FALLBACK", "REMARK_STYLES"):
        return _tables()[name]
    raise AttributeError(name)


PALETTES: Mapping[str, Palette]
"""highlight.js style name -> its palette, for every style remark 0.15.0 offers except FALLBACK's."""
FALLBACK: Mapping[str, str]
"""highlight.js styles without a palette -> the closest Pygments style."""
REMARK_STYLES: tuple[str, ...]
"""Every highlight.js style name remark 0.15.0 offers."""
