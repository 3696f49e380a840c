#!/usr/bin/env python3
"""How fast a save shows up: `python build.py serve`, Marp's server and Slidev's, in headless Chromium.

    python3 bench/reload_latency.py [--rounds 5] [--slides 30] [--no-marp] [--no-slidev] [--poll]

1. Save-to-screen: the same 30-slide deck is served by each tool and open in its own Chromium
   page; each round edits, for every tool in turn, the first, a middle and the last slide (the
   page shows that slide), and takes the time from just before the write to the first animation
   frame in which the new text is rendered (an init script checks `document.body.innerText` on
   every frame, across page loads and in-place updates alike). Medians per tool and position, and
   the ratio to Podium's. Marp's live-reloading server (`marp --html -s DIR`) and Slidev's dev
   server (Vite's hot update) are installed with npm under bench/.work/ on first use, where npm
   reaches its registry; a tool that cannot be installed is reported and left out.
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
SLIDEV_DIR = WORK / "slidev"
SLIDEV_BIN = SLIDEV_DIR / "node_modules" / ".bin" / "slidev"
CHROMIUM = os.environ.get("PODIUM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
WATCH_SCREEN = """
(function () {
  var pattern = /EDIT-(\\d+)-END/g;
  window.__seen = window.__seen || {};
  function check() {
    var text = document.body ? document.body.innerText : '', found;
    pattern.lastIndex = 0;
    while ((found = pattern.exec(text))) {
      if (!(found[1] in window.__seen)) window.__seen[found[1]] = performance.timeOrigin + performance.now();
    }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""
"""On every page load: for each `EDIT-n-END` marker, the time of the first frame that shows it."""
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


class Tool:
    """One server under measure: its deck file, its page, and how a slide's URL is written."""

    def __init__(self, name: str, process: subprocess.Popen, path: Path, page, slide_url) -> None:
        self.name, self.process, self.path, self.page, self.slide_url = name, process, path, page, slide_url
        self.times: dict[str, list[float]] = {}

    def show(self, slide: int) -> None:
        """Put the page on `slide` (1-based) and wait until it is on screen."""
        self.page.goto(self.slide_url(slide))
        self.page.wait_for_function(f"document.body && document.body.innerText.includes('1.{slide} Topic number')",
                                    timeout=30000)

    def edit(self, marker: int, slide: int, count: int) -> float:
        """Milliseconds from writing the deck with `marker` on `slide` to the marker on screen."""
        text = deck_text(1, count, slide, f"EDIT-{marker}-END")
        start_ms = time.time() * 1000
        self.path.write_text(text, encoding="utf-8")
        self.page.wait_for_function(f"window.__seen && window.__seen['{marker}']", timeout=30000)
        return self.page.evaluate(f"window.__seen['{marker}']") - start_ms


def open_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.add_init_script(WATCH_SCREEN)
    return page


def start_podium(browser, folder: Path, count: int, poll: bool) -> Tool:
    slides = (folder / "podium" / "slides").resolve()
    slides.mkdir(parents=True)
    session = slides / "01-bench.md"
    session.write_text(deck_text(1, count), encoding="utf-8")
    (slides / "02-other.md").write_text(deck_text(2, count), encoding="utf-8")
    command = [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--no-layout", "--slides", str(slides)]
    process, lines = start(command + (["--poll"] if poll else []), cwd=folder)
    url = wait_line(process, r"serving (http://\S+)", lines).group(1)
    tool = Tool("podium serve", process, session, open_page(browser), lambda n: f"{url}01-bench/#{n}")
    tool.lines = lines
    return tool


def npm_ready(folder: Path, binary: Path, packages: list[str]) -> str | None:
    """None when `binary` is installed under `folder`, else why it is not (installing it first)."""
    if binary.exists():
        return None
    if not shutil.which("npm"):
        return "npm is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                               "--loglevel=error", *packages], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        return f"npm install {' '.join(packages)} timed out"
    if done.returncode != 0 or not binary.exists():
        return f"npm install {' '.join(packages)} failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return None


def peer_deck(folder: Path, name: str, count: int) -> tuple[Path, int]:
    """A peer's copy of the deck, in its own folder, and a free port for its server."""
    (folder / name.split("/")[0]).mkdir()
    session = folder / name
    session.write_text(deck_text(1, count), encoding="utf-8")
    return session, free_port()


def start_marp(browser, folder: Path, count: int) -> Tool:
    session, port = peer_deck(folder, "marp/bench.md", count)
    decks = session.parent
    process, lines = start([str(MARP_BIN), "--html", "-s", str(decks)], env={**os.environ, "PORT": str(port)})
    wait_line(process, r"Start server listened", lines)
    return Tool("marp -s", process, session, open_page(browser), lambda n: f"http://127.0.0.1:{port}/bench.md#{n}")


def start_slidev(browser, folder: Path, count: int) -> Tool:
    session, port = peer_deck(folder, "slidev/slides.md", count)
    process, lines = start([str(SLIDEV_BIN), str(session), "--port", str(port), "--open", "false", "--bind", "127.0.0.1"],
                           cwd=SLIDEV_DIR)
    wait_line(process, rf"(localhost|127\.0\.0\.1):{port}", lines, timeout=120)
    tool = Tool("slidev", process, session, open_page(browser), lambda n: f"http://127.0.0.1:{port}/{n}")
    tool.page.goto(tool.slide_url(1))                          # the first load builds the deck (Vite)
    tool.page.wait_for_function("document.body && document.body.innerText.includes('1.1 Topic number')", timeout=120000)
    return tool


def save_to_screen(tools: list[Tool], count: int, rounds: int) -> None:
    """Each round: the first, a middle and the last slide, every tool in turn on each."""
    positions = {"first": 1, "middle": count // 2, "last": count}
    marker = 0
    for _ in range(rounds + 1):                                  # the first round warms up
        for place, slide in positions.items():
            for tool in tools:
                tool.show(slide)
                time.sleep(0.3)
                marker += 1
                took = tool.edit(marker, slide, count)
                if _ > 0:
                    tool.times.setdefault(place, []).append(took)
                time.sleep(0.3)


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
    parser.add_argument("--rounds", type=int, default=5, help="measured edits per tool and position")
    parser.add_argument("--slides", type=int, default=30)
    parser.add_argument("--no-marp", action="store_true", help="leave Marp's server out")
    parser.add_argument("--no-slidev", action="store_true", help="leave Slidev's server out")
    parser.add_argument("--poll", action="store_true", help="run Podium's server with --poll")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    WORK.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="reload-", dir=WORK))
    tools: list[Tool] = []
    try:
        times, total = rebuild_time(folder)
        print(f"one-deck rebuild, {total}-slide course, one slide edited:   {summary(times)}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            tools.append(start_podium(browser, folder, args.slides, args.poll))
            peers = [("marp -s", args.no_marp, MARP_DIR, MARP_BIN, ["@marp-team/marp-cli"], start_marp),
                     ("slidev", args.no_slidev, SLIDEV_DIR, SLIDEV_BIN, ["@slidev/cli", "@slidev/theme-default"],
                      start_slidev)]
            for name, skipped, where, binary, packages, starter in peers:
                why = "left out" if skipped else npm_ready(where, binary, packages)
                if why is None:
                    try:
                        tools.append(starter(browser, folder, args.slides))
                    except Exception as error:  # report and go on: the peers are only the yardstick
                        why = f"could not be started: {str(error).splitlines()[0]}"
                if why is not None:
                    print(f"{name}: not measured: {why}")
            save_to_screen(tools, args.slides, args.rounds)
            podium = tools[0]
            every = {tool.name: [t for place in tool.times.values() for t in place] for tool in tools}
            print(f"save to screen, {args.slides}-slide deck, {args.rounds} rounds x first/middle/last, alternating:")
            for tool in tools:
                places = "   ".join(f"{place} {statistics.median(times):6.1f}" for place, times in tool.times.items())
                print(f"  {tool.name:13s} {summary(every[tool.name])}   medians: {places} ms")
            for tool in tools[1:]:
                ratio = statistics.median(every[tool.name]) / statistics.median(every[podium.name])
                print(f"  podium's median is {1 / ratio:.2f} of {tool.name}'s ({ratio:.1f}x faster)")
            rebuilds = [int(m.group(1)) for line in podium.lines if (m := re.match(r"rebuilt .*01-bench\.md in (\d+) ms", line))]
            if rebuilds:
                print(f"  (podium's server-side rebuild of the deck: median {statistics.median(rebuilds)} ms)")
            browser.close()
    finally:
        for tool in tools:
            stop(tool.process)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
