"""Work over many sessions on every core: `parallel_map` runs a function per session in forked
worker processes when that pays and is safe, and here otherwise.

Workers are plain forks: they inherit everything already loaded, share the items by index and
send back their results, pickled, through a pipe. A worker that fails sends its exception.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import signal
import sys
import threading
from typing import Callable, Iterator, Sequence, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_FROM = 4
"""Fewer items than this are done here: starting workers would cost more than it saves."""


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
    while forked workers do the others."""
    sys.stdout.flush()
    sys.stderr.flush()
    children: list[tuple[int, int, list[int]]] = []
    here = list(plan[0])
    try:
        for share in plan[1:]:
            read, write = os.pipe()
            try:
                pid = os.fork()
            except OSError as error:  # no more processes: this one does the share
                log.warning("cannot start a worker process (%s); working in one process", error)
                os.close(read)
                os.close(write)
                here += share
                continue
            if pid == 0:  # the worker
                os.close(read)
                _work(function, items, shared, share, write)
            os.close(write)
            children.append((pid, read, share))
        results: list = [None] * len(items)
        for index in here:
            results[index] = function(items[index], *shared)
        while children:
            pid, read, share = children[0]
            with os.fdopen(read, "rb") as stream:
                data = stream.read()
            os.waitpid(pid, 0)
            children.pop(0)
            if not data:
                raise WorkerError(f"a worker process (pid {pid}) ended without sending its results")
            ok, value = pickle.loads(data)
            if not ok:
                raise value
            for index, result in zip(share, value):
                results[index] = result
        return results
    finally:
        for pid, read, _ in children:  # only when something went wrong
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            with contextlib.suppress(OSError):
                os.close(read)


def _work(function: Callable, items: Sequence, shared: tuple, share: list[int], write: int) -> None:
    """In a worker: run the share, send the results (or the exception) and leave at once."""
    status = 0
    try:
        try:
            payload: tuple = (True, [function(items[index], *shared) for index in share])
            data = pickle.dumps(payload, pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # noqa: BLE001  (sent to the parent, which raises it)
            data = _pickled_failure(exc)
        with os.fdopen(write, "wb") as stream:
            stream.write(data)
    except BaseException:  # noqa: BLE001
        status = 1
    finally:
        os._exit(status)


def _pickled_failure(exc: BaseException) -> bytes:
    import traceback

    if hasattr(exc, "add_note"):  # Python >= 3.11: the worker's traceback travels with it
        exc.add_note("raised in a worker process:\n" + "".join(traceback.format_tb(exc.__traceback__)).rstrip())
    try:
        return pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001  (an exception that cannot be pickled)
        text = "".join(traceback.format_exception(exc))
        return pickle.dumps((False, WorkerError(f"a worker failed:\n{text}")), pickle.HIGHEST_PROTOCOL)
