"""Code as remark.js shows it: `pre > code.remark-code` with one `div.remark-code-line` per line.

Unlabelled blocks get a language from the file named just before them or from their content.
With `highlight_lines`, a line starting with `*` is highlighted and the `*` becomes a space.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from ..highlight import highlight_lines
from ..languages import infer_language, pygments_lexer_name

CODE_TOKENS = ("fence", "code_block")


def text_before(tokens: list[Token], index: int, source: list[str]) -> str:
    """The slide text between the previous code block (or the slide start) and this block."""
    start = 0
    for token in reversed(tokens[:index]):
        if token.type in CODE_TOKENS and token.map:
            start = token.map[1]
            break
    end = tokens[index].map[0] if tokens[index].map else 0
    return "\n".join(source[start:end])


def block_language(tokens: list[Token], index: int, env: dict) -> str | None:
    """The language of a code block: its label, the file named before it, or its content."""
    token = tokens[index]
    info = token.info.strip().split()[0] if token.info.strip() else ""
    before = text_before(tokens, index, env.get("podium_source_lines", []))
    return infer_language(info, token.content, before).language


def _render_code(self, tokens: list[Token], index: int, options, env: dict) -> str:
    token = tokens[index]
    code = token.content
    marked: set[int] = set()
    if env.get("podium_highlight_lines"):
        lines = code.split("\n")
        for number, line in enumerate(lines):
            if line.startswith("*"):
                marked.add(number)
                lines[number] = " " + line[1:]
        code = "\n".join(lines)
    language = block_language(tokens, index, env)
    html_lines = highlight_lines(code, pygments_lexer_name(language) if language else None)
    rows = []
    for number, html in enumerate(html_lines):
        cls = "remark-code-line remark-code-line-highlighted" if number in marked else "remark-code-line"
        rows.append(Markup('<div class="{}">{}</div>').format(cls, html))
    classes = " ".join(x for x in (language, "remark-code", "hljs") if x)
    return Markup('<pre><code class="{}">{}</code></pre>\n').format(classes, Markup("").join(rows))


def _render_inline_code(self, tokens: list[Token], index: int, options, env: dict) -> str:
    return Markup('<code class="remark-inline-code">{}</code>').format(escape(tokens[index].content))


def code_plugin(md: MarkdownIt) -> None:
    """Install the code render rules."""
    md.add_render_rule("fence", _render_code)
    md.add_render_rule("code_block", _render_code)
    md.add_render_rule("code_inline", _render_inline_code)
