"""Build speed of a ~1,000-slide course: cold `python build.py build`, one-deck rebuild, and Marp.

Run: `python bench/build_speed.py [--runs N]`. Prints figures; it is not a test.
Targets: cold build at most 0.4x marp-cli's time on the same slides; one-deck rebuild under 20 ms.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import COPIES, ROOT, count_slides, make_course, marp_command, median, python_env, timed  # noqa: E402


def cold_build(slides: Path, out: Path, runs: int) -> float:
    """Median seconds of `python build.py build` in a fresh process, into an empty folder.

    Python runs as it does by default: the first (untimed) run writes its bytecode cache."""
    command = [sys.executable, str(ROOT / "build.py"), "build", "--slides", str(slides), "--out", str(out), "--quiet"]
    times = []
    for run in range(runs + 1):
        shutil.rmtree(out, ignore_errors=True)
        seconds = timed(command, env=python_env())
        if run:
            times.append(seconds)
    return median(times)


def one_deck_rebuild(slides: Path, out: Path, edits: int) -> float:
    """Median seconds of Builder.rebuild after editing one slide of one deck, in process."""
    from podium.builder import Builder
    from podium.project import load_project

    project, _ = load_project(slides, out)
    builder = Builder(project)
    assert builder.build().ok
    deck = sorted(slides.glob("*.md"))[len(list(slides.glob("*.md"))) // 2]
    original = deck.read_text(encoding="utf-8")
    times = []
    for number in range(edits):
        deck.write_text(original.replace("use case: simple local cluster init/debug",
                                          f"use case: simple local cluster init/debug (edit {number})"), encoding="utf-8")
        start = time.perf_counter()
        result = builder.rebuild({deck.resolve()})
        times.append(time.perf_counter() - start)
        assert result.ok and f"(edit {number})" in (out / deck.stem / "index.html").read_text(encoding="utf-8")
    deck.write_text(original, encoding="utf-8")
    return median(times)


def marp_build(slides: Path, out: Path, runs: int) -> tuple[float | None, str]:
    command, why = marp_command()
    if command is None:
        return None, why
    times = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        times.append(timed(command + ["--html", "--input-dir", str(slides), "-o", str(out)]))
    return median(times), ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold builds to take the median of")
    parser.add_argument("--copies", type=int, default=COPIES, help="copies of session 6 in the course")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as tmp:
        folder = Path(tmp)
        paths = make_course(folder / "slides", args.copies)
        slides = count_slides(folder / "slides")
        print(f"course: {len(paths)} sessions, {slides} slides")
        ours = cold_build(folder / "slides", folder / "site", args.runs)
        print(f"podium cold build (python build.py build, median of {args.runs}): {ours:.3f} s")
        rebuild = one_deck_rebuild(folder / "slides", folder / "site-live", 10)
        print(f"podium one-deck rebuild (in process, median of 10 edits): {rebuild * 1000:.1f} ms (target < 20 ms)")
        marp, why = marp_build(folder / "slides", folder / "marp", max(3, args.runs // 2))
        if marp is None:
            print(f"marp-cli: not measured ({why})")
        else:
            print(f"marp-cli --html --input-dir (median of {max(3, args.runs // 2)}): {marp:.3f} s")
            print(f"ratio podium/marp: {ours / marp:.2f} (target <= 0.40)")


if __name__ == "__main__":
    main()
