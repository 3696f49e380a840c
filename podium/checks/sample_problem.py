"""SampleProblem: one thing wrong inside a code sample, at a place relative to the block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SampleSeverity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class SampleProblem:
    """A problem in a code block; the caller adds the block's first line to place it in a deck."""

    line: int
    """0-based line inside the code block."""
    column: int
    """1-based column (a character position, not a byte offset)."""
    rule: str
    """Rule id, e.g. `yaml-duplicate-key`."""
    message: str
    """One short sentence without a trailing period: what is wrong, and the fix when obvious."""
    severity: SampleSeverity
    """`error` when the sample would not work as shown, `warning` when it probably misleads."""

    def __str__(self) -> str:
        """`LINE:COLUMN: severity: message [rule]`, LINE counted from 1 within the block."""
        return f"{self.line + 1}:{self.column}: {self.severity}: {self.message} [{self.rule}]"


def error(line: int, column: int, rule: str, message: str) -> SampleProblem:
    """An error at 0-based `line`, 1-based `column`."""
    return SampleProblem(max(line, 0), max(column, 1), rule, message, "error")


def warning(line: int, column: int, rule: str, message: str) -> SampleProblem:
    """A warning at 0-based `line`, 1-based `column`."""
    return SampleProblem(max(line, 0), max(column, 1), rule, message, "warning")


def last_line(code: str) -> int:
    """The 0-based index of the last line of `code` (for errors reported past its end); a final
    newline does not start a line."""
    return max(code.rstrip("\n").count("\n"), 0)
