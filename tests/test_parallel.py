"""parallel_map: same results in the same order, from forked workers when it is safe."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT


def _run(body: str) -> subprocess.CompletedProcess:
    script = "import os, sys\nsys.path.insert(0, sys.argv[1])\nfrom podium.parallel import parallel_map\n"
    return subprocess.run([sys.executable, "-c", script + textwrap.dedent(body), str(ROOT)],
                          capture_output=True, text=True, timeout=60)


def test_results_keep_their_order_and_workers_do_the_work() -> None:
    done = _run("""
        def square(n, offset):
            return n * n + offset, os.getpid()

        found = parallel_map(square, list(range(12)), 1)
        assert [value for value, _ in found] == [n * n + 1 for n in range(12)]
        pids = {pid for _, pid in found}
        if (os.cpu_count() or 1) > 1:
            assert len(pids) == min(os.cpu_count(), 12), pids     # this process and forked workers
            assert pids - {os.getpid()}, pids
        else:
            assert pids == {os.getpid()}, pids
        few = parallel_map(square, [1, 2], 0)
        assert {pid for _, pid in few} == {os.getpid()}          # too few to start workers
        print("ok", len(pids))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="workers are forked")
def test_a_failure_in_a_worker_is_raised_here_with_its_type() -> None:
    done = _run("""
        parent = os.getpid()

        def fail_in_worker(n):
            if os.getpid() != parent and n % 2:
                raise KeyError(f"item {n}")
            return n

        try:
            parallel_map(fail_in_worker, list(range(8)))
        except KeyError as exc:
            print("raised", exc)
        else:
            print("no error")
    """)
    if (__import__("os").cpu_count() or 1) < 2:
        pytest.skip("one CPU: nothing is forked")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("raised 'item "), done.stdout


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="workers are forked")
def test_a_worker_that_dies_is_an_error_not_missing_results() -> None:
    done = _run("""
        from podium.parallel import WorkerError
        parent = os.getpid()

        def die_in_worker(n):
            if os.getpid() != parent:
                os._exit(3)
            return n

        try:
            parallel_map(die_in_worker, list(range(8)))
        except WorkerError as exc:
            print("raised", exc)
    """)
    if (__import__("os").cpu_count() or 1) < 2:
        pytest.skip("one CPU: nothing is forked")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("raised a worker process"), done.stdout


def test_shares_put_the_heaviest_items_on_the_least_loaded_worker() -> None:
    from podium.parallel import shares

    weights = [9, 1, 1, 1, 8, 1, 1]
    plan = shares(weights, 2)
    assert plan == [[0, 2, 5], [1, 3, 4, 6]]
    assert [sum(weights[i] for i in share) for share in plan] == [11, 11]
    assert sum(len(share) for share in shares([1.0] * 5, 8)) == 5     # no empty shares


def test_no_workers_are_forked_from_a_process_with_threads() -> None:
    import os
    import threading

    from podium.parallel import parallel_map

    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)
    helper.start()
    try:
        found = parallel_map(lambda n: (n, os.getpid()), list(range(8)))
    finally:
        stop.set()
    assert found == [(n, os.getpid()) for n in range(8)]


def test_results_larger_than_a_pipe_buffer_come_back_whole() -> None:
    done = _run("""
        def big(n):
            return str(n) * 300_000, os.getpid()          # about 1 MB per item, far over 64 KB

        found = parallel_map(big, list(range(8)))
        assert [text for text, _ in found] == [str(n) * 300_000 for n in range(8)]
        print("ok", len({pid for _, pid in found}))
    """)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_workers_end_with_a_build_killed_by_sigkill(tmp_path):
    """A worker whose build is killed must not stay behind, waiting forever to send its results."""
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "work.py"
    script.write_text(
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from podium.parallel import parallel_map\n"
        "os.cpu_count = lambda: 2  # one worker beside this process, on any machine\n"
        "def slow(item):\n"
        "    print(os.getpid(), flush=True)\n"
        "    time.sleep(60)\n"
        "parallel_map(slow, list(range(8)))\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pids = {int(process.stdout.readline()) for _ in range(2)}
    workers = pids - {process.pid}
    assert workers, "no worker process started"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
