"""Plain-text dumps of what each stage makes, for the dot-delimited fixture files."""

from __future__ import annotations

from pathlib import Path

from podium.diagnostics import Diagnostic
from podium.lexer import lex, normalize
from podium.markdown import MarkdownOptions
from podium.parser import ParseOptions, parse
from podium.render import RenderSettings, render_deck


def _lines(prefix: str, text: str) -> list[str]:
    return [f"{prefix}{line}".rstrip() for line in text.split("\n")] if text else []


def dump_lex(source: str) -> str:
    """Each raw slide: `slide N @LINE [continued]`, its lines as `| ...`, notes as `? ...`."""
    result = lex(normalize(source), "deck.md")
    out: list[str] = []
    for number, slide in enumerate(result.slides, 1):
        out.append(f"slide {number} @{slide.location.line}" + (" continued" if slide.continued else ""))
        out += _lines("| ", slide.content.text)
        if slide.notes is not None:
            out.append(f"notes @{slide.notes.location(0).line}")
            out += _lines("? ", slide.notes.text)
    out += [str(d) for d in result.diagnostics]
    return "\n".join(out) + "\n"


def parse_text(source: str, **options: object) -> tuple:
    lexed = lex(normalize(source), "deck.md")
    deck, problems = parse(lexed, Path("deck.md"), "deck.md", ParseOptions(**options))
    return deck, list(lexed.diagnostics) + problems


def dump_deck(source: str, **options: object) -> str:
    """Each displayed slide: `#index number=N [name] [classes] [continued]`, properties, content lines."""
    deck, problems = parse_text(source, **options)
    out: list[str] = []
    for slide in deck.slides:
        head = f"#{slide.index + 1} number={slide.number}"
        head += f" name={slide.name}" if slide.name else ""
        head += f" class={','.join(slide.classes)}" if slide.classes else ""
        head += " continued" if slide.continued else ""
        out.append(head)
        for key in sorted(k for k in slide.properties if k not in ("name", "class")):
            out.append(f"  {key}: {slide.properties[key]}")
        out += _lines("| ", slide.content.text.strip("\n"))
        out += _lines("? ", slide.notes.text.strip("\n"))
    out += [str(d) for d in problems]
    return "\n".join(out) + "\n"


def dump_render(source: str, highlight_lines: bool = False, highlight_language: str = "",
                highlight_spans: bool = False, code_buttons: bool = False) -> str:
    """The HTML of each slide, and the diagnostics."""
    deck, problems = parse_text(source)
    found: list[Diagnostic] = []
    options = MarkdownOptions(highlight_lines=highlight_lines, sessions=frozenset({"07-next"}),
                              highlight_language=highlight_language, highlight_spans=highlight_spans,
                              code_buttons=code_buttons)
    rendered = render_deck(deck, RenderSettings(options), found.append)
    out: list[str] = []
    for slide in rendered.slides:
        if len(rendered.slides) > 1:
            out.append(f"<!-- slide {slide.slide.index + 1} -->")
        out.append(str(slide.html).strip())
        if slide.notes:
            out.append("<!-- notes -->")
            out.append(str(slide.notes).strip())
    out += [str(d) for d in problems + found]
    return "\n".join(out) + "\n"
