"""course.toml: the course's settings, every key validated against a schema kept as data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .diagnostics import Diagnostic, did_you_mean
from .model import SourceLocation
from .properties import parse_duration

Check = Callable[[Any], "str | None"]


def _type(kind: type, what: str) -> Check:
    return lambda v: None if isinstance(v, kind) and not (kind is int and isinstance(v, bool)) else f"expected {what}"


def _choice(*values: str) -> Check:
    return lambda v: None if v in values else "expected one of " + ", ".join(repr(x) for x in values)


def _strings(v: Any) -> str | None:
    return None if isinstance(v, list) and all(isinstance(x, str) for x in v) else "expected a list of strings"


def _style(v: Any) -> str | None:
    if not isinstance(v, str):
        return "expected a string"
    from .highlight import known_styles

    styles = known_styles()
    return None if v in styles else f"unknown highlight style '{v}'{did_you_mean(v, styles)}"


THEMES_DIR = Path(__file__).resolve().parent / "static" / "themes"
"""The themes Podium ships: one stylesheet each, `NAME.css`."""


def theme_names() -> list[str]:
    """The names `theme` accepts."""
    return sorted(p.stem for p in THEMES_DIR.glob("*.css"))


def _theme(v: Any) -> str | None:
    if not isinstance(v, str):
        return "expected a string"
    names = theme_names()
    return None if v in names else f"unknown theme '{v}'{did_you_mean(v, names)} (themes: {', '.join(names)})"


def _language(v: Any) -> str | None:
    if not isinstance(v, str):
        return "expected a language name, or 'auto' to infer it"
    if v in ("", "auto"):
        return None
    from .languages import BY_ALIAS, canonical_language

    return None if canonical_language(v) else f"unknown language '{v}'{did_you_mean(v, BY_ALIAS)}"


RATIO = re.compile(r"([1-9][0-9]{0,3}):([1-9][0-9]{0,3})")


def _ratio(v: Any) -> str | None:
    return None if isinstance(v, str) and RATIO.fullmatch(v) else "expected a ratio such as '4:3', '16:9' or '16:10'"


def _folder_name(v: Any) -> str | None:
    if isinstance(v, str) and v and "/" not in v and "\\" not in v and v not in (".", ".."):
        return None
    return "expected a folder name such as 'sessions'"


def _duration(v: Any) -> str | None:
    return None if isinstance(v, str) and parse_duration(v) is not None else "expected a duration like '45m'"


def _seconds(v: Any) -> str | None:
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < float("inf")
    return None if ok else "expected a positive number of seconds"


def _severities(v: Any) -> str | None:
    if not isinstance(v, dict):
        return "expected a table of rule = severity"
    bad = [k for k, x in v.items() if x not in ("error", "warning", "info", "off")]
    return f"severity of {bad[0]} must be error, warning, info or off" if bad else None


SCHEMA: dict[str, Any] = {
    "title": _type(str, "a string"),
    "lang": _type(str, "a language tag such as 'en'"),
    "ratio": _ratio,
    "theme": _theme,
    "highlight_style": _style,
    "highlight_language": _language,
    "highlight_lines": _type(bool, "true or false"),
    "highlight_spans": _type(bool, "true or false"),
    "code_buttons": _type(bool, "true or false"),
    "slide_number_format": _type(str, "a string such as '%current% / %total%'"),
    "count_incremental_slides": _type(bool, "true or false"),
    "exclude_classes": _strings,
    "inherit_presenter_notes": _type(bool, "true or false"),
    "include_presenter_notes": _type(bool, "true or false"),
    "max_session_mb": lambda v: None if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
    else "expected a positive number",
    "duration": _duration,
    "stylesheets": _strings,
    "sessions": _strings,
    "index": _folder_name,
    "navigation": {"scroll": _type(bool, "true or false"), "touch": _type(bool, "true or false"),
                   "click": _type(bool, "true or false")},
    "check": {"severity": _severities, "online_deadline": _seconds},
}
"""Key -> check of its value, or a nested table."""


@dataclass(frozen=True, slots=True)
class CourseOptions:
    """The settings of a course, defaults as in remark.js."""

    title: str = ""
    """Course title for the index page (default: the course folder's name)."""
    lang: str = "en"
    """Language of the pages."""
    ratio: str = "4:3"
    """Slide ratio `W:H` (4:3, 16:9, 16:10, ...): the slide is 681 px high and 681 * W / H wide."""
    theme: str = "remark"
    """The look of the slides: a stylesheet under static/themes/ (`remark`: remark.js 0.15's own)."""
    highlight_style: str = "default"
    """Code highlight style: a highlight.js style name (as remark offers them) or a Pygments style."""
    highlight_language: str = ""
    """Language of code blocks without one (remark's highlightLanguage); `auto` infers it."""
    highlight_lines: bool = False
    """Highlight code lines that start with `*`."""
    highlight_spans: bool = False
    """Highlight text between backticks inside code, backticks removed (remark's highlightSpans)."""
    code_buttons: bool = True
    """Copy and download buttons on the code blocks of the pages (for students)."""
    slide_number_format: str = "%current% / %total%"
    """Text of the slide number."""
    count_incremental_slides: bool = True
    """False: `--` steps share their slide's number."""
    exclude_classes: tuple[str, ...] = ()
    """Slides with one of these classes are left out."""
    inherit_presenter_notes: bool = True
    """Notes accumulate down a `--` build and from layouts (remark 0.15)."""
    include_presenter_notes: bool = True
    """False leaves the presenter notes out of the pages (remark's includePresenterNotes)."""
    max_session_mb: float = 2.0
    """A session file larger than this is refused."""
    duration: str = ""
    """Planned length of each session, for presenter pacing (a deck's `duration:` wins)."""
    stylesheets: tuple[str, ...] = ()
    """The course's own CSS files (relative to course.toml), linked from every page after Podium's."""
    navigation: dict = field(default_factory=lambda: {"scroll": True, "touch": True, "click": False})
    """Which inputs navigate: mouse wheel, touch, click."""
    severity: dict = field(default_factory=dict)
    """Check rule id -> error, warning, info or off."""
    online_deadline: float = 120.0
    """Seconds `check --online` may spend on external links in all; the rest are not checked."""
    sessions: tuple[str, ...] = ()
    """The sessions to publish, in this order (file stems or folder names); empty: all, in natural order."""
    index: str = "sessions"
    """Where the course page goes when a session is published at the site's root (its remark page)."""
    given: frozenset[str] = frozenset()
    """The settings course.toml sets: they win over what a session's remark page says."""


def key_line(text: str, table: str, key: str) -> int:
    """1-based line where `key` is set inside `[table]` (or at top level when table is '')."""
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            current = header.group(1)
            if table and key == "" and current == table:
                return number
            continue
        if current == table and re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number
        if not table and re.match(rf"\s*{re.escape(key)}\s*\.", line):
            return number
    return 1


def _walk(data: dict, schema: dict, text: str, where: str, table: str) -> list[Diagnostic]:
    problems = []
    for key, value in data.items():
        line = key_line(text, table, key)
        location = SourceLocation(where, line, 1)
        rule = schema.get(key)
        if rule is None:
            name = f"{table}.{key}" if table else key
            problems.append(Diagnostic(location, "error", "config-key",
                                       f"unknown setting '{name}'{did_you_mean(key, schema)}"))
        elif isinstance(rule, dict):
            if isinstance(value, dict):
                problems += _walk(value, rule, text, where, f"{table}.{key}" if table else key)
            else:
                problems.append(Diagnostic(location, "error", "config-value", f"'{key}' must be a table"))
        elif (message := rule(value)) is not None:
            problems.append(Diagnostic(location, "error", "config-value", f"{key}: {message}"))
    return problems


TOML_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"Illegal character '\\n'|Expected \"'\"$", "unterminated string: a string in quotes ends on the line "
     "it starts (\"\"\"...\"\"\" or '''...''' holds several lines)"),
    (r"Unterminated string|Expected \"'''\"", "unterminated string: the file ends inside it"),
)
"""TOML parser messages (a regular expression of the start of one) -> what a course author reads instead."""


def toml_error(error: Exception, text: str, shown: str) -> Diagnostic:
    """The TOML parser's error at its line and column (the last line for "at end of document")."""
    message = str(error)
    found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    if found:
        where = SourceLocation(shown, int(found.group(1)), int(found.group(2)))
    else:
        body = text.rstrip()
        where = SourceLocation(shown, body.count("\n") + 1, len(body) - body.rfind("\n"))
    reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", message)
    for pattern, plain in TOML_MESSAGES:
        if re.match(pattern, reason):
            reason = plain
            break
    return Diagnostic(where, "error", "config-syntax", reason)


def load_options(path: Path | None, shown: str) -> tuple[CourseOptions, list[Diagnostic]]:
    """Read and validate course.toml; defaults when there is none; problems point at its lines."""
    if path is None or not path.is_file():
        return CourseOptions(), []
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except OSError as error:
        return CourseOptions(), [Diagnostic(SourceLocation(shown, 1), "error", "config-syntax",
                                            f"cannot be read: {error.strerror or error}")]
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return CourseOptions(), [Diagnostic(SourceLocation(shown, line, column), "error", "config-syntax",
                                            f"not valid UTF-8: byte 0x{raw[error.start]:02x} cannot start or "
                                            "continue a character (save the file as UTF-8)")]
    except tomllib.TOMLDecodeError as error:
        return CourseOptions(), [toml_error(error, text, shown)]
    except RecursionError:
        return CourseOptions(), [Diagnostic(SourceLocation(shown, 1, 1), "error", "config-syntax",
                                            "the settings nest too deep to be read")]
    problems = _walk(data, SCHEMA, text, shown, "")
    if problems:
        return CourseOptions(), problems
    flat = {k: v for k, v in data.items() if not isinstance(SCHEMA[k], dict)}
    for key in ("exclude_classes", "stylesheets", "sessions"):
        if key in flat:
            flat[key] = tuple(flat[key])
    missing = [name for name in flat.get("stylesheets", ()) if not (path.parent / name).is_file()]
    if missing:
        where = SourceLocation(shown, key_line(text, "", "stylesheets"), 1)
        return CourseOptions(), [Diagnostic(where, "error", "config-value", f"stylesheet '{missing[0]}' does not exist")]
    options = CourseOptions(**flat, given=frozenset(data))
    if "navigation" in data:
        options = replace(options, navigation={**options.navigation, **data["navigation"]})
    if "check" in data and "severity" in data["check"]:
        options = replace(options, severity=dict(data["check"]["severity"]))
    if "check" in data and "online_deadline" in data["check"]:
        options = replace(options, online_deadline=float(data["check"]["online_deadline"]))
    return options, []

