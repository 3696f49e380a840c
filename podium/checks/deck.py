"""What the checkers look at: a deck with its parsed slides, and what other decks know of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from ..lab import CodeBlock
from ..markdown import ParsedSlide
from ..model import Deck
from ..references import Reference, slide_references


@dataclass(frozen=True, slots=True)
class CheckedDeck:
    """A deck with its parsed slides."""

    deck: Deck
    """The deck."""
    parsed: tuple[ParsedSlide, ...]
    """Its slides as markdown-it tokens."""
    references: tuple[Reference, ...]
    """Every URL its slides use, in slide order."""
    course: tuple[Path, ...] = ()
    """The course's folders (real paths): the only places the site publishes files from."""

    @staticmethod
    def of(deck: Deck, parsed: tuple[ParsedSlide, ...], course: tuple[Path, ...] = ()) -> CheckedDeck:
        return CheckedDeck(deck, parsed, tuple(ref for item in parsed for ref in slide_references(item)), course)


@dataclass(frozen=True, slots=True)
class DeckSummary:
    """What a link from another session needs to know about a deck."""

    stem: str
    """The deck's file stem (its folder in the site)."""
    names: frozenset[str]
    """Names of its displayed slides."""
    count: int
    """How many slides it shows."""

    @staticmethod
    def of(deck: Deck) -> DeckSummary:
        return DeckSummary(deck.stem, frozenset(deck.names), len(deck.slides))


@dataclass(frozen=True, slots=True)
class SessionLink:
    """A link to another session, resolved once every deck is known."""

    reference: Reference
    """The link as written."""
    stem: str
    """The session it names."""
    fragment: str
    """The slide anchor (may be empty)."""


@dataclass(frozen=True, slots=True)
class Findings:
    """What one checker found in a deck: its problems, and what is left to check over the course."""

    diagnostics: tuple[Diagnostic, ...] = ()
    """Problems found in the deck on its own."""
    session_links: tuple[SessionLink, ...] = ()
    """Links to other sessions, still to resolve."""
    external: tuple[Reference, ...] = ()
    """External URLs, still to check."""
    files: tuple[tuple[str, str, str | None], ...] = ()
    """Local files looked for: (folder, path, problem), looked at again before a report is reused."""
    blocks: tuple[CodeBlock, ...] = ()
    """Code blocks and commands, for the lab checks (which read the lab's files each time)."""


@dataclass(frozen=True, slots=True)
class DeckReport:
    """Everything found in one deck on its own."""

    summary: DeckSummary | None
    """What other decks need to know about it (None when the file could not be read)."""
    diagnostics: tuple[Diagnostic, ...]
    """Its findings."""
    session_links: tuple[SessionLink, ...]
    """Its links to other sessions, still to resolve."""
    external: tuple[Reference, ...]
    """Its external URLs, still to check."""
    files: tuple[tuple[str, str, str | None], ...] = ()
    """Local files its links name: (folder, path, problem), looked at again before reusing the report."""
    blocks: tuple[CodeBlock, ...] = ()
    """Its code blocks and commands, for the lab checks (which read the lab's files each time)."""

    @staticmethod
    def of(summary: DeckSummary, parsing: tuple[Diagnostic, ...], findings: list[Findings]) -> DeckReport:
        """The report that joins what each checker found."""
        return DeckReport(summary, parsing + tuple(d for f in findings for d in f.diagnostics),
                          tuple(x for f in findings for x in f.session_links),
                          tuple(x for f in findings for x in f.external),
                          tuple(x for f in findings for x in f.files),
                          tuple(x for f in findings for x in f.blocks))
