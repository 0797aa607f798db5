"""Run a function over a stream of work items in worker processes, results in input order.

Each worker process gets its state (a loaded model) once, from an initializer, not once per
item; at most ``2 x jobs`` items are in flight, so memory stays flat on endless streams. With
one job, or a stream of a single item, everything runs in the calling process: starting
workers costs about a second, more than scoring one chunk.

Stopping early (Ctrl-C, SIGTERM, an error while writing) kills the workers at once rather
than letting them finish their chunks, and no worker outlives the calling process, however it
ends: each worker watches a pipe whose only write end the caller holds, and exits when that
pipe closes (also after ``kill -9`` of the caller). The forkserver and multiprocessing's
resource tracker exit by themselves once no worker is left. Workers, the forkserver and the
tracker never see SIGINT or SIGHUP: Ctrl-C or a closed terminal signals the whole process group,
and only the calling process should report it (Python would print a traceback in each of the
others) and stop the rest.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from screening.errors import WorkerDiedError

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


# the signals the CLI turns into a clean stop (screening.cli.app); SIGHUP is not on Windows
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def cap_jobs(requested: int | None, cores: int) -> int:
    """Worker processes to run for ``requested`` (None: one per core): at most ``cores``,
    since more processes than cores only add memory and switching, and at least 1."""
    if requested is None:
        return max(1, cores)
    return max(1, min(requested, cores))


@contextmanager
def deferred_signals(signals: Iterable[int]) -> Iterator[None]:
    """Hold ``signals`` back in this thread (they are delivered on exit), so a stop never
    lands half-way through starting a process: the child would print a traceback for the
    truncated data it reads. No-op where signal masks do not exist (Windows)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, set(signals))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """``env`` set in os.environ inside the block only (a process started in it inherits
    them)."""
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _start_forkserver(env: Mapping[str, str]) -> None:
    """Start multiprocessing's resource tracker and forkserver (unless running) with the
    terminal's SIGINT and SIGHUP blocked: a blocked mask is inherited by the forkserver and
    every worker it forks, so Ctrl-C or a closed terminal, which signal the whole process
    group, reach only the calling process, which stops them (SIGTERM stays unblocked: the
    pool ends workers with it). The tracker is started on its own because starting it
    unblocks SIGINT in the calling thread. A forkserver started here sees ``env`` in its
    environment while it imports its preload modules."""
    from multiprocessing import forkserver, resource_tracker

    terminal = [s for s in STOP_SIGNALS if s != signal.SIGTERM]
    with deferred_signals(terminal):
        resource_tracker.ensure_running()
    with deferred_signals(terminal), _environment(env):
        forkserver.ensure_running()


def _init(state: Any, parent: Connection) -> None:
    # belt and braces for a forkserver started elsewhere without the blocked mask
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    global _STATE
    _STATE = state


def _exit_with_parent(parent: Connection) -> None:
    """Wait until the parent's write end of the pipe closes (the parent stopped the pool or
    died, even by kill -9), then end this worker at once, whatever it is doing."""
    with suppress(EOFError, OSError):
        parent.recv_bytes()
    os._exit(1)


def _result(future: Future[R]) -> R:
    # wait in slices: between them, this (main) thread runs signal handlers even when the
    # signal was delivered to another thread
    while True:
        try:
            return future.result(timeout=0.25)
        except TimeoutError:
            continue


def _stop(pool: ProcessPoolExecutor, parent: Connection) -> None:
    """End the pool of a run that stops early, without waiting for the chunks in flight.

    Uses two CPython internals, when present: the table of worker processes, and the write
    end of the results pipe that this process holds but never uses. A worker killed half-way
    through sending a result leaves the pool's reader thread waiting for the rest, forever,
    unless every write end is closed and it reads end-of-file instead.
    """
    workers = list((getattr(pool, "_processes", None) or {}).values())
    parent.close()  # every worker's watchdog exits...
    for p in workers:
        p.kill()  # ...and one busy in C code goes too
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        writer.close()
    pool.shutdown(wait=True, cancel_futures=True)  # prompt: no worker is left to wait for


def _call(func: Callable[[Any, Any], Any], payload: Any) -> Any:
    return func(_STATE, payload)


def ordered_map(
    func: Callable[[Any, P], R],
    state: Any,
    items: Iterable[tuple[M, P]],
    jobs: int = 1,
    *,
    preload: Sequence[str] = (),
    preload_env: Mapping[str, str] | None = None,
) -> Generator[tuple[M, R], None, None]:
    """Yield ``(meta, func(state, payload))`` for each ``(meta, payload)``, in order.

    ``func`` must be a module-level function and ``state`` picklable: each worker receives
    ``state`` once. ``meta`` stays in this process (use it for whatever is not needed by the
    worker). Exceptions from a worker are raised here, at the item that failed.

    ``preload``: modules the forkserver imports, in order, when this call starts it (workers
    forked from it share their pages), with ``preload_env`` in its environment. A forkserver
    already running, started by an earlier call of this process, is used as it is.
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
    ctx.set_forkserver_preload(list(preload))
    _start_forkserver(preload_env or {})
    # the workers' lifeline: they hold the read end; the write end stays in this process only
    child_end, parent_end = ctx.Pipe(duplex=False)
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init, initargs=(state, child_end))
    pending: deque[tuple[M, Future[R]]] = deque()
    finished = False
    try:
        for meta, payload in itertools.chain(head, it):
            with deferred_signals(STOP_SIGNALS):  # submit may start a worker process
                future = pool.submit(_call, func, payload)
            pending.append((meta, future))
            if len(pending) >= 2 * jobs:
                done_meta, future = pending.popleft()
                yield done_meta, _result(future)
        while pending:
            done_meta, future = pending.popleft()
            yield done_meta, _result(future)
        finished = True
    except BrokenProcessPool as exc:
        raise WorkerDiedError(
            "a worker process died (killed, or out of memory?); nothing was written"
        ) from exc
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # an error, a stop signal, or the consumer closed this generator early
            _stop(pool, parent_end)
        parent_end.close()
        child_end.close()
