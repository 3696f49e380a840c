"""Work over many sessions on every core: `parallel_map` runs a function per session in forked
worker processes when that pays and is safe, and here otherwise.

Workers come from a `concurrent.futures.ProcessPoolExecutor` with the "fork" start method: they
inherit everything already loaded, including the work of the call (`_JOB`), so only item indices
go to them and only results, pickled, come back. A worker that fails sends its exception.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Iterator, Sequence, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_FROM = 4
"""Fewer items than this are done here: starting workers would cost more than it saves."""

_JOB: tuple[Callable, Sequence, tuple] | None = None
"""The function, items and shared arguments of the running `parallel_map`, set before the
workers are forked so that they have them without pickling."""


class WorkerError(RuntimeError):
    """A worker process died without sending its results, or with an error that could not be sent."""


@contextlib.contextmanager
def no_garbage_collection() -> Iterator[None]:
    """Parsing makes many small objects that live until the end: collecting them only costs time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _can_fork() -> bool:
    """Forking is fast and safe only from a process with one thread (not inside the dev server)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def shares(weights: Sequence[float], workers: int) -> list[list[int]]:
    """Item indices for each worker: the heaviest items first, each to the least loaded worker."""
    loads = [0.0] * workers
    result: list[list[int]] = [[] for _ in range(workers)]
    for index in sorted(range(len(weights)), key=lambda i: -weights[i]):
        least = loads.index(min(loads))
        result[least].append(index)
        loads[least] += weights[index]
    return [sorted(share) for share in result if share]


def file_size(path: os.PathLike) -> float:
    """A session file's size: the weight of the work on it."""
    try:
        return float(os.stat(path).st_size)
    except OSError:
        return 0.0


def parallel_map(function: Callable[..., Result], items: Sequence[Item], *shared: object,
                 weight: Callable[[Item], float] | None = None) -> list[Result]:
    """`function(item, *shared)` for every item, in order. `weight` guesses an item's cost."""
    workers = min(os.cpu_count() or 1, len(items))
    with no_garbage_collection():
        if len(items) < PARALLEL_FROM or workers < 2 or not _can_fork():
            return [function(item, *shared) for item in items]
        weights = [weight(item) if weight else 1.0 for item in items]
        plan = sorted(shares(weights, workers), key=lambda share: sum(weights[i] for i in share))
        return _forked(function, items, shared, plan)


def _forked(function: Callable[..., Result], items: Sequence[Item], shared: tuple,
            plan: list[list[int]]) -> list[Result]:
    """The first share (the lightest: this process also starts and ends the work) is done here
    while one forked worker per other share does that one."""
    global _JOB
    sys.stdout.flush()
    sys.stderr.flush()
    results: list = [None] * len(items)
    here = list(plan[0])
    sent: list[tuple[list[int], Future]] = []
    _JOB = (function, items, shared)
    pool = ProcessPoolExecutor(max_workers=len(plan) - 1, mp_context=multiprocessing.get_context("fork"),
                               initializer=_die_with, initargs=(os.getpid(),))
    try:
        for share in plan[1:]:
            try:
                sent.append((share, pool.submit(_work, share)))
            except OSError as error:  # no more processes: this one does the share
                log.warning("cannot start a worker process (%s); working in one process", error)
                here += share
        for index in here:
            results[index] = function(items[index], *shared)
        for share, future in sent:
            for index, result in zip(share, future.result()):
                results[index] = result
        return results
    except BrokenProcessPool as exc:
        raise WorkerError("a worker process ended without sending its results") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        _JOB = None


PR_SET_PDEATHSIG = 1
"""Linux's prctl option: the signal a process gets when the one that started it ends."""


def _die_with(parent: int) -> None:
    """In a worker, first: end when the build that forked it ends, even killed with SIGKILL (a
    worker left behind would wait forever to send its results)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(1)


def _work(share: list[int]) -> list:
    """In a worker: the results of the share, from the work it inherited. An exception that
    cannot be pickled is sent as a WorkerError with its traceback."""
    assert _JOB is not None, "workers are forked from parallel_map"
    function, items, shared = _JOB
    try:
        return [function(items[index], *shared) for index in share]
    except BaseException as exc:  # noqa: BLE001  (sent to the parent, which raises it)
        try:
            pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001  (an exception that cannot be pickled)
            import traceback

            text = "".join(traceback.format_exception(exc))
            raise WorkerError(f"a worker failed:\n{text}") from None
        raise
