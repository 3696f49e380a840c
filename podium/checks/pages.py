"""What a session's remark page uses itself: its stylesheets, and the files and fonts its styles name.

Local ones must exist (the site publishes them at the same place); remote ones are checked with
the course's external links (`check --online`), at the page's line.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic
from ..model import SourceLocation
from ..project import shown
from ..references import Reference, is_external, local_path
from ..sessions import Session
from .links import Listings, file_problem

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
"""A URL in a stylesheet: `url(...)` or `@import "..."`."""


def _uses(session: Session) -> Iterator[tuple[str, int, str]]:
    """(URL, page line, kind) for every stylesheet the page links and every URL its styles name."""
    for href, line in session.stylesheets:
        yield href, line, "link"
    for css, line in session.styles:
        for match in CSS_URL.finditer(css):
            url = match.group(2) or match.group(4)
            kind = "link" if match.group(4) or css[:match.start()].rstrip().endswith("@import") else "image"
            yield url, line + css.count("\n", 0, match.start()), kind


def page_uses(session: Session, listings: Listings | None = None) -> tuple[list[Diagnostic], list[Reference]]:
    """Missing local files the page names, and its remote URLs to check with the others."""
    if session.page is None:
        return [], []
    where, problems, remote = shown(session.page), [], []
    for url, line, kind in _uses(session):
        at = SourceLocation(where, line)
        if is_external(url):
            remote.append(Reference(kind, url, at, 0, "stylesheet" if kind == "link" else "", raw_html=True))
            continue
        path = local_path(url)
        if path is None or url.startswith("data:"):
            continue
        problem = file_problem(session.folder, path, listings)
        if problem:
            problems.append(Diagnostic(at, "error", "missing-file", problem))
    return problems, remote
