"""Shared pieces of the benchmarks: a ~1,000-slide course, Marp's command line, timing."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SESSION = ROOT / "slides" / "06-docker-compose.md"
WORK = Path(__file__).resolve().parent / ".work"
MARP_PACKAGE = "@marp-team/marp-cli"


COPIES = 38
"""Copies of session 6 in the benchmark course: 38 x 27 = 1,026 slides, the first count over 1,000."""


def make_course(folder: Path, copies: int = COPIES) -> list[Path]:
    """`copies` sessions made from session 6 (27 slides each: 38 copies = 1,026 slides).

    Every heading gets the copy's number, so no two slides of the course have the same text and
    nothing is rendered once for several copies.
    """
    folder.mkdir(parents=True, exist_ok=True)
    source = SESSION.read_text(encoding="utf-8")
    paths = []
    for number in range(1, copies + 1):
        text = re.sub(r"(?m)^(#+ .*)$", lambda m: f"{m.group(1)} ({number})", source)
        path = folder / f"{number:02d}-session.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def count_slides(slides: Path) -> int:
    """Displayed slides of the course (layouts left out, `--` steps counted); the caller has
    put ROOT on sys.path."""
    from podium.loader import load_deck, session_files
    from podium.project import load_project

    project, _ = load_project(slides, slides.parent / "unused")
    return sum(len(deck.slides) for path in session_files(project) if (deck := load_deck(path, project)[0]))


def marp_command() -> tuple[list[str] | None, str]:
    """The marp command line (installed with npm into bench/.work/marp), or None and why not."""
    binary = WORK / "marp" / "node_modules" / ".bin" / "marp"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None, "npm is not installed"
        print(f"installing {MARP_PACKAGE} into {binary.parent.parent.parent} ...", file=sys.stderr)
        done = subprocess.run([npm, "install", "--prefix", str(WORK / "marp"), MARP_PACKAGE, "--no-audit",
                               "--no-fund", "--loglevel=error"], capture_output=True, text=True)
        if done.returncode != 0 or not binary.exists():
            return None, f"npm install {MARP_PACKAGE} failed: {done.stderr.strip()[-300:]}"
    return [str(binary)], ""


def python_env() -> dict[str, str]:
    """The environment to time `python build.py` in: Python as it runs by default, reading and
    writing its bytecode cache (`__pycache__`), so modules are compiled once, not on every run,
    even where this environment says PYTHONDONTWRITEBYTECODE."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}


def uncompiled_copy(folder: Path) -> tuple[Path, dict[str, str]]:
    """A copy of build.py and Podium's package without bytecode, and an environment that keeps it
    so: every run compiles Podium's modules from source (the libraries keep their own cache)."""
    shutil.copy2(ROOT / "build.py", folder / "build.py")
    shutil.copytree(ROOT / "podium", folder / "podium", ignore=shutil.ignore_patterns("__pycache__"))
    env = python_env()
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return folder / "build.py", env


def timed(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Seconds one run of a command takes (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)
