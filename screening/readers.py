"""Reading exported posts in chunks, with every input row accounted for.

:func:`open_table` returns a :class:`TableStream`: the file's columns, encoding and delimiter
are known up front, and iterating yields :class:`Chunk` s of at most ``chunk_rows`` rows, so
memory does not grow with the size of the file. Each chunk holds the rows that parsed (all
columns as strings, plus the source ``line`` number) and the :class:`Reject` rows that did not,
each with its line number and reason. Nothing is dropped silently.

How each format streams:

* CSV/TSV/TXT: Python's C ``csv`` reader over the decoded file (it tracks physical line
  numbers, which a reject must name). The encoding is decided by one fast pass over the bytes
  first, because a Windows-1252 export is only recognisable from the whole file.
* JSONL: line by line; a first pass collects the union of the records' keys so every chunk has
  the same columns.
* Parquet: by record batches of the row groups.
* XLSX and JSON arrays are read whole (their structure has to be parsed as a whole), then cut
  into chunks; XLSX holds at most 1,048,576 rows anyway.

:func:`read_table` reads a whole file into one :class:`Table` through the same code.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from screening.errors import ScreeningError

LINE_COL = "line"
# Export column names for the post text, most specific first (compared case-insensitively).
TEXT_COLUMNS = (
    "text",
    "full_text",
    "message",
    "tweet",
    "comment",
    "content",
    "caption",
    "text tweet",
    "instagram comment text",
    "body",
    "post",
    "status",
    "teks",
    "isi",
    "komentar",
    "caption_text",
)
_TEXT_HINTS = ("text", "tweet", "comment", "caption", "message", "content", "komentar", "teks")
MAX_TEXT_CHARS = 20_000
DEFAULT_CHUNK_ROWS = 5_000
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".xlsx": "xlsx",
}
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
_BLOCK = 1 << 20
_HIGH_BYTES = bytes(range(128, 256))
_BOM = b"\xef\xbb\xbf"
_PANDAS_INDEX = re.compile(r"__index_level_\d+__")


@dataclass(frozen=True)
class Reject:
    """An input row that gets no score: where it was and why."""

    line: int
    reason: str


@dataclass
class Table:
    """Parsed rows plus what could not be parsed.

    ``frame`` holds the input columns as str and ``line`` (int, the row's line number in the
    file: 1 is the header for CSV, the first record for JSONL; the row number for Parquet/XLSX).
    """

    frame: pd.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    encoding: str = "utf-8"
    replaced_chars: int = 0
    delimiter: str | None = None
    rows_in: int = 0


@dataclass
class Chunk:
    """Up to ``chunk_rows`` consecutive input rows: parsed ``frame`` (columns as str plus
    ``line``), ``rejects``, and ``rows_in`` = len(frame) + len(rejects)."""

    frame: pd.DataFrame
    rejects: list[Reject]
    rows_in: int


@dataclass
class TableStream:
    """An open input: its columns (without ``line``), how it was decoded, and its chunks.

    ``size`` is the total progress units (bytes for CSV/JSONL, rows otherwise) and
    ``position()`` the units read so far, for a progress bar's time-left estimate.
    """

    path: Path
    columns: list[str]
    chunks: Iterator[Chunk]
    encoding: str = "utf-8"
    replaced_chars: int = 0
    delimiter: str | None = None
    size: int = 0
    _counter: _CountingReader | None = None
    _rows_seen: int = 0

    def __iter__(self) -> Iterator[Chunk]:
        for chunk in self.chunks:
            self._rows_seen += chunk.rows_in
            yield chunk

    def position(self) -> int:
        if self._counter is not None:
            return self._counter.count
        return self._rows_seen


class _CountingReader(io.RawIOBase):
    """A raw binary reader that counts the bytes handed out (for progress)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self.fh.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.count = self.fh.seek(offset, whence)
        return self.count

    def tell(self) -> int:
        return self.fh.tell()

    def close(self) -> None:
        self.fh.close()
        super().close()


def detect_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ScreeningError(
            f"{path}: unsupported file type {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt


def _choose_encoding(bom: bool, replaced: int, non_ascii: int) -> str:
    # Each invalid UTF-8 sequence is one replacement; a latin-1 file has about one per byte.
    if not replaced:
        return "utf-8-sig" if bom else "utf-8"
    if non_ascii and replaced >= 0.5 * non_ascii:
        return "cp1252"
    return "utf-8 (invalid bytes replaced)"


def decode_bytes(data: bytes) -> tuple[str, str, int]:
    """Decode file bytes; returns (text, encoding, replaced character count).

    UTF-8 (with or without BOM) when valid. Otherwise, when most non-ASCII bytes are not valid
    UTF-8 the file is read as Windows-1252/latin-1 (old exports); else as UTF-8 with each
    invalid sequence replaced by U+FFFD and counted.
    """
    bom = data.startswith(_BOM)
    if bom:
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8", 0
    except UnicodeDecodeError:
        pass
    replaced_text = data.decode("utf-8", errors="replace")
    replaced = replaced_text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    non_ascii = len(data) - len(data.translate(None, _HIGH_BYTES))
    encoding = _choose_encoding(bom, max(replaced, 1), non_ascii)
    if encoding == "cp1252":
        text = data.decode("cp1252", errors="replace")
        return text, "cp1252", text.count("\ufffd")
    return replaced_text, encoding, replaced


def detect_encoding(path: Path) -> tuple[str, int]:
    """(encoding, replaced character count) of a text file, by the rule of
    :func:`decode_bytes`, in one streaming pass (constant memory)."""
    strict = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        bom = fh.read(3) == _BOM
        fh.seek(3 if bom else 0)
        try:
            while block := fh.read(_BLOCK):
                strict.decode(block)
            strict.decode(b"", final=True)
            return ("utf-8-sig" if bom else "utf-8"), 0
        except UnicodeDecodeError:
            pass
        fh.seek(3 if bom else 0)
        replace = codecs.getincrementaldecoder("utf-8")(errors="replace")
        ignore = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        cp = codecs.getincrementaldecoder("cp1252")(errors="replace")
        replaced = non_ascii = cp_replaced = 0
        while block := fh.read(_BLOCK):
            replaced += replace.decode(block).count("\ufffd")
            replaced -= ignore.decode(block).count("\ufffd")
            non_ascii += len(block) - len(block.translate(None, _HIGH_BYTES))
            cp_replaced += cp.decode(block).count("\ufffd")
        replaced += replace.decode(b"", final=True).count("\ufffd")
    encoding = _choose_encoding(bom, max(replaced, 1), non_ascii)
    return encoding, cp_replaced if encoding == "cp1252" else replaced


def _open_text(path: Path, encoding: str) -> tuple[io.TextIOWrapper, _CountingReader]:
    codec = "utf-8" if encoding.startswith("utf-8 (") else encoding
    counter = _CountingReader(open(path, "rb"))  # noqa: SIM115 - closed by the wrapper
    buffered = io.BufferedReader(counter, buffer_size=_BLOCK)
    return io.TextIOWrapper(buffered, encoding=codec, errors="replace", newline=""), counter


def sniff_delimiter(sample: str, suffix: str) -> str:
    """Pick the delimiter of a CSV/TSV sample: tab for .tsv, else sniffed among , ; | tab."""
    if suffix == ".tsv":
        return "\t"
    head = "\n".join(sample.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:
        first = head.splitlines()[0] if head else ""
        return max(",\t;|", key=first.count) if first else ","


_BINARY_MAGIC = (
    "PK\x03\x04",
    "%PDF",
    "\x89PNG",
    "PAR1",
    "\x1f\x8b",
    "\xd0\xcf\x11\xe0",
    "SQLite format",
)


def _looks_binary(head: str) -> bool:
    """A zip/xlsx, PDF, image, Parquet, gzip, OLE or SQLite file, or mostly control bytes."""
    if head.startswith(_BINARY_MAGIC):
        return True
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r")
    return controls > 0.3 * len(head)


def _dedupe_names(names: list[str]) -> list[str]:
    # LINE_COL is taken by the reader's line numbers: an input column of that name becomes
    # "line.1" instead of being overwritten
    seen: dict[str, int] = {LINE_COL: 0}
    out = []
    for i, n in enumerate(names):
        n = n or f"column_{i + 1}"
        if n in seen:
            seen[n] += 1
            n = f"{n}.{seen[n]}"
        else:
            seen[n] = 0
        out.append(n)
    return out


def _frame(rows: list[list[str]], columns: list[str], lines: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else _empty(columns)
    frame[LINE_COL] = np.asarray(lines, dtype=np.int64)
    return frame


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


def _open_csv(path: Path, chunk_rows: int) -> TableStream:
    encoding, replaced = detect_encoding(path)
    text, counter = _open_text(path, encoding)
    head = text.read(65536)
    if not head.strip():
        text.close()
        raise ScreeningError(f"{path}: the file is empty")
    if _looks_binary(head):
        text.close()
        raise ScreeningError(f"{path}: looks like a binary file, not a CSV/TSV table")
    delim = sniff_delimiter(head, path.suffix.lower())
    text.seek(0)
    reader = csv.reader(text, delimiter=delim)
    header = _dedupe_names([h.strip() for h in next(reader)])

    def chunks() -> Iterator[Chunk]:
        width = len(header)
        start = reader.line_num + 1
        rows: list[list[str]] = []
        lines: list[int] = []
        rejects: list[Reject] = []
        rows_in = 0
        with text:
            while True:
                try:
                    rec = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    rows_in += 1
                    rejects.append(Reject(start, f"unreadable row: {exc}"))
                    start = reader.line_num + 1
                    continue
                line, start = start, reader.line_num + 1
                if not rec:  # blank line: not a record
                    continue
                rows_in += 1
                if len(rec) == width:
                    rows.append(rec)
                    lines.append(line)
                else:
                    rejects.append(Reject(line, f"row has {len(rec)} fields, header has {width}"))
                if rows_in >= chunk_rows:
                    yield Chunk(_frame(rows, header, lines), rejects, rows_in)
                    rows, lines, rejects, rows_in = [], [], [], 0
        yield Chunk(_frame(rows, header, lines), rejects, rows_in)

    size = os.path.getsize(path)
    return TableStream(path, header, chunks(), encoding, replaced, delim, size, _counter=counter)


def _json_cell(v: object) -> str:
    if v is None:
        return ""
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _open_jsonl(path: Path, chunk_rows: int) -> TableStream:
    encoding, replaced = detect_encoding(path)
    text, counter = _open_text(path, encoding)
    first = text.read(65536).lstrip()
    text.seek(0)
    if path.suffix.lower() == ".json" and first.startswith("["):
        text.close()
        data, encoding, replaced = decode_bytes(path.read_bytes())
        try:
            records = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ScreeningError(f"{path}: invalid JSON: {exc}") from exc
        frame = pd.DataFrame([r if isinstance(r, dict) else {"value": r} for r in records])
        frame = frame.astype(object).where(frame.notna(), "").astype(str)
        return _stream_frame(path, frame, 1, chunk_rows, encoding, replaced)
    # first pass: the union of keys, in order of first appearance, so all chunks agree
    keys: dict[str, None] = {}
    with text:
        for line in text:
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if isinstance(rec, dict):
                    keys.update(dict.fromkeys(rec))
    columns = list(keys)
    text, counter = _open_text(path, encoding)

    def chunks() -> Iterator[Chunk]:
        records: list[dict[str, str]] = []
        lines: list[int] = []
        rejects: list[Reject] = []
        rows_in = 0
        with text:
            for lineno, line in enumerate(_lines(text), 1):
                if not line.strip():
                    continue
                rows_in += 1
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    rejects.append(Reject(lineno, f"invalid JSON: {exc.msg}"))
                else:
                    if isinstance(rec, dict):
                        records.append({k: _json_cell(v) for k, v in rec.items()})
                        lines.append(lineno)
                    else:
                        rejects.append(Reject(lineno, "JSON value is not an object"))
                if rows_in >= chunk_rows:
                    yield Chunk(_records_frame(records, columns, lines), rejects, rows_in)
                    records, lines, rejects, rows_in = [], [], [], 0
        yield Chunk(_records_frame(records, columns, lines), rejects, rows_in)

    size = os.path.getsize(path)
    return TableStream(path, columns, chunks(), encoding, replaced, None, size, _counter=counter)


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    # Lines end at \n, \r\n or \r only: str.splitlines would also split inside a record at
    # U+2028 or U+0085, which JSON allows unescaped in strings.
    for line in text:
        yield line.rstrip("\r\n")


def _records_frame(
    records: list[dict[str, str]], columns: list[str], lines: list[int]
) -> pd.DataFrame:
    if not records:
        return _frame([], columns, [])
    frame = pd.DataFrame.from_records(records, columns=columns).astype(object).fillna("")
    frame[LINE_COL] = np.asarray(lines, dtype=np.int64)
    return frame


def _stream_frame(
    path: Path,
    frame: pd.DataFrame,
    first_line: int,
    chunk_rows: int,
    encoding: str = "binary",
    replaced: int = 0,
) -> TableStream:
    """Chunks of a table already in memory (XLSX, JSON array)."""
    frame.columns = _dedupe_names([str(c).strip() for c in frame.columns])
    columns = list(frame.columns)

    def chunks() -> Iterator[Chunk]:
        for start in range(0, max(len(frame), 1), chunk_rows):
            part = frame.iloc[start : start + chunk_rows].reset_index(drop=True)
            part[LINE_COL] = np.arange(first_line + start, first_line + start + len(part))
            yield Chunk(part, [], len(part))

    return TableStream(path, columns, chunks(), encoding, replaced, None, len(frame))


def _as_str(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), "").astype(str)


def _open_parquet(path: Path, chunk_rows: int) -> TableStream:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    # pandas stores a non-default index as __index_level_N__ columns; it is not post data
    stored = [c for c in pf.schema_arrow.names if not _PANDAS_INDEX.fullmatch(c)]
    names = _dedupe_names([str(c).strip() for c in stored])

    def chunks() -> Iterator[Chunk]:
        line = 1
        empty = True
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=stored):
            part = _as_str(batch.to_pandas())
            part.columns = names
            part[LINE_COL] = np.arange(line, line + len(part), dtype=np.int64)
            line += len(part)
            empty = False
            yield Chunk(part, [], len(part))
        if empty:
            yield Chunk(_frame([], names, []), [], 0)

    return TableStream(path, names, chunks(), "binary", 0, None, pf.metadata.num_rows)


def open_table(path: str | Path, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> TableStream:
    """Open an export (CSV/TSV/TXT, JSONL/JSON, Parquet, XLSX) for reading in chunks.

    Raises :class:`ScreeningError` with a one-line reason for a missing, empty, binary or
    unreadable file. Errors inside the data (a malformed row) become rejects instead.
    """
    p = Path(path)
    if not p.exists():
        raise ScreeningError(f"input not found: {p}")
    if p.is_dir():
        raise ScreeningError(f"{p} is a directory, not a file")
    if chunk_rows < 1:
        raise ScreeningError("chunk size must be at least 1 row")
    fmt = detect_format(p)
    try:
        if fmt == "csv":
            return _open_csv(p, chunk_rows)
        if fmt == "jsonl":
            return _open_jsonl(p, chunk_rows)
        if fmt == "parquet":
            return _open_parquet(p, chunk_rows)
        frame = pd.read_excel(p, dtype=str, engine="openpyxl")
        return _stream_frame(p, _as_str(frame), 2, chunk_rows)
    except ScreeningError:
        raise
    except Exception as exc:  # pyarrow/openpyxl raise many types for a file that is not a table
        raise ScreeningError(f"{p}: cannot read as {fmt}: {type(exc).__name__}: {exc}") from exc


def read_table(path: str | Path) -> Table:
    """Read a whole export into one :class:`Table` (see :func:`open_table`)."""
    stream = open_table(path, chunk_rows=sys.maxsize)
    frames, rejects, rows_in = [], [], 0
    try:
        for chunk in stream:
            frames.append(chunk.frame)
            rejects += chunk.rejects
            rows_in += chunk.rows_in
    except ScreeningError:
        raise
    except Exception as exc:
        raise ScreeningError(f"{path}: cannot read: {type(exc).__name__}: {exc}") from exc
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return Table(frame, rejects, stream.encoding, stream.replaced_chars, stream.delimiter, rows_in)


def find_text_column(columns: list[str], requested: str | None = None) -> str:
    """The column holding the post text: ``requested`` if given, else a known export name."""
    cols = [c for c in columns if c != LINE_COL]
    if requested is not None:
        if requested in cols:
            return requested
        lower = {c.casefold(): c for c in cols}
        if requested.casefold() in lower:
            return lower[requested.casefold()]
        raise ScreeningError(f"--text-col {requested!r} not found; columns are: {', '.join(cols)}")
    lower = {c.casefold().strip(): c for c in cols}
    for name in TEXT_COLUMNS:
        if name in lower:
            return lower[name]
    hinted = [c for c in cols if any(h in c.casefold() for h in _TEXT_HINTS)]
    if len(hinted) == 1:
        return hinted[0]
    raise ScreeningError(
        "cannot tell which column holds the post text; columns are: "
        + ", ".join(cols)
        + ". Pass --text-col NAME."
    )
