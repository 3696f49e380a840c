"""Run the course checks: each deck is checked on its own (in parallel for large courses), then
links between sessions and external links are resolved over the whole course.

The list of per-deck checkers is data; severities come from course.toml.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..diagnostics import Diagnostic, sort_diagnostics
from ..inside import project_folders
from ..lab import deck_blocks
from ..loader import load_deck
from ..markdown import MarkdownOptions, parse_deck
from ..parallel import file_size, parallel_map
from ..project import Project
from ..references import Reference
from ..sessions import Session, find_sessions
from .deck import CheckedDeck, DeckReport, DeckSummary, Findings
from .links import Listings

KINDS = ("parse", "links", "hygiene", "code", "lab", "layout")
"""Kinds of check; `parse` is what reading the deck itself found, `layout` lays the slides out in a
browser (over the whole course at once, see layout.py); `lab` compares code blocks with the lab's
files and the lab's files with each other (labcheck.py)."""

@dataclass(frozen=True, slots=True)
class Checker:
    """A check of each deck on its own."""

    kind: str
    """Its kind (one of KINDS)."""
    check: Callable[[CheckedDeck, Listings], Findings]
    """What it finds in a deck; `Listings` are the folders as this run saw them."""


@functools.cache
def checkers() -> tuple[Checker, ...]:
    """The per-deck checkers, in the order their findings are reported."""
    from . import code, hygiene
    from .links import deck_links

    def only(found: Callable[[CheckedDeck], Iterable[Diagnostic]]) -> Callable[[CheckedDeck, Listings], Findings]:
        return lambda checked, listings: Findings(tuple(found(checked)))

    return (Checker("links", deck_links), Checker("hygiene", only(hygiene.check_hygiene)),
            Checker("code", only(code.check_code)),
            Checker("lab", lambda checked, listings: Findings(blocks=tuple(deck_blocks(checked.parsed)))))


def check_deck(project: Project, session: Session, kinds: tuple[str, ...], sessions: frozenset[str],
               cache_dir: Path | None = None) -> DeckReport:
    """Read, parse and check one session; remember the result when there is a cache."""
    report = _check_deck(project, session, kinds, sessions)
    if cache_dir is not None:
        from . import cache

        path = session.source
        with contextlib.suppress(OSError):
            cache.store(cache_dir, path, cache.deck_key(session, path.read_bytes(), kinds, sessions), report)
    return report


def remembered(project: Project, session: Session, kinds: tuple[str, ...], sessions: frozenset[str],
               cache_dir: Path | None) -> DeckReport | None:
    """What an earlier run found in this session, when it is still true."""
    if cache_dir is None:
        return None
    from . import cache

    path = session.source
    try:
        return cache.load(cache_dir, path, cache.deck_key(session, path.read_bytes(), kinds, sessions),
                          project_folders(project))
    except OSError:
        return None


def _check_deck(project: Project, session: Session, kinds: tuple[str, ...], sessions: frozenset[str]) -> DeckReport:
    deck, problems = load_deck(session, project)
    parsing = list(problems) if "parse" in kinds else []
    if deck is None:
        return DeckReport(None, tuple(parsing), (), ())
    report = parsing.append if "parse" in kinds else (lambda item: None)
    options = MarkdownOptions(session.options.highlight_lines, sessions, links_only=True,
                              highlight_spans=session.options.highlight_spans)
    checked = CheckedDeck.of(deck, tuple(parse_deck(deck, options, report)), project_folders(project))
    listings = Listings()
    found = [checker.check(checked, listings) for checker in checkers() if checker.kind in kinds]
    return DeckReport.of(DeckSummary.of(deck), tuple(parsing), found)


def _check_all(project: Project, chosen: list[Session], kinds: tuple[str, ...], sessions: frozenset[str],
               cache_dir: Path | None) -> list[DeckReport]:
    known = {s.key: remembered(project, s, kinds, sessions, cache_dir) for s in chosen}
    todo = [s for s in chosen if known[s.key] is None]
    fresh = {s.key: report for s, report in zip(todo, _check_many(project, todo, kinds, sessions, cache_dir))}
    return [known[s.key] or fresh[s.key] for s in chosen]


def _check_many(project: Project, chosen: list[Session], kinds: tuple[str, ...], sessions: frozenset[str],
                cache_dir: Path | None) -> list[DeckReport]:
    from ..markdown import markdown_parser

    checkers()                                   # loaded once here, before workers start
    markdown_parser()
    return parallel_map(_check_one, chosen, project, kinds, sessions, cache_dir,
                        weight=lambda session: file_size(session.source))


def _check_one(session: Session, project: Project, kinds: tuple[str, ...], sessions: frozenset[str],
               cache_dir: Path | None) -> DeckReport:
    return check_deck(project, session, kinds, sessions, cache_dir)


def apply_severities(items: Iterable[Diagnostic], severities: Mapping[str, str]) -> list[Diagnostic]:
    """Change or drop (`off`) diagnostics by rule id, as course.toml says."""
    result = []
    for item in items:
        wanted = severities.get(item.code)
        if wanted == "off":
            continue
        result.append(replace(item, severity=wanted) if wanted else item)
    return result


def first_of_each(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One diagnostic per place and message: text repeated by `--` steps and layouts is reported once."""
    seen: dict[tuple, Diagnostic] = {}
    for item in items:
        seen.setdefault((item.location, item.code, item.message), item)
    return list(seen.values())


def run_checks(project: Project, kinds: Iterable[str] = KINDS, only: Iterable[str] | None = None,
               online: bool = False, cache_dir: Path | None = None,
               online_deadline: float | None = None) -> list[Diagnostic]:
    """Every finding of the chosen kinds over the course (or the named sessions), sorted.
    `online_deadline` bounds the online link check (default: course.toml's)."""
    from .external import check_external
    from .links import resolve_session_links

    kinds = tuple(kinds)
    every, finding = find_sessions(project)
    sessions = frozenset(s.key for s in every)
    wanted = set(only) if only is not None else sessions
    chosen = [s for s in every if s.key in wanted]
    reports = _check_all(project, chosen, kinds, sessions, cache_dir)
    summaries = {r.summary.stem: r.summary for r in reports if r.summary}
    for session in every:
        if session.key not in wanted and any(r.session_links for r in reports):
            deck, _ = load_deck(session, project)
            if deck is not None:
                summaries[deck.stem] = DeckSummary.of(deck)
    found = list(finding) + [d for r in reports for d in r.diagnostics]
    found += resolve_session_links([link for r in reports for link in r.session_links], summaries)
    external = [ref for r in reports for ref in r.external]
    if "links" in kinds:
        from .pages import page_uses, sheet_uses

        listings, course = Listings(), project_folders(project)
        for session in chosen:
            missing, remote = page_uses(session, listings, course)
            found += missing
            external += remote
        sheets = [(Path(base), name) for r in reports for base, name, problem in r.files if problem is None]
        missing, remote = sheet_uses(sheets, course, listings)
        found += missing
        external += remote
    deadline = project.options.online_deadline if online_deadline is None else online_deadline
    found += check_external(external, online, cache_dir, deadline)
    if "lab" in kinds:
        from .labcheck import check_lab

        found += check_lab(project, every, {s.key: r.blocks for s, r in zip(chosen, reports)})
    if "layout" in kinds:
        from .layout import check_layout

        found += check_layout(project, chosen)
    return sort_diagnostics(first_of_each(apply_severities(found, project.options.severity)))
