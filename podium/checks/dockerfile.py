"""Dockerfile samples: instruction names, FROM first, and JSON (exec) form arguments.

Instructions are read with dockerfile-parse; here-documents, the places of problems and the
rules are ours.
"""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import dataclass

from ..diagnostics import did_you_mean
from .sample_problem import SampleProblem, error, warning

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
)
"""Every instruction Docker knows."""

EXEC_FORM = frozenset({"CMD", "ENTRYPOINT", "RUN", "SHELL"})
"""Instructions whose arguments may be a JSON array (SHELL must be)."""

HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})
"""Instructions that may take here-documents (`<<EOF` ... `EOF`)."""

NOT_ONBUILD = frozenset({"ONBUILD", "FROM", "MAINTAINER"})
"""Instructions that ONBUILD cannot trigger."""

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"(?<!<)<<(?!<)(-?)\s*([\"']?)([A-Za-z_][\w.-]*)\2")


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction of a Dockerfile, its continuation lines joined."""

    line: int
    """0-based line of the instruction's keyword."""
    column: int
    """1-based column of the keyword."""
    keyword: str
    """The keyword as written (instructions are case-insensitive)."""
    args: str
    """Everything after the keyword, continuation lines joined (as dockerfile-parse joins them:
    the escape character and the line end removed)."""
    args_column: int
    """1-based column where the arguments start on the first line."""


def _skip_heredocs(ins: Instruction, lines: list[str],
                   start: int) -> tuple[int, list[SampleProblem]]:
    """The index of the first line after the here-documents the instruction opens."""
    index = start
    for dash, _quote, word in _HEREDOC.findall(ins.args):
        while index < len(lines):
            body = lines[index].rstrip("\r")
            index += 1
            if body == word or (dash and body.lstrip("\t") == word):
                break
        else:
            message = f"here-document <<{word} is never closed; end it with a line '{word}'"
            return index, [error(ins.line, ins.args_column, "dockerfile-instruction", message)]
    return index, []


def _directives(lines: list[str]) -> tuple[int, str]:
    """How many parser directives open the Dockerfile, and the escape character they set."""
    count, escape = 0, "\\"
    while count < len(lines) and (directive := _DIRECTIVE.match(lines[count])):
        if directive[1].lower() == "escape" and directive[2] in ("\\", "`"):
            escape = directive[2]
        count += 1
    return count, escape


def _structure(lines: list[str], directives: int, escape: str) -> list[dict]:
    """dockerfile-parse's instructions (comments left out) of the Dockerfile made of `lines`.

    It splits instructions and joins continuation lines (skipping comments between them). What
    it is given differs from `lines` where it reads otherwise than Docker, with the line numbers
    kept: the parser directives are read here (it knows only syntax and escape, and stops at any
    other, such as check), so they are given as empty comments, the first one telling it the
    escape character; an empty line inside a continuation is skipped by Docker but ends the
    instruction for it, so every empty line is given as an empty comment (the same to Docker);
    one more empty line at the end ends a continuation still open there (which it would drop)
    and the last line (which it reads only when the line ends).
    """
    from dockerfile_parse import DockerfileParser

    given = [line if line.strip() else "#" for line in lines]
    given[:directives] = ["#"] * directives
    if escape != "\\":
        given[0] = f"# escape={escape}"
    text = "".join(f"{line}\n" for line in given) + "\n"
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", "replace")))
    return [entry for entry in parser.structure if entry["instruction"] != "COMMENT"]


def parse_dockerfile(code: str) -> tuple[list[Instruction], list[SampleProblem]]:
    """The instructions of a Dockerfile, and problems found while reading them.

    Here-document bodies (which dockerfile-parse reads as instructions) are skipped; places are
    taken from the lines themselves, as dockerfile-parse gives only line numbers.
    """
    lines = code.splitlines()
    directives, escape = _directives(lines)
    found: list[Instruction] = []
    problems: list[SampleProblem] = []
    after = 0
    """The first line that may start an instruction (the line after the last here-document)."""
    for entry in _structure(lines, directives, escape):
        start = entry["startline"]
        if start < after:
            continue
        raw = lines[start]
        keyword = raw.split(maxsplit=1)[0]
        if keyword.endswith(escape) and raw.rstrip().endswith(keyword):  # `RUN\` continued below
            keyword = keyword[:-1]
        indent = len(raw) - len(raw.lstrip())
        rest = raw[indent + len(keyword):]
        args_column = indent + len(keyword) + len(rest) - len(rest.lstrip()) + 1
        ins = Instruction(start, indent + 1, keyword, entry["value"].strip(), args_column)
        found.append(ins)
        after = entry["endline"] + 1
        if keyword.upper() in HEREDOC_INSTRUCTIONS:
            after, unclosed = _skip_heredocs(ins, lines, after)
            problems += unclosed
    return found, problems


def _wants_json(keyword: str, args: str) -> bool:
    """Whether arguments starting with `[` were meant as a JSON array, not a shell `[ test ]`."""
    if not args.startswith("["):
        return False
    if keyword == "RUN":
        return bool(re.match(r"\[\s*[\"'\]]", args))
    return not re.match(r"\[\s+-\w", args)


def _exec_form(ins: Instruction) -> SampleProblem | None:
    keyword = ins.keyword.upper()
    args = ins.args
    if keyword == "SHELL" and not args.startswith("["):
        return error(ins.line, ins.args_column, "dockerfile-cmd-json",
                     'SHELL must be a JSON array of strings, e.g. SHELL ["/bin/sh", "-c"]')
    if not _wants_json(keyword, args):
        return None
    try:
        value = json.loads(args)
    except ValueError:
        value = None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    if "'" in args or "\u2018" in args or "\u201c" in args:
        fix = "use straight double quotes around each item"
    else:
        fix = 'write it as ["program", "arg", ...] with double quotes and commas'
    if keyword == "SHELL":
        return error(ins.line, ins.args_column, "dockerfile-cmd-json",
                     f"SHELL must be a valid JSON array of strings; {fix}")
    return error(ins.line, ins.args_column, "dockerfile-cmd-json",
                 f"{keyword} is not a valid JSON array of strings, so Docker would run it "
                 f"as a shell string; {fix}")


def _instruction(ins: Instruction) -> list[SampleProblem]:
    keyword = ins.keyword.upper()
    if keyword not in INSTRUCTIONS:
        return [error(ins.line, ins.column, "dockerfile-instruction",
                      f"unknown instruction '{ins.keyword}'{did_you_mean(keyword, INSTRUCTIONS)}")]
    if not ins.args:
        return [error(ins.line, ins.column, "dockerfile-instruction",
                      f"{keyword} needs arguments")]
    if keyword == "MAINTAINER":
        return [warning(ins.line, ins.column, "dockerfile-instruction",
                        'MAINTAINER is deprecated; use LABEL maintainer="..." instead')]
    if keyword == "ONBUILD":
        trigger = ins.args.split(maxsplit=1)[0].upper()
        if trigger in NOT_ONBUILD or trigger not in INSTRUCTIONS:
            return [error(ins.line, ins.args_column, "dockerfile-instruction",
                          f"ONBUILD cannot trigger '{trigger}'")]
    if keyword in EXEC_FORM:
        problem = _exec_form(ins)
        return [problem] if problem else []
    return []


def _from_first(found: list[Instruction]) -> list[SampleProblem]:
    first = next((ins for ins in found if ins.keyword.upper() != "ARG"), None)
    if first is None:
        return [error(found[-1].line if found else 0, 1, "dockerfile-from",
                      "the Dockerfile has no FROM instruction; start it with FROM <image>")]
    keyword = first.keyword.upper()
    if keyword == "FROM" or keyword not in INSTRUCTIONS:  # an unknown one is reported already
        return []
    return [error(first.line, first.column, "dockerfile-from",
                  f"a Dockerfile must start with FROM, not {keyword} "
                  "(only ARG and parser directives may come before it)")]


def check_dockerfile(code: str) -> list[SampleProblem]:
    """Problems in a Dockerfile sample."""
    found, problems = parse_dockerfile(code)
    problems += _from_first(found)
    for ins in found:
        problems += _instruction(ins)
    return problems
