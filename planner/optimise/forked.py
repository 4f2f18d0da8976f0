"""Independent jobs in forked worker processes, over data the parent has already built.

The children inherit the parent's memory (copy on write) at the fork: the shared data is never
pickled, only each job's index goes out and its (small) answer comes back. Workers are forked
before the pool starts its own threads; the parent runs one job of its own meanwhile.
Results come back in job order, so the answer does not depend on which worker ran what.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
U = TypeVar("U")

_job: list[Callable[[int], Any]] = []  # set in the parent just before the fork


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    # multiprocessing is imported where it is used: a plan that solves one strategy never
    # forks, and the import is a measurable part of a small plan's start.
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _run(index: int) -> Any:
    return _job[0](index)


def _worker_start() -> None:
    """A worker dies at once when the pool terminates it. The fork inherits the parent's
    SIGTERM handler (the CLI turns SIGTERM into an exception so outputs stay whole), and a
    worker running that handler while it waits on the pool's queue kept the pool's shutdown
    waiting for ever (seen as a hung test run)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def forked_map(job: Callable[[int], T], count: int, workers: int,
               meanwhile: Callable[[], U]) -> tuple[list[T], U]:
    """[job(0), ..., job(count - 1)] computed in `workers` forked processes, and `meanwhile()`
    computed in this one at the same time. An exception in either is raised here."""
    if _job:
        raise RuntimeError("forked_map does not nest")
    import multiprocessing  # deferred, as in can_fork

    _job.append(job)
    try:
        with multiprocessing.get_context("fork").Pool(workers, _worker_start) as pool:
            pending = pool.map_async(_run, range(count), chunksize=1)
            here = meanwhile()
            results = pending.get()
            pool.close()  # the workers finish on their own: no signal needed on the way out
            pool.join()
            return results, here
    finally:
        _job.clear()
