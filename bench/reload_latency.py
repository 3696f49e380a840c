#!/usr/bin/env python3
"""How fast a save shows up: `python build.py serve` (and Marp's server) in headless Chromium.

    python3 bench/reload_latency.py [--edits 10] [--slides 30] [--no-marp]

1. Save-to-screen: a 30-slide deck is open in Chromium on slide 15; the bench rewrites the
   session file with new text on that slide and takes the time from just before the write to the
   first animation frame in which the new text is rendered in the page (an init script checks
   `document.body.innerText` on every frame of every page load). Median of 10 edits. Where npm is
   available, Marp's live-reloading server (`marp --html -s DIR`, @marp-team/marp-cli installed
   under bench/.work/) is measured the same way on the same deck and edits.
2. One-deck rebuild: in-process, `Builder.rebuild({path})` after editing ONE slide of one deck
   of a 36-session, ~1,000-slide course. Median of 20 edits.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / ".work"
MARP_DIR = WORK / "marp"
MARP_BIN = MARP_DIR / "node_modules" / ".bin" / "marp"
CHROMIUM = os.environ.get("PODIUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
WATCH_SCREEN = """
(function () {
  var pattern = /EDIT-(\\d+)-END/;
  function check() {
    var found = document.body && pattern.exec(document.body.innerText);
    if (found) { window.__seen = {n: Number(found[1]), t: performance.timeOrigin + performance.now()}; return; }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""
"""On every page load: the time of the first frame showing an `EDIT-n-END` marker."""
sys.path.insert(0, str(ROOT))


def slide_text(deck: int, n: int, marker: str = "") -> str:
    """One slide, different in every deck and position; a code sample on every fifth."""
    body = f"## {deck}.{n} Topic number {n} of session {deck}\n\n{marker}\n\n" if marker else \
        f"## {deck}.{n} Topic number {n} of session {deck}\n\n"
    body += "\n".join(f"- point {k} about `item_{deck}_{n}_{k}` and *why* it matters" for k in range(1, 5))
    if n % 5 == 0:
        body += (f"\n\n```python\ndef handler_{deck}_{n}(event):\n    total = sum(x for x in event)\n"
                 f"    return {{'deck': {deck}, 'slide': {n}, 'total': total}}\n```")
    return body


def deck_text(deck: int, count: int, edited: int | None = None, marker: str = "") -> str:
    return "\n\n---\n\n".join(slide_text(deck, n, marker if n == edited else "") for n in range(1, count + 1)) + "\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_line(process: subprocess.Popen, pattern: str, lines: list[str], timeout: float = 60) -> re.Match:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for line in list(lines):
            found = re.search(pattern, line)
            if found:
                return found
        if process.poll() is not None:
            raise RuntimeError("the server ended:\n" + "\n".join(lines))
        time.sleep(0.02)
    raise RuntimeError(f"no line matching {pattern!r} within {timeout} s:\n" + "\n".join(lines))


def start(command: list[str], env: dict | None = None, cwd: Path | None = None) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               cwd=cwd, start_new_session=True)
    lines: list[str] = []
    threading.Thread(target=lambda: [lines.append(line.rstrip()) for line in process.stdout], daemon=True).start()
    return process, lines


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def save_to_screen(browser, url: str, path: Path, deck: int, count: int, edits: int) -> list[float]:
    """Milliseconds from writing `path` to the new text on screen, per edit."""
    current = count // 2
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.add_init_script(WATCH_SCREEN)
    path.write_text(deck_text(deck, count, current, "EDIT-0-END"), encoding="utf-8")
    time.sleep(1.0)
    page.goto(f"{url}#{current}")
    page.wait_for_function("window.__seen && window.__seen.n === 0", timeout=30000)
    times = []
    for n in range(1, edits + 1):
        time.sleep(0.5)
        text = deck_text(deck, count, current, f"EDIT-{n}-END")
        start_ms = time.time() * 1000
        path.write_text(text, encoding="utf-8")
        page.wait_for_function(f"window.__seen && window.__seen.n === {n}", timeout=30000)
        times.append(page.evaluate("window.__seen.t") - start_ms)
    context.close()
    return times


def podium_latency(browser, folder: Path, count: int, edits: int) -> tuple[list[float], list[int]]:
    slides = (folder / "podium" / "slides").resolve()
    slides.mkdir(parents=True)
    session = slides / "01-bench.md"
    session.write_text(deck_text(1, count), encoding="utf-8")
    (slides / "02-other.md").write_text(deck_text(2, count), encoding="utf-8")
    process, lines = start([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--slides", str(slides)],
                           cwd=folder)
    try:
        url = wait_line(process, r"serving (http://\S+)", lines).group(1)
        times = save_to_screen(browser, f"{url}01-bench/", session, 1, count, edits)
        rebuilds = [int(m.group(1)) for line in lines if (m := re.match(r"rebuilt 01-bench\.md in (\d+) ms", line))]
        return times, rebuilds[-edits:]
    finally:
        stop(process)


def marp_ready() -> str | None:
    """None when Marp's CLI is installed under bench/.work/, else why it is not."""
    if MARP_BIN.exists():
        return None
    if not shutil.which("npm"):
        return "npm is not installed"
    MARP_DIR.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["npm", "install", "--prefix", str(MARP_DIR), "--no-audit", "--no-fund",
                               "--loglevel=error", "@marp-team/marp-cli"], capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return "npm install @marp-team/marp-cli timed out"
    if done.returncode != 0 or not MARP_BIN.exists():
        return "npm install @marp-team/marp-cli failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


def marp_latency(browser, folder: Path, count: int, edits: int) -> list[float]:
    decks = folder / "marp"
    decks.mkdir()
    session = decks / "bench.md"
    session.write_text(deck_text(1, count), encoding="utf-8")
    port = free_port()
    process, lines = start([str(MARP_BIN), "--html", "-s", str(decks)], env={**os.environ, "PORT": str(port)})
    try:
        wait_line(process, r"Start server listened", lines)
        return save_to_screen(browser, f"http://127.0.0.1:{port}/bench.md", session, 1, count, edits)
    finally:
        stop(process)


def rebuild_time(folder: Path, sessions: int = 36, count: int = 28, edits: int = 20) -> tuple[list[float], int]:
    """Milliseconds of `Builder.rebuild({path})` after editing one slide of one deck."""
    from podium.builder import Builder
    from podium.project import load_project

    slides = folder / "course" / "slides"
    slides.mkdir(parents=True)
    for deck in range(1, sessions + 1):
        (slides / f"{deck:02d}-session.md").write_text(deck_text(deck, count), encoding="utf-8")
    project, _ = load_project(slides, folder / "course" / "site")
    builder = Builder(project, keep_going=True)
    result = builder.build()
    total = sum(len(d.slides) for d in result.decks)
    path = (slides / "07-session.md").resolve()
    times = []
    for n in range(-2, edits + 1):  # two edits to warm up, then the measured ones
        path.write_text(deck_text(7, count, 12, f"Edited {n} times."), encoding="utf-8")
        start_s = time.perf_counter()
        done = builder.rebuild({path})
        if n > 0:
            times.append((time.perf_counter() - start_s) * 1000)
        assert done.rebuilt == {path}, done.rebuilt
    return times, total


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return (f"median {statistics.median(ordered):6.1f} ms   min {ordered[0]:6.1f}   max {ordered[-1]:6.1f}   "
            f"(n={len(ordered)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--slides", type=int, default=30)
    parser.add_argument("--no-marp", action="store_true", help="skip Marp's server")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    WORK.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="reload-", dir=WORK))
    try:
        times, total = rebuild_time(folder)
        print(f"one-deck rebuild, {total}-slide course, one slide edited:   {summary(times)}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            podium, rebuilds = podium_latency(browser, folder, args.slides, args.edits)
            print(f"podium serve: save to screen, {args.slides}-slide deck:        {summary(podium)}")
            if rebuilds:
                print(f"  (server-side rebuild of the deck: median {statistics.median(rebuilds)} ms)")
            why = "skipped (--no-marp)" if args.no_marp else marp_ready()
            if why is None:
                try:
                    marp = marp_latency(browser, folder, args.slides, args.edits)
                    print(f"marp -s:      save to screen, {args.slides}-slide deck:        {summary(marp)}")
                    faster = statistics.median(marp) / statistics.median(podium)
                    print(f"podium is {faster:.1f}x {'faster' if faster >= 1 else 'slower'} than Marp's server")
                except Exception as error:  # report and go on: Marp is only the yardstick
                    print(f"marp -s: not measured: {error}")
            else:
                print(f"marp -s: not measured: {why}")
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
