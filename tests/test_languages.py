"""Language names, file names, file-name hints, content sniffing and inference."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file
from pygments.lexers import get_lexer_by_name

from podium.languages import (
    LANGUAGES,
    canonical_language,
    filename_hint,
    infer_language,
    language_from_filename,
    pygments_lexer_name,
    sniff_language,
)

FIXTURES = Path(__file__).parent / "fixtures" / "samples"
FUNCTIONS = {
    "label": canonical_language,
    "file": language_from_filename,
    "lexer": pygments_lexer_name,
}


def _name_cases() -> list[tuple[str, str, str]]:
    lines = (FIXTURES / "names.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")]


def _none(text: str) -> str | None:
    return None if text.strip() == "-" else text.strip()


@pytest.mark.parametrize("function,given,expected", _name_cases())
def test_names(function: str, given: str, expected: str) -> None:
    assert FUNCTIONS[function](given) == _none(expected)


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.name)
def test_every_lexer_exists_in_pygments(language) -> None:
    assert get_lexer_by_name(language.lexer)


@pytest.mark.parametrize("line,title,text,expected", read_fixture_file(FIXTURES / "hints.txt"))
def test_filename_hint(line: int, title: str, text: str, expected: str) -> None:
    assert filename_hint(text) == _none(expected)


@pytest.mark.parametrize("line,title,code,expected", read_fixture_file(FIXTURES / "sniff.txt"))
def test_sniff_language(line: int, title: str, code: str, expected: str) -> None:
    assert sniff_language(code) == _none(expected)


@pytest.mark.parametrize("line,title,markdown,expected",
                         read_fixture_file(FIXTURES / "inference.txt"))
def test_infer_language(line: int, title: str, markdown: str, expected: str) -> None:
    lines = markdown.splitlines(keepends=True)
    found = []
    for token in MarkdownIt().parse(markdown):
        if token.type == "fence" and token.map:
            before = "".join(lines[:token.map[0]])
            inference = infer_language(token.info, token.content, before)
            found.append(" ".join(value or "-" for value in
                                  (inference.language, inference.source, inference.filename)))
    assert found == expected.splitlines()


def test_file_names_match_as_shell_patterns_do() -> None:
    import fnmatch
    import itertools

    from podium.languages import LANGUAGES, language_from_filename

    patterns = [(pattern, lang.name) for lang in LANGUAGES for pattern in lang.filenames]
    assert all(pattern.count("*") <= 1 and not set(pattern) & set("?[") for pattern, _ in patterns)

    def by_fnmatch(base: str) -> str | None:
        found = [(len(p) - p.count("*"), -i, name) for i, (p, name) in enumerate(patterns)
                 if fnmatch.fnmatchcase(base.lower(), p.lower())]
        return max(found)[2] if found else None

    words = ["", "Dockerfile", "docker-compose", "compose", "app", "requirements", "x", ".env", "nginx", "go"]
    ends = ["", ".py", ".yml", ".yaml", ".prod.yml", ".txt", ".dev", ".conf", ".mod", ".lock", ".dockerfile", ".env"]
    names = ["".join(parts) for parts in itertools.product(words, ends)] + ["DOCKERFILE", "Compose.YML", "a/b/app.py"]
    for name in names:
        assert language_from_filename(name) == by_fnmatch(name.rsplit("/", 1)[-1]), name
