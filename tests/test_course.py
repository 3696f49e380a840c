"""The course itself passes its checks: one test per session and kind of check.

`pytest` fails with the same lines `python build.py check` prints.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from podium.checks.run import KINDS, run_checks
from podium.project import load_project

SESSIONS = sorted(p.stem for p in (ROOT / "slides").glob("*.md"))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("session", SESSIONS)
def test_session_passes_check(session: str, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    project, problems = load_project("slides", "site")
    assert problems == []
    errors = [str(d) for d in run_checks(project, kinds=[kind], only=[session]) if d.severity == "error"]
    assert not errors, "\n" + "\n".join(errors)


def check_session_6(course: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    (course / "slides" / "06-docker-compose.md").write_text(text, encoding="utf-8")
    monkeypatch.chdir(course)
    project, _ = load_project("slides", "site")
    return [str(d) for d in run_checks(project)]


SESSION_6 = (FIXTURES / "session-06-docker-compose.md").read_text(encoding="utf-8")


def test_session_6_has_no_errors_and_warns_about_empty_links_and_alt_text(course: Path, monkeypatch) -> None:
    found = check_session_6(course, monkeypatch, SESSION_6)
    assert not [line for line in found if ": error: " in line]
    empty = [line.split(": warning:")[0] for line in found if "[empty-link-text]" in line]
    assert empty == ["slides/06-docker-compose.md:52:4", "slides/06-docker-compose.md:53:4",
                     "slides/06-docker-compose.md:230:4"]
    images = [line for line in found if "[image-alt]" in line]
    assert len(images) == SESSION_6.count("![](") == 16
    assert len(found) == 19


def test_session_6_blocks_are_recognised(monkeypatch) -> None:
    from podium.languages import infer_language
    from podium.markdown import MarkdownOptions, parse_deck
    from podium.loader import load_deck
    from podium.plugins.code import text_before

    monkeypatch.chdir(ROOT)
    project, _ = load_project("slides", "site")
    deck, _ = load_deck(FIXTURES / "session-06-docker-compose.md", project)
    found = []
    for parsed in parse_deck(deck, MarkdownOptions(), lambda d: None):
        for index, token in enumerate(parsed.tokens):
            if token.type == "fence":
                lines = parsed.slide.content.text.split("\n")
                inferred = infer_language(token.info, token.content, text_before(parsed.tokens, index, lines))
                found.append((inferred.language, inferred.filename))
    assert found == [("python", "app.py"), ("requirements", "requirements.txt"), ("dockerfile", "Dockerfile"),
                     ("compose", "docker-compose.yml")]


BREAKS = [
    ("    count = get_hit_count()\n", "    count = get_hit_count(\n",
     "slides/06-docker-compose.md:93:26: error: Python syntax error: '(' was never closed [python-syntax] (slide 5)"),
    ("flask\nredis\n", "flask\nredis=4.0\n",
     "slides/06-docker-compose.md:107:6: error: 'redis=4.0' is not a valid requirement; write 'redis==4.0' "
     "[requirements-line] (slide 6)"),
    ("FROM python:3.8-slim-buster", "FORM python:3.8-slim-buster",
     "slides/06-docker-compose.md:120:1: error: unknown instruction 'FORM'; did you mean 'FROM'? "
     "[dockerfile-instruction] (slide 7)"),
    ('    image: "redis:alpine"', '\timage: "redis:alpine"',
     "slides/06-docker-compose.md:158:1: error: tab used for indentation; YAML allows only spaces [yaml-tab] (slide 9)"),
]


@pytest.mark.parametrize("old, new, message", BREAKS, ids=["python", "requirements", "dockerfile", "compose"])
def test_breaking_a_session_6_block_says_where(course: Path, monkeypatch, old: str, new: str, message: str) -> None:
    assert SESSION_6.count(old) == 1
    found = check_session_6(course, monkeypatch, SESSION_6.replace(old, new))
    assert message in found, "\n".join(found)
