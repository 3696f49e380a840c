"""Macros `![:name arg1, arg2](target)`: a registry of Python functions, `scale` built in.

A macro returns Markdown (parsed again, so macros may use macros) or markdown-it tokens.
An unknown macro is reported as a diagnostic and its text is kept as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Union

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from .env import podium_env

MACRO = re.compile(r"!\[:([^\s\]]+)[ \t]*([^\]]*)\](?:\(([^)]*)\))?")
MAX_DEPTH = 10


@dataclass(frozen=True, slots=True)
class MacroCall:
    """One use of a macro in a slide."""

    name: str
    """The macro's name (after the colon)."""
    args: tuple[str, ...]
    """Arguments split on commas and trimmed."""
    target: str
    """The text in the parentheses after the brackets (may be empty)."""


MacroResult = Union[str, list[Token]]
Macro = Callable[[MacroCall], MacroResult]


def scale(call: MacroCall) -> list[Token]:
    """`![:scale 50%](img.png)`: the image at that width."""
    width = call.args[0] if call.args and call.args[0] else "100%"
    token = Token("image", "img", 0, attrs={"src": call.target, "alt": "", "style": f"width: {width}"},
                  children=[], content="", meta={"macro": call.name})
    return [token]


MACROS: dict[str, Macro] = {"scale": scale}
"""Name -> macro. Add to it with `register`."""


def register(name: str) -> Callable[[Macro], Macro]:
    """Decorator that adds a macro under `name`."""
    def add(function: Macro) -> Macro:
        MACROS[name] = function
        return function
    return add


def _macro_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("![:", state.pos):
        return False
    match = MACRO.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if silent:
        state.pos = match.end()
        return True
    name = match.group(1)
    call = MacroCall(name, tuple(a.strip() for a in match.group(2).split(",")) if match.group(2).strip() else (),
                     match.group(3) or "")
    macro = MACROS.get(name)
    depth = podium_env(state.env).macro_depth
    if macro is None or depth >= MAX_DEPTH:
        report = podium_env(state.env).report
        if report:
            line = state.src.count("\n", 0, state.pos)
            column = state.pos - (state.src.rfind("\n", 0, state.pos) + 1) + 1
            reason = (f"unknown macro '{name}'" if macro is None else f"macro '{name}' nests deeper than {MAX_DEPTH}")
            report(line, column, "unknown-macro" if macro is None else "macro-depth", reason, name,
                   tuple(MACROS) if macro is None else ())
        state.pending += match.group(0)
        state.pos = match.end()
        return True
    result = macro(call)
    if isinstance(result, str):
        children: list[Token] = []
        podium_env(state.env).macro_depth = depth + 1
        state.md.inline.parse(result, state.md, state.env, children)
        podium_env(state.env).macro_depth = depth
        result = children
    for token in result:
        state.push(token.type, token.tag, token.nesting)
        state.tokens[-1] = token
    state.pos = match.end()
    return True


def macros_plugin(md: MarkdownIt) -> None:
    """Register the macro rule ahead of images."""
    md.inline.ruler.before("image", "macro", _macro_rule)
