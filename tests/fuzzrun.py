"""Run Podium's commands on many courses fast, without one hang, crash or blow-up stopping the caller.

`Runner` starts worker processes that import Podium once. For each command it forks a child
that runs `podium.cli.main` as `python build.py ...` would (an exception that escapes it is
printed as the interpreter prints it: a traceback on stderr, exit status 1), with its stdout and
stderr going to a file. The worker kills the child (and everything it started) at the deadline,
and reports the exit status, the time, the child's peak memory (`wait4`) and what it printed. A
child cannot grow its address space past `memory_limit` (it fails with a MemoryError instead of
taking the machine's memory), and dies with its worker. The caller waits for a worker's answer
with a margin past the deadline: a worker that stops answering is killed and replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from fuzzgen import Case

ROOT = Path(__file__).resolve().parent.parent
TRACEBACK = "Traceback (most recent call last)"
HANG = None
"""The status of a command killed at its deadline."""
OUTPUT_KEPT = 200_000
"""Characters of a command's output kept at its start and at its end (the rest is cut)."""
MARGIN = 20.0
"""Seconds the caller waits for the worker beyond a command's deadline."""


@dataclass(frozen=True, slots=True)
class Run:
    """One command as the worker ran it."""

    args: tuple[str, ...]
    """The command line after `build.py`."""
    status: int | None
    """Its exit status; negative: killed by that signal; None: killed at its deadline."""
    seconds: float
    """How long it ran."""
    output: str
    """stdout and stderr, interleaved as written (cut in the middle when very long)."""
    max_rss_kb: int
    """Its peak resident memory: the largest of its process's and of the processes it waited for."""
    traceback: bool
    """A Python traceback appeared in its output."""

    @property
    def hung(self) -> bool:
        return self.status is HANG

    def problems(self, bound: float) -> list[str]:
        """What is wrong with this run: a traceback, an exit status other than 0 or 1, a hang, slowness."""
        found = []
        if self.traceback:
            found.append("traceback")
        if self.hung:
            found.append(f"hang (killed after {self.seconds:.1f} s)")
        elif self.status not in (0, 1):
            found.append(f"exit status {self.status}")
        elif self.seconds > bound:
            found.append(f"slow ({self.seconds:.2f} s, bound {bound:.2f} s)")
        return found

    def excerpt(self, lines: int = 12) -> str:
        """The end of the output (where a traceback is)."""
        return "\n".join(self.output.rstrip().splitlines()[-lines:])


class _Worker:
    """One worker process (started when first needed, again after it was killed)."""

    def __init__(self, memory_limit: int, environment: dict[str, str] | None) -> None:
        self.memory_limit, self.environment = memory_limit, environment
        self.process: subprocess.Popen | None = None

    def send(self, request: dict) -> bool:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), str(self.memory_limit)],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True,
                                            env=self.environment)
        try:
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            return True
        except OSError:
            self.kill()
            return False

    def answer(self) -> dict | None:
        """The answer to the last request (the worker has written some of it), None if it died."""
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.endswith(b"\n"):
            self.kill()
            return None
        return json.loads(line)

    def kill(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def close(self) -> None:
        if self.process is not None:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self.process.stdin.close()  # type: ignore[union-attr]
                self.process.wait(timeout=10)
            self.kill()


Job = tuple[Path, Sequence[str], float]
"""A command to run: its folder, its arguments after `build.py` and its deadline in seconds."""


class Runner:
    """Worker processes that run commands in forked children; use it as a context manager."""

    def __init__(self, workers: int = 1, memory_limit: int = 3 << 30, temporary: Path | None = None) -> None:
        environment = {**os.environ, "TMPDIR": str(temporary)} if temporary else None
        self.workers = [_Worker(memory_limit, environment) for _ in range(workers)]
        """`memory_limit`: bytes of address space a command may use (a blow-up past it fails instead
        of taking the machine); `temporary`: the folder of the commands' temporary files."""

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, cwd: Path, args: Sequence[str], deadline: float) -> Run:
        """`python build.py ARGS` in `cwd`, killed after `deadline` seconds."""
        return self.run_all([(cwd, args, deadline)])[0]

    def run_all(self, jobs: Sequence[Job]) -> list[Run]:
        """Several commands, as many at a time as there are workers; their runs in the same order."""
        runs: list[Run] = []
        for first in range(0, len(jobs), len(self.workers)):
            runs += self._together(jobs[first:first + len(self.workers)])
        return runs

    def _together(self, jobs: Sequence[Job]) -> list[Run]:
        runs: dict[int, Run] = {}
        waiting: dict[int, _Worker] = {}
        start = time.monotonic()
        for number, (worker, (cwd, args, deadline)) in enumerate(zip(self.workers, jobs)):
            if worker.send({"cwd": str(cwd), "args": list(args), "deadline": deadline}):
                waiting[number] = worker
            else:
                runs[number] = Run(tuple(args), HANG, 0.0, "the fuzz worker could not be started", 0, False)
        while waiting:
            ends = {number: start + jobs[number][2] + MARGIN for number in waiting}
            streams = {waiting[number].process.stdout: number for number in waiting}  # type: ignore[union-attr]
            ready, _, _ = select.select(list(streams), [], [], max(0.0, min(ends.values()) - time.monotonic()))
            for stream in ready:
                number = streams[stream]
                answer = waiting.pop(number).answer()
                args = tuple(jobs[number][1])
                runs[number] = Run(args, **answer) if answer else Run(args, HANG, time.monotonic() - start,
                                                                      "the fuzz worker died", 0, False)
            for number in [n for n in waiting if ends[n] <= time.monotonic()]:
                waiting.pop(number).kill()
                runs[number] = Run(tuple(jobs[number][1]), HANG, time.monotonic() - start,
                                   "the fuzz worker stopped answering", 0, False)
        return [runs[number] for number in range(len(jobs))]

    def close(self) -> None:
        """Stop the workers."""
        for worker in self.workers:
            worker.close()


# ---- one case: build and check it, as the tests and the benchmark do -----------------------------

BASE = "00-base.md"
BASE_TEXT = "name: cover\nclass: center, middle\n\n# Base session\n\n---\n\n## Second slide\n\n- a point\n"
"""The course's other session, beside every case: the course always has a session that builds."""
BUILD = ("build", "--out", "site")
CHECK = ("check", "--no-layout")


def time_bound(size: int) -> float:
    """Seconds one command may take on an input of `size` bytes: 2 s plus 1 s per 100 kB."""
    return 2.0 + size / 100_000


def deadline(bound: float) -> float:
    """When a command is killed: well past its bound, so that a slow run shows how slow."""
    return 2 * bound + 2


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` -> its bytes (a folder: `<folder>`, a symbolic link: its target)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = b"-> " + str(path.readlink()).encode()
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = b"<folder>"
    return found


def base_course(folder: Path) -> Path:
    """A course folder holding the base session only."""
    (folder / "slides").mkdir(parents=True)
    (folder / "slides" / BASE).write_text(BASE_TEXT, encoding="utf-8")
    return folder


def baseline_site(runner: Runner, folder: Path) -> Path:
    """The site of the base course, built in `folder` (every case starts from a copy of it)."""
    built = runner.run(base_course(folder), BUILD, 60)
    if built.status != 0 or built.traceback:
        raise RuntimeError(f"the base course does not build:\n{built.output}")
    return folder / "site"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What `build` and `check` did with one case."""

    case: Case
    build: Run
    check: Run
    problems: tuple[str, ...]
    """What went wrong (empty: nothing)."""

    def report(self) -> str:
        """The case, its problems and the end of both commands' output."""
        case = self.case
        lines = [f"{case.name} ({case.size} bytes; {case.origin[:300]}):", *(f"  {p}" for p in self.problems)]
        for run in (self.build, self.check):
            lines += [f"--- {' '.join(run.args)}: status {run.status}, {run.seconds:.2f} s, "
                      f"{run.max_rss_kb // 1024} MB", run.excerpt()]
        return "\n".join(lines)


def try_case(runner: Runner, case: Case, folder: Path, baseline: Path) -> Verdict:
    """Build and check `case` (beside the base session) in `folder`, over a copy of the baseline
    site: no traceback, exit status 0 or 1, within the time bound of its size, and a failed build
    leaves the copy byte for byte as it was."""
    case.write(base_course(folder) / "slides")
    site = folder / "site"
    shutil.copytree(baseline, site, symlinks=True)
    before = snapshot(site)
    bound = time_bound(case.size)
    build, check = runner.run_all([(folder, BUILD, deadline(bound)), (folder, CHECK, deadline(bound))])
    after = snapshot(site)
    problems = [f"{run.args[0]}: {problem}" for run in (build, check) for problem in run.problems(bound)]
    if build.status != 0 and after != before:
        changed = sorted(set(before) ^ set(after) | {k for k in before.keys() & after.keys() if before[k] != after[k]})
        problems.append(f"build: failed and changed the previous site ({', '.join(changed[:5])})")
    if build.status == 0 and not (site / Path(BASE).stem / "index.html").is_file():
        problems.append("build: succeeded without publishing the base session")
    return Verdict(case, build, check, tuple(problems))


# ---- the worker ----------------------------------------------------------------------------------

WARM_UP = ("slides/06-docker-compose.md", "slides/00-guide.md")
"""Sessions the worker builds and checks once before it forks any child: every child starts with
Podium's modules imported and its caches filled (Markdown parser, templates, lexers), as the
commands are after their first file, so what a child's time measures is the case."""


def _warm_up(folder: str) -> None:
    import io
    import logging

    course = Path(folder) / "warm-up"
    (course / "slides").mkdir(parents=True)
    for name in WARM_UP:
        shutil.copyfile(ROOT / name, course / "slides" / Path(name).name)
    home = os.getcwd()
    os.chdir(course)
    try:
        with contextlib.suppress(Exception), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):  # (a child that runs into the same shows it)
            from podium.cli import main

            for args in (BUILD, CHECK):
                main(list(args), "build.py")
    finally:
        os.chdir(home)
        logging.getLogger().handlers.clear()  # each child sets up its logging as a new process does
        shutil.rmtree(course, ignore_errors=True)


def _die_with_parent() -> None:
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _child(request: dict, output: int, memory_limit: int) -> None:
    """Run one command here (a forked child) and exit with its status."""
    import resource
    import traceback

    status = 1
    try:
        os.setpgid(0, 0)
        _die_with_parent()
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.chdir(request["cwd"])
        from podium.cli import main

        status = main(request["args"], "build.py")
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
        status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status if isinstance(status, int) else 1)


def _wait(pid: int, deadline: float) -> tuple[int | None, int]:
    """The child's exit status (None when killed at the deadline) and its peak memory in kB."""
    handle = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([handle], [], [], deadline)
    finally:
        os.close(handle)
    hung = not ready
    with contextlib.suppress(ProcessLookupError, PermissionError):  # not reaped yet: the group id is ours
        os.killpg(pid, signal.SIGKILL)  # at the deadline; else what it started and left running
    _, code, usage = os.wait4(pid, 0)
    if hung:
        status = HANG
    elif os.WIFSIGNALED(code):
        status = -os.WTERMSIG(code)
    else:
        status = os.WEXITSTATUS(code)
    return status, usage.ru_maxrss


def _read_output(path: str) -> tuple[str, bool]:
    with open(path, "rb") as file:
        data = file.read()
    text = data.decode("utf-8", "replace")
    cut = text if len(text) <= 2 * OUTPUT_KEPT else text[:OUTPUT_KEPT] + "\n[...]\n" + text[-OUTPUT_KEPT:]
    return cut, TRACEBACK in text


def work(memory_limit: int) -> None:
    """Answer requests (JSON lines on stdin) until stdin closes."""
    sys.path.insert(0, str(ROOT))
    answers = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)  # what the worker itself prints goes nowhere
    folder = tempfile.mkdtemp(prefix="podium-fuzz-")
    path = os.path.join(folder, "output")
    try:
        _warm_up(folder)
        for line in sys.stdin:
            request = json.loads(line)
            output = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            sys.stdout.flush()
            sys.stderr.flush()
            start = time.monotonic()
            pid = os.fork()
            if pid == 0:
                _child(request, output, memory_limit)
            os.close(output)
            status, rss = _wait(pid, request["deadline"])
            seconds = time.monotonic() - start
            text, traceback = _read_output(path)
            answer = {"status": status, "seconds": seconds, "output": text, "max_rss_kb": rss, "traceback": traceback}
            answers.write(json.dumps(answer).encode() + b"\n")
            answers.flush()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    work(int(sys.argv[1]))
