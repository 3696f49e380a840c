"""Every remark.js conformance case, and session 6, render slide for slide as remark.js shows them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_case, run_build
from slide_dom import read_slides, squash

CASES = FIXTURES / "remark-conformance" / "cases"
EXPECTED = json.loads((FIXTURES / "remark-conformance" / "expected.json").read_text(encoding="utf-8"))
EXPECTED.update(json.loads((FIXTURES / "session-06-docker-compose.expected.json").read_text(encoding="utf-8")))
SOURCES = {**{p.name: p for p in CASES.glob("*.md")},
           "session-06-docker-compose.md": FIXTURES / "session-06-docker-compose.md"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site holding every case as a session."""
    course = tmp_path_factory.mktemp("conformance")
    (course / "slides").mkdir()
    for source in SOURCES.values():
        copy_case(source, course / "slides")
    result = run_build("build", "--slides", str(course / "slides"), "--out", str(course / "site"), cwd=course)
    assert result.returncode == 0, result.stderr
    return course / "site"


def _pairs():
    for name, expected in sorted(EXPECTED.items()):
        for number in range(expected["count"]):
            yield pytest.param(name, number, id=f"{name}#{number + 1}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_slide_count(built: Path, name: str) -> None:
    page = (built / Path(name).stem / "index.html").read_text(encoding="utf-8")
    assert len(read_slides(page)) == EXPECTED[name]["count"]


@pytest.mark.parametrize("name, number", list(_pairs()))
def test_slide_matches_remark(built: Path, name: str, number: int) -> None:
    page = (built / Path(name).stem / "index.html").read_text(encoding="utf-8")
    ours = read_slides(page)[number]
    theirs = EXPECTED[name]["slides"][number]
    assert squash(ours["text"]) == squash(theirs["text"])
    assert squash(ours["notes"]) == squash(theirs["notes"])
    for key in ("classes", "links", "images", "background"):
        assert ours[key] == theirs[key], key
