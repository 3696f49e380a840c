"""The table of code languages, and how to tell which language a code block is written in.

Used by the syntax highlighter (which Pygments lexer) and by the code checker (which validator).
A block's language comes from its fence label, else from the file the text just before it names
("Create a file called `app.py`:"), else from its content.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from typing import Literal

import yaml

from .language_table import BY_ALIAS, BY_NAME, LANGUAGES, Language

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

log = logging.getLogger(__name__)
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it: only used to recognise YAML, not to report."""

__all__ = ["BY_ALIAS", "BY_NAME", "LANGUAGES", "Language"]  # the table, for the modules that use it


NOT_FILENAMES = frozenset(
    "node.js vue.js next.js nuxt.js react.js express.js d3.js three.js".split())
"""Product names that look like file names (lower case)."""

HINT_WINDOW = 4
"""How many non-blank lines before a code block may name its file."""

SHELL_LIKE = frozenset({"shell", "console"})
"""Command lines: a block of these after a file name runs the file rather than showing it."""
YAML_FAMILY = frozenset({"yaml", "compose", "kubernetes"})
"""YAML, and the YAML formats that content can tell apart from plain YAML."""
SHELLS = frozenset("sh bash zsh dash ksh ash".split())
"""Interpreters a `#!` line can name for a shell script."""

REQUIREMENT_RE = re.compile(
    r"""^(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*
    (?P<extras>\[\s*(?:[A-Za-z0-9][\w.-]*\s*(?:,\s*[A-Za-z0-9][\w.-]*\s*)*)?\])?\s*
    (?:(?P<url>@\s*\S+)
      |(?P<spec>\(?\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[\w.*+!-]+
        (?:\s*,\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[\w.*+!-]+)*\s*\)?)
    )?\s*
    (?P<marker>;\s*\S.*)?$""",
    re.VERBOSE,
)
"""One PEP 508 requirement: name, extras, version specifiers or `@ url`, environment marker."""

WELL_KNOWN_PACKAGES = frozenset(
    "flask redis django requests numpy pandas fastapi uvicorn gunicorn celery sqlalchemy "
    "psycopg2 psycopg2-binary pytest boto3 jinja2 pyyaml click pydantic scipy matplotlib "
    "werkzeug pymongo kafka-python httpx aiohttp starlette alembic".split()
)
"""Package names that make a plain list of words look like a requirements file."""

SHELL_COMMANDS = frozenset(
    "docker docker-compose podman kubectl minikube helm kind tye git pip pip3 python python3 "
    "npm npx yarn node cargo make curl wget cd ls mkdir rm cp mv cat echo export source sudo "
    "apt apt-get yum dnf apk brew chmod chown ssh scp tar grep touch systemctl terraform aws "
    "gcloud az df ps kill watch set unset alias which env printf ln find sed awk head tail "
    "openssl unzip virtualenv venv poetry pipenv".split()
)
"""First words of command lines: a block made only of these is a shell script."""

SHELL_KEYWORDS = frozenset(
    "if then else elif fi for while until do done case esac function".split())
"""Shell words that may start a line of a script."""

_OPTION = re.compile(r"^(?:-[rcefi]\s*\S|--[a-z][a-z-]*(?:[=\s]|$))")
_FROM_LINE = re.compile(r"^FROM\s+(?:--\S+\s+)*\S+(?:\s+AS\s+\S+)?\s*$", re.IGNORECASE)
_PYTHON_STRONG = re.compile(
    r"^(?:import [\w.]+|from [\w.]+ import |def \w+\s*\(|async def \w+|class \w+\s*[(:]"
    r"|@[\w.]+|if __name__ ?==)", re.MULTILINE)
_TOML_TABLE = re.compile(r"^\s*\[\[?[\w.\-\" ]+\]\]?\s*$", re.MULTILINE)
_TOML_KEY = re.compile(r"^\s*[\w.\-\"]+\s*=\s*\S", re.MULTILINE)
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?[\w.\-\"']+:(?:\s|$)", re.MULTILINE)
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_MENTION = re.compile(r"`([^`\n]+)`|([\w.][\w./-]*)")
_URL = re.compile(r"\]\([^)]*(?:\)|$)")
"""A link's target in Markdown (to the end of the line when it is not closed)."""
_WORDS = re.compile(r"(\s+)")
_BOUNDARY = re.compile(r"^\s*(?:```|~~~)|^(?:---|--|\?\?\?)\s*$")


@dataclass(frozen=True, slots=True)
class Inference:
    """The language of one code block, and what it was told by."""

    language: str | None
    """Canonical language name (or a Pygments alias), None when unknown."""
    source: Literal["label", "filename", "content", "none"]
    """What decided it: the fence label, a file named just before the block, or the code."""
    filename: str | None = None
    """The file named just before the block, if any (even when something else decided)."""


@functools.lru_cache(maxsize=256)
def canonical_language(info: str) -> str | None:
    """The language a fence label means: our canonical name, else a Pygments alias, else None."""
    word = info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""
    if not word:
        return None
    if word in BY_ALIAS:
        return BY_ALIAS[word].name
    from .highlight import PYGMENTS

    with PYGMENTS:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            return get_lexer_by_name(word).aliases[0]
        except ClassNotFound:
            return None


FILENAME_PATTERNS = tuple((pattern.lower().partition("*"), len(pattern) - pattern.count("*"), lang.name)
                          for lang in LANGUAGES for pattern in lang.filenames)
"""((prefix, "*" or "", suffix), weight, language) for every pattern of the table, in table order."""


@functools.lru_cache(maxsize=4096)
def language_from_filename(name: str) -> str | None:
    """The language of a file, from its base name; the most specific pattern wins."""
    base = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].lower()
    if not base:
        return None
    best: tuple[int, str] | None = None
    for (prefix, star, suffix), weight, language in FILENAME_PATTERNS:
        if star:
            matched = len(base) >= len(prefix) + len(suffix) and base.startswith(prefix) and base.endswith(suffix)
        else:
            matched = base == prefix
        if matched and (best is None or weight > best[0]):
            best = (weight, language)
    return best[1] if best else None


def _is_filename(token: str) -> bool:
    base = token.rstrip("/").rsplit("/", 1)[-1]
    if not base or token.lower() in NOT_FILENAMES or language_from_filename(base) is None:
        return False
    stem = base.split(".", 1)[0] if not base.startswith(".") else ""
    if not stem:  # ".py" is an extension, ".env" a file
        return any(base.lower() == p.lower() for lang in LANGUAGES for p in lang.filenames)
    return True


def label_fits_file(label: str, name: str) -> bool:
    """Whether a block labelled `label` can be the file `name` that the text before it names: a
    `python` block after a sentence naming `theme.css` is not that file. No label, a plain one or
    one of an unknown language fits any file."""
    labelled = canonical_language(label) if label.strip() else None
    named = language_from_filename(name)
    if labelled is None or named is None or labelled == "text":
        return True
    return labelled == named or {labelled, named} <= YAML_FAMILY


def _without_urls(line: str) -> str:
    """The line with its URLs and link targets blanked (in time linear in the line)."""
    if "://" in line:
        line = "".join(" " if "://" in word else word for word in _WORDS.split(line))
    return _URL.sub(" ", line) if "](" in line else line


def filename_hint(text_before: str) -> str | None:
    """The file named last in the few lines before a code block, e.g. `app.py`."""
    window: list[str] = []
    for line in reversed(text_before.splitlines()):
        if _BOUNDARY.match(line) or len(window) >= HINT_WINDOW:
            break
        if line.strip():
            window.append(line)
    found: str | None = None
    for line in reversed(window):
        for match in _MENTION.finditer(_without_urls(line)):
            quoted, bare = match.groups()
            token = (quoted or bare).strip()
            if bare:
                token = token.rstrip(".,:;!?)")
            token = token.removeprefix("./")
            if token and not any(c.isspace() for c in token) and _is_filename(token):
                found = token
    return found


def _logical_lines(code: str) -> list[str]:
    """Non-blank, non-comment lines, with backslash continuations joined."""
    lines: list[str] = []
    pending = ""
    for raw in code.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        if (pending + line).strip():
            lines.append((pending + line).strip())
        pending = ""
    if pending.strip():
        lines.append(pending.strip())
    return lines


def _is_dockerfile(code: str) -> bool:
    for line in _logical_lines(code):
        if line.split(maxsplit=1)[0].upper() != "ARG":
            return bool(_FROM_LINE.match(line))
    return False


def _is_shell(lines: list[str]) -> bool:
    def command(line: str) -> bool:
        words = line.split()
        if words[0] == "sudo" and len(words) > 1:
            words = words[1:]
        first = words[0].rstrip(";")
        return (first in SHELL_COMMANDS or first in SHELL_KEYWORDS
                or bool(_ASSIGNMENT.match(first)) or line.startswith(("|", "&&", "||")))
    return bool(lines) and all(command(line) for line in lines)


def _runs_a_command(code: str) -> bool:
    """Whether some line of the block starts with a known command or a `$ ` prompt."""
    for line in code.splitlines():
        words = line.strip().removeprefix("$ ").removeprefix("sudo ").split()
        if words and (words[0] in SHELL_COMMANDS or line.lstrip().startswith("$ ")):
            return True
    return False


def _is_requirements(lines: list[str]) -> bool:
    if not lines:
        return False
    specific = False
    for line in lines:
        line = re.sub(r"\s+#.*$", "", line)
        if _OPTION.match(line):
            specific = True
            continue
        match = REQUIREMENT_RE.match(line)
        if not match:
            return False
        name = match["name"].lower()
        specific = specific or bool(match["spec"] or match["url"] or match["marker"])
        specific = specific or name in WELL_KNOWN_PACKAGES
    return specific


def _yaml_kind(code: str) -> str | None:
    try:
        docs = [doc for doc in yaml.load_all(code, Loader=FAST_LOADER) if doc is not None]
    except (yaml.YAMLError, ValueError, TypeError):
        return None
    if not docs or not all(isinstance(doc, (dict, list)) for doc in docs):
        return None
    maps = [doc for doc in docs if isinstance(doc, dict)]
    if any(isinstance(doc.get("services"), dict) for doc in maps):
        return "compose"
    if maps and any("apiVersion" in doc and "kind" in doc for doc in maps):
        return "kubernetes"
    if code.lstrip().startswith("---") or len(_YAML_KEY.findall(code)) >= 2:
        return "yaml"
    return None


def _compiles(code: str) -> bool:
    try:
        compile(code, "<sniff>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # the last two: nested too deep
        return False
    return True


def sniff_language(code: str) -> str | None:
    """A conservative guess of the language from the code alone; None when unsure."""
    text = code.strip()
    if not text:
        return None
    lines = _logical_lines(code)
    if text[0] in "{[":
        try:
            json.loads(text)
            return "json"
        except (ValueError, RecursionError):
            pass
    if _is_dockerfile(code):
        return "dockerfile"
    if text.startswith("#!"):
        words = text[2:].split("\n", 1)[0].split() or [""]
        prog = words[0].rsplit("/", 1)[-1]
        if prog == "env" and len(words) > 1:
            prog = words[1]
        return "python" if prog.startswith("python") else "shell" if prog in SHELLS else None
    if any(raw.startswith("$ ") for raw in code.splitlines()):
        return "console"
    if _PYTHON_STRONG.search(code):
        return "python"
    kind = _yaml_kind(code)
    if kind:
        return kind
    if _TOML_TABLE.search(code) and _TOML_KEY.search(code):
        try:
            tomllib.loads(code)
            return "toml"
        except tomllib.TOMLDecodeError:
            pass
    if _is_requirements(lines):
        return "requirements"
    if _is_shell(lines):
        return "shell"
    if _compiles(code) and ("print(" in code or re.search(r":\n[ \t]+\S", code)):
        return "python"
    return None


def infer_language(info: str, code: str, text_before: str) -> Inference:
    """The language of a code block: its label, else the file named before it, else its code."""
    hint = filename_hint(text_before)
    if info.strip():
        language = canonical_language(info)
        if language == "yaml" and (sniffed := sniff_language(code)) in YAML_FAMILY:
            return Inference(sniffed, "content", hint)
        return Inference(language, "label" if language else "none", hint)
    from_name = language_from_filename(hint) if hint else None
    if from_name:
        if from_name == "yaml" and (sniffed := sniff_language(code)) in YAML_FAMILY:
            return Inference(sniffed, "content", hint)
        if from_name not in SHELL_LIKE and _runs_a_command(code) and (sniffed := sniff_language(code)) in SHELL_LIKE:
            log.debug("block after %s is a command line, not the file", hint)
            return Inference(sniffed, "content", hint)
        return Inference(from_name, "filename", hint)
    sniffed = sniff_language(code)
    if sniffed:
        return Inference(sniffed, "content", hint)
    return Inference(None, "none", hint)


def pygments_lexer_name(language: str) -> str:
    """The Pygments lexer alias for a language name or fence label; `text` if none fits."""
    lang = BY_NAME.get(language)
    if lang:
        return lang.lexer
    canonical = canonical_language(language)
    if canonical is None:
        return "text"
    return BY_NAME[canonical].lexer if canonical in BY_NAME else canonical
