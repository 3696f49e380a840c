"""parallel_map: same results in the same order, from worker processes when it is safe."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT


def test_results_keep_their_order_and_workers_do_the_work() -> None:
    script = textwrap.dedent("""
        import os, sys
        sys.path.insert(0, sys.argv[1])
        from podium.parallel import parallel_map

        def square(n, offset):
            return n * n + offset, os.getpid()

        found = parallel_map(square, list(range(12)), 1)
        assert [value for value, _ in found] == [n * n + 1 for n in range(12)]
        workers = {pid for _, pid in found}
        if (os.cpu_count() or 1) > 1:
            assert os.getpid() not in workers, workers
        else:
            assert workers == {os.getpid()}, workers
        few = parallel_map(square, [1, 2], 0)
        assert {pid for _, pid in few} == {os.getpid()}          # too few to start workers
        print("ok", len(workers))
    """)
    done = subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


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
