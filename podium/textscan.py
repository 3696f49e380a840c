"""Scanning slide text the way remark reads it: balancing brackets and inline code spans."""

from __future__ import annotations

import functools
import re

INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
"""An inline code span on one line: a run of backticks, the code (group 2), the same run."""


def bracket_matches(text: str) -> dict[int, int]:
    """Offset of every `[` -> offset of its balancing `]` (every bracket counts, as in remark)."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    for match in re.finditer(r"[\[\]]", text):
        if match.group() == "[":
            stack.append(match.start())
        elif stack:
            matches[stack.pop()] = match.start()
    return matches


@functools.lru_cache(maxsize=8)
def _matches_of(text: str) -> dict[int, int]:
    return bracket_matches(text)


def balancing_bracket(text: str, open_at: int, limit: int) -> int | None:
    """Offset of the `]` that balances the `[` at `open_at`, when it is before `limit`. The
    brackets of a text are matched once, however many openers ask."""
    close = _matches_of(text).get(open_at)
    return close if close is not None and close < limit else None
