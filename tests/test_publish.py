"""Publishing the site: all or nothing, the students' copy without notes, what a rebuild rewrites,
and an output folder that cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_build
from podium.builder import Builder, render_session
from podium.project import load_project
from podium.sessions import find_sessions
from podium.site import publish, write_deck

NOTES = "# A\n\nShown.\n\n???\n\nThe trainer's secret note.\n"


def _project(course: Path, notes: bool = True):
    project, problems = load_project(course / "slides", course / "site", notes=notes)
    assert problems == []
    return project


def test_a_failed_publish_leaves_the_old_site_whole_and_no_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, lambda folder: (folder / "index.html").write_text("old", encoding="utf-8"))

    def half_then_fail(folder: Path) -> None:
        (folder / "index.html").write_text("new", encoding="utf-8")
        (folder / "deck").mkdir()
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        publish(out, half_then_fail)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]   # no .site.new-* left behind


def test_an_output_that_cannot_be_written_is_one_message_and_exit_1(course: Path) -> None:
    (course / "slides" / "01-a.md").write_text("# A\n", encoding="utf-8")
    result = run_build("build", "--out", "/proc/podium-site", cwd=course)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("build.py: error: /proc/podium-site: the site could not be written: ")
    assert len(result.stderr.splitlines()) == 1


def test_render_leaves_notes_out_on_its_own(course: Path) -> None:
    (course / "slides" / "01-a.md").write_text(NOTES, encoding="utf-8")
    project = _project(course, notes=False)
    session = find_sessions(project)[0][0]
    rendered, problems = render_session(project, session, frozenset({session.key}))
    assert problems == [] and rendered is not None
    assert [str(s.notes) for s in rendered.slides] == [""]
    assert "Shown." in str(rendered.slides[0].html)


def test_the_page_leaves_notes_out_on_its_own(course: Path, tmp_path: Path) -> None:
    """Notes that did get rendered (a deck rendered for the trainer) stay out of a students' page."""
    (course / "slides" / "01-a.md").write_text(NOTES, encoding="utf-8")
    trainer = _project(course)
    session = find_sessions(trainer)[0][0]
    rendered, _ = render_session(trainer, session, frozenset({session.key}))
    assert "secret note" in str(rendered.slides[0].notes)
    out = tmp_path / "students"
    write_deck(_project(course, notes=False), rendered, out)
    page = (out / "01-a" / "index.html").read_text(encoding="utf-8")
    assert "Shown." in page and "secret" not in page
    write_deck(trainer, rendered, tmp_path / "trainer")
    assert "secret note" in (tmp_path / "trainer" / "01-a" / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_republishes_a_course_stylesheet_kept_in_the_slides_folder(course: Path) -> None:
    (course / "slides" / "01-a.md").write_text("# A\n", encoding="utf-8")
    sheet = course / "slides" / "theme.css"
    sheet.write_text(".a { color: red; }\n", encoding="utf-8")
    (course / "course.toml").write_text('stylesheets = ["slides/theme.css"]\n', encoding="utf-8")
    project = _project(course)
    assert [p.resolve() for p in project.stylesheet_files] == [sheet.resolve()]
    builder = Builder(project, keep_going=True)
    assert builder.build().ok
    published = course / "site" / "static" / "course" / "theme.css"
    assert published.read_text(encoding="utf-8") == ".a { color: red; }\n"
    sheet.write_text(".a { color: blue; }\n", encoding="utf-8")
    result = builder.rebuild([sheet])
    assert result.ok and result.written
    assert published.read_text(encoding="utf-8") == ".a { color: blue; }\n"
