"""The slide properties remark.js knows, as data: name, meaning, and how a value is checked.

Any other property is kept and can be used as `{{name}}` in the slide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

Validator = Callable[[str], "str | None"]
"""Returns an error message for a bad value, or None."""

BOOLEAN = ("true", "false")


def _boolean(value: str) -> str | None:
    return None if value.lower() in BOOLEAN else f"expected true or false, got '{value}'"


def _url_value(value: str) -> str | None:
    if value and not re.fullmatch(r"(url\(.*\)\s*,?\s*)+|none|inherit|initial|unset", value.strip()):
        return f"expected url(...), got '{value}'"
    return None


def _name(value: str) -> str | None:
    return "a slide name cannot contain spaces" if re.search(r"\s", value) else None


def _duration(value: str) -> str | None:
    return None if parse_duration(value) is not None else f"expected a duration like 45m or 1h30m, got '{value}'"


def _any(value: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Property:
    """A property with a meaning of its own."""

    name: str
    """As written before the colon."""
    meaning: str
    """One line for the syntax guide and messages."""
    validate: Validator
    """Checks a value."""
    inherited: bool = True
    """Whether slides take it from their layout or template."""


PROPERTIES: dict[str, Property] = {p.name: p for p in (
    Property("name", "the slide's id: target of #name links and template:", _name, inherited=False),
    Property("class", "classes on the slide content (comma or space separated)", _any),
    Property("background-image", "CSS background image, e.g. url(img/bg.png)", _url_value),
    Property("background-size", "CSS background-size", _any),
    Property("background-position", "CSS background-position", _any),
    Property("background-color", "CSS background-color", _any),
    Property("layout", "true: a background layout for the slides after it; false: stop it", _boolean, inherited=False),
    Property("template", "take content and properties from the named slide", _any),
    Property("count", "false: this slide does not advance the slide number", _boolean, inherited=False),
    Property("exclude", "true: leave the slide out", _boolean),
    Property("highlight-style", "highlight.js (or Pygments) style for code on this slide", _any),
    Property("duration", "planned length of the session (presenter pacing), e.g. 45m", _duration),
)}

BACKGROUND_STYLES = ("background-image", "background-size", "background-position", "background-color")
"""Properties that become inline styles on the slide content, in this order."""


def parse_duration(value: str) -> int | None:
    """Seconds in `90`, `45m`, `1h30m`, `1h 30m`, `20s`, `1:30:00`; None when not a duration."""
    value = value.strip().lower()
    if re.fullmatch(r"\d+", value):
        return int(value) * 60
    if re.fullmatch(r"\d+(:\d\d){1,2}", value):
        parts = [int(x) for x in value.split(":")]
        return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0) if len(parts) == 3 else parts[0] * 60 + parts[1]
    match = re.fullmatch(r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?", value)
    if not value or not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (int(x or 0) for x in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def split_classes(value: str) -> tuple[str, ...]:
    """`a, b c` -> ('a', 'b', 'c')."""
    return tuple(x for x in re.split(r"[\s,]+", value) if x)
