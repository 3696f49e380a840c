"""The command line: help, mistyped commands, the program's name, a folder with no sessions, `new`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from podium.cli import main, program_name

NO_SESSIONS = ("error: no sessions in the slides folder 'slides': a session is a *.md file, or a folder with a "
               "slides.md or a remark index.html")


def test_no_command_prints_the_help_and_exits_2() -> None:
    result = run_build()
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("usage: build.py ")
    assert all(command in result.stderr for command in ("build", "serve", "check", "pdf", "new"))


@pytest.mark.parametrize("typed, line", [
    ("biuld", "build.py: error: unknown command 'biuld'; did you mean 'build'?"),
    ("chek", "build.py: error: unknown command 'chek'; did you mean 'check'?"),
    ("deploy", "build.py: error: unknown command 'deploy' (commands: build, serve, present, check, pdf, sync, new)"),
])
def test_a_mistyped_command_gets_one_line_and_exit_2(typed: str, line: str) -> None:
    result = run_build(typed)
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (2, "", [line])


@pytest.mark.parametrize("argv0, prog", [("build.py", "build.py"), ("/work/x/build.py", "build.py"),
                                         ("/venv/bin/podium", "podium"), ("podium", "podium")])
def test_the_program_is_named_as_it_was_run(argv0: str, prog: str) -> None:
    assert program_name(argv0) == prog


def test_help_and_messages_use_the_program_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"], prog="podium") == 0
    assert capsys.readouterr().out.startswith("usage: podium ")
    assert main(["build", "--help"], prog="podium") == 0
    assert capsys.readouterr().out.startswith("usage: podium build ")
    assert main(["biuld"], prog="podium") == 2
    assert capsys.readouterr().err == "podium: error: unknown command 'biuld'; did you mean 'build'?\n"
    assert main([], prog="podium") == 2
    assert capsys.readouterr().err.startswith("usage: podium ")


def test_the_console_script_says_podium(tmp_path: Path) -> None:
    code = "import sys; sys.argv[0] = '/venv/bin/podium'; from podium.cli import run; run(['biuld'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stderr) == (2, "podium: error: unknown command 'biuld'; did you mean 'build'?\n")


@pytest.mark.parametrize("command", ["build", "check", "serve", "pdf"])
def test_a_slides_folder_without_sessions_is_a_usage_error(course: Path, command: str) -> None:
    (course / "slides" / "notes.txt").write_text("not a session", encoding="utf-8")
    result = run_build(command, cwd=course)
    assert (result.returncode, result.stderr.splitlines()) == (2, ["build.py: " + NO_SESSIONS])
    assert not (course / "site").exists()


def test_new_writes_a_starter_course_that_builds_and_checks_clean(tmp_path: Path) -> None:
    made = run_build("new", "docker-101", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.splitlines() == [
        "wrote a starter course into docker-101/: course.toml, slides/01-introduction.md, slides/theme.css",
        "next: cd docker-101 && podium serve"]
    course = tmp_path / "docker-101"
    assert 'title = "Docker 101"' in (course / "course.toml").read_text(encoding="utf-8").splitlines()
    starter = ROOT / "podium" / "starter" / "slides"
    for name in ("01-introduction.md", "theme.css"):
        assert (course / "slides" / name).read_bytes() == (starter / name).read_bytes()
    built = run_build("build", cwd=course)
    assert (built.returncode, built.stderr) == (0, "")
    assert built.stdout.startswith("built 1 session(s), ")
    checked = run_build("check", "--no-layout", cwd=course)
    assert (checked.returncode, checked.stdout) == (0, "")
    assert checked.stderr.startswith("0 error(s), 0 warning(s)")


def test_the_starter_shows_the_syntax() -> None:
    text = (ROOT / "podium" / "starter" / "slides" / "01-introduction.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert {"---", "--", "???", "class: center, middle"} <= set(lines)
    assert ".note[" in text and "```python" in lines and "{{section}}" in text
    settings = (ROOT / "podium" / "starter" / "course.toml").read_text(encoding="utf-8")
    assert 'stylesheets = ["slides/theme.css"]' in settings.splitlines()


def test_new_into_an_empty_folder_and_here(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    made = run_build("new", ".", cwd=tmp_path / "empty")
    assert made.returncode == 0 and made.stdout.splitlines()[-1] == "next: podium serve"
    assert 'title = "Empty"' in (tmp_path / "empty" / "course.toml").read_text(encoding="utf-8")


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.md").write_text("keep me", encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    refused = run_build("new", "mine", cwd=tmp_path)
    assert (refused.returncode, refused.stderr.splitlines()) == (
        2, ["build.py: error: 'mine' exists and is not empty; name a new folder for the course"])
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.md"]
    assert run_build("new", "file", cwd=tmp_path).returncode == 2
    assert run_build("new", cwd=tmp_path).returncode == 2
