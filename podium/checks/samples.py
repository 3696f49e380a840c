"""Validators for code samples, and the copy-paste hazards looked for in every sample.

`validate_sample(language, code)` runs the validator of the block's language (the table
`VALIDATORS`) and `hazards`. Problems carry 0-based lines inside the block, so the caller adds
the block's first line to place them in the deck.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import warnings
from types import MappingProxyType
from typing import Callable, Mapping

from ..diagnostics import did_you_mean
from ..languages import canonical_language
from .dockerfile import check_dockerfile
from .sample_problem import SampleProblem, error, last_line, warning
from .yaml_samples import check_compose, check_kubernetes, check_yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

__all__ = ["SampleProblem", "VALIDATORS", "hazards", "validate_sample"]

log = logging.getLogger(__name__)

Validator = Callable[[str], list[SampleProblem]]

SMART_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
"""Curly quotes and the straight quote the code needs instead."""

INVISIBLE = {
    "\u00a0": "non-breaking space (U+00A0); replace it with a plain space",
    "\u200b": "zero-width space (U+200B); delete it",
    "\u200c": "zero-width non-joiner (U+200C); delete it",
    "\u200d": "zero-width joiner (U+200D); delete it",
    "\u2060": "word joiner (U+2060); delete it",
    "\ufeff": "zero-width no-break space (U+FEFF); delete it",
}
"""Characters that look like nothing or like a space, and break code that contains them."""

QUOTE_SENSITIVE = frozenset(
    "python json yaml shell dockerfile compose kubernetes toml requirements".split())
"""Languages where a curly quote breaks the code (elsewhere it is only a warning)."""

YAML_LANGUAGES = frozenset({"yaml", "compose", "kubernetes"})
"""Languages that forbid tabs in indentation."""

REQUIREMENT_OPTIONS = {
    "-r": True, "--requirement": True, "-c": True, "--constraint": True, "-e": True,
    "--editable": True, "-i": True, "--index-url": True, "--extra-index-url": True,
    "--no-index": False, "-f": True, "--find-links": True, "--no-binary": True,
    "--only-binary": True, "--prefer-binary": False, "--pre": False, "--require-hashes": False,
    "--trusted-host": True, "--use-feature": True,
}
"""Options a requirements file may have on a line of their own, and whether they take a value."""

REQUIREMENT_FLAGS = ("--hash", "--config-settings", "--global-option")
"""Options that may follow a requirement on its line."""

SHELL_TIMEOUT = 10.0
"""Seconds `bash -n` may take on one sample."""

_BASH_ERROR = re.compile(r"^.*?: line (\d+): (.*)$")
_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
_URL_OR_PATH = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|file:|\.{0,2}/)\S*$|^\.{1,2}$|^\S+\.(?:whl|tar\.gz|zip)$")


def _sentence(text: str) -> str:
    return " ".join(str(text).split()).rstrip(".")


def check_python(code: str) -> list[SampleProblem]:
    """Python that does not compile; compile-time warnings (e.g. bad escapes) as warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            compile(code, "<sample>", "exec", dont_inherit=True)
        except SyntaxError as exc:
            line = min((exc.lineno or 1) - 1, last_line(code))
            return [error(line, exc.offset or 1, "python-syntax",
                          f"Python syntax error: {_sentence(exc.msg)}")]
        except ValueError as exc:  # e.g. a NUL character
            return [error(0, 1, "python-syntax", f"Python cannot compile this: {_sentence(exc)}")]
    return [warning(item.lineno - 1, 1, "python-syntax", f"Python warns: {_sentence(item.message)}")
            for item in caught
            if item.filename == "<sample>"
            and issubclass(item.category, (SyntaxWarning, DeprecationWarning))]


def check_json(code: str) -> list[SampleProblem]:
    """JSON that does not parse."""
    try:
        json.loads(code)
    except json.JSONDecodeError as exc:
        line = min(exc.lineno - 1, last_line(code))
        column = exc.colno if line == exc.lineno - 1 else len(code.split("\n")[line]) + 1
        return [error(line, column, "json-syntax", f"JSON syntax error: {exc.msg}")]
    return []


def check_toml(code: str) -> list[SampleProblem]:
    """TOML that does not parse."""
    try:
        tomllib.loads(code)
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        where = _TOML_WHERE.search(text)
        if where and where[1]:
            line, column = int(where[1]) - 1, int(where[2])
        else:
            line = last_line(code)
            column = len(code.rstrip("\n").rsplit("\n", 1)[-1]) + 1
        reason = text[:where.start()] if where else text
        return [error(line, column, "toml-syntax", f"TOML syntax error: {_sentence(reason)}")]
    return []


def check_shell(code: str) -> list[SampleProblem]:
    """Shell scripts that `bash -n` rejects; nothing when bash is not installed."""
    bash = shutil.which("bash")
    if bash is None:
        log.debug("bash not found; shell samples are not checked")
        return []
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("BASH_ENV", "ENV")}
    env.update(LC_ALL="C", LANG="C")
    try:
        result = subprocess.run([bash, "-n", "/dev/stdin"], input=code, capture_output=True,
                                text=True, timeout=SHELL_TIMEOUT, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("bash -n failed: %s", exc)
        return []
    problems = []
    for text in result.stderr.splitlines():
        match = _BASH_ERROR.match(text)
        if not match or match[2].startswith("`"):  # skip bash's echo of the bad line
            continue
        line, message = int(match[1]), match[2]
        opened = re.search(r" at line (\d+)", message)
        if opened:  # point at the start of the construct, not at the end of the script
            line, message = int(opened[1]), message.replace(opened[0], "", 1)
        line = min(line - 1, last_line(code))
        if message.startswith("warning: "):
            problems.append(warning(line, 1, "shell-syntax", f"shell: {message[9:]}"))
        else:
            problems.append(error(line, 1, "shell-syntax", f"shell syntax error: {message}"))
    if result.returncode and not problems:
        log.debug("bash -n exited %s: %s", result.returncode, result.stderr.strip())
    return problems


def _requirement_lines(code: str) -> list[tuple[int, int, str]]:
    """(0-based line, 1-based column, text) of each requirement line, comments removed."""
    found: list[tuple[int, int, str]] = []
    pending: tuple[int, int, str] | None = None
    for index, raw in enumerate(code.split("\n")):
        text = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if pending:
            text = pending[2] + " " + text.strip()
        elif not text.strip():
            continue
        start = pending or (index, len(raw) - len(raw.lstrip()) + 1, "")
        if text.endswith("\\"):
            pending = (start[0], start[1], text[:-1].strip())
            continue
        pending = None
        found.append((start[0], start[1], text.strip()))
    if pending and pending[2]:
        found.append(pending)
    return found


def _option_problem(line: int, column: int, text: str) -> SampleProblem | None:
    if text.startswith("--"):
        parts = re.split(r"\s*=\s*|\s+", text, maxsplit=1)
        name, value = parts[0], parts[1] if len(parts) > 1 else ""
    else:
        name, value = text[:2], text[2:].lstrip(" =")
    if name.startswith("--") and name not in REQUIREMENT_OPTIONS:
        expanded = [option for option in REQUIREMENT_OPTIONS if option.startswith(name)]
        name = expanded[0] if len(expanded) == 1 else name  # pip accepts unique prefixes
    if name not in REQUIREMENT_OPTIONS:
        return error(line, column, "requirements-line", f"unknown pip option '{name}'"
                     f"{did_you_mean(name, REQUIREMENT_OPTIONS)}")
    if REQUIREMENT_OPTIONS[name] and not value.strip():
        return error(line, column, "requirements-line", f"pip option '{name}' needs a value")
    return None


def _is_requirement(text: str) -> bool:
    """Whether `text` is one PEP 508 requirement, as pip reads it (with `packaging`, as pip does)."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(text)
    except InvalidRequirement:
        return False
    return True


def _requirement_problem(line: int, column: int, text: str) -> SampleProblem | None:
    requirement, *flags = re.split(r"\s+(?=--)", text)
    for flag in flags:
        if not flag.startswith(REQUIREMENT_FLAGS):
            return error(line, column, "requirements-line",
                         f"'{flag.split('=')[0]}' cannot follow a requirement")
    if _is_requirement(requirement) or _URL_OR_PATH.match(requirement):
        return None
    operator = re.match(r"^([A-Za-z0-9][\w.-]*)(\s*(?:=>|=<|=(?!=))\s*|\s+)(\d\S*)$", requirement)
    if operator:
        name, written, version = operator.groups()
        fixed = {"=": "==", "=>": ">=", "=<": "<="}.get(written.strip(), "==")
        return error(line, column + len(name), "requirements-line",
                     f"'{requirement}' is not a valid requirement; write '{name}{fixed}{version}'")
    if re.match(r"^pip3?\s+install\b", requirement):
        return error(line, column, "requirements-line",
                     "this is a pip command; a requirements file lists only the packages")
    return error(line, column, "requirements-line",
                 f"'{requirement}' is not a valid requirement "
                 "(expected e.g. 'flask', 'redis==4.0' or 'Django>=3,<4')")


def check_requirements(code: str) -> list[SampleProblem]:
    """Lines of a pip requirements file that pip would reject."""
    problems = []
    for line, column, text in _requirement_lines(code):
        checker = _option_problem if text.startswith("-") else _requirement_problem
        problem = checker(line, column, text)
        if problem:
            problems.append(problem)
    return problems


VALIDATORS: Mapping[str, Validator] = MappingProxyType({
    "python": check_python,
    "yaml": check_yaml,
    "compose": check_compose,
    "kubernetes": check_kubernetes,
    "json": check_json,
    "toml": check_toml,
    "shell": check_shell,
    "dockerfile": check_dockerfile,
    "requirements": check_requirements,
})
"""Canonical language name -> the validator of its samples."""


_SMART_QUOTE = re.compile("|".join(map(re.escape, SMART_QUOTES)))


def hazards(language: str, code: str) -> list[SampleProblem]:
    """Characters that break copied code: curly quotes, invisible spaces, tabs, prompts."""
    language = canonical_language(language) or language
    quote_severity = error if language in QUOTE_SENSITIVE else warning
    problems: list[SampleProblem] = []
    for index, line in enumerate(code.split("\n")):
        found = _SMART_QUOTE.search(line)
        if found is not None:
            quote, char = found.start(), found.group()
            problems.append(quote_severity(index, quote + 1, "smart-quote",
                                           f"curly quote {char} where code needs a straight "
                                           f"{SMART_QUOTES[char]}; retype it"))
        for char, message in INVISIBLE.items():
            if char in line:
                problems.append(error(index, line.index(char) + 1, "invisible-space", message))
        indent = line[:len(line) - len(line.lstrip(" \t"))]
        if language in YAML_LANGUAGES and "\t" in indent:
            problems.append(error(index, indent.index("\t") + 1, "yaml-tab",
                                  "tab used for indentation; YAML allows only spaces"))
        if language == "shell" and line.lstrip().startswith("$ "):
            problems.append(warning(index, len(line) - len(line.lstrip()) + 1, "shell-prompt",
                                    "line starts with a '$ ' prompt that students would copy; "
                                    "drop it or label the block 'console'"))
    return problems


def validate_sample(language: str, code: str) -> list[SampleProblem]:
    """All problems of a sample in `language`, in line and column order."""
    language = canonical_language(language) or language
    validator = VALIDATORS.get(language)
    try:
        found = validator(code) if validator else []
    except (RecursionError, MemoryError):  # the language's own parser gives up on deep nesting
        found = [warning(0, 1, "nesting-too-deep",
                         f"this {language} block nests too deep for its parser; it was not checked")]
    risky = hazards(language, code)
    # A hazard explains a parse error at the same place better than the parser does.
    explained = {(p.line, p.column) for p in risky if p.severity == "error"}
    return sorted({p for p in found if (p.line, p.column) not in explained} | set(risky))
