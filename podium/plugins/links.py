"""Links to another session's Markdown file point at that session's page in the site."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .env import podium_env


def session_href(href: str, sessions: frozenset[str], root: str = "../") -> str | None:
    """`07-kubernetes.md#3` -> `../07-kubernetes/#3` when 07-kubernetes is a session (`6/slides.md`
    names session 6's page too); `root` leads from this deck's page to the site's root."""
    path, hash_mark, fragment = href.partition("#")
    if "://" in path or not path.endswith(".md"):
        return None
    parts = path.split("/")
    stem = parts[-2] if parts[-1] == "slides.md" and len(parts) > 1 else parts[-1][:-3]
    if stem not in sessions:
        return None
    return f"{root}{stem}/" + (f"#{fragment}" if hash_mark else "")


def _rewrite(state: StateCore) -> None:
    sessions = podium_env(state.env).options.sessions
    root = podium_env(state.env).options.site_root
    for block in state.tokens:
        for token in block.children or ():
            if token.type == "link_open":
                old = str(token.attrGet("href") or "")
                new = session_href(old, sessions, root)
                if new is not None:
                    token.attrSet("href", new)
                    token.meta["written_href"] = old


def session_links_plugin(md: MarkdownIt) -> None:
    """Register the rewrite after inline parsing."""
    md.core.ruler.after("inline", "session_links", _rewrite)
