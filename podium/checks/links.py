"""Links: local files (exact case, and only the course's own: see inside.py), slide anchors, other
sessions, slide names; external URLs online.

`#N` is the N-th slide, `#name` a named slide, `#pN` the N-th in presenter mode; a link to
another session (`../07-x/#3` or `07-x.md#3`) is checked against that session's deck.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlsplit

from ..diagnostics import Diagnostic, did_you_mean
from ..inside import refusal, source_refusal
from ..references import Reference, is_external
from .deck import CheckedDeck, DeckSummary, Findings, SessionLink

SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "ftp:", "about:")
SESSION_PAGE = re.compile(r"\.\./([^/]+)/(?:index\.html)?$")
COURSE_INDEX = ("../", "../index.html")
MISSING_FILE = "missing-file"


def anchor_problem(deck: DeckSummary, fragment: str, url: str) -> str | None:
    """Why `url`, ending in `#fragment`, does not lead to a slide of `deck`, or None when it does."""
    if not fragment:
        return None
    number = fragment[1:] if re.fullmatch(r"p\d+", fragment) else fragment
    if re.fullmatch(r"0|[1-9]\d*", number):
        if 1 <= int(number) <= deck.count:
            return None
        return f"'{url}' points at slide {number}, but {deck.stem} has slides 1 to {deck.count}"
    if fragment in deck.names:
        return None
    return f"'{url}': no slide of {deck.stem} is named '{fragment}'{did_you_mean(fragment, deck.names)}"


class Listings:
    """The folders' entries as one check run saw them: each folder is listed once per run, and a
    new run (the next check, the next rebuild in `serve`) lists again."""

    def __init__(self) -> None:
        self._seen: dict[Path, frozenset[str]] = {}

    def entries(self, folder: Path) -> frozenset[str]:
        """The names in `folder` (none when it cannot be listed)."""
        found = self._seen.get(folder)
        if found is None:
            try:
                found = frozenset(os.listdir(folder))
            except OSError:
                found = frozenset()
            self._seen[folder] = found
        return found


def file_problem(base: Path, path: str, listings: Listings | None = None) -> str | None:
    """Why `path` (relative to `base`) is not an existing file with exactly that case, or None.
    Folders are listed afresh unless a run's `listings` is given."""
    listings = listings or Listings()
    current = base
    for part in Path(path).parts:
        if part in ("", "."):
            continue
        if part == "..":
            current = current.parent
            continue
        names = listings.entries(current)
        if part not in names:
            same = [n for n in names if n.lower() == part.lower()]
            if same:
                return f"'{path}' does not exist: the file is '{same[0]}' (case matters on web servers)"
            return f"'{path}' does not exist{did_you_mean(part, names)}"
        current = current / part
    return None


def local_problem(base: Path, path: str, course: tuple[Path, ...] = (), listings: Listings | None = None,
                  written: str | None = None) -> tuple[str, str] | None:
    """(rule, message) saying why the local file `path` (relative to `base`; `written` is how the
    course writes it, when that differs) cannot be published as the slide expects, or None:
    `outside-course` or `hidden-file` when the site would copy it but the course may not publish
    it (see inside.py; only looked at given the course's folders), else `missing-file` when it
    does not exist with exactly that case."""
    written = written or path
    if course and not path.endswith((".md", "/")) and (why := refusal(base / path, course, written)) is not None:
        return why
    problem = file_problem(base, path, listings)
    if problem and written != path:
        problem = problem.replace(f"'{path}'", f"'{written}'", 1)
    return (MISSING_FILE, problem) if problem else None


def _local(checked: CheckedDeck, ref: Reference, files: list, listings: Listings) -> tuple[str, str] | SessionLink | None:
    """(rule, message) saying why a relative URL leads nowhere, a link to resolve later, or None.

    Every file looked for is added to `files` as (folder, path, problem message).
    """
    url = ref.url
    parts = urlsplit(url)
    path, fragment = unquote(parts.path), parts.fragment
    if not path:
        problem = anchor_problem(DeckSummary.of(checked.deck), fragment, url)
        return ("broken-anchor", problem) if problem else None
    if url.split("#")[0] in COURSE_INDEX:
        return None
    session = SESSION_PAGE.match(path) or re.fullmatch(r"(?:\./)?([^/]+)\.md", path)
    if session:
        return SessionLink(ref, session.group(1), fragment)
    session = checked.deck.session
    base = session.folder if session is not None else checked.deck.source.parent
    problem = local_problem(base, path, checked.course, listings)
    files.append((str(base), path, problem[1] if problem else None))
    return problem


def _names(checked: CheckedDeck) -> Iterator[Diagnostic]:
    for name, places in checked.deck.all_names.items():
        for place in places[1:]:
            yield Diagnostic(place, "error", "duplicate-name",
                             f"slide name '{name}' is already used at line {places[0].line}")


def deck_links(checked: CheckedDeck, listings: Listings) -> Findings:
    """Problems of a deck's local links; its links to other sessions and its external URLs, to check
    later; and the local files looked for, as (folder, path, problem)."""
    found, later, external, files = list(_names(checked)), [], [], []
    if checked.course and (why := source_refusal(checked.deck, checked.course)) is not None:
        found.append(why)
    for ref in checked.references:
        url = ref.url.strip()
        if url.lower().startswith(SKIPPED_SCHEMES):
            continue
        if is_external(url):
            external.append(ref)
        elif not url:
            found.append(Diagnostic(ref.location, "warning", "empty-url", f"this {ref.kind} has no URL",
                                    ref.slide + 1))
        elif isinstance(problem := _local(checked, ref, files, listings), SessionLink):
            later.append(problem)
        elif problem:
            found.append(Diagnostic(ref.location, "error", problem[0], problem[1], ref.slide + 1))
    return Findings(tuple(found), tuple(later), tuple(external), tuple(files))


def resolve_session_links(links: list[SessionLink], decks: dict[str, DeckSummary]) -> Iterator[Diagnostic]:
    """Links to other sessions, checked against those sessions' slides."""
    for link in links:
        ref = link.reference
        target = decks.get(link.stem)
        if target is None:
            yield Diagnostic(ref.location, "error", "unknown-session",
                             f"'{ref.url}' links to a session '{link.stem}' that the course does not have"
                             f"{did_you_mean(link.stem, decks)}", ref.slide + 1)
        elif problem := anchor_problem(target, link.fragment, ref.url):
            yield Diagnostic(ref.location, "error", "broken-anchor", problem, ref.slide + 1)
