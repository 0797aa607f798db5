"""Writing tables atomically, whole or chunk by chunk.

Every writer writes to a hidden temporary file in the target directory and renames it into
place only when all rows are written, so an interrupted or failed run never leaves a
half-written file under the output name (a test kills ``score`` mid-write to check this).
:class:`TableWriter` appends chunks, so a scorer's memory does not grow with its output.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import pandas as pd

from screening.errors import ScreeningError
from screening.io.cells import xlsx_text
from screening.io.files import atomic_path
from screening.io.readers import Reject, detect_format

XLSX_MAX_ROWS = 1_048_576


def _booleans_as_words(frame: pd.DataFrame) -> pd.DataFrame:
    # spreadsheets and scripts expect true/false, not Python's True/False
    bools = [c for c in frame.columns if frame[c].dtype == bool]
    if not bools:
        return frame
    return frame.assign(**{c: frame[c].map({True: "true", False: "false"}) for c in bools})


class _AtomicWriter:
    """Base of the chunked writers: ``_cm`` is an :func:`atomic_path` context, ``_finish``
    completes the temporary file, ``_fh`` (if any) is closed when a run fails."""

    _cm: Any
    _fh: TextIO | None = None

    def _finish(self) -> None:
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                self._finish()
            elif self._fh is not None:
                self._fh.close()
        except BaseException as failed:
            # a failure while finishing must discard the temporary file, not rename it
            self._cm.__exit__(type(failed), failed, failed.__traceback__)
            raise
        self._cm.__exit__(exc_type, exc, tb)


class TableWriter(_AtomicWriter):
    """Append chunks of rows to ``path`` (format by extension), renamed into place on close.

    Use as a context manager: ``with TableWriter(path) as w: w.write(frame) ...``. Every
    chunk must have the same columns. ``formula_guard`` neutralises spreadsheet formulas in
    CSV/TSV text cells (see :mod:`screening.io.privacy`); XLSX text cells are always typed strings.
    Parquet column types come from the first non-empty chunk; later chunks are cast to them.
    """

    def __init__(self, path: str | Path, force: bool = False, formula_guard: bool = False):
        self.path = Path(path)
        self.format = detect_format(self.path)
        self.formula_guard = formula_guard and self.format == "csv"
        self.rows = 0
        self._cm = atomic_path(self.path, force)
        self._tmp: Path | None = None
        self._fh: TextIO | None = None
        self._pq: Any = None
        self._schema: Any = None
        self._empty: pd.DataFrame | None = None
        self._xlsx: Any = None

    def __enter__(self) -> TableWriter:
        self._tmp = self._cm.__enter__()
        if self.format in ("csv", "jsonl"):
            self._fh = open(self._tmp, "w", encoding="utf-8", newline="")
        return self

    def write(self, frame: pd.DataFrame) -> None:
        """Append ``frame``'s rows (its columns in order; the index is not written)."""
        first = self.rows == 0 and self._empty is None
        if self.format == "csv":
            self._write_csv(frame, header=first)
        elif self.format == "jsonl":
            self._write_jsonl(frame)
        elif self.format == "parquet":
            self._write_parquet(frame)
        else:
            self._write_xlsx(frame)
        self.rows += len(frame)
        if not len(frame):
            self._empty = frame

    def _write_csv(self, frame: pd.DataFrame, header: bool) -> None:
        if self.formula_guard:
            from screening.io.privacy import guard_frame

            frame = guard_frame(frame)
        sep = "\t" if self.path.suffix.lower() == ".tsv" else ","
        # QUOTE_NONNUMERIC: csv's minimal quoting leaves a bare "\r" in a field unquoted,
        # which breaks the row for every reader
        _booleans_as_words(frame).to_csv(
            self._fh, index=False, header=header, sep=sep, quoting=csv.QUOTE_NONNUMERIC
        )

    def _write_jsonl(self, frame: pd.DataFrame) -> None:
        if not len(frame):
            return
        text = frame.to_json(orient="records", lines=True, force_ascii=False)
        assert self._fh is not None
        self._fh.write(text if text.endswith("\n") else text + "\n")

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not len(frame):
            return
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._pq is None:
            self._schema = table.schema
            self._pq = pq.ParquetWriter(self._tmp, self._schema)
        elif table.schema != self._schema:
            table = table.cast(self._schema)
        self._pq.write_table(table)

    def _write_xlsx(self, frame: pd.DataFrame) -> None:
        from openpyxl import Workbook

        if self._xlsx is None:
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("posts")
            ws.append([_xlsx_cell(ws, str(col)) for col in frame.columns])
            self._xlsx = (wb, ws)
        if self.rows + len(frame) >= XLSX_MAX_ROWS:
            raise ScreeningError(
                f"{self.path}: more than {XLSX_MAX_ROWS - 1} rows do not fit in an XLSX sheet; "
                "write .csv, .jsonl or .parquet"
            )
        ws = self._xlsx[1]
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xlsx_cell(ws, v) for v in row])

    def _finish(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self.format == "parquet":
            if self._pq is None:
                import pyarrow as pa
                import pyarrow.parquet as pq

                empty = self._empty if self._empty is not None else pd.DataFrame()
                pq.write_table(pa.Table.from_pandas(empty, preserve_index=False), self._tmp)
            else:
                self._pq.close()
        elif self.format == "xlsx":
            if self._xlsx is None:
                self._write_xlsx(self._empty if self._empty is not None else pd.DataFrame())
            self._xlsx[0].save(self._tmp)


def _xlsx_cell(ws: Any, value: object) -> Any:
    """A typed cell: text stays text even when it starts with '=' (pandas' to_excel would
    store it as a formula, losing the post and running it in the sheet). Control characters
    XLSX cannot hold become visible control pictures (:func:`screening.io.cells.xlsx_text`)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, float) and value != value:  # NaN
        value = None
    elif hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, str):
        value = xlsx_text(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        c.data_type = "s"
    return c


def write_table(
    frame: pd.DataFrame, path: str | Path, force: bool = False, formula_guard: bool = False
) -> None:
    """Write a whole table atomically in the format of ``path``'s extension."""
    with TableWriter(path, force, formula_guard) as writer:
        writer.write(frame)


class RejectsWriter(_AtomicWriter):
    """Append ``line,reason`` rows to a CSV, renamed into place on close (a header-only file
    when there are none). Context manager, like :class:`TableWriter`."""

    def __init__(self, path: str | Path, force: bool = True) -> None:
        self._cm = atomic_path(Path(path), force)

    def __enter__(self) -> RejectsWriter:
        tmp = self._cm.__enter__()
        self._fh = open(tmp, "w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow(["line", "reason"])
        return self

    def write(self, rejects: list[Reject]) -> None:
        self._csv.writerows((r.line, r.reason) for r in rejects)

    def _finish(self) -> None:
        assert self._fh is not None  # opened by __enter__
        self._fh.close()
