"""Run a function over a stream of work items in worker processes, results in input order.

Each worker process gets its state (a loaded model) once, from an initializer, not once per
item; at most ``2 x jobs`` items are in flight, so memory stays flat on endless streams. With
one job, or a stream of a single item, everything runs in the calling process: starting
workers costs about a second, more than scoring one chunk.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from screening.errors import ScreeningError

M = TypeVar("M")
P = TypeVar("P")
R = TypeVar("R")

_STATE: Any = None


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init(state: Any) -> None:
    global _STATE
    _STATE = state


def _call(func: Callable[[Any, Any], Any], payload: Any) -> Any:
    return func(_STATE, payload)


def ordered_map(
    func: Callable[[Any, P], R],
    state: Any,
    items: Iterable[tuple[M, P]],
    jobs: int = 1,
) -> Iterator[tuple[M, R]]:
    """Yield ``(meta, func(state, payload))`` for each ``(meta, payload)``, in order.

    ``func`` must be a module-level function and ``state`` picklable: each worker receives
    ``state`` once. ``meta`` stays in this process (use it for whatever is not needed by the
    worker). Exceptions from a worker are raised here, at the item that failed.
    """
    it = iter(items)
    head = list(itertools.islice(it, 2))
    if jobs <= 1 or len(head) < 2:
        for meta, payload in itertools.chain(head, it):
            yield meta, func(state, payload)
        return
    # forkserver: workers fork from a clean server process, never from this one (which may
    # run a progress-bar thread; forking a threaded process can deadlock)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["screening.scoring"])
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init, initargs=(state,))
    pending: deque[tuple[M, Future[R]]] = deque()
    try:
        for meta, payload in itertools.chain(head, it):
            pending.append((meta, pool.submit(_call, func, payload)))
            if len(pending) >= 2 * jobs:
                done_meta, future = pending.popleft()
                yield done_meta, future.result()
        while pending:
            done_meta, future = pending.popleft()
            yield done_meta, future.result()
    except BrokenProcessPool as exc:
        raise ScreeningError(
            "a worker process died (killed, or out of memory?); nothing was written. "
            "Run again with fewer --jobs or a smaller --chunk-rows."
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
