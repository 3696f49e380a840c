"""Point a page's or a stylesheet's remote images, stylesheets and fonts at stored copies.

The offline kit (offline.py) stores what a page loads from other hosts; this module changes the
URLs the browser reads, and nothing else: `src`, `srcset` and `poster` attributes, CSS `url()` and
`@import` in `style` attributes and `<style>` blocks, and the `href` of a stylesheet `<link>`.
It runs on the finished page, so every way a URL gets there (Markdown, macros, raw HTML, a
slide's background, the session's remark page) is handled in one place, the way the browser
parses it. Links (`<a href>`) and text, code included, are left as they are.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Callable

from .references import srcset_urls

Lookup = Callable[[str], "str | None"]
"""A URL as written -> the URL of its stored copy, or None to leave it."""

CSS_URLS = re.compile(r"""(url\(\s*)(['"]?)([^'")]*)\2(\s*\))|(@import\s+)(['"])([^'"]*)\6""")
"""`url(...)` (groups 1-4) and `@import "..."` (groups 5-7) in CSS."""
ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")
"""One attribute with a value in a start tag's text: name, `=`, value (quoted or not)."""
URL_ATTRIBUTES = frozenset({"src", "poster"})


def rewrite_css(css: str, lookup: Lookup) -> tuple[str, set[str]]:
    """`css` with every `url()` and `@import` that `lookup` knows replaced; and the new URLs used."""
    used: set[str] = set()

    def swap(match: re.Match) -> str:
        imported = match.group(5) is not None
        url = (match.group(7) if imported else match.group(3)).strip()
        new = lookup(url) if url else None
        if new is None:
            return match.group(0)
        used.add(new)
        if imported:
            return f'{match.group(5)}"{new}"'
        quote = match.group(2) or ('"' if any(c in new for c in " ()'\"\\") else "")
        return f"{match.group(1)}{quote}{new}{quote}{match.group(4)}"

    return CSS_URLS.sub(swap, css), used


def _attribute_value(tag: str, name: str, value: str, attrs: dict[str, str], lookup: Lookup,
                     used: set[str]) -> str | None:
    """The new value of one attribute, or None when it stays."""
    if name in URL_ATTRIBUTES or (tag == "link" and name == "href" and "stylesheet" in attrs.get("rel", "").lower()):
        new = lookup(value.strip())
        if new is not None:
            used.add(new)
        return new
    if name == "srcset":
        changed, out = False, value
        for url in srcset_urls(value):
            new = lookup(url)
            if new is not None:
                out, changed = out.replace(url, new, 1), True
                used.add(new)
        return out if changed else None
    if name == "style":
        out, found = rewrite_css(value, lookup)
        used |= found
        return out if found else None
    return None


def _rewrite_tag(tag: str, text: str, lookup: Lookup, used: set[str]) -> str:
    attrs = {m.group(1).lower(): html.unescape(m.group(3).strip("\"'")) for m in ATTRIBUTE.finditer(text)}

    def swap(match: re.Match) -> str:
        name = match.group(1).lower()
        new = _attribute_value(tag, name, html.unescape(match.group(3).strip("\"'")), attrs, lookup, used)
        if new is None:
            return match.group(0)
        return f'{match.group(1)}{match.group(2)}"{html.escape(new, quote=True)}"'

    name_end = len(tag) + 1  # `<tag`: the tag name itself is never an attribute
    return text[:name_end] + ATTRIBUTE.sub(swap, text[name_end:])


class _Pages(HTMLParser):
    """Finds the start tags and `<style>` texts to change, as (offset, old length, new text)."""

    def __init__(self, page: str, lookup: Lookup) -> None:
        super().__init__(convert_charrefs=False)
        self.lookup = lookup
        self.edits: list[tuple[int, int, str]] = []
        self.used: set[str] = set()
        self.in_style = False
        self.starts = [0]
        for line in page.split("\n"):
            self.starts.append(self.starts[-1] + len(line) + 1)

    def position(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list) -> None:
        text = self.get_starttag_text() or ""
        new = _rewrite_tag(tag, text, self.lookup, self.used)
        if new != text:
            self.edits.append((self.position(), len(text), new))
        self.in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        self.in_style = False

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            new, found = rewrite_css(data, self.lookup)
            if found:
                self.edits.append((self.position(), len(data), new))
                self.used |= found


def rewrite_html(page: str, lookup: Lookup) -> tuple[str, set[str]]:
    """`page` with the URLs `lookup` knows replaced where the browser loads them; and the new URLs used."""
    parser = _Pages(page, lookup)
    parser.feed(page)
    parser.close()
    out, last = [], 0
    for offset, length, new in sorted(parser.edits):
        out += [page[last:offset], new]
        last = offset + length
    out.append(page[last:])
    return "".join(out), parser.used
