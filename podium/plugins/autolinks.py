"""Bare `http://` and `https://` URLs become links, as remark.js (GFM in marked 0.3) makes them.

Only URLs with a scheme are links: `app.py` or `www.example.com` in prose stay text.
The rule runs at the `:` of a URL, with the scheme still in the pending text.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

SCHEME = re.compile(r"(https?)$")
URL = re.compile(r"https?://[^\s<]+[^<.,:;\"')\]\s]")


def _rule(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.linkLevel > 0 or not state.src.startswith("://", pos):
        return False
    scheme = SCHEME.search(state.pending)
    if scheme is None:
        return False
    start = pos - len(scheme.group(1))
    found = URL.match(state.src, start, state.posMax)
    if found is None:
        return False
    url = found.group().rstrip("*")
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return False
    if not silent:
        state.pending = state.pending[: -len(scheme.group(1))]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": href}
        token.markup, token.info = "autolink", "auto"
        state.push("text", "", 0).content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "autolink", "auto"
    state.pos = start + len(url)
    return True


def autolinks_plugin(md: MarkdownIt) -> None:
    """Register the rule (`:` must end text runs, which markdown-it's text rule already does)."""
    md.inline.ruler.before("linkify", "autolink_literal", _rule)
