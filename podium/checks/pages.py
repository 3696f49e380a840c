"""What a session's remark page uses itself: its stylesheets, and the files and fonts its styles name;
and what the stylesheets a page or a slide links name in turn (`url()`, `@import`).

Local ones must exist and be the course's own (the site publishes them at the same place, see
inside.py); remote ones are checked with the course's external links (`check --online`), at the
page's (or the stylesheet's) line.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Iterable, Iterator

from ..diagnostics import Diagnostic
from ..inside import real, shown_entry
from ..model import SourceLocation
from ..project import shown
from ..references import Reference, copied_path, is_external, line_columns, local_path, stylesheet_urls
from ..sessions import Session
from .links import Listings, local_problem

Sheet = tuple[Path, str]
"""A stylesheet the site publishes: (the folder of the page using it, its path from there)."""


def _uses(session: Session) -> Iterator[tuple[str, int, str]]:
    """(URL, page line, kind) for every stylesheet the page links and every URL its styles name."""
    for href, line in session.stylesheets:
        yield href, line, "link"
    for css, line in session.styles:
        uses = list(stylesheet_urls(css))
        for (kind, url, _), (number, _) in zip(uses, line_columns(css, [offset for _, _, offset in uses])):
            yield url, line + number - 1, kind


def _remote(url: str, at: SourceLocation, kind: str) -> Reference:
    return Reference("link" if kind == "link" else "image", url, at, 0, "stylesheet" if kind == "link" else "",
                     raw_html=True)


def page_uses(session: Session, listings: Listings | None = None,
              course: tuple[Path, ...] = ()) -> tuple[list[Diagnostic], list[Reference]]:
    """Missing local files the page names (and those the course may not publish, given its
    folders `course`), what the stylesheets among them name, and its remote URLs to check with
    the others."""
    if session.page is None:
        return [], []
    where, problems, remote, sheets = shown(session.page), [], [], []
    for url, line, kind in _uses(session):
        at = SourceLocation(where, line)
        if is_external(url):
            remote.append(_remote(url, at, kind))
            continue
        path = local_path(url)
        if path is None or url.startswith("data:"):
            continue
        problem = local_problem(session.folder, path, course, listings)
        if problem:
            problems.append(Diagnostic(at, "error", problem[0], problem[1]))
        elif copied_path(url) is not None:
            sheets.append((session.folder, posixpath.normpath(path)))
    missing, far = sheet_uses(sheets, course, listings)
    return problems + missing, remote + far


def sheet_uses(sheets: Iterable[Sheet], course: tuple[Path, ...],
               listings: Listings | None = None) -> tuple[list[Diagnostic], list[Reference]]:
    """What published stylesheets name with `url()` and `@import` (relative to each, as the browser
    reads them; the stylesheets they import too): missing files and files the course may not
    publish, at the stylesheet's line, and remote URLs to check with the others."""
    todo, seen, problems, remote = list(sheets), set(), [], []
    while todo:
        base, name = todo.pop()
        sheet = base / name
        if not name.lower().endswith(".css") or real(sheet) in seen or not sheet.is_file():
            continue
        seen.add(real(sheet))
        try:
            css = sheet.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        uses = list(stylesheet_urls(css))
        for (kind, url, _), (line, column) in zip(uses, line_columns(css, [offset for _, _, offset in uses])):
            at = SourceLocation(shown_entry(sheet), line, column)
            if is_external(url):
                remote.append(_remote(url, at, kind))
                continue
            path = copied_path(url)
            if path is None:
                continue
            relative = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
            problem = local_problem(base, relative, course, listings, path)
            if problem:
                problems.append(Diagnostic(at, "error", problem[0], problem[1]))
            else:
                todo.append((base, relative))
    return problems, remote
