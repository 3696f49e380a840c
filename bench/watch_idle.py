#!/usr/bin/env python3
"""What watching a big course costs while nobody saves: `serve`'s watcher on a 1,000-file course.

    python3 bench/watch_idle.py [--files 1000] [--seconds 10]

Makes a course of `--files` files (sessions, images and lab files in 50 folders) in a temporary
folder, then for each way of watching (the operating system's file events, notify.py; the same
with a link loop and a link to `/` in the slides folder, where each real folder is watched by
itself; and polling every 25 ms, watch.py) runs the watcher alone in a thread of this process for
`--seconds` seconds with no change, and reports the CPU it used as a share of one core (this
process's user + system time over the wall time). Then it checks that a save is still seen:
two saves of the same size in the same millisecond (the second given the first one's time stamp),
and that the second is what the watcher reports last. Prints figures; it is not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from podium.notify import watch_course  # noqa: E402
from podium.watch import Watcher  # noqa: E402

TARGET = 2.0
"""Idle CPU, in % of one core, the watcher should stay under."""


def make_course(folder: Path, files: int) -> Path:
    slides = folder / "slides"
    for n in range(files):
        sub = slides / f"part-{n % 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        suffix = (".md", ".png", ".yaml", ".py")[n % 4]
        (sub / f"file-{n:04d}{suffix}").write_text(f"file {n}\n" * 20, encoding="utf-8")
    return slides


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def idle_share(slides: Path, poll: bool, seconds: float) -> tuple[float, str, list[set[Path]]]:
    """(% of one core used while idle, how it watched, the batches it reported)."""
    watcher = Watcher([slides])
    batches: list[set[Path]] = []
    stop = threading.Event()
    how: list[str] = []
    thread = threading.Thread(target=watch_course, args=(watcher, batches.append, stop), daemon=True,
                              kwargs={"poll": poll, "started": how.append})
    thread.start()
    time.sleep(1.0)                                              # started, first poll done
    before, start = cpu(), time.monotonic()
    time.sleep(seconds)
    share = (cpu() - before) / (time.monotonic() - start) * 100
    same_millisecond(slides, batches)
    stop.set()
    thread.join(5)
    return share, how[0] if how else "?", batches


def same_millisecond(slides: Path, batches: list[set[Path]]) -> None:
    """Two saves of one file, same size, same time stamp; wait until a batch names it after both."""
    path = next(slides.rglob("*.md"))
    seen = len(batches)
    path.write_text("first save\n", encoding="utf-8")
    stamp = path.stat().st_mtime_ns
    path.write_text("other save\n", encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    end = time.monotonic() + 5
    while time.monotonic() < end and not any(path in batch for batch in batches[seen:]):
        time.sleep(0.01)
    batches.append({Path("caught" if any(path in b for b in batches[seen:]) else "missed")})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="watch-idle-"))
    try:
        slides = make_course(folder, args.files)
        print(f"course: {sum(1 for p in slides.rglob('*') if p.is_file())} files in "
              f"{sum(1 for p in slides.rglob('*') if p.is_dir())} folders; idle for {args.seconds:g} s each")
        for poll, links in ((False, False), (False, True), (True, False)):
            if links:  # a loop and a link to /: each real folder watched by itself
                (slides / "again").symlink_to(".")
                (slides / "root").symlink_to("/")
            share, how, batches = idle_share(slides, poll, args.seconds)
            for link in ("again", "root") if links else ():
                (slides / link).unlink()
            caught = batches[-1] == {Path("caught")}
            verdict = "under" if share < TARGET else "OVER"
            how += " (links)" if links else ""
            print(f"  {how:16s} idle CPU {share:5.2f}% of one core ({verdict} {TARGET:g}%); "
                  f"a second save in the same millisecond: {'seen' if caught else 'MISSED'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
