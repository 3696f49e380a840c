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
from .inside import course_folders, real, refusal, shown_entry, source_refusal
from .model import Deck, RemoteUse, RenderedDeck, RenderedSlide, Slide, SourceLocation
from .project import shown
from .properties import BACKGROUND_STYLES
from .references import copied_path, is_external, line_columns, slide_references, stylesheet_urls

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
    """The course's folders (its slides folder and its root): the only places the site publishes
    files from (none given: the deck's own folder), and where a lab file a slide names is looked
    for after the session's own lab folder."""


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


def _add(found: dict[str, Path], name: str, target: Path, written: str, where: SourceLocation, slide: int | None,
         course: tuple[Path, ...], report: Report, missing: bool) -> Path | None:
    """Publish the file `target` as `name` when the course may publish it (see inside.py); report
    why not, and (with `missing`) a file that does not exist. Returns the file when it is published."""
    refused = refusal(target, course, written)
    if refused is not None:
        report(Diagnostic(where, "error", refused[0], refused[1], slide))
        return None
    try:
        is_file, exists = target.is_file(), target.exists()
    except OSError:  # a name too long to be a file, say
        is_file = exists = False
    if is_file:
        found[name] = target
        return target
    if missing and not exists:
        report(Diagnostic(where, "warning", "missing-file", f"'{written}' does not exist", slide))
    return None


def _sheet_uses(found: dict[str, Path], sheets: list[tuple[str, Path]], base: Path, course: tuple[Path, ...],
                report: Report) -> None:
    """What the stylesheets `sheets` ((name in the site, file)) name with `url()` and `@import`,
    relative to each of them, published beside them; the stylesheets they import are read too."""
    seen: set[Path | None] = set()
    while sheets:
        name, sheet = sheets.pop()
        if sheet.suffix.lower() != ".css" or real(sheet) in seen:
            continue
        seen.add(real(sheet))
        try:
            css = sheet.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        uses = [(url, offset) for _, url, offset in stylesheet_urls(css) if copied_path(url) is not None]
        for (url, _), (line, column) in zip(uses, line_columns(css, [offset for _, offset in uses])):
            path = copied_path(url) or ""
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
            where = SourceLocation(shown_entry(sheet), line, column)
            target = _add(found, relative, base / relative, path, where, None, course, report, missing=False)
            if target is not None:
                sheets.append((relative, target))


def _assets(deck: Deck, parsed: list[ParsedSlide], course: tuple[Path, ...], report: Report,
            remote: list[RemoteUse]) -> dict[str, Path]:
    """Local files the deck's slides and its remark page use, and what the stylesheets among them
    name; warn about missing ones, refuse (with an error) those the course may not publish. The
    images the slides load from other hosts go into `remote`."""
    base = deck.session.folder if deck.session is not None else deck.source.parent
    assets: dict[str, Path] = page_assets(deck.session, course, report) if deck.session is not None else {}
    sheets, seen = [], set()
    for item in parsed:
        for ref in slide_references(item):
            if (ref.kind != "link" or ref.stylesheet) and is_external(ref.url.strip()):
                kind = "stylesheet" if ref.stylesheet else "css" if ref.raw_html and ref.kind == "background" else "image"
                remote.append(RemoteUse(ref.url.strip(), kind, ref.location, ref.slide + 1))
            path = copied_path(ref.url)
            if path is not None and (ref.location, path) not in seen:  # `--` steps repeat their text
                seen.add((ref.location, path))
                target = _add(assets, path, base / path, path, ref.location, ref.slide + 1, course, report, True)
                if target is not None:
                    sheets.append((posixpath.normpath(path), target))
    _sheet_uses(assets, sheets, base, course, report)
    return assets


def page_assets(session: Session, course: tuple[Path, ...] = (), report: Report = lambda item: None) -> dict[str, Path]:
    """Local files a session's remark page uses: its linked stylesheets and what they and its
    `<style>` blocks name with `url(...)` (relative to the page, as the browser reads them).
    Files the course may not publish (outside it, hidden) are reported and left out."""
    found: dict[str, Path] = {}
    course = course or (session.folder,)
    page = shown(session.page) if session.page is not None else shown(session.source)
    sheets: list[tuple[str, Path]] = []

    def add(url: str, where: SourceLocation) -> Path | None:
        path = copied_path(url)
        if path is None:
            return None
        relative = posixpath.normpath(path)
        return _add(found, relative, session.folder / relative, path, where, None, course, report, missing=False)

    for href, line in session.stylesheets:
        target = add(href, SourceLocation(page, line))
        if target is not None:
            sheets.append((posixpath.normpath(copied_path(href) or ""), target))
    for css, first in session.styles:
        uses = list(stylesheet_urls(css))
        for (_, url, _), (line, _) in zip(uses, line_columns(css, [offset for _, _, offset in uses])):
            target = add(url, SourceLocation(page, first + line - 1))
            if target is not None:
                sheets.append((posixpath.normpath(copied_path(url) or ""), target))
    _sheet_uses(found, sheets, session.folder, course, report)
    return found


def page_remote(session: Session) -> list[RemoteUse]:
    """What a session's remark page loads from other hosts: linked stylesheets, and the `@import`
    and `url()` of its `<style>` blocks."""
    page = shown(session.page) if session.page is not None else shown(session.source)
    found = [RemoteUse(href.strip(), "stylesheet", SourceLocation(page, line))
             for href, line in session.stylesheets if is_external(href.strip())]
    for css, first in session.styles:
        uses = [use for use in stylesheet_urls(css) if is_external(use[1])]
        for (kind, url, _), (line, column) in zip(uses, line_columns(css, [offset for _, _, offset in uses])):
            found.append(RemoteUse(url, "stylesheet" if kind == "link" else "css",
                                   SourceLocation(page, first + line - 1, column)))
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
    base = deck.session.folder if deck.session is not None else deck.source.parent
    course = course_folders(settings.course_folders or (base,))
    if (why := source_refusal(deck, course)) is not None:
        report(why)
    remote = page_remote(deck.session) if deck.session is not None else []
    assets = _assets(deck, parsed, course, report, remote)
    lab = {}
    if settings.lab and deck.session is not None:
        from .lab import deck_blocks, published_lab

        lab = published_lab(deck.session, deck_blocks(parsed), settings.course_folders or (base,), assets.values(),
                            report)
    if settings.markdown.code_buttons:
        slides = [replace(s, html=published_only(s.html, lab)) for s in slides]
    return RenderedDeck(deck, title, tuple(slides), frozenset(styles), assets, lab, tuple(remote))
