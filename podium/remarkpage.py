"""A remark.js course page (a session's `index.html`) read as data: title, styles, source, options.

Nothing on the page is run. The `remark.create({...})` options are read with `jsdata`, mapped to
the course settings' names and checked as course.toml's are; what Podium does not take (other
options, code, JavaScript macros) is reported as a warning at its line and column of the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable, Mapping

from . import jsdata
from .config import SCHEMA
from .diagnostics import Diagnostic, did_you_mean, sort_diagnostics
from .model import SourceLocation

MAPPED: dict[str, str] = {
    "ratio": "ratio", "highlightStyle": "highlight_style", "highlightLanguage": "highlight_language",
    "highlightLines": "highlight_lines", "highlightSpans": "highlight_spans",
    "countIncrementalSlides": "count_incremental_slides", "slideNumberFormat": "slide_number_format",
    "navigation": "navigation", "excludedClasses": "exclude_classes",
    "includePresenterNotes": "include_presenter_notes", "inheritPresenterNotes": "inherit_presenter_notes",
}
"""remark option -> the course setting it gives (checked as course.toml's; `sourceUrl` is kept apart)."""
LEFT_OUT: dict[str, str] = {
    "timer": "Podium's presenter view has its own timer",
    "highlightInlineCode": "Podium does not highlight inline code",
    "cloneTarget": "Podium's presenter view opens the audience window itself",
    "container": "Podium shows each deck on a page of its own",
    "disableIncrementalSlides": "Podium always shows the `--` steps",
    "controller": "Podium's runtime handles keys, touch and mouse itself",
    "source": "the Markdown goes in <textarea id=\"source\"> or in the file sourceUrl names",
}
"""remark options Podium does not take -> why, in a few words."""
NOT_DATA: dict[tuple[str, str], str] = {
    ("highlightSpans", "regexp"): "a regular expression is not supported; `true` highlights the text between backticks",
    ("slideNumberFormat", "function"): "a function is not supported; use a string such as '%current% / %total%'",
    ("slideNumberFormat", "arrow function"): "a function is not supported; use a string such as '%current% / %total%'",
}
"""(option, kind of code) -> what to say instead of "not plain data"."""
MACRO_HINTS: dict[str, str] = {
    "scale": "Podium's built-in 'scale' macro already does what the usual scale example does "
             "(`![:scale 50%](image.png)`); for anything else, podium.plugins.macros.register('scale')",
}
MACRO_HINT = "a Python macro can replace it: podium.plugins.macros.register('{name}')"
CREATE = re.compile(r"\bremark\s*\.\s*create\s*\(")
MACRO = re.compile(r"\bremark\s*\.\s*macros\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['\"])[^\]]*\])\s*=(?![=>])")
SCRIPT_TYPES = re.compile(r"|module|(?:text|application)/(?:x-)?(?:java|ecma)script", re.I)
"""`type` values of scripts that browsers run (absent or empty means JavaScript)."""
RAW_TEXT = ("script", "style", "title", "textarea")
"""Elements whose text is taken as written, up to their end tag (as browsers do)."""


@dataclass(frozen=True, slots=True)
class RemarkPage:
    """What a remark page says, as data."""

    title: str | None
    """The `<title>` text, whitespace collapsed, entities decoded; None when missing or blank."""
    styles: tuple[tuple[str, int], ...]
    """The CSS of each `<style>` block and the 1-based line of the page where that CSS starts."""
    stylesheets: tuple[tuple[str, int], ...]
    """The `href` of each `<link rel="stylesheet">` (not `alternate`), as written, and its line."""
    source_url: str | None
    """The Markdown file the page loads (`sourceUrl`), as written; None when the source is inline."""
    inline_source: str | None
    """The text of `<textarea id="source">`, unescaped as remark does; None without one."""
    inline_line: int
    """The line of the page where that text starts: line N of the source is line inline_line + N - 1."""
    options: Mapping[str, Any]
    """Checked remark options under the course settings' names (`highlight_style`, `navigation`, ...)."""
    problems: tuple[Diagnostic, ...]
    """What is left out and why (warnings, in page order)."""
    macros: tuple[str, ...] = field(default=())
    """Names of the JavaScript macros the page defines (`remark.macros.NAME = ...`)."""


def read_remark_page(path: Path, shown: str) -> RemarkPage | None:
    """The remark page at `path` (shown as `shown` in messages); None when it calls no `remark.create(`."""
    return parse_remark_page(path.read_text(encoding="utf-8-sig", errors="replace"), shown)


def parse_remark_page(text: str, shown: str) -> RemarkPage | None:
    """The remark page in `text`; None when no inline script calls `remark.create(`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as browsers read lines (and an editor counts them)
    elements = _Elements(text)
    scripts = [(start, end, jsdata.code_only(text[start:end])) for tag, attrs, start, end in elements.found
               if tag == "script" and "src" not in attrs and SCRIPT_TYPES.fullmatch(attrs.get("type", "").strip())]
    calls = [(start + m.end(), start, end, code) for start, end, code in scripts for m in CREATE.finditer(code)]
    if not calls:
        return None
    problems: dict[int, Diagnostic] = {}

    def report(offset: int, rule: str, message: str) -> None:  # the first problem at a place is the one told
        line, column = jsdata.line_column(text, offset)
        problems.setdefault(offset, Diagnostic(SourceLocation(shown, line, column), "warning", rule, message))

    for after, *_ in calls[1:]:
        report(text.rindex("remark", 0, after), "remark-create",
               "a second remark.create call is left out: only the first one's options are read")
    options, source_url = _options(text, calls[0], report)
    macros = _macros(text, scripts, report)
    title = " ".join(html.unescape(next((text[s:e] for tag, _, s, e in elements.found if tag == "title"), "")).split())
    source = next(((s, e) for tag, attrs, s, e in elements.found if tag == "textarea" and attrs.get("id") == "source"),
                  None)  # the first, as document.getElementById('source') finds it
    return RemarkPage(
        title=title or None,
        styles=tuple((text[s:e], jsdata.line_column(text, s)[0]) for tag, _, s, e in elements.found if tag == "style"),
        stylesheets=tuple((href, jsdata.line_column(text, at)[0]) for href, at in elements.links),
        source_url=source_url,
        inline_source=None if source is None else unescape_source(text[source[0]:source[1]]),
        inline_line=1 if source is None else jsdata.line_column(text, source[0])[0],
        options=options, problems=tuple(sort_diagnostics(problems.values())), macros=macros)


def unescape_source(text: str) -> str:
    """The textarea's text as remark 0.15 unescapes it: `&lt;` `&gt;`, then `&amp;`, then `&quot;`."""
    text = re.sub(r"&[lg]t;", lambda m: "<" if m.group() == "&lt;" else ">", text)
    return text.replace("&amp;", "&").replace("&quot;", '"')


Report = Callable[[int, str, str], None]


def _options(text: str, call: tuple[int, int, int, str], report: Report) -> tuple[dict, str | None]:
    """The checked options of the `remark.create(` call whose `(` ends at `call[0]`, and its sourceUrl."""
    after, start, end, code = call
    script = text[:end]
    pos = jsdata.skip_space(script, after)
    if script.startswith(")", pos):
        return {}, None
    reading = jsdata.read_value(script, pos)
    value = reading.value
    if isinstance(value, jsdata.NotData) and value.kind == "identifier":  # var options = {...}; remark.create(options)
        found = re.search(rf"\b(?:var|let|const)\s+{re.escape(value.text)}\s*=(?!=)", code)
        reading = jsdata.read_value(script, start + found.end()) if found else reading
    for problem in reading.problems:
        report(problem.offset, "remark-script", problem.message)
    if not isinstance(reading.value, dict):
        report(pos, "remark-option", f"the options of remark.create are {_what(value)}, not an object literal; "
                                     f"they are left out")
        return {}, None
    taken: dict[str, Any] = {}
    source_url = None
    for key, item in reading.value.items():
        at_key, at_value = reading.keys[(key,)], reading.starts[(key,)]
        if key == "sourceUrl" and isinstance(item, str) and item.strip():
            source_url = item.strip()
        elif key == "sourceUrl":
            report(at_value, "remark-option", f"sourceUrl is {_what(item)}, not a file name; it is left out")
        elif key in LEFT_OUT:
            report(at_key, "remark-option", f"remark option '{key}' is left out: {LEFT_OUT[key]}")
        elif key not in MAPPED:
            known = [*MAPPED, *LEFT_OUT, "sourceUrl"]
            report(at_key, "remark-option", f"unknown remark option '{key}' is left out{did_you_mean(key, known)}")
        elif isinstance(item, jsdata.NotData):
            why = NOT_DATA.get((key, item.kind), f"it is {item.what}, not plain data")
            report(item.offset, "remark-option", f"remark option '{key}' is left out: {why}")
        elif key == "navigation":
            taken["navigation"] = _navigation(item, reading, report)
        elif key == "excludedClasses":
            taken["exclude_classes"] = _classes(item, reading, report)
        elif (message := SCHEMA.get(MAPPED[key], _boolean)(item)) is not None:
            report(at_value, "remark-option", f"remark option '{key}' is left out: {message}")
        else:
            taken[MAPPED[key]] = item
    return {name: value for name, value in taken.items() if value is not None}, source_url


def _navigation(value: object, reading: jsdata.Reading, report: Report) -> dict | None:
    """The valid members of `navigation: {scroll, touch, click}`; each other one reported."""
    if not isinstance(value, dict):
        report(reading.starts[("navigation",)], "remark-option",
               f"remark option 'navigation' is {_what(value)}, not an object such as {{scroll: false}}; it is left out")
        return None
    checks, kept = SCHEMA["navigation"], {}
    for key, item in value.items():
        at_key, at_value = reading.keys[("navigation", key)], reading.starts[("navigation", key)]
        if key not in checks:
            report(at_key, "remark-option", f"unknown navigation option '{key}' is left out{did_you_mean(key, checks)}")
        elif (message := checks[key](item)) is not None:
            what = f"it is {item.what}, not plain data" if isinstance(item, jsdata.NotData) else message
            report(at_value, "remark-option", f"navigation option '{key}' is left out: {what}")
        else:
            kept[key] = item
    return kept or None


def _classes(value: object, reading: jsdata.Reading, report: Report) -> tuple[str, ...] | None:
    """The class names of `excludedClasses: [...]`; each item that is not a string reported."""
    if not isinstance(value, list):
        report(reading.starts[("excludedClasses",)], "remark-option",
               f"remark option 'excludedClasses' is {_what(value)}, not a list of class names; it is left out")
        return None
    for index, item in enumerate(value):
        if not isinstance(item, str):
            report(reading.starts.get(("excludedClasses", index), reading.starts[("excludedClasses",)]),
                   "remark-option", f"excludedClasses: item {index + 1} is {_what(item)}, not a class name; "
                                    f"it is left out")
    return tuple(item for item in value if isinstance(item, str))


def _macros(text: str, scripts: list[tuple[int, int, str]], report: Report) -> tuple[str, ...]:
    """The names of the JavaScript macros the scripts define, each reported."""
    names = []
    for start, _, code in scripts:
        for found in MACRO.finditer(code):
            name = found.group(1) or jsdata.read_value(text, start + found.start(2)).value
            if isinstance(name, str):
                names.append(name)
                hint = MACRO_HINTS.get(name, MACRO_HINT.format(name=name))
                report(start + found.start(), "remark-macro", f"JavaScript macro '{name}' is left out: {hint}")
    return tuple(names)


def _boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _what(value: object) -> str:
    """How a message names a value's type: `a string`, `a function`, ..."""
    if isinstance(value, jsdata.NotData):
        return value.what
    names = {bool: "true or false", str: "a string", int: "a number", float: "a number", dict: "an object",
             list: "a list", type(None): "null"}
    return names.get(type(value), "a value")


class _Elements(HTMLParser):
    """The elements of a page that matter here, as offsets into its text (lines end with `\\n`)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found: list[tuple[str, dict[str, str], int, int]] = []
        """(tag, attributes, where its text starts, where it ends) of each raw-text element."""
        self.links: list[tuple[str, int]] = []
        """(href, offset) of each stylesheet link."""
        self._open: tuple[str, dict[str, str], int] | None = None
        try:
            self.feed(text)
            self.close()
        except AssertionError:  # html.parser gives up on some broken markup: what it read counts
            pass
        if self._open is not None:  # no end tag: the text runs to the end of the page
            self.found.append((*self._open, len(text)))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values: dict[str, str] = {}
        for name, value in attrs:
            values.setdefault(name, value or "")  # the first of repeated attributes counts
        rel = values.get("rel", "").lower().split()
        if tag == "link" and "stylesheet" in rel and "alternate" not in rel and values.get("href", "").strip():
            self.links.append((values["href"].strip(), self._offset()))
        elif tag in RAW_TEXT and self._open is None:
            self._open = (tag, values, self._offset() + len(self.get_starttag_text() or ""))
            self.set_cdata_mode(tag)  # its text up to </tag> is text, as browsers read it

    handle_startendtag = handle_starttag  # `<script/>` opens a script in browsers too

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and self._open[0] == tag:
            self.found.append((*self._open, self._offset()))
            self._open = None
