"""Work over many sessions on every core: `parallel_map` runs a function per session in worker
processes when that pays and is safe, and here otherwise."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterator, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PARALLEL_FROM = 4
"""Fewer items than this are done here: starting workers would cost more than it saves."""


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
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def parallel_map(function: Callable[..., Result], items: Sequence[Item], *shared: object) -> list[Result]:
    """`function(item, *shared)` for every item, in order."""
    workers = min(os.cpu_count() or 1, len(items))
    with no_garbage_collection():
        if len(items) < PARALLEL_FROM or workers < 2 or not _can_fork():
            return [function(item, *shared) for item in items]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            columns = [[value] * len(items) for value in shared]
            chunk = max(1, len(items) // (workers * 4))
            return list(pool.map(function, items, *columns, chunksize=chunk))
