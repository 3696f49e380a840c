"""`--out` never removes what Podium did not make, and every output problem is one located line;
`--config` names a file that exists, and course.toml's syntax errors say what is wrong."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build

REFUSED, FAILED = 2, 1


@pytest.fixture
def course(tmp_path: Path) -> Path:
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "01-a.md").write_text("# A\n\nThe first deck.\n", encoding="utf-8")
    return tmp_path


def one_error(result: subprocess.CompletedProcess, path: str) -> str:
    """The one line the command printed: `build.py: error: PATH: ...`, with no traceback."""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"build.py: error: {path}: "), lines[0]
    assert ".podium/" not in lines[0] and ".new-" not in lines[0], "a staging path is no user's business"
    return lines[0]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under `folder`: a file's bytes, a link's target, `/` for a folder."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        found[name] = (f"-> {os.readlink(path)}" if path.is_symlink() else "/" if path.is_dir()
                       else path.read_bytes())
    return found


def built(site: Path) -> bool:
    return (site / ".podium-site").is_file() and (site / "01-a" / "index.html").is_file()


# ---- what --out may not be -----------------------------------------------------------------------------

def test_a_file_as_out_is_refused_and_keeps_its_bytes(course: Path) -> None:
    notes = course / "notes.txt"
    notes.write_bytes(b"my notes\x00\xff\n")
    result = run_build("build", "--out", "notes.txt", cwd=course)
    assert result.returncode == REFUSED
    assert "is a file, not a folder" in one_error(result, "notes.txt")
    assert notes.read_bytes() == b"my notes\x00\xff\n"


def test_a_path_through_a_file_is_refused(course: Path) -> None:
    (course / "f").write_text("a file\n", encoding="utf-8")
    before = tree(course)
    result = run_build("build", "--out", "f/site", cwd=course)
    assert result.returncode == REFUSED
    assert f"{course / 'f'} is a file, not a folder" in one_error(result, "f/site")
    assert tree(course) == before


@pytest.mark.parametrize("out, words", [
    ("slides/site", "is inside the slides folder"),
    ("slides", "is the slides folder"),
    (".", "contains the slides folder"),
    ("..", "contains the slides folder"),
])
def test_the_course_and_what_holds_it_are_refused(course: Path, out: str, words: str) -> None:
    (course / "keep.txt").write_text("precious\n", encoding="utf-8")
    before = tree(course)
    result = run_build("build", "--out", out, cwd=course)
    assert result.returncode == REFUSED
    assert words in one_error(result, out)
    assert tree(course) == before


def test_the_course_folder_named_by_course_toml_is_refused(course: Path) -> None:
    (course / "course.toml").write_text('title = "T"\n', encoding="utf-8")
    work = course / "elsewhere"
    work.mkdir()
    result = run_build("build", "--slides", str(course / "slides"), "--out", str(course), cwd=work)
    assert result.returncode == REFUSED
    assert "contains the slides folder" in one_error(result, str(course))
    assert sorted(p.name for p in course.iterdir()) == ["course.toml", "elsewhere", "slides"]


def test_a_foreign_folder_is_refused_naming_force_and_replaced_with_it(course: Path) -> None:
    mine = course / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work\n", encoding="utf-8")
    result = run_build("build", "--out", "mine", cwd=course)
    assert result.returncode == REFUSED
    line = one_error(result, "mine")
    assert "not a site built by Podium" in line and ".podium-site" in line and "--force" in line
    assert (mine / "thesis.tex").read_text(encoding="utf-8") == "years of work\n"
    result = run_build("build", "--out", "mine", "--force", cwd=course)
    assert result.returncode == 0, result.stderr
    assert built(mine) and not (mine / "thesis.tex").exists()
    assert run_build("build", "--out", "mine", cwd=course).returncode == 0    # now it is Podium's


def test_force_never_replaces_a_file_or_the_course(course: Path) -> None:
    (course / "notes.txt").write_text("mine\n", encoding="utf-8")
    for out in ("notes.txt", "slides", "."):
        result = run_build("build", "--out", out, "--force", cwd=course)
        assert result.returncode == REFUSED, out
    assert (course / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (course / "slides" / "01-a.md").is_file()


def test_an_empty_folder_and_a_site_podium_made_are_replaced(course: Path) -> None:
    (course / "empty").mkdir()
    assert run_build("build", "--out", "empty", cwd=course).returncode == 0
    assert built(course / "empty")
    (course / "slides" / "01-a.md").write_text("# A\n\nThe second version.\n", encoding="utf-8")
    assert run_build("build", "--out", "empty", cwd=course).returncode == 0
    assert "second version" in (course / "empty" / "01-a" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in course.iterdir()) == ["empty", "slides"]   # nothing left beside it


def test_a_flat_course_built_from_its_own_folder_keeps_its_default_out(course: Path) -> None:
    flat = course / "slides"
    assert run_build("build", "--slides", ".", cwd=flat).returncode == 0
    assert built(flat / "site")


# ---- symbolic links --------------------------------------------------------------------------------------

def test_a_symlinked_out_stays_a_link_and_its_target_is_published(course: Path) -> None:
    (course / "www").mkdir()
    (course / "site").symlink_to("www")
    for _ in range(2):
        result = run_build("build", "--out", "site", cwd=course)
        assert result.returncode == 0, result.stderr
        assert (course / "site").is_symlink() and os.readlink(course / "site") == "www"
        assert built(course / "www")
    assert sorted(p.name for p in course.iterdir()) == ["site", "slides", "www"]


def test_a_dangling_link_into_an_existing_folder_is_published_there(course: Path) -> None:
    (course / "site").symlink_to(course / "www")
    result = run_build("build", "--out", "site", cwd=course)
    assert result.returncode == 0, result.stderr
    assert (course / "site").is_symlink() and built(course / "www")


@pytest.mark.parametrize("out", ["site", "site/deeper"])
def test_a_dangling_link_whose_folder_is_missing_is_refused_and_makes_nothing(course: Path, out: str) -> None:
    (course / "site").symlink_to(course / "nowhere" / "deep" / "site")
    result = run_build("build", "--out", out, cwd=course)
    assert result.returncode == REFUSED
    assert "does not exist" in one_error(result, out)
    assert sorted(p.name for p in course.iterdir()) == ["site", "slides"]
    assert (course / "site").is_symlink()


def test_a_loop_of_links_is_refused(course: Path) -> None:
    (course / "a").symlink_to("b")
    (course / "b").symlink_to("a")
    result = run_build("build", "--out", "a", cwd=course)
    assert result.returncode == REFUSED
    assert "a loop of symbolic links" in one_error(result, "a")


def test_a_symlink_to_a_file_is_refused(course: Path) -> None:
    (course / "notes.txt").write_text("mine\n", encoding="utf-8")
    (course / "site").symlink_to("notes.txt")
    result = run_build("build", "--out", "site", cwd=course)
    assert result.returncode == REFUSED
    assert "is a file, not a folder" in one_error(result, "site")
    assert (course / "notes.txt").read_text(encoding="utf-8") == "mine\n"


# ---- folders that cannot be written ------------------------------------------------------------------------

def run_read_only(folder: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`python build.py ARGS` while `folder` cannot be written: its mode 0555 for a user, a read-only
    bind mount of it in a mount namespace of the process's own for root (who may write anything)."""
    command = [sys.executable, str(ROOT / "build.py"), *args]
    if os.geteuid() != 0:
        mode = folder.stat().st_mode
        folder.chmod(0o555)
        try:
            return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
        finally:
            folder.chmod(mode)
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        pytest.skip("running as root without unshare -m: no way to make a folder read-only here")
    mount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return subprocess.run(["unshare", "-m", "sh", "-c", mount, str(folder), *command], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_an_output_in_a_folder_that_cannot_be_written_is_one_line_and_exit_1(course: Path) -> None:
    (course / "ro").mkdir()
    result = run_read_only(course / "ro", "build", "--out", "ro/site", cwd=course)
    assert result.returncode == FAILED
    assert "the site could not be written: " in one_error(result, "ro/site")
    assert list((course / "ro").iterdir()) == []


def test_a_site_that_cannot_be_replaced_stays_as_it_was(course: Path) -> None:
    (course / "out").mkdir()
    assert run_build("build", "--out", "out/site", cwd=course).returncode == 0
    before = tree(course / "out")
    (course / "slides" / "01-a.md").write_text("# A\n\nNew.\n", encoding="utf-8")
    result = run_read_only(course / "out", "build", "--out", "out/site", cwd=course)
    assert result.returncode == FAILED
    assert "nothing was changed there" in one_error(result, "out/site")
    assert tree(course / "out") == before


def test_an_output_under_proc_is_one_line_and_exit_1(course: Path) -> None:
    result = run_build("build", "--out", "/proc/podium-site", cwd=course)
    assert result.returncode == FAILED
    one_error(result, "/proc/podium-site")


def test_an_output_name_too_long_is_refused(course: Path) -> None:
    out = "a" * 300
    result = run_build("build", "--out", out, cwd=course)
    assert result.returncode == REFUSED
    assert "File name too long" in one_error(result, out)


# ---- pdf --out: the same rules, checked before any browser is started ---------------------------------------

def test_pdf_out_follows_the_same_rules(course: Path) -> None:
    env = {**os.environ, "PODIUM_CHROMIUM": str(course / "no-chromium")}   # refused before Chromium matters

    def pdf(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", *args], cwd=course,
                              capture_output=True, text=True, env=env, timeout=120)

    (course / "notes.txt").write_bytes(b"mine\n")
    result = pdf("--out", "notes.txt")
    assert result.returncode == REFUSED and "is a file" in one_error(result, "notes.txt")
    assert (course / "notes.txt").read_bytes() == b"mine\n"
    (course / "printed").mkdir()
    (course / "printed" / "talk.pdf").write_bytes(b"%PDF mine")
    result = pdf("--out", "printed")
    assert result.returncode == REFUSED and "--force" in one_error(result, "printed")
    result = pdf("--out", "slides/pdf")
    assert result.returncode == REFUSED and "inside the slides folder" in one_error(result, "slides/pdf")
    assert (course / "printed" / "talk.pdf").read_bytes() == b"%PDF mine"
    result = pdf("--out", "printed", "--force")        # past the output check: now it is the missing browser
    assert result.returncode == FAILED and "PODIUM_CHROMIUM" in result.stderr


# ---- --config and course.toml ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["build", "check", "sync"])
def test_a_missing_config_file_is_an_error_naming_it(course: Path, command: str) -> None:
    result = run_build(command, "--config", "/nonexistent.toml", cwd=course)
    assert result.returncode == REFUSED
    assert "does not exist" in one_error(result, "/nonexistent.toml")
    assert not (course / "site").exists()


def test_a_folder_as_config_is_an_error(course: Path) -> None:
    result = run_build("build", "--config", "slides", cwd=course)
    assert result.returncode == REFUSED
    assert "is a folder, not a file" in one_error(result, "slides")


@pytest.mark.parametrize("text, line", [
    (b'title = "abc\n', "bad.toml:1:13: error: unterminated string: a string in quotes ends on the line it starts"),
    (b"title = 'abc\n", "bad.toml:1:13: error: unterminated string: a string in quotes ends on the line it starts"),
    (b'title = "abc', "bad.toml:1:13: error: unterminated string: the file ends inside it [config-syntax]"),
    (b'ratio = "4:3"\ntitle = """abc\n\n', "bad.toml:2:15: error: unterminated string: the file ends inside it"),
    (b'title = "caf\xe9"\n', "bad.toml:1:13: error: not valid UTF-8: byte 0xe9"),
    (b'ratio = "4:3"\nratio = "4:3"\n', "bad.toml:2:14: error: Cannot overwrite a value [config-syntax]"),
])
def test_toml_errors_say_what_is_wrong_where(course: Path, text: bytes, line: str) -> None:
    (course / "bad.toml").write_bytes(text)
    result = run_build("build", "--config", "bad.toml", cwd=course)
    assert result.returncode == FAILED
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line), lines
