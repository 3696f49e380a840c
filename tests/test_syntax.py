"""remark syntax, stage by stage, from the dot-delimited fixture files in fixtures/syntax/.

Each case is: a title, `.`, a deck source, `.`, the expected dump, `.`. `\\r` in a source stands
for a carriage return.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from dump import dump_deck, dump_lex, dump_render

SYNTAX = Path(__file__).resolve().parent / "fixtures" / "syntax"
DUMPS = {
    "split": dump_lex,
    "resolve": dump_deck,
    "resolve-nocount": lambda s: dump_deck(s, count_incremental_slides=False, exclude_classes=("draft",)),
    "resolve-newnotes": lambda s: dump_deck(s, inherit_presenter_notes=False),
    "render": dump_render,
    "render-lines": lambda s: dump_render(s, highlight_lines=True),
    "render-auto": lambda s: dump_render(s, highlight_language="auto"),
    "render-yaml": lambda s: dump_render(s, highlight_language="yaml"),
    "render-spans": lambda s: dump_render(s, highlight_spans=True),
    "render-spans-lines": lambda s: dump_render(s, highlight_spans=True, highlight_lines=True),
    "render-spans-off": lambda s: dump_render(s, highlight_lines=True),
    "render-buttons": lambda s: dump_render(s, highlight_lines=True, code_buttons=True),
}


def source_of(text: str) -> str:
    """The deck source of a fixture: `\\r` is a carriage return; the final newline is not part of it."""
    text = text.replace("\\r", "\r")
    return text[:-1] if text.endswith("\n") else text


def _cases():
    for kind in DUMPS:
        path = SYNTAX / f"{kind}.md"
        for line, title, source, expected in read_fixture_file(path):
            yield pytest.param(kind, source, expected, id=f"{kind}:{line + 1}:{title}")


@pytest.mark.parametrize("kind, source, expected", list(_cases()))
def test_syntax(kind: str, source: str, expected: str) -> None:
    assert DUMPS[kind](source_of(source)) == expected
