"""Code as remark.js shows it: `pre > code.remark-code` with one `div.remark-code-line` per line.

As in remark 0.15, a block with a language is highlighted and drawn as the highlight style's box
(`code.hljs`); a block without one stays plain text in the slide's own colour, unless the course
names a default language (`highlight_language`, remark's highlightLanguage) or asks for it to be
inferred (`auto`: from the file named just before the block, else from its content). A label
highlight.js does not know is still a highlighted box (highlight.js guesses its language; here the
content decides), and `no-highlight`, `nohighlight`, `plain` and `text` keep a block plain.
With `highlight_lines`, a line starting with `*` is highlighted and loses the `*` (`* x` keeps its column: two spaces).
With `highlight_spans`, text between backticks on a line is highlighted too (podium.spans).
With `code_buttons`, each block ends in a copy button (podium/static/code.js copies it as a student
types it: the prompts and output of a shell session left out) and, when the slide names the file
it stands for, a download link to that file.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from ..highlight import highlight_lines
from ..languages import (canonical_language, filename_hint, infer_language, label_fits_file, pygments_lexer_name,
                         sniff_language)
from ..spans import parse_line, spanned_lines
from .env import podium_env

CODE_TOKENS = ("fence", "code_block")
PLAIN_LABELS = frozenset({"no-highlight", "nohighlight", "plain", "text"})
"""Labels that turn highlighting off (highlight.js's own list)."""
AUTO = "auto"
FILE_MARK = re.compile(r"<!--\s*file\s*:\s*(\S+)(?:\s+(?:lines=(\d+)-(\d+)|region=([\w.-]+)))?\s*-->")
"""`<!-- file: NAME -->` (optionally `lines=A-B` or `region=NAME`) just before a block: the lab file it is."""
SESSION_LABELS = frozenset({"console", "shell-session", "sh-session", "terminal"})
"""Labels of a shell session: commands after a prompt, and what they print."""
USER_PROMPT = re.compile(r"\s*\$ ")
ANY_PROMPT = re.compile(r"\s*[$#] ")
SHELL_LABELS = frozenset({"", "sh", "bash", "shell", "zsh"})
"""Labels of a block that is a shell session when its first line starts with a `$ ` prompt."""


def text_before(tokens: list[Token], index: int, source: list[str]) -> str:
    """The slide text between the previous code block (or the slide start) and this block."""
    start = 0
    for back in range(index - 1, -1, -1):
        token = tokens[back]
        if token.type in CODE_TOKENS and token.map:
            start = token.map[1]
            break
    end = tokens[index].map[0] if tokens[index].map else 0
    return "\n".join(source[start:end])


def file_mark(lines: list[str], first: int) -> tuple[re.Match | None, int]:
    """The `<!-- file: -->` comment on the lines just above line `first` (blank lines and other
    comments between them allowed), and its line."""
    number = first - 1
    while number >= 0 and (not lines[number].strip() or lines[number].strip().startswith("<!--")):
        found = FILE_MARK.fullmatch(lines[number].strip())
        if found:
            return found, number
        number -= 1
    return None, -1


def block_name(tokens: list[Token], index: int, source: list[str]) -> str | None:
    """The lab file a code block stands for, as the slide names it (what the site publishes it as)."""
    token = tokens[index]
    if not token.map:
        return None
    found, _ = file_mark(source, token.map[0])
    if found:
        return found.group(1)
    name = filename_hint(text_before(tokens, index, source))
    return name if name and label_fits_file(token.info, name) else None


def session_prompts(code: str, label: str) -> list[int | None] | None:
    """For a shell session, each line's prompt length (a command), or None (what a command printed);
    None when the block is not a session. `$ ` is a prompt; `# ` is one (root's) only in a block
    labelled as a session that has no `$ ` line, since elsewhere it starts a comment. A command
    ending in `\\` goes on in the next line. A `*` marker's spaces may stand before the prompt."""
    lines = code.split("\n")
    label = label.lower()
    first = next((line for line in lines if line.strip()), "")
    if label not in SESSION_LABELS and not (label in SHELL_LABELS and USER_PROMPT.match(first)):
        return None
    prompt = USER_PROMPT if any(USER_PROMPT.match(line) for line in lines) else ANY_PROMPT
    found: list[int | None] = []
    going_on = False
    for line in lines:
        at = prompt.match(line)
        found.append(0 if going_on else at.end() if at else None)
        going_on = found[-1] is not None and line.rstrip().endswith("\\")
    return found


def code_tools(tokens: list[Token], index: int, env: dict) -> Markup:
    """The copy button and, for a block that is a lab file, its download link (last in the `pre`)."""
    name = block_name(tokens, index, podium_env(env).source_lines)
    parts = [Markup('<button type="button" class="podium-copy" aria-label="Copy the code">Copy</button>')]
    if name and not name.startswith("/") and ".." not in name.split("/") and "://" not in name:
        base = name.rsplit("/", 1)[-1]
        parts.append(Markup('<a class="podium-download" href="{}" download="{}">Download {}</a>').format(name, base, base))
    return Markup('<span class="podium-code-tools">{}</span>').format(Markup("").join(parts))


def block_language(tokens: list[Token], index: int, env: dict) -> str | None:
    """The language of a code block: its label, the file named before it, or its content."""
    token = tokens[index]
    info = token.info.strip().split()[0] if token.info.strip() else ""
    before = text_before(tokens, index, podium_env(env).source_lines)
    return infer_language(info, token.content, before).language


def shown_language(tokens: list[Token], index: int, env: dict) -> tuple[str, str | None]:
    """(the code element's language class, the language to highlight with; None: not highlighted)."""
    token = tokens[index]
    label = token.info.strip().split()[0] if token.info.strip() else ""
    if not label:
        default = podium_env(env).options.highlight_language
        if default == AUTO:
            language = block_language(tokens, index, env)
            return language or "", language
        if not default:
            return "", None
        label = default
    if label.lower() in PLAIN_LABELS:
        return label, None
    return label, label if canonical_language(label) else sniff_language(token.content)


def shown_code(token: Token, env: dict) -> str:
    """The code text remark shows, ending in one newline: its rows are the text's lines.

    remark's Markdown (marked) drops the blank lines that end a fenced block, and keeps those
    that follow an indented block (its lexer takes them in): each is an empty row on the slide.
    """
    if token.type == "fence":
        return token.content.rstrip() + "\n"
    lines = podium_env(env).source_lines
    last = token.map[1] - 1 if token.map else len(lines)
    following = next((i for i in range(last + 1, len(lines)) if lines[i].strip()), len(lines) - 1)
    return token.content + "\n" * max(0, following - last)


def unmarked(code: str, env: dict) -> tuple[str, set[int]]:
    """The code without the `*` that marks highlighted lines (with `highlight_lines`), and those lines."""
    marked: set[int] = set()
    if not podium_env(env).options.highlight_lines:
        return code, marked
    lines = code.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("*"):
            marked.add(number)
            lines[number] = "  " + line[2:] if line.startswith("* ") else line[1:]  # remark: /^\*( )?/ -> $1$1
    return "\n".join(lines), marked


def typed_code(code: str, env: dict) -> str:
    """The code as a student types it: without `*` line markers and the backticks of spans."""
    code, _ = unmarked(code, env)
    if podium_env(env).options.highlight_spans:
        code = "\n".join(parse_line(line)[0] for line in code.split("\n"))
    return code


def _render_code(self, tokens: list[Token], index: int, options, env: dict) -> str:
    token = tokens[index]
    code, marked = unmarked(shown_code(token, env), env)
    label, language = shown_language(tokens, index, env)
    boxed = language is not None or (label and label.lower() not in PLAIN_LABELS)
    lines_of = spanned_lines if podium_env(env).options.highlight_spans else highlight_lines
    html_lines = lines_of(code, pygments_lexer_name(language) if language else None)
    buttons = podium_env(env).options.code_buttons
    prompts = session_prompts(code, label) if buttons else None
    rows = []
    for number, html in enumerate(html_lines):
        cls = "remark-code-line remark-code-line-highlighted" if number in marked else "remark-code-line"
        role = Markup("")
        if prompts is not None and number < len(prompts):
            prompt = prompts[number]
            role = Markup(' data-podium-output=""') if prompt is None else Markup(' data-podium-prompt="{}"').format(prompt)
        rows.append(Markup('<div class="{}"{}>{}</div>').format(cls, role, html))
    classes = " ".join(x for x in (label, "remark-code", "hljs" if boxed else "") if x)
    body = Markup("").join(rows)
    tools = code_tools(tokens, index, env) if buttons else Markup("")
    if podium_env(env).options.annotate and token.map:
        first = token.map[0] + (1 if token.type == "fence" else 0)
        return Markup('<pre data-podium-line="{}" data-podium-code="{}"><code class="{}">{}</code>{}</pre>\n').format(
            token.map[0], first, classes, body, tools)
    return Markup('<pre><code class="{}">{}</code>{}</pre>\n').format(classes, body, tools)


def _render_inline_code(self, tokens: list[Token], index: int, options, env: dict) -> str:
    return Markup('<code class="remark-inline-code">{}</code>').format(escape(tokens[index].content))


def code_plugin(md: MarkdownIt) -> None:
    """Install the code render rules."""
    md.add_render_rule("fence", _render_code)
    md.add_render_rule("code_block", _render_code)
    md.add_render_rule("code_inline", _render_inline_code)
