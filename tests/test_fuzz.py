"""Hostile sessions: `build` and `check` on mutated real sessions, crafted pathological ones and the
cases kept in fixtures/fuzz/, each command in a forked child with a deadline (fuzzrun.py).

For every case: no traceback, exit status 0 or 1, done within a time bound that grows with the
input's size, and, when the build fails, the site built before it left byte for byte as it was.
A case that breaks this is kept with `fuzzgen.keep(case)` as a file of fixtures/fuzz/, so it is
run on every later test run (`python bench/fuzz.py --keep` keeps what a longer run finds).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import fuzzgen
from fuzzrun import BASE, BUILD, Runner, base_course, baseline_site, try_case

MUTATIONS = 180
"""Mutated sessions per run (seeds 0 to MUTATIONS - 1; `bench/fuzz.py` runs more)."""

CASES = [*fuzzgen.saved(), *fuzzgen.crafted(), *fuzzgen.mutations(MUTATIONS)]


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory):
    """Two workers: a case's build and check run side by side."""
    with Runner(workers=2, temporary=tmp_path_factory.mktemp("fuzz-tmp")) as running:
        yield running


@pytest.fixture(scope="module")
def baseline(runner: Runner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return baseline_site(runner, tmp_path_factory.mktemp("baseline"))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_build_and_check_end_cleanly(case: fuzzgen.Case, runner: Runner, baseline: Path, tmp_path: Path) -> None:
    verdict = try_case(runner, case, tmp_path, baseline)
    assert not verdict.problems, verdict.report()


def test_the_generator_is_seeded() -> None:
    """The same seed gives the same bytes (a seed names a case), and seeds differ."""
    assert fuzzgen.mutated(7) == fuzzgen.mutated(7)
    assert len({b"".join(fuzzgen.mutated(seed).files.values()) for seed in range(20)}) == 20


def test_the_crafted_cases_are_the_hostile_ones() -> None:
    """The inputs that once broke the build are among the crafted cases, at their sizes."""
    crafted = {case.name: case.files[fuzzgen.SESSION] for case in fuzzgen.crafted() if fuzzgen.SESSION in case.files}
    assert crafted["nested-classes-260"] == (".a[\n" * 260 + "x\n" + "]\n" * 260).encode()
    assert crafted["unclosed-inline-classes-4000"] == (".a[" * 4000 + "\n").encode()
    assert crafted["fences-16000"] == b"```\n" * 16000
    assert crafted["template-chain-forward-1000"].count(b"\ntemplate: ") == 999
    assert crafted["template-chain-backward-2000"].count(b"\ntemplate: ") == 1999
    assert crafted["blockquotes-300"] == b"> " * 300 + b"x\n" and crafted["lists-300"] == b"- " * 300 + b"x\n"


def test_a_hang_is_killed_at_its_deadline(tmp_path: Path) -> None:
    """The runner itself: a command that never ends is killed, with what it started, and the next
    command runs (a hang must not hang the test run)."""
    course = base_course(tmp_path / "course")
    with Runner(temporary=tmp_path) as running:
        refused = running.run(course, ("--no-such-option",), 0.5)       # argparse answers at once ...
        assert refused.status == 2 and not refused.hung
        hung = running.run(course, ("serve", "--port", "0", "--no-layout"), 1.0)  # ... serve runs until stopped
        assert hung.hung and 1.0 <= hung.seconds < 5 and hung.problems(10)[0].startswith("hang")
        after = running.run(course, BUILD, 30)
        assert after.status == 0 and (course / "site" / Path(BASE).stem / "index.html").is_file(), after.output
