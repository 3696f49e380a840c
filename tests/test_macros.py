"""Macros from the Python registry: Markdown results are parsed again, token results are used as they are."""

from __future__ import annotations

import pytest
from markdown_it.token import Token

from dump import dump_render
from podium.plugins import macros


@pytest.fixture
def registered():
    added = []

    def register(name, function):
        macros.register(name)(function)
        added.append(name)

    yield register
    for name in added:
        macros.MACROS.pop(name, None)


def test_a_macro_returning_markdown_is_parsed_again(registered) -> None:
    registered("shout", lambda call: f"**{call.target.upper()}**")
    registered("twice", lambda call: f"![:shout]({call.args[0]}) ![:shout]({call.args[1]})")
    assert dump_render("![:shout](hello) and ![:twice a, b]") == (
        "<p><strong>HELLO</strong> and <strong>A</strong> <strong>B</strong></p>\n")


def test_a_macro_may_return_tokens(registered) -> None:
    def badge(call):
        opening = Token("span_open", "span", 1, attrs={"class": "badge"})
        text = Token("text", "", 0, content=call.args[0])
        return [opening, text, Token("span_close", "span", -1)]

    registered("badge", badge)
    assert dump_render("The status is ![:badge new <b>]") == '<p>The status is <span class="badge">new &lt;b&gt;</span></p>\n'


def test_a_macro_that_calls_itself_forever_is_stopped(registered) -> None:
    registered("loop", lambda call: "![:loop]")
    assert "macro 'loop' nests deeper than 10 [macro-depth]" in dump_render("![:loop]")
