"""Nothing outside the course is published: symlinks out of it, hidden files, raw HTML references.

Each leak is built (the build fails at the leak's exact line and the previous site stays), checked
(`check` reports it at the same place), and written anyway by rendering and writing the site
straight through: no file of the site, nor of a lab's zip, holds the secret.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT, run_build

SESSION = "slides/01-a.md"
GOOD = "# A\n\nNothing to see.\n"


@dataclass(frozen=True)
class Leak:
    """A course that names a file it may not publish."""

    name: str
    line: str
    """The slide line naming the file (it is line 3 of the session)."""
    written: str
    """The part of the line the error points at."""
    rule: str
    plant: Callable[[Path, Path], bytes]
    """(course, outside) -> the secret bytes the site must not hold."""
    where: str = SESSION
    """The file the error is in (with the line and column of `written` there when it is the session)."""
    at: tuple[int, int] | None = None
    """The line and column elsewhere than the session."""


def secret_outside(course: Path, outside: Path, name: str = "secret.png") -> tuple[Path, bytes]:
    data = f"SECRET {uuid.uuid4()} {name}".encode()
    path = outside / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path, data


def file_link(link: str, name: str = "secret.png") -> Callable[[Path, Path], bytes]:
    def plant(course: Path, outside: Path) -> bytes:
        target, data = secret_outside(course, outside, name)
        (course / "slides" / link).symlink_to(target)
        return data
    return plant


def folder_link(course: Path, outside: Path) -> bytes:
    _, data = secret_outside(course, outside, "pics/secret.png")
    (course / "slides" / "pics").symlink_to(outside / "pics", target_is_directory=True)
    return data


def root_link(course: Path, outside: Path) -> bytes:
    _, data = secret_outside(course, outside)
    (course / "slides" / "root").symlink_to("/", target_is_directory=True)
    return data


def environ_link(course: Path, outside: Path) -> bytes:
    (course / "slides" / "env.txt").symlink_to("/proc/self/environ")
    return Path("/proc/self/environ").read_bytes()     # the build runs in this process


def hidden_in_course(name: str, link_up: bool = False) -> Callable[[Path, Path], bytes]:
    def plant(course: Path, outside: Path) -> bytes:
        data = f"PRIVATE {uuid.uuid4()}".encode()
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_bytes(data)
        if link_up:
            (course / "slides" / "up").symlink_to("..", target_is_directory=True)
        return data
    return plant


def lab_link(course: Path, outside: Path) -> bytes:
    _, data = secret_outside(course, outside, "data/secret.txt")
    lab = course / "slides" / "01-a"
    lab.mkdir()
    (lab / "app.py").write_text("print('hi')\n", encoding="utf-8")
    (lab / "data").symlink_to(outside / "data", target_is_directory=True)
    return data


def lab_link_to_hidden(course: Path, outside: Path) -> bytes:
    data = hidden_in_course(".id_rsa")(course, outside)
    lab = course / "slides" / "01-a"
    lab.mkdir()
    (lab / "key.txt").symlink_to("../../.id_rsa")
    return data


def sheet_naming_outside(course: Path, outside: Path) -> bytes:
    data = file_link("s.png")(course, outside)
    (course / "slides" / "style.css").write_text("body { color: red; }\n.x { background: url('s.png') }\n",
                                                 encoding="utf-8")
    return data


def course_stylesheet(course: Path, outside: Path) -> bytes:
    target, data = secret_outside(course, outside, "theme.css")
    (course / "theme.css").symlink_to(target)
    (course / "course.toml").write_text('title = "T"\nstylesheets = ["theme.css"]\n', encoding="utf-8")
    return data


LEAKS = [
    Leak("file symlink", "![s](s.png)", "s.png", "outside-course", file_link("s.png")),
    Leak("folder symlink", "![s](pics/secret.png)", "pics/secret.png", "outside-course", folder_link),
    Leak("symlink to /", "![s](root{outside}/secret.png)", "root{outside}/secret.png", "outside-course", root_link),
    Leak("symlink to /proc/self/environ", "[e](env.txt)", "env.txt", "outside-course", environ_link),
    Leak("../ to a hidden course file", "[k](../.id_rsa)", "../.id_rsa", "hidden-file", hidden_in_course(".id_rsa")),
    Leak("../ to .git/config", "[g](../.git/config)", "../.git/config", "hidden-file",
         hidden_in_course(".git/config")),
    Leak("one-level .. symlink", "[k](up/.id_rsa)", "up/.id_rsa", "hidden-file", hidden_in_course(".id_rsa", True)),
    Leak("raw <link href>", '<link rel="stylesheet" href="s.css">', "s.css", "outside-course",
         file_link("s.css", "secret.css")),
    Leak("raw srcset", '<img alt="p" srcset="ok.png 1x, s.png 2x">', "s.png", "outside-course", file_link("s.png")),
    Leak("raw <source srcset>", '<picture><source srcset="s.png"></picture>', "s.png", "outside-course",
         file_link("s.png")),
    Leak("raw <script src>", '<script src="s.js"></script>', "s.js", "outside-course", file_link("s.js")),
    Leak("raw <object data>", '<object data="s.svg"></object>', "s.svg", "outside-course", file_link("s.svg")),
    Leak("raw <embed src>", '<embed src="s.pdf">', "s.pdf", "outside-course", file_link("s.pdf")),
    Leak("raw <video poster>", '<video poster="s.png" controls></video>', "s.png", "outside-course",
         file_link("s.png")),
    Leak("raw <audio src>", '<audio src="s.ogg" controls></audio>', "s.ogg", "outside-course", file_link("s.ogg")),
    Leak("raw <style> url()", "<style>.x { background: url(s.png) }</style>", "s.png", "outside-course",
         file_link("s.png")),
    Leak("raw <style> @import", '<style>@import "s.css";</style>', "s.css", "outside-course",
         file_link("s.css", "secret.css")),
    Leak("raw style= url()", '<div style="background-image: url(s.png)">x</div>', "s.png", "outside-course",
         file_link("s.png")),
    Leak("a linked stylesheet's url()", '<link rel="stylesheet" href="style.css">', "", "outside-course",
         sheet_naming_outside, "slides/style.css", (2, 23)),
    Leak("lab folder symlink", "Create `app.py`.", "", "outside-course", lab_link, "slides/01-a/data", (1, 1)),
    Leak("lab file symlink to a hidden file", "A lab.", "", "hidden-file", lab_link_to_hidden, "slides/01-a/key.txt",
         (1, 1)),
    Leak("course.toml stylesheet", "Nothing here.", "", "outside-course", course_stylesheet, "course.toml", (2, 1)),
]


def make_course(tmp_path: Path) -> tuple[Path, Path]:
    course, outside = tmp_path / "course", tmp_path / "outside"
    (course / "slides").mkdir(parents=True)
    outside.mkdir()
    (course / "slides" / "ok.png").write_bytes(b"fine")
    return course, outside


def write_session(course: Path, line: str) -> None:
    (course / SESSION).write_text(f"# A\n\n{line}\n", encoding="utf-8")


def every_file(folder: Path) -> dict[str, bytes]:
    """Each file below `folder` (symlinks followed), and each member of each zip archive there."""
    found: dict[str, bytes] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found[str(path.relative_to(folder))] = data
            if path.suffix == ".zip":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for member in archive.namelist():
                        found[f"{path.relative_to(folder)}!{member}"] = archive.read(member)
    return found


def assert_not_published(folder: Path, secret: bytes) -> None:
    holding = [name for name, data in every_file(folder).items() if data == secret or secret in data]
    assert not holding, f"published a file from outside the course: {holding}"


def expected_place(leak: Leak, outside: Path) -> str:
    if leak.at is not None:
        return f"{leak.where}:{leak.at[0]}:{leak.at[1]}: error: "
    line = leak.line.replace("{outside}", str(outside))
    return f"{SESSION}:3:{line.index(leak.written.replace('{outside}', str(outside))) + 1}: error: "


def reported(output: str, place: str, rule: str) -> bool:
    return any(line.startswith(place) and f"[{rule}]" in line for line in output.splitlines())


def write_anyway(course: Path, out: Path) -> None:
    """Render every session and write the site, errors or not (what the build would publish)."""
    from podium.builder import render_session
    from podium.project import load_project
    from podium.sessions import find_sessions
    from podium.site import write_site

    project, _ = load_project(course / "slides", out)
    sessions, _ = find_sessions(project)
    keys = frozenset(s.key for s in sessions)
    decks = [deck for deck, _ in (render_session(project, s, keys) for s in sessions) if deck is not None]
    out.mkdir()
    write_site(project, decks, out)


@pytest.mark.parametrize("leak", LEAKS, ids=[leak.name for leak in LEAKS])
def test_a_file_outside_the_course_is_not_published_and_is_reported(tmp_path: Path, leak: Leak) -> None:
    course, outside = make_course(tmp_path)
    write_session(course, "Nothing to see.")
    assert run_build("build", cwd=course).returncode == 0
    before = every_file(course / "site")

    secret = leak.plant(course, outside)
    write_session(course, leak.line.replace("{outside}", str(outside)))
    place = expected_place(leak, outside)

    built = run_build("build", cwd=course)
    assert built.returncode == 1, built.stderr
    assert reported(built.stdout + built.stderr, place, leak.rule), built.stderr
    assert every_file(course / "site") == before                       # the previous site stays
    assert_not_published(course / "site", secret)

    checked = run_build("check", "--no-layout", cwd=course)
    assert checked.returncode == 1
    assert reported(checked.stdout + checked.stderr, place, leak.rule), checked.stdout + checked.stderr

    write_anyway(course, tmp_path / "anyway")
    assert_not_published(tmp_path / "anyway", secret)


def test_the_environment_of_the_build_is_not_published(tmp_path: Path) -> None:
    course, _ = make_course(tmp_path)
    (course / "slides" / "env.txt").symlink_to("/proc/self/environ")
    write_session(course, "[e](env.txt)")
    token = f"TOKEN-{uuid.uuid4()}"
    env = {**os.environ, "PODIUM_TEST_SECRET": token}
    built = subprocess.run([sys.executable, str(ROOT / "build.py"), "build"], cwd=course, env=env,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 1
    assert reported(built.stderr, f"{SESSION}:3:5: error: ", "outside-course"), built.stderr
    assert not (course / "site").exists()
    write_anyway(course, tmp_path / "anyway")          # this process's environment: no token in it either
    assert not [n for n, data in every_file(tmp_path / "anyway").items() if b"PODIUM_TEST_SECRET" in data]


INSIDE = [
    ("file symlink", "![p](pic.png)", "pic.png", lambda s: (s / "pic.png").symlink_to("../assets/pic.png")),
    ("folder symlink", "![p](img/pic.png)", "img/pic.png",
     lambda s: (s / "img").symlink_to("../assets", target_is_directory=True)),
    ("one-level .. symlink", "![p](up/assets/pic.png)", "up/assets/pic.png",
     lambda s: (s / "up").symlink_to("..", target_is_directory=True)),
    ("../ to a course file", "![p](../assets/pic.png)", "../assets/pic.png", lambda s: None),
]


@pytest.mark.parametrize("name, line, published, plant", INSIDE, ids=[case[0] for case in INSIDE])
def test_a_symlink_inside_the_course_still_publishes(tmp_path: Path, name: str, line: str, published: str,
                                                    plant: Callable[[Path], None]) -> None:
    course, _ = make_course(tmp_path)
    (course / "assets").mkdir()
    (course / "assets" / "pic.png").write_bytes(b"PICTURE")
    plant(course / "slides")
    write_session(course, line)
    built = run_build("build", cwd=course)
    assert built.returncode == 0, built.stderr
    assert "outside-course" not in built.stderr and "hidden-file" not in built.stderr
    site = course / "site"
    assert (site / "01-a" / published).resolve().read_bytes() == b"PICTURE"
    checked = run_build("check", "--no-layout", cwd=course)
    assert "outside-course" not in checked.stdout and "missing-file" not in checked.stdout, checked.stdout


RAW_HTML = """# A

<link rel="stylesheet" href="style.css">
<img alt="p" srcset="small.png 1x, big.png 2x">
<style>.x { background: url('bg.png') }</style>
<video poster="poster.png" src="clip.mp4"></video>
<script src="run.js"></script>
<object data="figure.svg"></object>
<link rel="stylesheet" href="https://example.com/remote.css">
<link rel="stylesheet" href="gone.css">
"""


def test_raw_html_files_are_copied_and_checked(tmp_path: Path) -> None:
    course, _ = make_course(tmp_path)
    slides = course / "slides"
    files = {"style.css": b"@import 'more.css';\nbody { background: url(fonts/f.woff) }\n", "more.css": b"p {}\n",
             "fonts/f.woff": b"FONT", "small.png": b"S", "big.png": b"B", "bg.png": b"G", "poster.png": b"P",
             "clip.mp4": b"M", "run.js": b"J", "figure.svg": b"<svg/>"}
    for name, data in files.items():
        (slides / name).parent.mkdir(parents=True, exist_ok=True)
        (slides / name).write_bytes(data)
    (course / SESSION).write_text(RAW_HTML, encoding="utf-8")

    built = run_build("build", cwd=course)
    assert built.returncode == 0, built.stderr
    for name, data in files.items():
        assert (course / "site" / "01-a" / name).read_bytes() == data, name
    assert not (course / "site" / "01-a" / "remote.css").exists()
    gone = f"{SESSION}:10:30: warning: 'gone.css' does not exist [missing-file]"
    assert gone in built.stderr
    assert "remote.css" not in built.stderr

    checked = run_build("check", "--no-layout", cwd=course)
    assert f"{SESSION}:10:30: error: 'gone.css' does not exist" in checked.stdout, checked.stdout
    assert "remote.css" not in checked.stdout
    assert checked.stdout.count("missing-file") == 1


def test_a_missing_file_a_linked_stylesheet_names_is_reported_by_check(tmp_path: Path) -> None:
    course, _ = make_course(tmp_path)
    (course / "slides" / "style.css").write_text("b { }\ni { background: url(nothere.png) }\n", encoding="utf-8")
    write_session(course, '<link rel="stylesheet" href="style.css">')
    checked = run_build("check", "--no-layout", cwd=course)
    assert "slides/style.css:2:21: error: 'nothere.png' does not exist [missing-file]" in checked.stdout


def test_check_sees_a_symlink_turned_outside_after_a_clean_run(tmp_path: Path) -> None:
    course, outside = make_course(tmp_path)
    write_session(course, "![s](s.png)")
    (course / "slides" / "s.png").symlink_to("ok.png")
    assert run_build("check", "--no-layout", cwd=course).returncode == 0     # remembered as fine
    target, _ = secret_outside(course, outside)
    (course / "slides" / "s.png").unlink()
    (course / "slides" / "s.png").symlink_to(target)
    checked = run_build("check", "--no-layout", cwd=course)
    assert checked.returncode == 1
    assert reported(checked.stdout, f"{SESSION}:3:6: error: ", "outside-course"), checked.stdout


def test_the_site_writer_copies_no_file_from_outside(tmp_path: Path) -> None:
    """Even handed a deck whose files lead outside, the writer copies none of them."""
    from podium.builder import render_session
    from podium.project import load_project
    from podium.sessions import find_sessions
    from podium.site import write_deck

    course, outside = make_course(tmp_path)
    write_session(course, "![ok](ok.png)")
    target, secret = secret_outside(course, outside)
    (course / "slides" / "s.png").symlink_to(target)
    (course / ".env").write_bytes(secret + b" env")
    project, _ = load_project(course / "slides", tmp_path / "out")
    session = find_sessions(project)[0][0]
    rendered, problems = render_session(project, session, frozenset({session.key}))
    assert rendered is not None and not problems
    assets = {**rendered.assets, "s.png": course / "slides" / "s.png", "e.txt": course / ".env",
              "direct.png": target}
    lab = {"data.txt": course / "slides" / "s.png", "made.txt": "made by a block\n"}
    out = tmp_path / "out"
    write_deck(project, replace(rendered, assets=assets, lab=lab), out)
    assert (out / "01-a" / "ok.png").read_bytes() == b"fine"
    assert (out / "01-a" / "made.txt").is_file()
    assert_not_published(out, secret)


def test_a_symlink_loop_in_a_lab_folder_is_walked_once(tmp_path: Path) -> None:
    course, _ = make_course(tmp_path)
    lab = course / "slides" / "01-a"
    lab.mkdir()
    (lab / "app.py").write_text("print('hi')\n", encoding="utf-8")
    (lab / "loop1").symlink_to(".", target_is_directory=True)
    (lab / "loop2").symlink_to(".", target_is_directory=True)
    write_session(course, "Create `app.py`.")
    built = run_build("build", cwd=course)
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(course / "site" / "01-a" / "lab.zip") as archive:
        assert archive.namelist() == ["app.py"]


def test_a_name_too_long_for_the_file_system_is_a_missing_file(tmp_path: Path) -> None:
    course, _ = make_course(tmp_path)
    write_session(course, f"![x]({'a/' * 3000}x.png)")
    built = run_build("build", cwd=course)
    assert built.returncode == 0, built.stderr
    assert reported(built.stderr, f"{SESSION}:3:6: warning: ", "missing-file")
