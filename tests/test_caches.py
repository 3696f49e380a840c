"""The caches of a build and of a check belong to their run, and their keys hold every input.

Parse cache (markdown.ParseCache, a Builder's own, kept by `serve` across rebuilds), folder listings
(checks.links.Listings, one per check run) and remembered check results (checks/cache.py, on disk).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from podium.builder import Builder
from podium.checks import cache as check_cache
from podium.checks.run import KINDS, run_checks
from podium.markdown import MarkdownOptions, ParseCache, parse_deck
from dump import parse_text
from podium.plugins.macros import MACROS
from podium.project import load_project

CHECKED = tuple(k for k in KINDS if k != "layout")


def _project(course: Path):
    project, problems = load_project(course / "slides", course / "site")
    assert problems == []
    return project


# ---- folder listings --------------------------------------------------------------------------

def test_a_deleted_image_is_missing_in_the_next_check_of_the_same_process(course: Path, monkeypatch) -> None:
    """`serve` and the test suite check many times in one process: each run lists folders afresh."""
    monkeypatch.chdir(course)
    slides = course / "slides"
    (slides / "img").mkdir()
    (slides / "img" / "a.png").write_bytes(b"png")
    (slides / "01-a.md").write_text("# A\n\n![a](img/a.png)\n", encoding="utf-8")
    project = _project(course)
    assert [d for d in run_checks(project, kinds=CHECKED) if d.code == "missing-file"] == []
    (slides / "img" / "a.png").unlink()
    found = [str(d) for d in run_checks(project, kinds=CHECKED) if d.code == "missing-file"]
    assert found == ["slides/01-a.md:3:6: error: 'img/a.png' does not exist [missing-file] (slide 1)"]
    (slides / "img" / "a.png").write_bytes(b"png")                  # and back again
    assert [d for d in run_checks(project, kinds=CHECKED) if d.code == "missing-file"] == []


def test_one_run_lists_each_folder_once(tmp_path: Path) -> None:
    from podium.checks.links import Listings, file_problem

    (tmp_path / "a.png").write_bytes(b"")
    listings = Listings()
    assert file_problem(tmp_path, "a.png", listings) is None
    (tmp_path / "a.png").unlink()
    assert file_problem(tmp_path, "a.png", listings) is None        # as this run saw the folder
    assert file_problem(tmp_path, "a.png") is not None              # a new run sees it gone


# ---- the parse cache --------------------------------------------------------------------------

def _changed_options() -> list[MarkdownOptions]:
    """MarkdownOptions with one field changed, for every field."""
    other = {bool: lambda v: not v, str: lambda v: v + "x", frozenset: lambda v: v | {"07-x"}}
    base = MarkdownOptions()
    return [dataclasses.replace(base, **{f.name: other[type(getattr(base, f.name))](getattr(base, f.name))})
            for f in dataclasses.fields(MarkdownOptions)]


@pytest.mark.parametrize("changed", _changed_options(), ids=[f.name for f in dataclasses.fields(MarkdownOptions)])
def test_every_markdown_option_is_in_the_parse_key(changed: MarkdownOptions) -> None:
    assert ParseCache.key("# A", changed, {}) != ParseCache.key("# A", MarkdownOptions(), {})


def test_the_text_the_references_and_the_macros_are_in_the_parse_key(monkeypatch: pytest.MonkeyPatch) -> None:
    options = MarkdownOptions()
    key = ParseCache.key("[d]", options, {"D": {"href": "a.html", "title": ""}})
    assert ParseCache.key("[e]", options, {"D": {"href": "a.html", "title": ""}}) != key
    assert ParseCache.key("[d]", options, {"D": {"href": "b.html", "title": ""}}) != key
    monkeypatch.setitem(MACROS, "shout", lambda *args: "")
    assert ParseCache.key("[d]", options, {"D": {"href": "a.html", "title": ""}}) != key


def _html(deck_text: str, cache: ParseCache) -> list[str]:
    from podium.markdown import render_text

    deck, problems = parse_text(deck_text)
    return [str(render_text(item.content)) for item in parse_deck(deck, MarkdownOptions(), lambda d: None, cache)]


def test_two_decks_with_the_same_slide_keep_their_own_reference_definitions() -> None:
    """The same slide text `[d]` links where its own deck's definition says."""
    cache = ParseCache()
    first = _html("See [d].\n\n---\n\n[d]: https://one.example/\n", cache)
    second = _html("See [d].\n\n---\n\n[d]: https://two.example/\n", cache)
    assert 'href="https://one.example/"' in first[0]
    assert 'href="https://two.example/"' in second[0]


def test_a_builder_reuses_the_parse_of_an_unchanged_slide(course: Path) -> None:
    session = course / "slides" / "01-a.md"
    session.write_text("# One\n\n---\n\n# Two\n", encoding="utf-8")
    builder = Builder(_project(course), keep_going=True)
    assert builder.build().ok
    kept = {key[0].strip(): parsed for key, parsed in builder.parsed.parsed.items()}
    session.write_text("# One\n\n---\n\n# Two, changed\n", encoding="utf-8")
    assert builder.rebuild([session]).ok
    again = {key[0].strip(): parsed for key, parsed in builder.parsed.parsed.items()}
    assert again["# One"] is kept["# One"]                          # not parsed again
    assert "# Two, changed" in again
    assert "Two, changed" in (course / "site" / "01-a" / "index.html").read_text(encoding="utf-8")


def test_two_builders_share_no_parse(course: Path) -> None:
    (course / "slides" / "01-a.md").write_text("# One\n", encoding="utf-8")
    first, second = Builder(_project(course)), Builder(_project(course))
    assert first.build().ok
    assert first.parsed.parsed and not second.parsed.parsed


# ---- remembered check results -------------------------------------------------------------------

def _key(course: Path, kinds=CHECKED, sessions=frozenset({"01-a"})) -> str:
    from podium.sessions import find_sessions

    project = _project(course)
    session = find_sessions(project)[0][0]
    return check_cache.deck_key(session, session.source.read_bytes(), kinds, sessions)


def test_every_input_of_a_session_is_in_its_check_key(course: Path) -> None:
    (course / "slides" / "01-a.md").write_text("# A\n", encoding="utf-8")
    key = _key(course)
    assert _key(course, kinds=("links",)) != key
    assert _key(course, sessions=frozenset({"01-a", "02-b"})) != key
    (course / "course.toml").write_text("highlight_lines = true\n", encoding="utf-8")
    assert _key(course) != key
    (course / "course.toml").unlink()
    (course / "slides" / "01-a.md").write_text("# A!\n", encoding="utf-8")
    assert _key(course) != key
    (course / "slides" / "01-a.md").write_text("# A\n", encoding="utf-8")
    assert _key(course) == key                                      # and nothing else


def test_a_changed_course_setting_is_not_answered_from_remembered_results(course: Path) -> None:
    """With `highlight_lines` the `*` marks a line; without it the `*` is Python, a syntax error."""
    (course / "slides" / "01-a.md").write_text("# A\n\n```python\n*x = 1\n```\n", encoding="utf-8")
    cache_dir = course / ".podium-cache"
    before = [d.code for d in run_checks(_project(course), kinds=CHECKED, cache_dir=cache_dir)]
    assert "python-syntax" in before
    (course / "course.toml").write_text("highlight_lines = true\n", encoding="utf-8")
    after = [d.code for d in run_checks(_project(course), kinds=CHECKED, cache_dir=cache_dir)]
    assert "python-syntax" not in after
    assert list((cache_dir / "checks").glob("01-a.md.*.json"))     # results were remembered
