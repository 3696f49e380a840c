"""Raw slides -> Deck: properties, layouts, templates, continued slides, {{vars}}, numbering."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, did_you_mean
from .lexer import LexResult
from .model import Deck, RawSlide, Slide, SourceLocation, SourceText
from .properties import PROPERTIES, split_classes

LEADING_PROPERTY = re.compile(r"([-\w]+):(.*)")
COMMENT_PROPERTY = re.compile(r"<!--\s*([-\w]+)\s*:(.*?)-->")
VARIABLE = re.compile(r"(\\?)\{\{\s*([^{}\n]*?)\s*\}\}")
CONTENT_SLOT = re.compile(r"\{\{\s*content\s*\}\}")
NOT_INHERITED = frozenset(name for name, prop in PROPERTIES.items() if not prop.inherited)
"""Properties a slide does not take from its layout or template (properties.py says which)."""
RESERVED_COMMENTS = ("check", "file")
"""`<!-- check: ... -->` and `<!-- file: ... -->` markers belong to the checker, not to the slide's properties."""


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """What changes how a deck is resolved (from course.toml)."""

    count_incremental_slides: bool = True
    """False: `--` steps share the number of the slide they continue."""
    exclude_classes: tuple[str, ...] = ()
    """Slides with any of these classes (after inheritance) are left out."""
    inherit_presenter_notes: bool = True
    """remark 0.15 behaviour: notes accumulate from templates, layouts and earlier `--` steps."""


@dataclass(slots=True)
class _Part:
    """One kept slide of the file while templates are resolved."""

    raw: RawSlide
    props: dict[str, str]
    where: dict[str, SourceLocation]
    content: SourceText
    notes: SourceText
    source: int | None = None
    resolved: tuple[dict[str, str], dict[str, SourceLocation], SourceText, SourceText] | None = None
    busy: bool = False
    depth: int = 0
    """How many sources the resolved slide inherits through."""
    problems: list[Diagnostic] = field(default_factory=list)


def _in_inline_code(line: str, position: int) -> bool:
    """Whether `position` of `line` lies inside a backtick code span (an odd run of backticks before it)."""
    return len(re.findall(r"`+", line[:position])) % 2 == 1


def read_properties(raw: RawSlide, head_end: int,
                    code_lines: frozenset[int] = frozenset()) -> tuple[dict[str, str], dict[str, SourceLocation], SourceText]:
    """Take the properties off the head of a slide; their lines are blanked, not deleted.

    Comment properties inside code (fenced, indented or inline) stay where they are.
    """
    text = raw.content.text
    lines = text.split("\n")
    props: dict[str, str] = {}
    where: dict[str, SourceLocation] = {}
    offset, leading = 0, True
    for number, line in enumerate(lines):
        if offset + len(line) > head_end:
            break
        start, offset = offset, offset + len(line) + 1
        if leading and not line.strip():
            continue
        match = LEADING_PROPERTY.fullmatch(line) if leading else None
        if match:
            props[match.group(1)] = match.group(2).strip()
            where[match.group(1)] = raw.content.location(number, 1)
            lines[number] = ""
            continue
        leading = False
        if text.find("<!--", start, head_end) < 0:  # no comment property in the rest of the head
            break
        if number in code_lines or "<!--" not in line:
            continue
        for comment in list(COMMENT_PROPERTY.finditer(line)):
            if comment.group(1) in RESERVED_COMMENTS or _in_inline_code(line, comment.start()):
                continue
            props[comment.group(1)] = comment.group(2).strip()
            where[comment.group(1)] = raw.content.location(number, comment.start() + 1)
            lines[number] = lines[number].replace(comment.group(0), "", 1)
        if not lines[number].strip():
            lines[number] = ""
    return props, where, SourceText("\n".join(lines), raw.content.origins)


def _join(first: SourceText, second: SourceText) -> SourceText:
    """Template content followed by a slide's own content, on a new line."""
    if first.text and not first.text.endswith("\n") and not second.text.startswith("\n"):
        first = first + SourceText("\n", (first.location(len(first.origins) - 1), first.location(len(first.origins) - 1)))
    return first + second


def _splice(template: SourceText, content: SourceText) -> SourceText:
    """The template with `content` at its `{{content}}` (or after it when there is none)."""
    slot = CONTENT_SLOT.search(template.text)
    if slot is None:
        return _join(template, content)
    line = template.text.count("\n", 0, slot.start())
    before = SourceText(template.text[: slot.start()], template.origins[: line + 1])
    after_line = template.text.count("\n", 0, slot.end())
    after = SourceText(template.text[slot.end():], template.origins[after_line:])
    return before + content + after


def _merge_notes(first: SourceText, second: SourceText) -> SourceText:
    if not first.text.strip():
        return second
    if not second.text.strip():
        return first
    gap = SourceText("\n\n", (first.location(len(first.origins) - 1),) * 3)
    return first + gap + second


def expand_variables(text: SourceText, props: dict[str, str]) -> SourceText:
    """Replace `{{name}}` by the slide's property; `\\{{` stays literal; unknown names stay."""
    def value(match: re.Match[str]) -> str:
        name = match.group(2)
        if match.group(1):
            return match.group(0)[1:]
        if name == "content":
            return ""
        return props.get(name, match.group(0))

    if "{{" not in text.text:
        return text
    return SourceText(VARIABLE.sub(value, text.text), text.origins)


def parse(lexed: LexResult, source: Path, path: str, options: ParseOptions) -> tuple[Deck, list[Diagnostic]]:
    """Resolve the raw slides of one file into a Deck."""
    problems: list[Diagnostic] = []
    parts: list[_Part] = []
    all_names: dict[str, list[SourceLocation]] = {}
    for raw, head_end, code_lines in zip(lexed.slides, lexed.head_ends, lexed.code_lines):
        props, where, content = read_properties(raw, head_end, code_lines)
        problems += _validate(props, where)
        if "name" in props:
            all_names.setdefault(props["name"], []).append(where["name"])
        if props.get("exclude", "").lower() == "true":
            continue
        notes = raw.notes or SourceText.at("", raw.location)
        parts.append(_Part(raw, props, where, content, notes))

    _choose_sources(parts, path, problems)
    used = set(m.group(2) for p in parts if "{{" in p.content.text for m in VARIABLE.finditer(p.content.text))
    problems += _unknown_properties(parts, used)

    slides: list[Slide] = []
    names: dict[str, int] = {}
    number = 0
    for part in parts:
        if part.props.get("layout", "").lower() == "true":
            continue
        props, where, content, notes = _resolve(part, parts, options, problems)
        classes = split_classes(props.get("class", ""))
        if set(classes) & set(options.exclude_classes):
            continue
        counted = part.props.get("count", "").lower() != "false"
        if part.raw.continued and not options.count_incremental_slides and "count" not in part.props:
            counted = False
        number += counted
        name = part.props.get("name") or None
        if name is not None:
            names.setdefault(name, len(slides))
        slides.append(Slide(
            index=len(slides), number=number, name=name, classes=classes, properties=props, where=where,
            content=expand_variables(content, props), notes=notes, continued=part.raw.continued,
            location=part.raw.location))
    deck = Deck(source=source, path=path, stem=source.stem, slides=tuple(slides), names=names,
                all_names={k: tuple(v) for k, v in all_names.items()}, total=number, lexed=lexed)
    return deck, problems


def _choose_sources(parts: list[_Part], path: str, problems: list[Diagnostic]) -> None:
    """Pick each slide's template: previous step, named template, or the current layout."""
    layout: int | None = None
    by_name: dict[str, list[int]] = {}
    for i, part in enumerate(parts):
        if part.props.get("name"):
            by_name.setdefault(part.props["name"], []).append(i)
    for i, part in enumerate(parts):
        is_layout = part.props.get("layout", "").lower() == "true"
        if part.props.get("layout", "").lower() == "false":
            layout = None
        if part.raw.continued and i > 0:
            part.source = i - 1
        elif "template" in part.props:
            wanted = part.props["template"]
            found = by_name.get(wanted, [])
            if found:
                before = bisect.bisect_left(found, i)
                part.source = found[before - 1] if before else found[0]
            else:
                problems.append(Diagnostic(
                    part.where["template"], "error", "unknown-template",
                    f"no slide is named '{wanted}'{did_you_mean(wanted, by_name)}"))
        elif layout is not None and not is_layout:
            part.source = layout
        if is_layout:
            layout = i


MAX_TEMPLATE_CHAIN = 50
"""How many templates, layouts and `--` steps a slide may inherit through, one from the next."""


def _resolve(part: _Part, parts: list[_Part], options: ParseOptions,
             problems: list[Diagnostic]) -> tuple[dict[str, str], dict[str, SourceLocation], SourceText, SourceText]:
    """Properties, content and notes of a slide after inheriting from its source (memoised).

    The chain of sources is walked without recursion: a cycle, or a chain longer than
    MAX_TEMPLATE_CHAIN, is cut with an error where it is found and that slide keeps its own."""
    chain: list[_Part] = []
    at: _Part | None = part
    cycle: _Part | None = None
    while at is not None and at.resolved is None:
        if at.busy:
            problems.append(Diagnostic(
                at.where.get("template", at.raw.location), "error", "template-cycle",
                f"template cycle: slide '{at.props.get('name', '?')}' ends up inheriting from itself"))
            cycle = at
            break
        at.busy = True
        chain.append(at)
        at = parts[at.source] if at.source is not None else None
    for item in reversed(chain):
        item.busy = False
        if item.source is None:
            _cut(item)
            continue
        base = parts[item.source]
        if base is cycle and cycle.resolved is None:  # the cycle closes here: inherit its own part
            item.resolved, item.depth = _inherit(item, _own(base), options), 1
            continue
        if base.depth >= MAX_TEMPLATE_CHAIN:
            problems.append(Diagnostic(
                item.where.get("template", item.raw.location), "error", "template-chain-too-long",
                f"this slide inherits through more than {MAX_TEMPLATE_CHAIN} templates, layouts or "
                f"'--' steps (the limit); it is shown without them"))
            _cut(item)
            continue
        item.resolved, item.depth = _inherit(item, base.resolved, options), base.depth + 1
    assert part.resolved is not None
    return part.resolved


def _own(part: _Part) -> tuple[dict[str, str], dict[str, SourceLocation], SourceText, SourceText]:
    return dict(part.props), dict(part.where), part.content, part.notes


def _cut(part: _Part) -> None:
    """The slide resolves to its own properties, content and notes."""
    part.resolved, part.depth = _own(part), 0


def _inherit(part: _Part, base: tuple[dict[str, str], dict[str, SourceLocation], SourceText, SourceText],
             options: ParseOptions) -> tuple[dict[str, str], dict[str, SourceLocation], SourceText, SourceText]:
    """A slide's own properties, content and notes on top of its resolved source's."""
    base_props, base_where, base_content, base_notes = base
    props, where = dict(part.props), dict(part.where)
    for key, value in base_props.items():
        if key in NOT_INHERITED:
            continue
        if key == "class" and "class" in props:
            props["class"] = f"{value}, {props['class']}" if value else props["class"]
        elif key not in props:
            props[key], where[key] = value, base_where[key]
    content = _splice(base_content, part.content)
    notes = _merge_notes(base_notes, part.notes) if options.inherit_presenter_notes else part.notes
    return props, where, content, notes


def _validate(props: dict[str, str], where: dict[str, SourceLocation]) -> list[Diagnostic]:
    problems = []
    for key, value in props.items():
        known = PROPERTIES.get(key)
        message = known.validate(value) if known else None
        if message:
            problems.append(Diagnostic(where[key], "warning", "property-value", f"{key}: {message}"))
    return problems


def _unknown_properties(parts: list[_Part], used: set[str]) -> list[Diagnostic]:
    """Warn about a property that is neither known nor used as {{var}} but close to a known one."""
    problems = []
    for part in parts:
        for key in part.props:
            if key in PROPERTIES or key in used:
                continue
            hint = did_you_mean(key, PROPERTIES)
            if hint:
                problems.append(Diagnostic(
                    part.where[key], "warning", "unknown-property",
                    f"'{key}' is not a slide property and no {{{{{key}}}}} uses it{hint}"))
    return problems

