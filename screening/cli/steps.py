"""Where a long command (train, retrain, audit-labels) is, shown on standard error."""

from __future__ import annotations

import time
from types import TracebackType

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn


class Steps:
    """A callable the library's ``progress`` parameter takes: each call starts a step.

    At a terminal, the step under way has a spinner and its time so far, and each finished
    step stays on its own line with the seconds it took. Elsewhere (logs, pipes, tests) each
    step is one ``... step`` line as it starts, with no control characters. ``quiet``:
    nothing at all. Use as a context manager, so the last step is closed on the way out.
    """

    def __init__(self, *, quiet: bool = False, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.quiet = quiet
        self.live = not quiet and self.console.is_terminal
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            TextColumn("elapsed"),
            console=self.console,
            disable=not self.live,
            transient=True,
        )
        self._task: TaskID | None = None
        self._message = ""
        self._started = 0.0

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        if not self.live:
            typer.echo(f"... {message}", err=True)
            return
        self._finish()
        self._message, self._started = message, time.perf_counter()
        self._task = self._progress.add_task(message, total=None)

    def _finish(self) -> None:
        if self._task is None:
            return
        took = time.perf_counter() - self._started
        self._progress.remove_task(self._task)
        self._progress.console.print(f"... {self._message} ({took:.0f} s)", highlight=False)
        self._task = None

    def __enter__(self) -> Steps:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._finish()
        self._progress.__exit__(exc_type, exc, tb)
