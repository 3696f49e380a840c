"""Publishing the site: all or nothing, the students' copy without notes, what a rebuild rewrites,
and an output folder that cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_build
from podium.builder import Builder, render_session
from podium.project import load_project
from podium.sessions import find_sessions
from podium.publish import OutputError, publish
from podium.site import write_deck

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

    with pytest.raises(OutputError, match="No space left on device"):
        publish(out, half_then_fail)
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]   # no staging folder left behind


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


# ---- the swap: one known place, atomic, tidy after a kill -------------------------------------------------

import errno  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import podium.publish as publishing  # noqa: E402
from conftest import ROOT  # noqa: E402
from podium.publish import SITE_MARKER, exchange  # noqa: E402

PAGES = 30
"""Files of each version of the test site (more files, a longer fill and a longer removal)."""


def version(number: int):
    """A fill that writes version `number` of a small site: index.html and PAGES pages saying `vN`."""
    def fill(folder: Path) -> None:
        (folder / "index.html").write_text(f"v{number}", encoding="utf-8")
        for page in range(PAGES):
            (folder / f"p{page}.html").write_text(f"v{number}", encoding="utf-8")
    return fill


def complete(site: Path) -> str | None:
    """The version a site is, when it is whole (every file, all of one version, the marker); else None."""
    if not site.is_dir():
        return None
    names = sorted(p.name for p in site.iterdir())
    wanted = sorted([SITE_MARKER, "index.html", *(f"p{page}.html" for page in range(PAGES))])
    if names != wanted:
        return None
    texts = {(site / name).read_text(encoding="utf-8") for name in wanted if name != SITE_MARKER}
    return texts.pop() if len(texts) == 1 else None


def beside(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir())


def no_exchange(a: Path, b: Path) -> None:
    raise OSError(errno.ENOSYS, "no renameat2 here")


def test_publish_marks_the_folder_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, version(1))
    publish(out, version(2))
    assert complete(out) == "v2" and beside(out) == ["site"]


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "in-a").touch()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "in-b").touch()
    exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a" / "in-b").exists() and (tmp_path / "b" / "in-a").exists()


READER = """
import os, sys, time
site, stop, ready = sys.argv[1:4]
reads = misses = 0
open(ready, "w").close()
while not os.path.exists(stop):
    try:
        with open(os.path.join(site, "index.html"), "rb") as page:
            reads += 1 if page.read().startswith(b"v") else 0
    except OSError:
        misses += 1
print(reads, misses)
"""


def test_a_reader_never_finds_the_site_missing_during_50_publishes(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, version(0))
    stop, ready = tmp_path / "stop", tmp_path / "ready"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop), str(ready)],
                              stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        for number in range(1, 51):
            publish(out, version(number))
    finally:
        stop.touch()
        reads, misses = map(int, reader.communicate(timeout=30)[0].split())
    assert misses == 0, f"index.html was missing {misses} times in {reads + misses} reads"
    assert reads > 50 and complete(out) == "v50" and beside(out) == ["ready", "site", "stop"]


def test_without_an_exchange_two_renames_still_publish(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(publishing, "exchange", no_exchange)
    out = tmp_path / "site"
    for number in range(3):
        publish(out, version(number))
    assert complete(out) == "v2" and beside(out) == ["site"]


def test_what_a_killed_publish_left_is_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, version(1))
    work = tmp_path / ".site.podium"
    (work / "new" / "deck").mkdir(parents=True)
    (work / "new" / "deck" / "index.html").write_text("half", encoding="utf-8")
    (work / "lock").touch()
    publish(out, version(2))
    assert complete(out) == "v2" and beside(out) == ["site"]


def test_a_site_left_aside_between_two_renames_is_put_back_first(tmp_path: Path) -> None:
    out = tmp_path / "site"
    publish(out, version(1))
    work = tmp_path / ".site.podium"
    work.mkdir()
    (work / "lock").touch()
    out.rename(work / "old")       # as a publish killed between its two renames leaves it

    def fails(folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OutputError):
        publish(out, fails)
    assert complete(out) == "v1" and beside(out) == ["site"]


def test_a_work_folder_that_is_not_podiums_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "site"
    work = tmp_path / ".site.podium"
    work.mkdir()
    (work / "diary.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="is in the way") as refused:
        publish(out, version(1))
    assert refused.value.refused
    assert (work / "diary.txt").read_text(encoding="utf-8") == "mine" and not out.exists()


def test_a_foreign_folder_is_replaced_only_with_force(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "thesis.tex").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="--force") as refused:
        publish(out, version(1))
    assert refused.value.refused and (out / "thesis.tex").read_text(encoding="utf-8") == "mine"
    publish(out, version(1), force=True)
    assert complete(out) == "v1"


def test_carry_keeps_what_the_new_folder_does_not_have(tmp_path: Path) -> None:
    out = tmp_path / "pdf"

    def printed(*names: str, text: str):
        def fill(folder: Path) -> None:
            for name in names:
                (folder / name).write_text(text, encoding="utf-8")
        return fill

    publish(out, printed("01-a.pdf", "02-b.pdf", text="slides"), carry=True)
    publish(out, printed("01-a-handout.pdf", text="handout"), carry=True)
    publish(out, printed("01-a.pdf", text="slides again"), carry=True)
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir() if p.name != SITE_MARKER} == {
        "01-a.pdf": "slides again", "02-b.pdf": "slides", "01-a-handout.pdf": "handout"}
    assert beside(out) == ["pdf"]


def test_two_publishers_at_once_take_turns(tmp_path: Path) -> None:
    out = tmp_path / "site"
    active, most, guard = [0], [0], threading.Lock()
    failures: list[BaseException] = []

    def run(first: int) -> None:
        for number in range(first, first + 8):
            def fill(folder: Path, number: int = number) -> None:
                with guard:
                    active[0] += 1
                    most[0] = max(most[0], active[0])
                time.sleep(0.005)
                version(number)(folder)
                with guard:
                    active[0] -= 1
            try:
                publish(out, fill)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

    threads = [threading.Thread(target=run, args=(first,)) for first in (0, 100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == [] and most[0] == 1
    assert complete(out) is not None and beside(out) == ["site"]


PUBLISHER = """
import errno, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
import podium.publish as publishing
from test_publish import version
if sys.argv[3] == "renames":
    def no_exchange(a, b):
        raise OSError(errno.ENOSYS, "no renameat2 here")
    publishing.exchange = no_exchange
number = int(sys.argv[4])
while True:
    number += 1
    publishing.publish(Path(sys.argv[2]), version(number))
"""


@pytest.mark.parametrize("swap", ["exchange", "renames"])
def test_a_publisher_killed_at_any_moment_leaves_a_whole_site(tmp_path: Path, swap: str) -> None:
    """SIGKILL 20 times at random moments: the site is whole after each (with two renames: whole, or
    left aside for the next publish to put back), and the next publish leaves nothing beside it."""
    out = tmp_path / "site"
    publish(out, version(0))
    pick = random.Random(f"kill-{swap}")
    for kill in range(20):
        process = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(ROOT), str(out), swap, str(kill * 1000)])
        time.sleep(0.15 + pick.random() * 0.35)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        whole = complete(out)
        if swap == "exchange":
            assert whole is not None, f"kill {kill}: {beside(out)}"
        else:
            assert whole is not None or complete(tmp_path / ".site.podium" / "old") is not None, f"kill {kill}"
            publish(out, version(-1))    # the next build puts the old site back, then replaces it
            assert complete(out) == "v-1"
    publish(out, version(99))
    assert complete(out) == "v99" and beside(out) == ["site"]


def course_of(folder: Path, text: str) -> None:
    slides = folder / "slides"
    slides.mkdir(exist_ok=True)
    for number in range(1, 9):
        body = "\n\n---\n\n".join(f"# {text} {number}.{slide}\n\n" + "Some words. " * 40 for slide in range(20))
        (slides / f"{number:02d}-s.md").write_text(body, encoding="utf-8")


def site_version(site: Path) -> str | None:
    """"A" or "B" when the built site is whole and of one version of the course; else None."""
    if not (site / SITE_MARKER).is_file() or not (site / "index.html").is_file():
        return None
    found = set()
    for number in range(1, 9):
        page = site / f"{number:02d}-s" / "index.html"
        if not page.is_file():
            return None
        text = page.read_text(encoding="utf-8")
        found |= {name for name in "AB" if f"{name} {number}.19" in text}
    return found.pop() if len(found) == 1 else None


def test_a_build_killed_at_random_moments_leaves_the_old_or_the_new_site(tmp_path: Path) -> None:
    build = [sys.executable, str(ROOT / "build.py"), "build", "-q"]
    course_of(tmp_path, "A")
    start = time.monotonic()
    subprocess.run(build, cwd=tmp_path, check=True, timeout=120)
    took = time.monotonic() - start
    course_of(tmp_path, "B")
    pick = random.Random("kill-build")
    for kill in range(20):
        process = subprocess.Popen(build, cwd=tmp_path)
        time.sleep(pick.random() * took * 1.2)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert site_version(tmp_path / "site") in ("A", "B"), f"kill {kill}: {beside(tmp_path / 'site')}"
    subprocess.run(build, cwd=tmp_path, check=True, timeout=120)
    assert site_version(tmp_path / "site") == "B"
    assert beside(tmp_path / "site") == ["site", "slides"]
