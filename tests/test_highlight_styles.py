"""highlight.js styles: the generated CSS draws code in each style's own palette.

The box and the token colours are read back from the CSS `style_css` writes, the way a browser
applies it to the spans `highlight_lines` makes, and compared with the palette data; a few values
are compared with highlight.js's published style sheets as well.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT
from pygments.styles import get_style_by_name
from pygments.token import Literal, Name, Operator, String

from podium.diagnostics import did_you_mean
from podium.highlight import hljs_classes, highlight_lines, known_styles, style_class, style_css
from podium.hljs_styles import FALLBACK, PALETTES, REMARK_STYLES, Palette

MOST_USED = ("default", "github", "github-gist", "monokai", "monokai-sublime", "zenburn", "solarized-dark",
             "solarized-light", "tomorrow", "tomorrow-night", "tomorrow-night-eighties", "tomorrow-night-bright",
             "tomorrow-night-blue", "atom-one-dark", "atom-one-light", "vs", "vs2015", "xcode", "railscasts",
             "obsidian", "darcula", "agate", "androidstudio", "googlecode", "idea", "docco", "far", "ir-black",
             "sunburst", "hybrid", "dracula")

# Values read from highlight.js 9.15.10's src/styles/*.css as remark 0.15.0 bundles them
# (gnab/remark downloads/remark-0.15.0.min.js): (style, what, value).
PUBLISHED = [
    ("default", "background", "#F0F0F0"),
    ("default", "text", "#444"),
    ("default", "comment", "#888888"),
    ("monokai", "background", "#272822"),
    ("monokai", "keyword", "#f92672"),
    ("github", "background", "#f8f8f8"),
    ("github", "string", "#d14"),
    ("solarized-dark", "background", "#002b36"),
    ("atom-one-dark", "keyword", "#c678dd"),
    ("tomorrow-night", "title", "#81a2be"),
    ("vs", "attr", "#f00"),
    ("zenburn", "number", "#8cd0d3"),
]

PYTHON = '''# note
@app.route("/")
def hello(name):
    return "hi" * 42

class Box:
    pass
'''
YAML = '''# note
services:
  web:
    image: nginx
    command: "run"
    ports:
      - 80
'''
MARKS = {
    # what highlight.js marks in each snippet: (text of a Pygments span, highlight.js classes)
    "python": [("# note", ("comment",)), ("@app", ("meta",)), ("def", ("keyword",)),
               ("hello", ("function", "title")), ("return", ("keyword",)), ('"hi"', ("string",)),
               ("42", ("number",)), ("class", ("keyword",)), ("Box", ("class", "title"))],
    "yaml": [("# note", ("comment",)), ("services", ("attr",)), ("web", ("attr",)), ("image", ("attr",)),
             ("nginx", ("string",)), ('"run"', ("string",)), ("-", ("bullet",))],
}
SNIPPETS = {"python": PYTHON, "yaml": YAML}


def box(css: str) -> dict[str, str]:
    """The declarations of the code box rule (the first line)."""
    return dict(d.strip().split(": ", 1) for d in css.splitlines()[0].split("{")[1].rstrip("; }").split(";"))


def token_rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(Pygments class, declarations) of every token rule, in order."""
    found = re.findall(r"^\S+ \.remark-code\.hljs \.(\S+) \{ (.*); \}$", css, flags=re.MULTILINE)
    return [(cls, dict(d.strip().split(": ", 1) for d in body.split(";"))) for cls, body in found]


def shown(css: str, classes: set[str]) -> tuple[str, bool, bool]:
    """(colour, bold, italic) of a span with these classes, as a browser applies the CSS."""
    declarations = {"color": box(css)["color"]}
    for cls, rule in token_rules(css):
        if cls in classes:
            declarations.update(rule)
    return declarations["color"], declarations.get("font-weight") == "bold", declarations.get("font-style") == "italic"


def drawn(palette: Palette, classes: tuple[str, ...]) -> tuple[str, bool, bool]:
    """(colour, bold, italic) highlight.js gives text inside these classes: CSS inheritance."""
    color, bold, italic = palette.text, False, False
    for depth, name in enumerate(classes):
        for key in (name, *(f"{outer}>{name}" for outer in classes[:depth])):
            look = palette.looks.get(key)
            if look:
                color = look.color or color
                bold = bold if look.bold is None else look.bold
                italic = italic if look.italic is None else look.italic
    return color, bold, italic


def spans(code: str, language: str) -> dict[str, set[str]]:
    """Text of each highlighted span -> its classes."""
    found = re.findall(r'<span class="([^"]+)">([^<]*)</span>', "".join(highlight_lines(code, language)))
    return {html.unescape(text): set(classes.split()) for classes, text in found}


@pytest.mark.parametrize("name", MOST_USED)
def test_the_most_used_styles_have_a_palette(name: str) -> None:
    assert name in PALETTES


def test_every_remark_style_has_a_palette_or_a_pygments_fallback() -> None:
    assert len(REMARK_STYLES) == 88
    assert set(REMARK_STYLES) == set(PALETTES) | set(FALLBACK) and not set(PALETTES) & set(FALLBACK)
    assert all(get_style_by_name(style) for style in FALLBACK.values())


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_box_has_the_palette_background_and_text(name: str) -> None:
    palette, drawn_box = PALETTES[name], box(style_css(name))
    assert drawn_box.get("background") == palette.background and drawn_box["color"] == palette.text
    assert (drawn_box["display"], drawn_box["overflow-x"], drawn_box["padding"]) == ("block", "auto", ".5em")


@pytest.mark.parametrize("name", sorted(PALETTES))
@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_tokens_are_drawn_in_the_palette(name: str, language: str) -> None:
    css, found = style_css(name), spans(SNIPPETS[language], language)
    assert [(text, shown(css, found[text])) for text, _ in MARKS[language]] == [
        (text, drawn(PALETTES[name], classes)) for text, classes in MARKS[language]]


@pytest.mark.parametrize("name, what, value", PUBLISHED)
def test_palette_matches_highlight_js(name: str, what: str, value: str) -> None:
    palette = PALETTES[name]
    if what in ("background", "text"):
        assert getattr(palette, what) == value
        assert box(style_css(name))["background" if what == "background" else "color"] == value
    else:
        assert palette.looks[what].color == value


@pytest.mark.parametrize("ttype, classes", [
    (Name.Function, ("function", "title")), (Name.Tag, ("attr",)), (Literal.Scalar.Plain, ("string",)),
    (String.Double, ("string",)), (Name.Builtin, ("built_in",)), (Name.Builtin.Pseudo, ()), (Operator, ()),
])
def test_token_types_map_to_highlight_js_classes(ttype, classes: tuple[str, ...]) -> None:
    assert hljs_classes(ttype) == classes


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_palette_css_has_no_error_or_line_rules(name: str) -> None:
    assert not {cls for cls, _ in token_rules(style_css(name))} & {"err", "hll"}


@pytest.mark.parametrize("name", sorted(known_styles()))
def test_every_known_style_gives_css(name: str) -> None:
    css = style_css(name)
    assert css.startswith("." + style_class(name).replace(".", "\\.") + " .remark-code.hljs { display: block;")


def test_a_dotted_style_name_is_one_class_in_css() -> None:
    assert style_css("kimbie.dark").startswith(".hljs-kimbie\\.dark .remark-code.hljs {")


def test_an_unknown_style_is_not_known_and_gets_a_suggestion() -> None:
    assert "atom-one-drak" not in known_styles()
    assert did_you_mean("atom-one-drak", sorted(known_styles())) == "; did you mean 'atom-one-dark'?"


def test_pygments_styles_stay_known() -> None:
    assert {"friendly", "native", "one-dark", "tango"} <= known_styles()


def test_css_does_not_depend_on_hash_order() -> None:
    run = [sys.executable, "-c", "from podium.highlight import style_css; print(style_css('github'), end='')"]
    outputs = {subprocess.run(run, capture_output=True, text=True, cwd=ROOT, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert outputs == {style_css("github")}
