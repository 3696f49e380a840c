"""Links to another session's Markdown file point at that session's page in the site."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore


def session_href(href: str, sessions: frozenset[str]) -> str | None:
    """`07-kubernetes.md#3` -> `../07-kubernetes/#3` when 07-kubernetes is a session."""
    path, hash_mark, fragment = href.partition("#")
    if "://" in path or not path.endswith(".md"):
        return None
    stem = path.rsplit("/", 1)[-1][:-3]
    if stem not in sessions:
        return None
    return f"../{stem}/" + (f"#{fragment}" if hash_mark else "")


def _rewrite(state: StateCore) -> None:
    sessions = state.env.get("podium_sessions", frozenset())
    for block in state.tokens:
        for token in block.children or ():
            if token.type == "link_open":
                old = str(token.attrGet("href") or "")
                new = session_href(old, sessions)
                if new is not None:
                    token.attrSet("href", new)
                    token.meta["written_href"] = old


def session_links_plugin(md: MarkdownIt) -> None:
    """Register the rewrite after inline parsing."""
    md.core.ruler.after("inline", "session_links", _rewrite)
