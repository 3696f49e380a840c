"""MarkdownIt with our plugins: parse a deck's slides (references shared deck-wide) and render them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from .diagnostics import Diagnostic, did_you_mean
from .model import Deck, Slide
from .plugins.autolinks import autolinks_plugin
from .plugins.code import code_plugin
from .plugins.content_classes import content_classes_plugin
from .plugins.definitions import definitions_plugin
from .plugins.env import KEY, MarkdownOptions, PodiumEnv, Problem
from .plugins.headings import tight_headings_plugin
from .plugins.limits import limits_plugin
from .plugins.lines import lines_plugin
from .plugins.links import session_links_plugin
from .plugins.macros import MACROS, macros_plugin

PLUGINS = (content_classes_plugin, macros_plugin, tight_headings_plugin, autolinks_plugin, code_plugin,
           session_links_plugin, definitions_plugin, lines_plugin)


@dataclass(slots=True)
class ParsedText:
    """Markdown parsed once and shared by every slide with the same text in the same context."""

    tokens: list[Token]
    """Block tokens; line maps are relative to the text. Read-only once made."""
    env: dict
    """The environment it was parsed with (references, options)."""
    problems: list[tuple[int, int, str, str]]
    """(line, column, rule, message) found by the plugins, lines relative to the text."""
    html: Markup | None = None
    """The rendered HTML, once asked for."""


@dataclass(frozen=True, slots=True)
class ParsedSlide:
    """A slide's content and notes as markdown-it tokens."""

    slide: Slide
    """The slide."""
    content: ParsedText
    """The content (line maps relative to `slide.content`)."""
    notes_text: ParsedText
    """The notes (line maps relative to `slide.notes`)."""

    @property
    def tokens(self) -> list[Token]:
        return self.content.tokens

    @property
    def env(self) -> dict:
        return self.content.env

    @property
    def notes(self) -> list[Token]:
        return self.notes_text.tokens

    @property
    def notes_env(self) -> dict:
        return self.notes_text.env


LINK_MARKS = re.compile(r"\[|<|://")

PLAIN_URL = re.compile(r"(?:https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?=[/?#]|\Z))?(?!//)[A-Za-z0-9\-._~/?#!$&'()*+,;=]*")
"""A relative path or http(s) URL that markdown-it's link normalisation leaves exactly as it is:
ASCII letters, digits and URL punctuation, a plain host, no `%`, `@` or `:` past the host."""


def normalize_link(url: str) -> str:
    """markdown-it's normalizeLink, without the work of parsing and re-encoding a plain URL."""
    return url if PLAIN_URL.fullmatch(url) else normalize_url.normalizeLink(url)


def normalize_link_text(url: str) -> str:
    """markdown-it's normalizeLinkText (a URL as shown), without the work for a plain URL
    whose host has no punycode label to spell out."""
    if PLAIN_URL.fullmatch(url) and "xn--" not in url.lower():
        return url
    return normalize_url.normalizeLinkText(url)


def _inline_with_lines(state: StateCore) -> None:
    """The core inline step, telling plugins which line each inline run starts on."""
    own: PodiumEnv = state.env.setdefault(KEY, PodiumEnv())  # an env made elsewhere gets a default
    links_only = own.options.links_only
    for token in state.tokens:
        if token.type == "inline":
            own.line = token.map[0] if token.map else 0
            token.children = []
            if links_only and not LINK_MARKS.search(token.content):
                continue
            state.md.inline.parse(token.content, state.md, state.env, token.children)


@functools.lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The one configured MarkdownIt: CommonMark with raw HTML, tables, strikethrough, bare URLs."""
    md = MarkdownIt("commonmark", {"typographer": False}).enable(["table", "strikethrough"])
    for plugin in PLUGINS:
        md.use(plugin)
    md.use(limits_plugin)
    md.core.ruler.at("inline", _inline_with_lines)
    md.normalizeLink = normalize_link  # type: ignore[method-assign]
    md.normalizeLinkText = normalize_link_text  # type: ignore[method-assign]
    return md


Report = Callable[[Diagnostic], None]


class ParseCache:
    """Texts parsed by earlier passes of one build (the dev server keeps its builder's across
    rebuilds): a rebuild after an edit parses only the slides that changed. A parse is found again
    only in the same context: the same Markdown options, the deck's reference definitions and the
    macros; `key` says what that is."""

    LIMIT = 50_000
    """Texts kept at most; past it the cache starts again empty."""

    def __init__(self) -> None:
        self.parsed: dict[tuple, ParsedText] = {}
        self.references: dict[str, dict] = {}

    @staticmethod
    def key(text: str, options: MarkdownOptions, references: dict) -> tuple:
        """What a parse of `text` depends on."""
        return (text, options, repr(sorted(references.items())),
                tuple((name, id(macro)) for name, macro in MACROS.items()))

    def trim(self) -> None:
        if len(self.parsed) > self.LIMIT:
            self.parsed.clear()
            self.references.clear()


def _new_state(text: str, options: MarkdownOptions) -> StateCore:
    """A core state for `text`, with the block phase (which finds reference definitions) done."""
    md = markdown_parser()
    own = PodiumEnv(options, text.split("\n"))

    def report(line: int, column: int, code: str, message: str, name: str, choices: tuple[str, ...]) -> None:
        own.problems.append((own.line + line, column, code, message + did_you_mean(name, choices)))

    own.report = report
    state = StateCore(text, md, {KEY: own})
    for rule in _rules()[0]:
        rule(state)
    return state


@functools.lru_cache(maxsize=1)
def _rules() -> tuple[list, list]:
    """The core rules up to and including the block phase, and the rest."""
    md = markdown_parser()
    split = md.core.ruler.get_active_rules().index("block") + 1
    rules = md.core.ruler.getRules("")
    return rules[:split], rules[split:]


def parse_deck(deck: Deck, options: MarkdownOptions, report: Report, cache: ParseCache | None = None) -> list[ParsedSlide]:
    """Parse every slide; link reference definitions anywhere in the deck apply to all slides.

    Texts already parsed in the same context come from `cache`; without one (a one-off pass such
    as a check) nothing is kept, and the parse's memory is freed as soon as the caller is done.
    """
    cache = cache or ParseCache()
    cache.trim()
    parsed_texts, references_of = cache.parsed, cache.references
    fresh: dict[str, StateCore] = {}
    references: dict = {}
    for slide in deck.slides:
        for text in (slide.content.text, slide.notes.text):
            if text not in references_of:
                fresh[text] = _new_state(text, options)
                references_of[text] = dict(fresh[text].env.get("references", {}))
            for key, value in references_of[text].items():
                references.setdefault(key, value)
    parsed = []
    for slide in deck.slides:
        pair = []
        for source in (slide.content, slide.notes):
            key = ParseCache.key(source.text, options, references)
            done = parsed_texts.get(key)
            if done is None:
                state = fresh.pop(source.text, None) or _new_state(source.text, options)
                state.env["references"] = references
                for rule in _rules()[1]:
                    rule(state)
                own: PodiumEnv = state.env[KEY]
                own.report = None  # parsing is over; it would keep env in a reference cycle
                done = parsed_texts[key] = ParsedText(state.tokens, state.env, own.problems)
            for line, column, code, message in done.problems:
                report(Diagnostic(source.location(line, column), "error", code, message, slide.index + 1))
            pair.append(done)
        parsed.append(ParsedSlide(slide, pair[0], pair[1]))
    return parsed


def render_text(parsed: ParsedText) -> Markup:
    """HTML of parsed Markdown (rendered once)."""
    if parsed.html is None:
        md = markdown_parser()
        parsed.html = Markup(md.renderer.render(parsed.tokens, md.options, parsed.env))
    return parsed.html


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
