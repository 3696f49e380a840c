"""Code sample validators and copy-paste hazards, as exact problem lines."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from podium.checks.samples import VALIDATORS, SampleProblem, hazards, validate_sample
from podium.languages import infer_language

FIXTURES = Path(__file__).parent / "fixtures" / "samples"
DECK = Path(__file__).parent.parent / "slides" / "06-docker-compose.md"


def _sample(text: str) -> str:
    """The fixture text with each `<U+XXXX>` replaced by that character."""
    return re.sub(r"<U\+([0-9A-F]{4,6})>", lambda m: chr(int(m[1], 16)), text)


def _cases(name: str) -> list:
    return [pytest.param(language, _sample(code), expected, id=f"{name}:{line}:{title}")
            for line, title, code, expected in read_fixture_file(FIXTURES / name)
            for language in [title.split(":", 1)[0]]]


def _needs_bash(language: str) -> None:
    if language == "shell" and shutil.which("bash") is None:
        pytest.skip("bash is not installed")


@pytest.mark.parametrize("language,code,expected",
                         _cases("validators.txt") + _cases("session6.txt"))
def test_validate_sample(language: str, code: str, expected: str) -> None:
    _needs_bash(language)
    assert [str(p) for p in validate_sample(language, code)] == expected.splitlines()


@pytest.mark.parametrize("language,code,expected", _cases("hazards.txt"))
def test_hazards(language: str, code: str, expected: str) -> None:
    assert [str(p) for p in hazards(language, code)] == expected.splitlines()


def test_every_rule_has_a_case() -> None:
    texts = "".join((FIXTURES / name).read_text(encoding="utf-8")
                    for name in ("validators.txt", "hazards.txt", "session6.txt"))
    rules = set(re.findall(r"\[([a-z0-9-]+)\]$", texts, re.MULTILINE))
    assert rules == {
        "python-syntax", "yaml-syntax", "yaml-duplicate-key", "json-syntax", "toml-syntax",
        "shell-syntax", "dockerfile-from", "dockerfile-instruction", "dockerfile-cmd-json",
        "compose-services", "compose-service", "compose-reference", "requirements-line",
        "k8s-manifest", "smart-quote", "invisible-space", "yaml-tab", "shell-prompt",
    }
    assert {title.split(":", 1)[0] for _, title, _, _ in
            read_fixture_file(FIXTURES / "validators.txt")} == set(VALIDATORS)


def test_python_compile_warning_is_a_warning() -> None:
    problems = validate_sample("python", 'import re\npattern = re.compile("\\d+")\n')
    assert [(p.line, p.rule, p.severity) for p in problems] == [(1, "python-syntax", "warning")]


def test_validator_errors_hidden_by_a_hazard_at_the_same_place() -> None:
    problems = validate_sample("python", "x = \u201chi\u201d\n")
    assert [p.rule for p in problems] == ["smart-quote"]


def test_shell_is_skipped_without_bash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert validate_sample("shell", "fi\n") == []


def test_lines_past_the_end_point_at_the_last_line() -> None:
    assert [str(p) for p in validate_sample("yaml", "a: [\n\n")] == [
        "1:5: error: YAML syntax error: expected the node content, but found '<stream end>' "
        "[yaml-syntax]"]


def test_problems_are_zero_based_inside_the_block() -> None:
    problem = validate_sample("requirements", "flask\nflask=2.0\n")[0]
    assert problem == SampleProblem(1, 6, "requirements-line",
                                    "'flask=2.0' is not a valid requirement; write 'flask==2.0'",
                                    "error")


@pytest.mark.parametrize("line,expected", [
    ('pywin32>=305; sys_platform == "win32" and python_version < "3.12"', []),
    ("flask (>=2.0, <3)", []),
    ("torch===2.1.0+cpu", []),
    ("flask==two", ["1:1: error: 'flask==two' is not a valid requirement "
                    "(expected e.g. 'flask', 'redis==4.0' or 'Django>=3,<4') [requirements-line]"]),
    ('flask; python_version >> "3"', ["1:1: error: 'flask; python_version >> \"3\"' is not a valid requirement "
                                      "(expected e.g. 'flask', 'redis==4.0' or 'Django>=3,<4') [requirements-line]"]),
])
def test_requirements_are_read_as_pip_reads_them(line: str, expected: list[str]) -> None:
    """Versions and environment markers that pip (through `packaging`) accepts, and only those."""
    assert [str(p) for p in validate_sample("requirements", line + "\n")] == expected


@pytest.mark.parametrize("code,expected", [
    # Docker skips an empty line inside a continuation
    ("FROM alpine\nRUN apk add curl \\\n\n    && rm -rf /var/cache/apk\n", []),
    # a continuation still open at the end, and a last line without its line end
    ("FROM alpine\nRUN echo a \\", []),
    ("FROM alpine\nEXPOSE", ["2:1: error: EXPOSE needs arguments [dockerfile-instruction]"]),
    # the keyword alone on its line, continued on the next
    ("FROM alpine\nRUN\\\n  echo b\n", []),
    # a check directive before the escape directive
    ("# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM alpine\nRUN echo `\n  b\n", []),
    # a here-document body ending in a backslash, then an instruction
    ("FROM alpine\nRUN <<EOF\necho \\\nEOF\nWRKDIR /app\n",
     ["5:1: error: unknown instruction 'WRKDIR'; did you mean 'WORKDIR'? [dockerfile-instruction]"]),
    # an exec form over two lines, and one broken on its second line
    ('FROM alpine\nCMD ["python3", \\\n     "app.py"]\n', []),
    ("FROM alpine\nCMD [\"python3\", \\\n     'app.py']\n",
     ["2:5: error: CMD is not a valid JSON array of strings, so Docker would run it as a shell string; "
      "use straight double quotes around each item [dockerfile-cmd-json]"]),
])
def test_dockerfile_instructions_are_read_as_docker_reads_them(code: str, expected: list[str]) -> None:
    assert [str(p) for p in validate_sample("dockerfile", code)] == expected


def test_session_6_deck_blocks_infer_and_validate_clean() -> None:
    source = DECK.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    found = []
    for token in MarkdownIt().parse(source):
        if token.type == "fence" and token.map:
            inference = infer_language(token.info, token.content, "".join(lines[:token.map[0]]))
            found.append((inference.language, inference.source, inference.filename,
                          validate_sample(inference.language or "", token.content)))
    assert found == [
        ("python", "filename", "app.py", []),
        ("requirements", "filename", "requirements.txt", []),
        ("dockerfile", "filename", "Dockerfile", []),
        ("compose", "filename", "docker-compose.yml", []),
    ]


YAML_SAMPLES = [
    "a: 1\nb: {é: 1, x: 2, x: 3}\nc: \"ü\"\n",
    "services:\n  web:\n    image: nginx\n    ports: ['8080:80']\n  web: {build: .}\n",
    "---\nkind: Pod\n---\nkind: Service\nmetadata: {name: x, name: y}\n...\n",
    "list:\n  - &anchor {k: v}\n  - *anchor\n  - <<: *anchor\n    k: w\nwhen: 2001-12-14t21:59:43.10-05:00\n",
    "key: !custom value\nother: !!str 12\n",
]


@pytest.mark.skipif(not __import__("yaml").__with_libyaml__, reason="PyYAML is built without libyaml")
@pytest.mark.parametrize("code", YAML_SAMPLES)
def test_libyaml_finds_what_pyyaml_finds_at_the_same_places(code: str) -> None:
    from podium.checks import yaml_samples

    def positions(nodes: list) -> list:
        found, todo = [], list(nodes)
        while todo:
            node = todo.pop()
            found.append((node.tag, node.start_mark.line, node.start_mark.column, node.end_mark.line))
            if isinstance(node.value, list):
                todo += [part for item in node.value for part in (item if isinstance(item, tuple) else (item,))]
        return found

    fast_problems, fast_nodes = yaml_samples._load(yaml_samples._FastLoader, code, fast=True)
    problems, nodes = yaml_samples._load(yaml_samples._Loader, code, fast=False)
    assert fast_problems == problems
    assert positions(fast_nodes) == positions(nodes)


def test_yaml_syntax_errors_are_reported_as_pyyaml_words_them() -> None:
    from podium.checks.yaml_samples import load_yaml

    problems, _ = load_yaml("a: b: c\n")            # libyaml: "... not allowed in this context"
    assert [str(p) for p in problems] == [
        "1:5: error: YAML syntax error: mapping values are not allowed here [yaml-syntax]"]
