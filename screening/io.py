"""Reading exported posts and writing results, with every input row accounted for.

Readers return a :class:`Table`: the rows that parsed (all columns as strings, plus the
source ``line`` number) and the :class:`Reject` rows that did not, each with its line number
and reason. Nothing is dropped silently. Writers write to a temporary file in the target
directory and rename it into place, so an interrupted run never leaves a half-written output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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


def detect_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ScreeningError(
            f"{path}: unsupported file type {path.suffix or '(none)'}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt


def decode_bytes(data: bytes) -> tuple[str, str, int]:
    """Decode file bytes; returns (text, encoding, replaced character count).

    UTF-8 (with or without BOM) when valid. Otherwise, when most non-ASCII bytes are not valid
    UTF-8 the file is read as Windows-1252/latin-1 (old exports); else as UTF-8 with each
    invalid sequence replaced by U+FFFD and counted.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        bom = True
    else:
        bom = False
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8", 0
    except UnicodeDecodeError:
        pass
    replaced_text = data.decode("utf-8", errors="replace")
    replaced = replaced_text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    non_ascii = sum(1 for b in data if b >= 0x80)
    # Each invalid UTF-8 sequence is one replacement; a latin-1 file has about one per byte.
    if non_ascii and replaced >= 0.5 * non_ascii:
        text = data.decode("cp1252", errors="replace")
        return text, "cp1252", text.count("\ufffd")
    return replaced_text, "utf-8 (invalid bytes replaced)", replaced


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


def _read_csv(path: Path) -> Table:
    text, encoding, replaced = decode_bytes(path.read_bytes())
    if not text.strip():
        raise ScreeningError(f"{path}: the file is empty")
    if _looks_binary(text[:65536]):
        raise ScreeningError(f"{path}: looks like a binary file, not a CSV/TSV table")
    delim = sniff_delimiter(text[:65536], path.suffix.lower())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header = next(reader)
    header = [h.strip() for h in header]
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    rejects: list[Reject] = []
    start = reader.line_num + 1
    rows_in = 0
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
    frame = pd.DataFrame(rows, columns=_dedupe_names(header))
    frame[LINE_COL] = lines
    return Table(frame, rejects, encoding, replaced, delim, rows_in)


def _dedupe_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
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


def _read_jsonl(path: Path) -> Table:
    text, encoding, replaced = decode_bytes(path.read_bytes())
    if path.suffix.lower() == ".json" and text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ScreeningError(f"{path}: invalid JSON: {exc}") from exc
        frame = pd.DataFrame([r if isinstance(r, dict) else {"value": r} for r in records])
        frame = frame.astype(str).where(frame.notna(), "")
        frame[LINE_COL] = range(1, len(frame) + 1)
        return Table(frame, [], encoding, replaced, None, len(frame))
    records, lines, rejects = [], [], []
    rows_in = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        rows_in += 1
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            rejects.append(Reject(lineno, f"invalid JSON: {exc.msg}"))
            continue
        if not isinstance(rec, dict):
            rejects.append(Reject(lineno, "JSON value is not an object"))
            continue
        records.append(
            {
                k: ""
                if v is None
                else (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                for k, v in rec.items()
            }
        )
        lines.append(lineno)
    frame = pd.DataFrame.from_records(records).fillna("") if records else pd.DataFrame()
    frame[LINE_COL] = lines
    return Table(frame, rejects, encoding, replaced, None, rows_in)


def _from_frame(frame: pd.DataFrame, first_line: int) -> Table:
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame.columns = _dedupe_names([str(c).strip() for c in frame.columns])
    frame[LINE_COL] = range(first_line, first_line + len(frame))
    return Table(frame, [], "binary", 0, None, len(frame))


def read_table(path: str | Path) -> Table:
    """Read an export (CSV/TSV/TXT, JSONL/JSON, Parquet, XLSX) into a :class:`Table`."""
    p = Path(path)
    if not p.exists():
        raise ScreeningError(f"input not found: {p}")
    if p.is_dir():
        raise ScreeningError(f"{p} is a directory, not a file")
    fmt = detect_format(p)
    try:
        if fmt == "csv":
            return _read_csv(p)
        if fmt == "jsonl":
            return _read_jsonl(p)
        if fmt == "parquet":
            return _from_frame(pd.read_parquet(p), 1)
        return _from_frame(pd.read_excel(p, dtype=str, engine="openpyxl"), 2)
    except ScreeningError:
        raise
    except Exception as exc:  # pyarrow/openpyxl raise many types for a file that is not a table
        raise ScreeningError(f"{p}: cannot read as {fmt}: {type(exc).__name__}: {exc}") from exc


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


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write(path: Path, write: Callable[[Path], None], force: bool = True) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    Readers never see a half-written file under ``path``; an interrupted run leaves at most a
    hidden ``.NAME.*.tmp``. With ``force=False`` an existing ``path`` is an error.
    """
    if path.exists() and not force:
        raise ScreeningError(f"{path} exists; pass --force to overwrite it")
    if path.is_dir():
        raise ScreeningError(f"{path} is a directory")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(
    frame: pd.DataFrame, path: str | Path, force: bool = False, formula_guard: bool = False
) -> None:
    """Write a table atomically in the format of ``path``'s extension.

    ``formula_guard`` neutralises spreadsheet formulas in CSV/TSV text cells (see
    :mod:`screening.privacy`); XLSX text cells are always typed strings, never formulas.
    """
    p = Path(path)
    fmt = detect_format(p)
    if formula_guard and fmt == "csv":
        from screening.privacy import guard_frame

        frame = guard_frame(frame)

    def write(tmp: Path) -> None:
        if fmt == "csv":
            sep = "\t" if p.suffix.lower() == ".tsv" else ","
            # spreadsheets and scripts expect true/false, not Python's True/False
            text = frame.assign(
                **{
                    c: frame[c].map({True: "true", False: "false"})
                    for c in frame.columns
                    if frame[c].dtype == bool
                }
            )
            # QUOTE_NONNUMERIC: csv's minimal quoting leaves a bare "\r" in a field unquoted,
            # which breaks the row for every reader
            text.to_csv(tmp, index=False, sep=sep, encoding="utf-8", quoting=csv.QUOTE_NONNUMERIC)
        elif fmt == "jsonl":
            frame.to_json(tmp, orient="records", lines=True, force_ascii=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            _write_xlsx(frame, tmp)

    atomic_write(p, write, force)


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """Write cells with their types; text stays text even when it starts with '=' (pandas'
    to_excel would store it as a formula, losing the post and running it in the sheet)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("posts")

    def cell(value: object) -> WriteOnlyCell:
        if isinstance(value, float) and value != value:  # NaN
            value = None
        elif hasattr(value, "item"):  # numpy scalar
            value = value.item()
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"
        return c

    ws.append([cell(str(col)) for col in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        ws.append([cell(v) for v in row])
    wb.save(path)


def write_rejects(rejects: list[Reject], path: str | Path, force: bool = False) -> None:
    """Write ``line,reason`` rows atomically (a header-only file when there are none)."""
    frame = pd.DataFrame([(r.line, r.reason) for r in rejects], columns=["line", "reason"])
    atomic_write(Path(path), lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8"), force)
