"""How the work grows with the input on the inputs that once grew quadratically (or recursed):
each case at its size n, 2n and 4n, `build` or `check --no-layout` run in this process, the median
of three runs; printed with the growth from n (2.0 and 4.0 are linear; 4.0 and 16.0 quadratic).

    python bench/growth.py [--only NAME]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from podium.cli import main  # noqa: E402


def _forward(n: int) -> str:
    return "\n---\n".join(f"name: s{i}\ntemplate: s{i + 1}\n\n# {i}" for i in range(n)) + f"\n---\nname: s{n}\n\n# end\n"


def _backward(n: int) -> str:
    return "name: s0\n\n# 0\n" + "".join(f"\n---\nname: s{i}\ntemplate: s{i - 1}\n\n# {i}\n" for i in range(1, n))


CASES = {
    # name: (command, size n, text of size n)
    "unclosed-inline-classes": ("build", 5000, lambda n: ".a[" * n + "\n"),
    "nested-block-classes": ("build", 2000, lambda n: ".a[\n" * n + "x\n" + "]\n" * n),
    "fences-in-one-slide": ("check", 8000, lambda n: "```\n" * n),
    "long-line-before-code": ("check", 20000, lambda n: "x" * n + "\n\n```\ncode\n```\n"),
    "forward-template-chain": ("build", 500, _forward),
    "backward-template-chain": ("build", 500, _backward),
    "backward-template-chain-check": ("check", 500, _backward),
    "deep-blockquote": ("build", 1000, lambda n: "> " * n + "x\n"),
}


def run(folder: Path, command: str) -> float:
    args = [command, "-q"] if command == "build" else [command, "--no-layout"]
    shutil.rmtree(folder / ".podium-cache", ignore_errors=True)  # check remembers its reports there
    home = os.getcwd()
    os.chdir(folder)
    try:
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(args, "build.py")
        return time.perf_counter() - start
    finally:
        os.chdir(home)


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(CASES))
    options = parser.parse_args()
    print(f"{'case':32} {'n':>7} {'t(n) s':>8} {'t(2n)/t(n)':>11} {'t(4n)/t(n)':>11}")
    for name, (command, size, make) in CASES.items():
        if options.only and name != options.only:
            continue
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            (folder / "slides").mkdir()
            times = []
            for factor in (1, 2, 4):
                (folder / "slides" / "01-x.md").write_text(make(size * factor), encoding="utf-8")
                run(folder, command)  # warm: imports, caches of the process
                times.append(statistics.median(run(folder, command) for _ in range(3)))
            base = times[0]
            print(f"{name:32} {size:>7} {base:>8.3f} {times[1] / base:>11.2f} {times[2] / base:>11.2f}")


if __name__ == "__main__":
    main_()
