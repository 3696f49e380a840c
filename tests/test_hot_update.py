"""Hot update on the server side: what the open pages are told after a save (hotupdate.py,
livebuild.py), and the file events that see the saves (notify.py)."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from test_server import DevServer, dev_state, eventually, session, write

from podium.hotupdate import Shape, update_message
from podium.livebuild import ALL_PAGES, LiveBuild
from podium.notify import Notified, linked_folder, watch_course
from podium.watch import Watcher


def titled(*titles: str) -> str:
    return "\n\n---\n\n".join(f"# {title}\n\nText of {title}." for title in titles) + "\n"


@pytest.fixture
def live(tmp_path: Path) -> LiveBuild:
    write(tmp_path, "01-first.md", titled("A", "B", "C", "D"))
    write(tmp_path, "02-second.md", titled("X", "Y"))
    (tmp_path / "slides" / "theme.css").write_text("h1 { color: red }\n", encoding="utf-8")
    (tmp_path / "course.toml").write_text('stylesheets = ["slides/theme.css"]\n', encoding="utf-8")
    built = LiveBuild(tmp_path / "slides", None, tmp_path / "site")
    assert built.build().pages == (ALL_PAGES,)
    return built


def update_of(outcome) -> dict:
    [message] = [m for m in outcome.messages if m["command"] == "podium-update"]
    return message


def test_a_slide_edit_is_sent_as_that_slide_and_the_page_does_not_reload(live: LiveBuild) -> None:
    path = write(live.slides.parent, "01-first.md", titled("A", "B, edited", "C", "D"))
    outcome = live.update({path})
    assert "/01-first/" not in outcome.pages
    message = update_of(outcome)
    assert message["path"] == "/01-first/" and (message["base"], message["version"]) == (1, 2)
    kept = [item for item in message["slides"] if isinstance(item, int)]
    assert kept == [0, 2, 3] and "B, edited" in message["slides"][1]
    assert message["slides"][1].startswith('<div class="remark-slide-container" id="slide-container-2"')
    page = (live.out / "01-first" / "index.html").read_text()
    assert message["slides"][1] in page                     # exactly the page's own HTML
    assert message["moved"] == [0, 1, 2, 3] and message["total"] == 4 and message["errors"] == []
    assert live.versions["01-first"] == 2


@pytest.mark.parametrize("titles, slides, moved", [
    (("New", "A", "B", "C", "D"), ["new", 0, 1, 2, 3], [1, 2, 3, 4]),
    (("A", "C", "D"), [0, 2, 3], [0, 1, 1, 2]),
    (("A", "B", "C", "D", "E"), [0, 1, 2, 3, "new"], [0, 1, 2, 3]),
    (("D", "C", "B", "A"), ["new", "new", "new", 0], "any"),
])
def test_inserted_removed_and_moved_slides(live: LiveBuild, titles: tuple, slides: list, moved: list) -> None:
    path = write(live.slides.parent, "01-first.md", titled(*titles))
    message = update_of(live.update({path}))
    assert [item if isinstance(item, int) else "new" for item in message["slides"]] == slides
    assert moved == "any" or message["moved"] == moved
    assert message["numbers"] == list(range(1, len(titles) + 1))
    assert message["texts"] == [f"{n} / {len(titles)}" for n in range(1, len(titles) + 1)]


def test_a_broken_save_sends_only_the_problems(live: LiveBuild) -> None:
    before = (live.out / "01-first" / "index.html").read_text()
    path = write(live.slides.parent, "01-first.md", titled("A", "B") + "\n```python\nopen(\n")
    outcome = live.update({path})
    assert outcome.messages == ({"command": "podium-errors", "path": "/01-first/",
                                 "errors": list(live.errors["01-first"])},)
    assert "/01-first/" not in outcome.pages and "[unclosed-fence]" in outcome.messages[0]["errors"][0]
    assert (live.out / "01-first" / "index.html").read_text() == before
    fixed = update_of(live.update({write(live.slides.parent, "01-first.md", titled("A", "B", "C", "D", "E"))}))
    assert fixed["errors"] == [] and fixed["base"] == 1


def test_a_stylesheet_edit_is_copied_and_swapped(live: LiveBuild) -> None:
    sheet = live.slides / "theme.css"
    sheet.write_text("h1 { color: blue }\n", encoding="utf-8")
    outcome = live.update({sheet})
    assert outcome.messages == ({"command": "podium-css", "paths": ["/static/course/theme.css"]},)
    assert outcome.pages == () and set(outcome.rebuilt) == set(live.builder.decks)
    assert (live.out / "static" / "course" / "theme.css").read_text() == "h1 { color: blue }\n"


def test_a_template_edit_reloads_every_page(live: LiveBuild, tmp_path: Path) -> None:
    from podium.builder import Builder
    from podium.project import PACKAGE_ROOT

    templates = tmp_path / "templates"
    shutil.copytree(PACKAGE_ROOT / "templates", templates)
    live.project = live.project.with_options(templates_dir=templates)
    live.builder = Builder(live.project, keep_going=True)
    live.update(set(templates.iterdir()))
    slide = templates / "slide.html"
    slide.write_text(slide.read_text().replace('role="group"', 'role="group" data-edited="yes"'))
    outcome = live.update({slide})
    assert outcome.pages == (ALL_PAGES,) and outcome.messages == ()
    assert 'data-edited="yes"' in (live.out / "01-first" / "index.html").read_text()


def test_a_page_setting_reloads_the_page(live: LiveBuild) -> None:
    old = live.shapes[live.slides / "01-first.md"]
    path = write(live.slides.parent, "01-first.md", "duration: 10m\n\n" + titled("A", "B", "C", "D"))
    outcome = live.update({path})
    assert "/01-first/" in outcome.pages and not outcome.messages
    assert live.shapes[path].shell != old.shell


def test_without_hot_updates_every_save_reloads(tmp_path: Path) -> None:
    path = write(tmp_path, "01-first.md", titled("A", "B"))
    live = LiveBuild(tmp_path / "slides", None, tmp_path / "site", hot=False)
    live.build()
    outcome = live.update({write(tmp_path, "01-first.md", titled("A", "B, edited"))})
    assert outcome.messages == () and "/01-first/" in outcome.pages
    assert path.is_file()


def test_an_update_from_an_unknown_shape_replaces_every_slide(live: LiveBuild) -> None:
    path = live.slides / "01-first.md"
    rendered = live.builder.decks[path]
    message = update_message(live.project, rendered, Shape("other", ("x",) * 4), live.shapes[path], "/01-first/",
                             (1, 2), [])
    assert all(isinstance(item, str) for item in message["slides"]) and len(message["slides"]) == 4


def _told_on_connecting(port: int, page: str, version: int, address: str = "") -> list[dict]:
    """What the reload socket says to a page of `page` (at URL path `address`, else `page`) showing
    `version` as it opens (livereload's hello and info, as dev-reload.js sends them), in the half
    second after."""
    import asyncio
    import json

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    async def talk() -> list[dict]:
        url = f"ws://127.0.0.1:{port}/__podium__/livereload"
        connection = await websocket_connect(HTTPRequest(url, headers={"Origin": f"http://127.0.0.1:{port}"}))
        await connection.write_message(json.dumps({"command": "hello", "protocols": []}))
        await connection.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}{address or page}",
                                                   "plugins": {}, "page": page, "version": version}))
        told = []
        with contextlib.suppress(asyncio.TimeoutError):  # read until the socket goes quiet
            while (text := await asyncio.wait_for(connection.read_message(), 0.5)) is not None:
                told.append(json.loads(text))
        connection.close()
        return told

    told: list[list[dict]] = []
    worker = threading.Thread(target=lambda: told.append(asyncio.run(talk())))  # a loop of its own, whatever runs here
    worker.start()
    worker.join(10)
    return told[0]


def test_a_page_whose_socket_opened_after_a_save_is_told_to_reload(course: Path) -> None:
    """The page was served, then a save was sent to the open sockets before this page's had opened:
    on connecting it says which version it shows, and is told to reload when that is not the current one."""
    path = write(course, "01-first.md", session("First"))
    server = DevServer(course)
    try:
        served = dev_state(server.text("/01-first/"))["version"]
        path.write_text(session("First", word="Saved"), encoding="utf-8")
        eventually(lambda: "Saved 3 of First" in server.text("/01-first/"))
        current = dev_state(server.text("/01-first/"))["version"]
        assert current == served + 1
        reload = {"command": "reload", "path": "/01-first/", "liveCSS": False, "liveImg": False}
        assert reload in _told_on_connecting(server.port, "/01-first/", served)
        assert not [m for m in _told_on_connecting(server.port, "/01-first/", current) if m["command"] == "reload"]
    finally:
        server.stop()


def test_in_follow_mode_only_the_students_pages_are_compared_with_the_students_copy(course: Path) -> None:
    """`serve --follow`: the students' pages and the socket are the students' copy's; the leader's
    pages (under /lead/TOKEN/) carry the trainer's build's versions, never taken for stale."""
    import re

    path = write(course, "01-first.md", session("First"))
    server = DevServer(course, "--follow", "--host", "127.0.0.1")
    try:
        lead = re.search(r"/lead/[^/]+/", server.wait_for(r"lead from (http://\S+)").group(1)).group(0)
        path.write_text(session("First", word="Saved"), encoding="utf-8")
        eventually(lambda: "Saved 3 of First" in server.text("/01-first/"))
        student = dev_state(server.text("/01-first/"))["version"]
        leader = dev_state(server.text(f"{lead}01-first/"))["version"]
        reload = {"command": "reload", "path": "/01-first/", "liveCSS": False, "liveImg": False}
        assert reload in _told_on_connecting(server.port, "/01-first/", student - 1)
        assert reload not in _told_on_connecting(server.port, "/01-first/", student)
        for shown in (leader, leader + 7):
            assert reload not in _told_on_connecting(server.port, "/01-first/", shown, f"{lead}01-first/")
    finally:
        server.stop()


# ---- file events ----------------------------------------------------------------------------------

@pytest.mark.parametrize("flags", [(), ("--poll",)], ids=["events", "polling"])
def test_a_save_in_the_same_millisecond_as_the_last_one_is_built(course: Path, flags: tuple) -> None:
    path = write(course, "01-first.md", session("First"))
    server = DevServer(course, *flags)
    try:
        first, second = session("First", word="Alpha"), session("First", word="Omega")
        assert len(first) == len(second)
        path.write_text(first, encoding="utf-8")
        stamp = path.stat().st_mtime_ns
        path.write_text(second, encoding="utf-8")            # same size, and the same time stamp
        os.utime(path, ns=(stamp, stamp))
        eventually(lambda: "Omega 3 of First" in server.text("/01-first/"))
        time.sleep(0.3)
        assert "Omega 3 of First" in server.text("/01-first/")
    finally:
        server.stop()


@contextlib.contextmanager
def watching(watcher: Watcher, settle: float = 0.3):
    """`watch_course` in a thread, with file events: yields the list of batches it reports."""
    batches: list[set[Path]] = []
    stop = threading.Event()
    how: list[str] = []
    thread = threading.Thread(target=watch_course, args=(watcher, batches.append, stop), daemon=True,
                              kwargs={"started": how.append})
    thread.start()
    try:
        eventually(lambda: how == ["events"], timeout=5)
        time.sleep(settle)
        yield batches
    finally:
        stop.set()
        thread.join(5)
    assert how == ["events"]


def test_file_events_see_saves_renames_and_deletions_and_ignore_editor_files(tmp_path: Path) -> None:
    folder = tmp_path / "slides"
    folder.mkdir()
    (folder / "one.md").write_text("one")
    outside = tmp_path / "course.toml"
    outside.write_text("a = 1\n")
    with watching(Watcher([folder], [outside])) as batches:
        for name in (".one.md.swp", "one.md~", "4913", "#one.md#"):
            (folder / name).write_text("editor")
        (folder / "one.md").write_text("one, saved")
        eventually(lambda: any(folder / "one.md" in batch for batch in batches), timeout=5)
        (folder / "one.md").rename(folder / "two.md")
        eventually(lambda: any(folder / "two.md" in batch and folder / "one.md" in batch for batch in batches), timeout=5)
        (folder / "two.md").unlink()
        eventually(lambda: sum(folder / "two.md" in batch for batch in batches) >= 2, timeout=5)
        outside.write_text("a = 2\n")
        eventually(lambda: any(outside.resolve() in batch for batch in batches), timeout=5)
        seen = {path.name for batch in batches for path in batch}
        assert not seen & {".one.md.swp", "one.md~", "4913", "#one.md#"}, seen


def test_a_burst_of_saves_is_one_batch(tmp_path: Path) -> None:
    folder = tmp_path / "slides"
    folder.mkdir()
    watcher = Watcher([folder])
    batches: list[set[Path]] = []
    stop = threading.Event()
    notified = Notified(watcher)
    thread = threading.Thread(target=notified.run, args=(batches.append, stop, 0.05), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)
        batches.clear()
        for n in range(10):
            (folder / f"{n}.md").write_text(str(n))
            time.sleep(0.005)
        eventually(lambda: batches, timeout=5)
        time.sleep(0.3)
        assert len(batches) == 1 and len(batches[0]) == 10, batches
    finally:
        stop.set()
        thread.join(5)


def _inotify_watches() -> int:
    """How many inotify watches this process holds (Linux: the `inotify wd:` lines of its fds)."""
    count = 0
    for fd in os.listdir("/proc/self/fdinfo"):
        try:
            count += Path(f"/proc/self/fdinfo/{fd}").read_text().count("inotify wd:")
        except OSError:
            continue
    return count


@pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="counts inotify watches through Linux's /proc")
def test_folders_with_links_are_watched_by_events_that_do_not_follow_links_out(tmp_path: Path) -> None:
    """A link to `/`, a loop and a link into the course: events still (no polling), one watch per
    real folder of the course, saves seen wherever the links lead inside it, new folders too."""
    folder, shared = tmp_path / "slides", tmp_path / "shared"
    (folder / "deep").mkdir(parents=True)
    shared.mkdir()
    assert linked_folder([folder]) is None
    (folder / "deep" / "root").symlink_to("/")
    (folder / "again").symlink_to(".")
    (folder / "shared").symlink_to(shared)
    assert linked_folder([folder]) is not None
    watcher = Watcher([folder], within=[tmp_path])
    assert set(watcher.real_folders()) == {folder, folder / "deep", shared}
    before = _inotify_watches()
    with watching(watcher, settle=0.5) as batches:
        assert 0 < _inotify_watches() - before <= 10       # the link to / is not followed
        (folder / "deep" / "one.md").write_text("one")
        eventually(lambda: any(folder / "deep" / "one.md" in batch for batch in batches), timeout=5)
        (shared / "lab.py").write_text("print(1)\n")          # reached only through the link
        eventually(lambda: any(shared / "lab.py" in batch for batch in batches), timeout=5)
        (folder / "new").mkdir()                             # a folder that came later: watched too
        eventually(lambda: any(folder / "new" in batch for batch in batches), timeout=5)
        time.sleep(0.3)
        (folder / "new" / "two.md").write_text("two")
        eventually(lambda: any(folder / "new" / "two.md" in batch for batch in batches), timeout=5)
        time.sleep(0.3)
        count = len(batches)
        (folder / "new" / "two.md").write_text("two, saved")
        eventually(lambda: any(folder / "new" / "two.md" in batch for batch in batches[count:]), timeout=5)
