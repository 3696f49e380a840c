"""Every URL a slide uses (links, images, backgrounds, raw HTML), with where it is written.

The site copies the local files among them; the link checker checks all of them. Links inside
code are never links: they are not tokens of these kinds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Literal
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from .markdown import ParsedSlide, markdown_parser
from .model import SourceLocation, SourceText

Kind = Literal["link", "image", "background"]
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)")
STYLESHEET_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
"""A URL in a stylesheet: `url(...)` or `@import "..."`."""
HTML_URLS: dict[tuple[str, str], Kind] = {
    ("a", "href"): "link", ("img", "src"): "image", ("source", "src"): "image", ("video", "src"): "link",
    ("audio", "src"): "link", ("iframe", "src"): "link", ("track", "src"): "link", ("link", "href"): "link",
    ("script", "src"): "link", ("object", "data"): "link", ("embed", "src"): "link",
    ("video", "poster"): "background", ("img", "srcset"): "image", ("source", "srcset"): "background",
}
"""The raw HTML attributes that name a URL, by (tag, attribute), and the kind of reference each is
(`srcset` holds several URLs; a `<style>` block's `url()` and `@import` count too)."""
SRCSET_URL = re.compile(r"[\s,]*([^\s,][^\s]*)")


@dataclass(frozen=True, slots=True)
class Reference:
    """One URL used by a slide."""

    kind: Kind
    """`link` (a, iframe, media, scripts, stylesheets), `image` (img, source src) or `background`
    (a picture without alt text: background-image, CSS `url()`, a poster, `<source srcset>`)."""
    url: str
    """As written (after {{vars}})."""
    location: SourceLocation
    """Where it is written."""
    slide: int
    """0-based index of the slide it is on."""
    text: str
    """Link text or image alt text (empty when there is none)."""
    in_notes: bool = False
    """True when it is in the presenter notes."""
    generated: bool = False
    """True when a macro made it (its alt text is not the author's to write)."""
    raw_html: bool = False
    """True when it comes from raw HTML (whose link text is not looked at)."""
    stylesheet: bool = False
    """True for a stylesheet the page loads (a `<link rel=stylesheet>`, an `@import`)."""


def is_external(url: str) -> bool:
    """http(s) or protocol-relative URLs."""
    return url.startswith(("http://", "https://", "//"))


def local_path(url: str) -> str | None:
    """The file path of a relative URL (`img/a%20b.png?x#y` -> `img/a b.png`), else None."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "#")) or not parts.path:
        return None
    return unquote(parts.path)


def copied_path(url: str) -> str | None:
    """The file path of a relative URL whose file the site copies beside the page (links to
    sessions' `.md` files and to folders are not copied), else None."""
    path = local_path(url.strip())
    return None if path is None or path.endswith((".md", "/")) else path


def srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` (`a.png 1x, b.png 2x`), as HTML reads it: a URL, then descriptors up
    to the next comma outside parentheses."""
    found, position = [], 0
    while (match := SRCSET_URL.match(value, position)) is not None:
        url, position = match.group(1), match.end()
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while position < len(value) and (value[position] != "," or depth > 0):
                depth += {"(": 1, ")": -1}.get(value[position], 0)
                position += 1
            position += 1
        if url:
            found.append(url)
    return found


def stylesheet_urls(css: str) -> Iterator[tuple[Kind, str, int]]:
    """(kind, URL, offset in the text) of every `url()` and `@import` of a stylesheet."""
    for match in STYLESHEET_URL.finditer(css):
        url = match.group(2) or match.group(4)
        imported = bool(match.group(4)) or css[max(0, match.start() - 80):match.start()].rstrip().endswith("@import")
        yield ("link" if imported else "background"), url.strip(), match.start(2 if match.group(2) else 4)


def line_columns(text: str, offsets: Iterable[int]) -> Iterator[tuple[int, int]]:
    """(1-based line, column) of increasing offsets in a text, counted in one pass."""
    line, counted, start = 1, 0, 0
    for offset in offsets:
        line += text.count("\n", counted, offset)
        newline = text.rfind("\n", counted, offset)
        start = newline + 1 if newline >= 0 else start
        counted = offset
        yield line, offset - start + 1


@functools.lru_cache(maxsize=1)
def _html_parser_class() -> type:
    """An HTMLParser that collects the URLs of raw HTML (made on first use: most slides have none)."""
    from html.parser import HTMLParser

    class HtmlUrls(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.found: list[tuple[Kind, str, str]] = []
            self.in_style = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {name: value or "" for name, value in attrs}
            for name, value in values.items():
                kind = HTML_URLS.get((tag, name))
                if kind is None or not value.strip():
                    continue
                label = values.get("alt", "")
                urls = srcset_urls(value) if name == "srcset" else [value.strip()]
                if tag == "link" and "stylesheet" in values.get("rel", "").lower().split():
                    kind = "stylesheet"
                self.found += [(kind, url, label) for url in urls]
            for match in CSS_URL.finditer(values.get("style", "")):
                self.found.append(("background", match.group(2), ""))
            self.in_style = tag == "style"

        def handle_endtag(self, tag: str) -> None:
            self.in_style = False

        def handle_data(self, data: str) -> None:
            if self.in_style:
                self.found += [("stylesheet" if kind == "link" else kind, url, "") for kind, url, _ in stylesheet_urls(data)]

    return HtmlUrls


def _html_urls(html: str) -> list[tuple[Kind, str, str]]:
    parser = _html_parser_class()()
    parser.feed(html)
    parser.close()
    return parser.found


def _inline_urls(children: list[Token], env: dict) -> Iterator[tuple[Kind, str, str]]:
    md = markdown_parser()
    for i, token in enumerate(children):
        if token.type == "link_open":
            depth, j = 1, i + 1
            while j < len(children) and depth:
                depth += children[j].nesting if children[j].type.startswith("link_") else 0
                j += 1
            text = md.renderer.renderInlineAsText(children[i + 1:j - 1], md.options, env)
            yield "link", str(token.meta.get("written_href") or token.attrGet("href") or ""), text.strip()
        elif token.type == "image":
            yield ("generated" if token.meta.get("macro") else "image"), str(token.attrGet("src") or ""), token.content
        elif token.type == "html_inline":
            yield from (("html-" + kind, url, label) for kind, url, label in _html_urls(token.content))


def _locate(text: SourceText, lines: list[str], first: int, url: str, cursor: dict[int, int]) -> SourceLocation:
    """The place of `url` in the source lines from `first` on (next occurrence after earlier ones)."""
    for number in range(first, len(lines)):
        column = lines[number].find(url, cursor.get(number, 0)) if url else -1
        if column >= 0:
            cursor[number] = column + len(url)
            return text.location(number, column + 1)
    return text.location(first, 1)


def _token_references(tokens: list[Token], text: SourceText, env: dict, slide: int,
                      in_notes: bool) -> Iterator[Reference]:
    lines: list[str] = []
    cursor: dict[int, int] = {}
    for token in tokens:
        if token.type == "inline":
            found = list(_inline_urls(token.children, env)) if token.children else []
        elif token.type == "html_block":
            found = [("html-" + kind, url, label) for kind, url, label in _html_urls(token.content)]
        else:
            continue
        if found and not lines:
            lines = text.text.split("\n")
        first = token.map[0] if token.map else 0
        for kind, url, label in found:
            generated, raw_html, sheet = kind == "generated", kind.startswith("html-"), kind == "html-stylesheet"
            kind = "image" if generated else "link" if sheet else kind.removeprefix("html-")
            yield Reference(kind, url, _locate(text, lines, first, url, cursor), slide, label, in_notes, generated,
                            raw_html, sheet)


def slide_references(parsed: ParsedSlide) -> list[Reference]:
    """Every URL of one slide: background first, then content, then notes, in source order."""
    slide = parsed.slide
    found: list[Reference] = []
    background = slide.properties.get("background-image", "")
    for match in CSS_URL.finditer(background):
        where = slide.where.get("background-image", slide.location)
        found.append(Reference("background", match.group(2), where, slide.index, ""))
    found += _token_references(parsed.tokens, slide.content, parsed.env, slide.index, False)
    found += _token_references(parsed.notes, slide.notes, parsed.notes_env, slide.index, True)
    return found
