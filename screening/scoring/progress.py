"""A progress bar for long runs, on standard error, shown only to a person at a terminal."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RowProgress:
    """Rows done, rows per second and time left (when the input's size is known).

    ``total`` and ``position`` are in the input's own units (bytes of a CSV, rows of a
    Parquet file), so the estimate of time left stays right whatever the row lengths.
    Silent when standard error is not a terminal or ``enabled`` is False, so logs and pipes
    get no control characters. ``console``: where to draw (standard error by default).

    Until the first chunk is scored (workers starting, the model loading, the first rows
    read) the bar pulses instead of sitting at 0%; it shows the share done from then on.
    """

    def __init__(
        self,
        total: int | None,
        label: str = "scoring",
        enabled: bool = True,
        *,
        console: Console | None = None,
    ) -> None:
        console = console or Console(stderr=True)
        self.enabled = enabled and console.is_terminal
        self.start = time.perf_counter()
        self.rows = 0
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]:,} rows  {task.fields[rate]:,.0f} rows/s"),
            # "0:00:12 elapsed  0:01:30 left": each time followed by what it is
            TimeElapsedColumn(),
            TextColumn("elapsed"),
            TimeRemainingColumn(),
            TextColumn("left"),
            console=console,
            disable=not self.enabled,
            transient=True,
        )
        self.total = total or None
        # no total yet: rich draws a pulsing bar, which moves while nothing is done
        self._task = self._progress.add_task(label, total=None, rows=0, rate=0.0)

    def update(self, rows: int, position: int) -> None:
        """Add ``rows`` done; ``position``: units of the input read so far."""
        self.rows += rows
        rate = self.rows / max(time.perf_counter() - self.start, 1e-9)
        self._progress.update(
            self._task, total=self.total, completed=position, rows=self.rows, rate=rate
        )

    def __enter__(self) -> RowProgress:
        self._progress.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.__exit__(exc_type, exc, tb)
