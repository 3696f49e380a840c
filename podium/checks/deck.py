"""What the checkers look at: a deck with its parsed slides, and what other decks know of it."""

from __future__ import annotations

from dataclasses import dataclass

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

    @staticmethod
    def of(deck: Deck, parsed: tuple[ParsedSlide, ...]) -> CheckedDeck:
        return CheckedDeck(deck, parsed, tuple(ref for item in parsed for ref in slide_references(item)))


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
