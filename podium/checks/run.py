"""Run the course checks: the list of checkers is data; severities come from course.toml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..builder import render_settings
from ..diagnostics import Diagnostic, sort_diagnostics
from ..loader import load_deck, session_files
from ..markdown import ParsedSlide, parse_deck
from ..model import Deck
from ..project import Project, shown


@dataclass(frozen=True, slots=True)
class CheckedDeck:
    """A deck with its parsed slides."""

    deck: Deck
    """The deck."""
    parsed: tuple[ParsedSlide, ...]
    """Its slides as markdown-it tokens."""


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What every checker may look at."""

    project: Project
    """The course."""
    decks: Mapping[str, CheckedDeck]
    """Every readable deck of the course by file stem."""
    targets: tuple[str, ...] = ()
    """Stems of the decks to report on (the others are there for links between sessions)."""
    online: bool = False
    """True when external links are checked over the network."""
    cache_dir: Path | None = None
    """Where external link results are remembered."""

    def checked(self) -> list[CheckedDeck]:
        """The decks to report on."""
        return [self.decks[stem] for stem in self.targets if stem in self.decks]


Checker = Callable[[CheckContext], Iterable[Diagnostic]]
"""A checker looks at every deck of the context and returns what it finds."""


def _checkers() -> dict[str, Checker]:
    from . import code, hygiene, links

    return {"links": links.check_links, "hygiene": hygiene.check_hygiene, "code": code.check_code}


KINDS = ("parse", "links", "hygiene", "code")
"""Kinds of check, in report order; `parse` is what reading the deck itself found."""


def load_decks(project: Project) -> tuple[dict[str, CheckedDeck], list[Diagnostic]]:
    """Read and parse every session without rendering or writing anything."""
    files = session_files(project)
    settings = render_settings(project, frozenset(p.stem for p in files)).markdown
    decks: dict[str, CheckedDeck] = {}
    problems: list[Diagnostic] = []
    for path in files:
        deck, found = load_deck(path, project)
        problems += found
        if deck is not None:
            decks[deck.stem] = CheckedDeck(deck, tuple(parse_deck(deck, settings, problems.append)))
    return decks, problems


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
               online: bool = False, cache_dir: Path | None = None) -> list[Diagnostic]:
    """Every finding of the chosen kinds over the course (or the named sessions), sorted."""
    kinds = tuple(kinds)
    decks, problems = load_decks(project)
    targets = tuple(decks if only is None else [stem for stem in decks if stem in set(only)])
    paths = {shown(p) for p in session_files(project) if only is None or p.stem in set(only)}
    found: list[Diagnostic] = [d for d in problems if only is None or d.location.path in paths] if "parse" in kinds else []
    context = CheckContext(project, decks, targets, online, cache_dir)
    checkers = _checkers()
    for kind in kinds:
        if kind in checkers:
            found += checkers[kind](context)
    return sort_diagnostics(first_of_each(apply_severities(found, project.options.severity)))
