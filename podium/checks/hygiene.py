"""Slide hygiene: what students cannot see, and remark.js traps that change what a slide shows."""

from __future__ import annotations

import re
from typing import Iterator

from ..diagnostics import Diagnostic
from ..parser import VARIABLE, read_properties
from ..properties import PROPERTIES
from ..textscan import INLINE_CODE
from .deck import CheckedDeck

SEPARATORS = ("---", "--", "???")
URL_SCHEMES = ("http", "https", "ftp", "mailto", "file")
CLASS_IN_WORD = re.compile(r"(?<![\w.\\-])(\w+)((?:\.[A-Za-z_-][\w-]*)+)\[")


def _content_problems(checked: CheckedDeck) -> Iterator[Diagnostic]:
    for ref in checked.references:
        if ref.kind == "link" and not ref.text.strip() and not ref.raw_html:
            yield Diagnostic(ref.location, "warning", "empty-link-text",
                             f"link to {ref.url} has no text, so it is invisible on the slide", ref.slide + 1)
        elif ref.kind == "image" and not ref.text.strip() and not ref.generated:
            yield Diagnostic(ref.location, "warning", "image-alt",
                             f"image {ref.url} has no alt text for screen readers and failed loads", ref.slide + 1)
    for parsed in checked.parsed:
        number = parsed.slide.index + 1
        for token in parsed.tokens:
            if token.type == "fence" and len(token.info.split()) > 1 and token.map:
                yield Diagnostic(parsed.slide.content.location(token.map[0], 1), "warning", "fence-info-space",
                                 f"remark.js does not read '{token.markup}{token.info}' as a code fence "
                                 "(its info string has a space)", number)
            if token.type == "heading_open" and token.meta.get("tight") and token.map:
                yield Diagnostic(parsed.slide.content.location(token.map[0], 1), "warning", "heading-space",
                                 f"'{token.markup}' without a space is a heading in remark.js but not in other "
                                 f"Markdown tools; write '{token.markup} ' followed by the title", number)


def _property_traps(props: dict, where: dict, used: set[str]) -> Iterator[Diagnostic]:
    for name, value in props.items():
        if name in PROPERTIES or name in used:
            continue
        if name.lower() in URL_SCHEMES:
            yield Diagnostic(where[name], "warning", "property-trap",
                             f"the line '{name}:{value}' is read as a slide property and not shown; "
                             f"write it as <{name}:{value}> to keep it as a link")
        elif name[:1].isupper() or len(value.split()) > 1:
            yield Diagnostic(where[name], "warning", "property-trap",
                             f"the line '{name}: {value}' is read as a slide property and not shown; "
                             f"write '{name}\\:' to keep it as text")


def _source_problems(checked: CheckedDeck) -> Iterator[Diagnostic]:
    """Traps found in the file as written: property lines, separators, classes inside words."""
    lexed = checked.deck.lexed
    used = {m.group(2) for raw in lexed.slides if "{{" in raw.content.text for m in VARIABLE.finditer(raw.content.text)}
    for raw, head_end, code in zip(lexed.slides, lexed.head_ends, lexed.code_lines):
        props, where, _ = read_properties(raw, head_end, code)
        yield from _property_traps(props, where, used)
        texts = [(raw.content, code)] + ([(raw.notes, frozenset())] if raw.notes else [])
        for text, code_lines in texts:
            for number, line in enumerate(text.text.split("\n")):
                if number in code_lines:
                    continue
                stripped = line.strip()
                if stripped in SEPARATORS and line != stripped:
                    yield Diagnostic(text.location(number, 1), "warning", "separator-spaces",
                                     f"'{stripped}' with spaces around it is not a separator; remove the spaces")
                elif line in SEPARATORS:
                    yield Diagnostic(text.location(number, 1), "warning", "separator-in-class",
                                     f"'{line}' inside a content class .name[...] is not a separator")
                if "[" not in line:
                    continue
                for found in CLASS_IN_WORD.finditer(INLINE_CODE.sub(lambda m: " " * len(m.group()), line)):
                    classes = found.group(2)
                    yield Diagnostic(text.location(number, found.start(2) + 1), "warning", "class-in-word",
                                     f"'{found.group(1)}{classes}[' reads as a content class {classes}; "
                                     f"write '{found.group(1)}\\{classes}[' to keep the text")


def check_hygiene(checked: CheckedDeck) -> Iterator[Diagnostic]:
    """Every hygiene finding of a deck."""
    yield from _content_problems(checked)
    yield from _source_problems(checked)
