"""The fuzz run at length: `build` and `check` on thousands of mutated sessions and on the crafted
ones, counting what must never happen. Figures printed, nothing asserted.

Every case is run as tests/test_fuzz.py runs it (tests/fuzzrun.py): beside a base session, over
a copy of a site built before, the two commands side by side in forked children of warm worker
processes, each killed at its deadline. Printed: one line per failing case (its seed or name,
what went wrong), then the counts: tracebacks, exit statuses other than 0 or 1, hangs (killed at
the deadline), slow runs (past the tests' time bound of 2 s + 1 s per 100 kB), failed builds that
changed the previous site, and peak memory: the largest peak RSS of one command (and its case),
and of all the worker processes' descendants together (`getrusage(RUSAGE_CHILDREN)`).

    python bench/fuzz.py [--cases 5000] [--first 0] [--no-crafted] [--scale 1] [--workers 2] [--keep]

`--keep` saves every failing case into tests/fixtures/fuzz/, where the tests run it from then on.
"""

from __future__ import annotations

import argparse
import collections
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import fuzzgen  # noqa: E402
from fuzzrun import Runner, Verdict, baseline_site, try_case  # noqa: E402

KINDS = ("traceback", "exit status", "hang", "slow", "changed the previous site")
"""What is counted: the start of a problem's text after its command."""


def kind(problem: str) -> str:
    what = problem.split(": ", 1)[1]
    return next((k for k in KINDS if what.startswith(k) or k in what), what)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000, help="mutated sessions (default: 5000)")
    parser.add_argument("--first", type=int, default=0, help="the first seed (default: 0)")
    parser.add_argument("--no-crafted", action="store_true", help="leave out the crafted cases")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the crafted cases (default: 1)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default: 2)")
    parser.add_argument("--keep", action="store_true", help="save failing cases into tests/fixtures/fuzz/")
    args = parser.parse_args()

    cases = [*fuzzgen.saved(), *([] if args.no_crafted else fuzzgen.crafted(args.scale)),
             *fuzzgen.mutations(args.cases, args.first)]
    counts: collections.Counter[str] = collections.Counter()
    failing: list[Verdict] = []
    peak = (0, "")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="podium-fuzz-") as work:
        folder = Path(work)
        with Runner(workers=args.workers, temporary=folder) as runner:
            baseline = baseline_site(runner, folder / "baseline")
            for number, case in enumerate(cases, 1):
                case_folder = folder / f"case-{number}"
                verdict = try_case(runner, case, case_folder, baseline)
                for run in (verdict.build, verdict.check):
                    peak = max(peak, (run.max_rss_kb, f"{case.name} {run.args[0]}"))
                if verdict.problems:
                    failing.append(verdict)
                    counts.update({kind(p) for p in verdict.problems})
                    print(f"FAIL {case.name}: {'; '.join(verdict.problems)}", flush=True)
                    if args.keep:
                        print(f"     kept as {fuzzgen.keep(case).relative_to(ROOT)}", flush=True)
                shutil.rmtree(case_folder, ignore_errors=True)
                if number % 500 == 0:
                    print(f"... {number} of {len(cases)} cases, {time.monotonic() - start:.0f} s", flush=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    seconds = time.monotonic() - start
    print(f"\n{len(cases)} cases ({args.cases} mutated from seed {args.first}"
          f"{'' if args.no_crafted else f', {len(fuzzgen.CRAFTED)} crafted at scale {args.scale:g}'}), "
          f"{2 * len(cases)} commands in {seconds:.0f} s")
    print("  cases with")
    for name in KINDS:
        print(f"  - {name + ':':<26} {counts.pop(name, 0)}")
    for name, count in sorted(counts.items()):
        print(f"  - {name + ':':<26} {count}")
    names = ", ".join(v.case.name for v in failing[:40]) + (" ..." if len(failing) > 40 else "")
    print(f"  {'failing cases:':<28} {len(failing)}" + (f" ({names})" if failing else ""))
    print(f"  {'peak memory of a command:':<28} {peak[0] / 1024:.0f} MB ({peak[1]})")
    print(f"  {'peak memory of any child:':<28} {children / 1024:.0f} MB (RUSAGE_CHILDREN)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
