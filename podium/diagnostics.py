"""Diagnostic: one finding about the course, and its one text format.

`slides/06-docker-compose.md:42:5: error: message [rule-id] (slide 9)`
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Literal

from .model import SourceLocation

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in the course, at a place in a file."""

    location: SourceLocation
    """Where the problem is."""
    severity: Severity
    """`error` fails the command; `warning` does not (unless --strict); `info` is a remark."""
    code: str
    """The rule id, e.g. `unknown-macro`; severities can be changed per rule in course.toml."""
    message: str
    """One sentence, no trailing period."""
    slide: int | None = None
    """1-based position of the slide in its deck (as in `#N`), when the problem is on a slide."""
    detail: str = ""
    """More lines that show the problem (a short diff); text output prints them indented under it."""

    def __str__(self) -> str:
        where = f" (slide {self.slide})" if self.slide is not None else ""
        return f"{self.location}: {self.severity}: {self.message} [{self.code}]{where}"

    def full_text(self) -> str:
        """The one line, and the detail lines under it, indented."""
        return str(self) + "".join(f"\n    {line}" for line in self.detail.splitlines())

    @property
    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code, self.message)


def sort_diagnostics(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in file, line, column order, without exact repeats."""
    return sorted(set(items), key=lambda d: d.sort_key)


def has_errors(items: Iterable[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.severity == "error" for d in items)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
