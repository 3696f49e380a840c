"""Deck -> RenderedDeck: slide HTML, notes HTML, background styles and the local files used."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .diagnostics import Diagnostic, did_you_mean
from .highlight import known_styles, style_class
from .markdown import MarkdownOptions, ParseCache, ParsedSlide, Report, first_heading, parse_deck, render_text
from .model import Deck, RenderedDeck, RenderedSlide, Slide
from .properties import BACKGROUND_STYLES
from .references import local_path, slide_references

if TYPE_CHECKING:
    from .sessions import Session


@dataclass(frozen=True, slots=True)
class RenderSettings:
    """Course settings that change how a deck renders."""

    markdown: MarkdownOptions = MarkdownOptions()
    """Markdown options."""
    highlight_style: str = "default"
    """The course's highlight style; slides override it with `highlight-style:`."""
    notes: bool = True
    """False publishes the decks without presenter notes."""
    lab: bool = False
    """Collect the session's lab for students (its files and the files its code blocks name)."""
    course_folders: tuple[Path, ...] = ()
    """Where a lab file a slide names is looked for after the session's own lab folder."""


def background_style(slide: Slide) -> str:
    """Inline CSS for the slide's background properties, in a fixed order."""
    return "; ".join(f"{key}: {slide.properties[key]}" for key in BACKGROUND_STYLES
                     if slide.properties.get(key))


def _style_of(slide: Slide, settings: RenderSettings, report: Report) -> str:
    style = slide.properties.get("highlight-style") or settings.highlight_style
    styles = known_styles()
    if style in styles:
        return style
    where = slide.where.get("highlight-style", slide.location)
    report(Diagnostic(where, "error", "highlight-style",
                      f"unknown highlight style '{style}'{did_you_mean(style, styles)}", slide.index + 1))
    return settings.highlight_style if settings.highlight_style in styles else "default"


def _assets(deck: Deck, parsed: list[ParsedSlide], report: Report) -> dict[str, Path]:
    """Local files the deck's slides and its remark page use; warn about missing ones."""
    base = deck.session.folder if deck.session is not None else deck.source.parent
    assets: dict[str, Path] = page_assets(deck.session) if deck.session is not None else {}
    for item in parsed:
        for ref in slide_references(item):
            path = local_path(ref.url)
            if path is None or path.endswith((".md", "/")):
                continue
            target = (base / path)
            if target.is_file():
                assets[path] = target
            elif not target.exists():
                report(Diagnostic(ref.location, "warning", "missing-file",
                                  f"'{ref.url}' does not exist", ref.slide + 1))
    return assets


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
"""A URL in a stylesheet: `url(...)` or `@import "..."`."""


def page_assets(session: Session) -> dict[str, Path]:
    """Local files a session's remark page uses: its linked stylesheets and what they and its
    `<style>` blocks name with `url(...)` (relative to the page, as the browser reads them)."""
    found: dict[str, Path] = {}

    def add(url: str, base: str) -> Path | None:
        path = local_path(url)
        if path is None or path.startswith("/"):
            return None
        relative = posixpath.normpath(posixpath.join(base, path))
        target = session.folder / relative
        if target.is_file():
            found[relative] = target
            return target
        return None

    sheets = [(css, "") for css, _ in session.styles]
    for href, _ in session.stylesheets:
        target = add(href, "")
        if target is not None and target.suffix == ".css":
            sheets.append((target.read_text(encoding="utf-8", errors="replace"), posixpath.dirname(href)))
    for css, base in sheets:
        for match in CSS_URL.finditer(css):
            add(match.group(2) or match.group(4), base)
    return found


DOWNLOAD = re.compile(r'<a class="podium-download" href="([^"]*)"[^>]*>[^<]*</a>')
"""A code block's download link (podium.plugins.code)."""


def published_only(html: Markup, lab: dict) -> Markup:
    """The slide's HTML without download links to files the site does not publish."""
    if "podium-download" not in html:
        return html
    return Markup(DOWNLOAD.sub(lambda m: m.group(0) if Markup(m.group(1)).unescape() in lab else "", html))


def render_deck(deck: Deck, settings: RenderSettings, report: Report,
                cache: ParseCache | None = None) -> RenderedDeck:
    """Render every slide of a deck."""
    parsed = parse_deck(deck, settings.markdown, report, cache)
    slides, styles = [], set()
    for item in parsed:
        slide = item.slide
        style = _style_of(slide, settings, report)
        styles.add(style)
        notes = render_text(item.notes_text) if settings.notes and item.notes else Markup("")
        slides.append(RenderedSlide(slide, slide.classes + (style_class(style),), background_style(slide),
                                    render_text(item.content), notes))
    first = deck.slides[0].properties.get("title") if deck.slides else None
    page = deck.session.title if deck.session is not None else None
    title = page or first or first_heading(parsed) or deck.stem
    assets = _assets(deck, parsed, report)
    lab = {}
    if settings.lab and deck.session is not None:
        from .lab import deck_blocks, published_lab

        lab = published_lab(deck.session, deck_blocks(parsed), settings.course_folders, assets.values())
    if settings.markdown.code_buttons:
        slides = [replace(s, html=published_only(s.html, lab)) for s in slides]
    return RenderedDeck(deck, title, tuple(slides), frozenset(styles), assets, lab)
