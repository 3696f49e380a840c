"""MarkdownIt with our plugins: parse a deck's slides (references shared deck-wide) and render them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from .diagnostics import Diagnostic, did_you_mean
from .model import Deck, Slide, SourceText
from .plugins.code import code_plugin
from .plugins.content_classes import content_classes_plugin
from .plugins.headings import tight_headings_plugin
from .plugins.links import session_links_plugin
from .plugins.macros import macros_plugin

PLUGINS = (content_classes_plugin, macros_plugin, tight_headings_plugin, code_plugin, session_links_plugin)


@dataclass(frozen=True, slots=True)
class MarkdownOptions:
    """Course settings that change how Markdown renders."""

    highlight_lines: bool = False
    """Lines of code starting with `*` are highlighted (remark's highlightLines)."""
    sessions: frozenset[str] = frozenset()
    """Stems of the course's sessions, for links between them."""


@dataclass(frozen=True, slots=True)
class ParsedSlide:
    """A slide's content and notes as markdown-it tokens."""

    slide: Slide
    """The slide."""
    tokens: list[Token]
    """Block tokens of the content (line maps relative to `slide.content`)."""
    notes: list[Token]
    """Block tokens of the notes (line maps relative to `slide.notes`)."""
    env: dict
    """The environment the content was parsed with (references, options)."""
    notes_env: dict
    """The environment the notes were parsed with."""


def _inline_with_lines(state: StateCore) -> None:
    """The core inline step, telling plugins which line each inline run starts on."""
    for token in state.tokens:
        if token.type == "inline":
            state.env["podium_line"] = token.map[0] if token.map else 0
            token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)


@functools.lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The one configured MarkdownIt: GFM-like (tables, strikethrough, linkify, raw HTML)."""
    md = MarkdownIt("gfm-like", {"typographer": False})
    for plugin in PLUGINS:
        md.use(plugin)
    md.core.ruler.at("inline", _inline_with_lines)
    return md


Report = Callable[[Diagnostic], None]


def _reporter(text: SourceText, env: dict, slide: Slide, report: Report) -> Callable:
    def plugin_report(line: int, column: int, code: str, message: str, name: str, choices: tuple[str, ...]) -> None:
        where = text.location(env.get("podium_line", 0) + line, column)
        report(Diagnostic(where, "error", code, message + did_you_mean(name, choices), slide.index + 1))
    return plugin_report


def parse_deck(deck: Deck, options: MarkdownOptions, report: Report) -> list[ParsedSlide]:
    """Parse every slide; link reference definitions anywhere in the deck apply to all slides."""
    md = markdown_parser()
    names = md.core.ruler.get_active_rules()
    rules = md.core.ruler.getRules("")
    split = names.index("block") + 1
    states: list[tuple[Slide, StateCore, StateCore]] = []
    references: dict = {}
    for slide in deck.slides:
        pair = []
        for text in (slide.content, slide.notes):
            env = {"podium_source_lines": text.text.split("\n"), "podium_highlight_lines": options.highlight_lines,
                   "podium_sessions": options.sessions}
            env["podium_report"] = _reporter(text, env, slide, report)
            state = StateCore(text.text, md, env)
            for rule in rules[:split]:
                rule(state)
            for key, value in env.get("references", {}).items():
                references.setdefault(key, value)
            pair.append(state)
        states.append((slide, pair[0], pair[1]))
    parsed = []
    for slide, content, notes in states:
        for state in (content, notes):
            state.env["references"] = references
            for rule in rules[split:]:
                rule(state)
        parsed.append(ParsedSlide(slide, content.tokens, notes.tokens, content.env, notes.env))
    return parsed


def render_tokens(tokens: list[Token], env: dict) -> Markup:
    """HTML of parsed tokens."""
    md = markdown_parser()
    return Markup(md.renderer.render(tokens, md.options, env))


def first_heading(parsed: list[ParsedSlide]) -> str | None:
    """Plain text of the deck's first heading."""
    md = markdown_parser()
    for item in parsed:
        for i, token in enumerate(item.tokens):
            if token.type == "heading_open" and i + 1 < len(item.tokens):
                text = md.renderer.renderInlineAsText(item.tokens[i + 1].children or [], md.options, item.env)
                if text.strip():
                    return text.strip()
    return None
