"""Reading exported posts in chunks, with every input row accounted for.

:func:`open_table` returns a :class:`TableStream`: the file's columns, encoding and delimiter
are known up front, and iterating yields :class:`Chunk` s of at most ``chunk_rows`` rows, so
memory does not grow with the size of the file. Each chunk holds the rows that parsed (all
columns as strings, plus the source ``line`` number) and the :class:`Reject` rows that did not,
each with its line number and reason. Nothing is dropped silently.

How each format streams:

* CSV/TSV/TXT: Python's C ``csv`` reader over the decoded lines, which are read in blocks
  of about 1 MiB and kept until the record that uses them is done (so a malformed record can
  be read again line by line; see "Records" below). The encoding is decided by one fast pass
  over the bytes first, because a Windows-1252 export is only recognisable from the whole
  file. The formula guard the tool puts on CSV cells it writes (``screening.io.privacy``) is
  undone on every cell and column name, so the tool's own outputs read back as written.
* JSONL: line by line; a first pass collects the union of the records' keys so every chunk has
  the same columns.
* Parquet: by record batches of the row groups; integer columns with nulls stay exact.
* XLSX and JSON arrays are read whole (their structure has to be parsed as a whole), then cut
  into chunks; XLSX holds at most 1,048,576 rows per sheet anyway. Every sheet that holds a
  post-text column is read (with a ``sheet`` column when there are several); ``line`` is the
  spreadsheet row number within its sheet, and a row without any value is not a record.
  Control pictures (``screening.io.cells``) in text cells become the control characters again.

Records (CSV/TSV/TXT). A *physical record* is one line of the file, or several when a quoted
field holds line breaks: a field that starts with ``"`` runs, across lines, to its closing
quote. Blank lines are not records. A record that runs over several lines is taken as written
only when it is well-formed (each closing quote is followed by the delimiter or the end of
the line), has the header's number of fields, ends before the end of the file and spans at
most :data:`MAX_RECORD_LINES` lines. Otherwise its quote is taken as a stray: its first line
becomes one reject ("unclosed quote" or "stray quote") and reading resumes at the next
physical line, so the lines the quote swallowed are read as the records they are. A quote
still open at the end of the file is always rejected this way, even on the last line.
``rows_in`` counts physical records: every one is a parsed row or a reject with its line.

Encodings (CSV/TSV/TXT/JSONL): UTF-8 (with or without BOM); UTF-16 with a BOM (Excel's
"Unicode Text") or without one when every other byte of ASCII text is zero; otherwise each
line is decoded on its own: as UTF-8 when it is valid UTF-8, else as Windows-1252 when most of
its non-ASCII bytes are not UTF-8, else as UTF-8 with each invalid sequence replaced (U+FFFD,
counted). The file's ``encoding`` names the rule most of its bytes follow, and
``mixed_lines`` counts the lines decoded otherwise.

:func:`read_table` reads a whole file into one :class:`Table` through the same code.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import itertools
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from screening.errors import ScreeningError, TextColumnError
from screening.io.cells import xlsx_untext
from screening.io.privacy import unguard_cell
from screening.messages import name_list, printable

LINE_COL = "line"
SHEET_COL = "sheet"  # added when several XLSX sheets are read ("sheet.1" if the input has one)
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
# The most physical lines one CSV record may span (a quoted field with line breaks). The
# longest multi-line record in the twelve real exports of ../shared/realdata spans 10 lines
# (a YouTube comment); a tweet holds 280 characters and an Instagram caption 2,200. 100 is ten
# times the longest seen, and it bounds both the lines kept in memory to re-read a record and
# what a stray quote can swallow when a later stray closes it into a well-formed record of
# the right width (the one case no other check can tell from a real multi-line post).
MAX_RECORD_LINES = 100
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
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# the index columns pandas stores in a Parquet file: not the export's columns
PANDAS_INDEX = re.compile(r"__index_level_\d+__")
_CP1252 = "cp1252"
_UTF8_REPLACED = "utf-8 (invalid bytes replaced)"


@dataclass(frozen=True)
class Reject:
    """An input row that gets no score: where it was and why."""

    line: int
    reason: str


@dataclass
class Table:
    """Parsed rows plus what could not be parsed.

    ``frame`` holds the input columns as str and ``line`` (int, the row's line number in the
    file: 1 is the header for CSV, the first record for JSONL; the row number for Parquet; the
    spreadsheet row number within its sheet for XLSX, plus a ``sheet`` column when several
    sheets were read). ``mixed_lines`` counts text lines decoded in another encoding than
    ``encoding`` names; ``sheets``/``skipped_sheets`` name the XLSX sheets read and left out.
    """

    frame: pd.DataFrame
    rejects: list[Reject] = field(default_factory=list)
    encoding: str = "utf-8"
    replaced_chars: int = 0
    delimiter: str | None = None
    rows_in: int = 0
    mixed_lines: int = 0
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)


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
    ``mixed_lines`` (known up front) counts the text lines decoded in another encoding than
    ``encoding`` names (a UTF-8 line in a Windows-1252 file); ``sheets`` and
    ``skipped_sheets`` name the XLSX sheets read and those left out for want of a text column.
    """

    path: Path
    columns: list[str]
    chunks: Iterator[Chunk]
    encoding: str = "utf-8"
    replaced_chars: int = 0
    delimiter: str | None = None
    size: int = 0
    mixed_lines: int = 0
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
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
            f"{path}: unsupported file type {printable(path.suffix, 20) or '(none)'}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt


# ---- encodings ----------------------------------------------------------------------------


def _choose_encoding(bom: bool, replaced: int, non_ascii: int) -> str:
    # Each invalid UTF-8 sequence is one replacement; a latin-1 file has about one per byte.
    if not replaced:
        return "utf-8-sig" if bom else "utf-8"
    if non_ascii and replaced >= 0.5 * non_ascii:
        return _CP1252
    return _UTF8_REPLACED


def _utf8_replacements(data: bytes) -> int:
    # U+FFFD already in the text is not a replacement: count only what "replace" added
    return data.decode("utf-8", errors="replace").count("\ufffd") - data.decode(
        "utf-8", errors="ignore"
    ).count("\ufffd")


def _non_ascii(data: bytes) -> int:
    return len(data) - len(data.translate(None, _HIGH_BYTES))


def _line_encoding(line: bytes) -> str:
    """How one non-ASCII line that is not valid UTF-8 is decoded: by the file rule of
    :func:`_choose_encoding`, applied to the line alone."""
    return _choose_encoding(False, max(_utf8_replacements(line), 1), _non_ascii(line))


def _decode_line(line: bytes) -> str:
    """One line (without its line feed) of a file that is not all UTF-8."""
    if line.isascii():
        return line.decode("ascii")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        pass
    enc = _line_encoding(line)
    return line.decode(_CP1252 if enc == _CP1252 else "utf-8", errors="replace")


class _LineDecoder(codecs.IncrementalDecoder):
    """Decodes a file that mixes encodings line by line (:func:`_decode_line`); a line ends
    at b"\\n", as in the detection pass. A UTF-8 BOM at the start is dropped."""

    def __init__(self, errors: str = "replace") -> None:
        super().__init__(errors)
        self.reset()

    def reset(self) -> None:
        self.pending = b""
        self.started = False

    def getstate(self) -> tuple[bytes, int]:
        return self.pending, int(self.started)

    def setstate(self, state: tuple[bytes, int]) -> None:
        self.pending, self.started = state[0], bool(state[1])

    # codecs' stub types ``input`` as collections.abc.Buffer, which Python 3.11 lacks
    def decode(self, input: bytes, final: bool = False) -> str:  # type: ignore[override]
        data = self.pending + bytes(input)
        if not self.started:
            if len(data) < len(_BOM) and not final:
                self.pending = data
                return ""
            self.started = True
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
        cut = len(data) if final else data.rfind(b"\n") + 1
        self.pending = data[cut:]
        return "\n".join(map(_decode_line, data[:cut].split(b"\n")))


_LINE_CODEC = "x-screening-lines"


def _find_codec(name: str) -> codecs.CodecInfo | None:
    if name != _LINE_CODEC.replace("-", "_") and name != _LINE_CODEC:
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(
        utf8.encode,
        lambda data, errors="replace": (_LineDecoder(errors).decode(data, True), len(data)),
        incrementaldecoder=_LineDecoder,
        name=_LINE_CODEC,
    )


codecs.register(_find_codec)


@dataclass(frozen=True)
class _Encoding:
    """How a text file is decoded: ``label`` for people (the summary), ``codec`` for Python,
    replacement characters produced, lines decoded otherwise than ``label`` says."""

    label: str
    codec: str
    replaced: int = 0
    mixed_lines: int = 0
    # found by the same pass: whether a "'" comes right before = + - @ tab CR or "'" anywhere,
    # as in a cell the tool's CSV formula guard prefixed; if not, no cell needs unguarding
    guard_marks: bool = True


# The bytes (ASCII, so the same in UTF-8 and Windows-1252) a guarded cell starts with.
_GUARD_MARK = re.compile(rb"'[=+\-@\t\r']")


def _sniff_utf16(head: bytes) -> str | None:
    """The codec of a UTF-16 text: "utf-16" for a UTF-16 BOM; "utf-16-le"/"-be" when most
    ASCII characters of ``head`` show as a zero byte at odd/even offsets (UTF-16 without
    BOM); else None. Text in UTF-8 or Windows-1252 holds no zero bytes, so the test does not
    misfire on them."""
    if head.startswith(_UTF16_BOMS):
        return "utf-16"
    n = len(head) // 2 * 2
    if n < 4:
        return None
    even, odd, half = head[0:n:2].count(0), head[1:n:2].count(0), n // 2
    if odd >= 0.4 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return None


class _LineStats:
    """Counts, over the lines of a file that is not valid UTF-8, what :func:`_decode_line`
    will do, so the file's label and its mixed lines are known before reading."""

    def __init__(self) -> None:
        self.replaced = self.non_ascii = 0  # file-wide, for the label (as before)
        self.utf8 = self.cp1252 = self.utf8_replaced = 0  # lines decoded each way
        self.out_replaced = 0  # U+FFFD the line-by-line decoding produces

    def add(self, line: bytes) -> None:
        if line.isascii():
            return
        bad = _utf8_replacements(line)
        self.non_ascii += _non_ascii(line)
        self.replaced += bad
        if not bad:  # valid UTF-8
            self.utf8 += 1
            return
        if _line_encoding(line) == _CP1252:
            self.cp1252 += 1
            self.out_replaced += line.decode(_CP1252, errors="replace").count("\ufffd")
        else:
            self.utf8_replaced += 1
            self.out_replaced += bad

    def encoding(self, bom: bool) -> _Encoding:
        label = _choose_encoding(bom, max(self.replaced, 1), self.non_ascii)
        if label == _CP1252:
            mixed, plain = self.utf8 + self.utf8_replaced, _CP1252
        else:
            mixed, plain = self.cp1252, "utf-8"
        # the fast built-in codec gives the same text when no line is decoded otherwise (and
        # there is no BOM for it to keep)
        codec = _LINE_CODEC if mixed or bom else plain
        return _Encoding(label, codec, self.out_replaced, mixed)


def _detect(path: Path) -> _Encoding:
    """The encoding of a text file, in one streaming pass (constant memory)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        utf16 = _sniff_utf16(head)
        fh.seek(0)
        if utf16 is not None:
            replace = codecs.getincrementaldecoder(utf16)(errors="replace")
            ignore = codecs.getincrementaldecoder(utf16)(errors="ignore")
            replaced = 0
            while block := fh.read(_BLOCK):
                replaced += replace.decode(block).count("\ufffd")
                replaced -= ignore.decode(block).count("\ufffd")
            replaced += replace.decode(b"", final=True).count("\ufffd")
            return _Encoding(utf16, utf16, replaced)
        bom = head.startswith(_BOM)
        fh.seek(len(_BOM) if bom else 0)
        strict = codecs.getincrementaldecoder("utf-8")()
        marks = False
        last = b""  # the previous block's last byte: a mark can straddle two blocks
        try:
            while block := fh.read(_BLOCK):
                strict.decode(block)
                marks = marks or bool(_GUARD_MARK.search(last + block[:1] if last else b""))
                marks = marks or bool(_GUARD_MARK.search(block))
                last = block[-1:]
            strict.decode(b"", final=True)
            label = "utf-8-sig" if bom else "utf-8"
            return _Encoding(label, label, guard_marks=marks)
        except UnicodeDecodeError:
            pass
        fh.seek(len(_BOM) if bom else 0)
        stats = _LineStats()
        marks = False
        for line in fh:
            stats.add(line)
            marks = marks or (b"'" in line and bool(_GUARD_MARK.search(line)))
    return dataclasses.replace(stats.encoding(bom), guard_marks=marks)


def _decode_all(data: bytes) -> tuple[str, _Encoding]:
    """Whole-file bytes decoded by the same rules as the streaming reader."""
    utf16 = _sniff_utf16(data[:4096])
    if utf16 is not None:
        text = data.decode(utf16, errors="replace")
        replaced = text.count("\ufffd") - data.decode(utf16, errors="ignore").count("\ufffd")
        return text, _Encoding(utf16, utf16, replaced)
    bom = data.startswith(_BOM)
    if bom:
        data = data[len(_BOM) :]
    try:
        label = "utf-8-sig" if bom else "utf-8"
        return data.decode("utf-8"), _Encoding(label, label)
    except UnicodeDecodeError:
        pass
    stats = _LineStats()
    lines = data.split(b"\n")
    for line in lines:
        stats.add(line)
    return "\n".join(map(_decode_line, lines)), stats.encoding(bom)


def decode_bytes(data: bytes) -> tuple[str, str, int]:
    """Decode file bytes; returns (text, encoding, replaced character count).

    UTF-8 (with or without BOM) when valid; UTF-16 with a BOM (or without one, recognised by
    its zero bytes). Otherwise line by line: a valid UTF-8 line as UTF-8, a line whose
    non-ASCII bytes are mostly not UTF-8 as Windows-1252/latin-1 (old exports), else as UTF-8
    with each invalid sequence replaced by U+FFFD and counted. The encoding named is the one
    most of the file follows (see the module docstring).
    """
    text, enc = _decode_all(data)
    return text, enc.label, enc.replaced


def _open_text(path: Path, enc: _Encoding) -> tuple[io.TextIOWrapper, _CountingReader]:
    counter = _CountingReader(open(path, "rb"))  # noqa: SIM115 - closed by the wrapper
    buffered = io.BufferedReader(counter, buffer_size=_BLOCK)
    return io.TextIOWrapper(buffered, encoding=enc.codec, errors="replace", newline=""), counter


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


def dedupe_names(names: list[str]) -> list[str]:
    """Distinct column names: an empty name becomes ``column_N`` (N counts from 1), a repeat
    gets the first free suffix ``.1``, ``.2``, ... (a name already taken by a later column is
    skipped too). LINE_COL is taken by the reader's line numbers: an input column of that name
    becomes ``line.1`` instead of being overwritten."""
    taken = {LINE_COL}
    next_suffix: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"column_{i + 1}"
        if n in taken:
            base, k = n, next_suffix.get(n, 0)
            while n in taken:
                k += 1
                n = f"{base}.{k}"
            next_suffix[base] = k
        taken.add(n)
        out.append(n)
    return out


def _frame(rows: list[list[str]], columns: list[str], lines: list[int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else _empty(columns)
    frame[LINE_COL] = np.asarray(lines, dtype=np.int64)
    return frame


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


# ---- CSV ----------------------------------------------------------------------------------


def _unguard_frame(frame: pd.DataFrame, columns: list[str]) -> None:
    """Undo the tool's CSV formula guard (a leading ' before = + - @ tab CR ') in place.

    Only a cell starting with "'" can change. One C-speed join of the column finds whether
    any does (a NUL followed by "'" inside a cell is a harmless false alarm); only then are
    cells looked at one by one, so a file without guarded cells pays a copy of its text, not
    a Python call per cell.
    """
    for col in columns:
        values = frame[col].tolist()
        joined = "\x00".join(values)
        if not joined.startswith("'") and "\x00'" not in joined:
            continue
        frame[col] = pd.Series(  # object, as the reader's other columns (not pandas' str)
            [unguard_cell(v) if v.startswith("'") else v for v in values],
            index=frame.index,
            dtype=object,
        )


class _Runaway(Exception):
    """A quoted field still open MAX_RECORD_LINES lines below the line its record starts on."""


class _LineSource:
    """The physical lines of a decoded text file (ending at \\n, \\r\\n or \\r), read in
    blocks of about 1 MiB and kept from the first line of the record being parsed, so that
    the record can be read again from its second line.

    csv.reader pulls lines through :meth:`lines_from` at C speed (a chain over lists); Python
    runs once per block. The caller sets ``record_start`` before each record: older blocks are
    dropped, and a record still open more than MAX_RECORD_LINES lines after it raises
    :class:`_Runaway` when the next block is needed (a longer record that ends inside a block
    is caught by the caller), so memory stays bounded by a block plus that many lines.
    """

    def __init__(self, text: io.TextIOBase) -> None:
        self.text = text
        self.blocks: list[tuple[int, list[str]]] = []  # (line number of the first, lines)
        self.next_line = 1  # the first line not read from the file yet
        self.record_start = 1
        self.eof = False

    def lines_from(self, line: int) -> Iterator[str]:
        return itertools.chain.from_iterable(self._blocks(line))

    def _blocks(self, line: int) -> Iterator[list[str]]:
        for first, lines in list(self.blocks):  # kept lines first, when reading again
            if first + len(lines) > line:
                yield lines[line - first :] if line > first else lines
        while not self.eof:
            if self.next_line - self.record_start > MAX_RECORD_LINES:
                raise _Runaway
            self.blocks = [b for b in self.blocks if b[0] + len(b[1]) > self.record_start]
            lines = self.text.readlines(_BLOCK)
            if not lines:
                self.eof = True
                return
            self.blocks.append((self.next_line, lines))
            self.next_line += len(lines)
            yield lines

    def lines_between(self, first: int, last: int) -> list[str]:
        """Lines ``first``..``last`` (inclusive; all at or after ``record_start``)."""
        out: list[str] = []
        for b0, lines in self.blocks:
            lo, hi = max(first, b0), min(last, b0 + len(lines) - 1)
            if lo <= hi:
                out += lines[lo - b0 : hi - b0 + 1]
        return out

    def is_last(self, line: int) -> bool:
        """Whether ``line`` is the file's last line, known only once the end was reached
        (which the csv reader does only when a record is still open there)."""
        return self.eof and line == self.next_line - 1


class _CsvParser:
    """Records of a delimited text file: csv.reader over a :class:`_LineSource`, plus the
    careful path for records that are not plain one-liners.

    Most records take one line and are used as parsed (the loop in :func:`_open_csv` does
    that inline, for speed). A record over several lines, one still open at the end of the
    file, or a csv error goes through :meth:`settle` (module docstring, "Records"): a failed
    record is rejected by its first line and parsing starts again on the line after it.
    Physical line numbers are ``base + reader.line_num``.
    """

    def __init__(self, src: _LineSource, delimiter: str) -> None:
        self.src = src
        self.delimiter = delimiter
        self.width: int | None = None  # the header's, once read
        # built once: csv.reader(lines, <a Dialect object>) skips the costly dialect set-up
        self.dialect = csv.reader([], delimiter=delimiter).dialect
        self.strict = csv.reader([], delimiter=delimiter, strict=True).dialect
        self.restart(1)

    def restart(self, line: int) -> None:
        self.reader = csv.reader(self.src.lines_from(line), self.dialect)
        self.base = line - 1

    def next_record(self, start: int) -> tuple[list[str] | None, str | None, int] | None:
        """(fields or None, reject reason or None, next start) of the record starting on line
        ``start``, or None at the end of the file. The slow but plain form of the loop in
        :func:`_open_csv` (used for the header)."""
        self.src.record_start = start
        try:
            rec = next(self.reader)
        except StopIteration:
            return None
        except (_Runaway, csv.Error) as exc:
            return self.settle(start, None, exc)
        end = self.base + self.reader.line_num
        if end == start and not self.src.is_last(end):
            return rec, None, end + 1
        return self.settle(start, rec, None)

    def settle(
        self, start: int, rec: list[str] | None, exc: Exception | None
    ) -> tuple[list[str] | None, str | None, int]:
        """The record starting on ``start`` that ended on another line or at the end of the
        file (``rec``), or raised ``exc``: (fields or None, reject reason or None, the line
        the next record starts on)."""
        resume = f"; reading resumes at line {start + 1}"
        problem: str | None
        if isinstance(exc, _Runaway):
            problem = (
                f"unclosed quote: the quoted field is still open {MAX_RECORD_LINES} lines "
                f"below{resume}"
            )
        elif exc is not None:
            end = self.base + self.reader.line_num
            if end <= start:  # the reader goes on with the next line
                return None, f"unreadable row: {exc}", end + 1
            problem = f"unreadable row: {exc}{resume}"
        else:
            end = self.base + self.reader.line_num
            problem = self._check(start, end, rec or [])
            if problem is None:
                return rec, None, end + 1
        self.restart(start + 1)
        return None, problem, start + 1

    def _check(self, start: int, end: int, rec: list[str]) -> str | None:
        """Why the record on lines ``start``..``end`` is a stray quote, or None."""
        resume = f"; reading resumes at line {start + 1}" if end > start else ""
        if end - start + 1 > MAX_RECORD_LINES:
            return (
                f"unclosed quote: the quoted field runs over more than {MAX_RECORD_LINES} "
                f"lines (to line {end}){resume}"
            )
        lines = self.src.lines_between(start, end)
        try:
            for _ in csv.reader(lines, self.strict):
                pass
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return (
                    f"unclosed quote: the quoted field is still open at the end of the file{resume}"
                )
            if end > start:
                return (
                    f"stray quote: lines {start}-{end} are not one well-formed record "
                    f"({exc}){resume}"
                )
        if end > start and self.width is not None and rec and len(rec) != self.width:
            return (
                f"stray quote: lines {start}-{end} make a row of {len(rec)} fields, header has "
                f"{self.width}{resume}"
            )
        return None


def _open_csv(path: Path, chunk_rows: int) -> TableStream:
    enc = _detect(path)
    text, counter = _open_text(path, enc)
    head = text.read(65536)
    if not head.strip():
        text.close()
        raise ScreeningError(f"{path}: the file is empty")
    if _looks_binary(head):
        text.close()
        raise ScreeningError(f"{path}: looks like a binary file, not a CSV/TSV table")
    delim = sniff_delimiter(head, path.suffix.lower())
    text.seek(0)
    src = _LineSource(text)
    parser = _CsvParser(src, delim)
    names, problem, first = parser.next_record(1) or ([], None, 1)
    if names is None:
        text.close()
        raise ScreeningError(f"{path}: cannot read the header row (line 1): {problem}")
    header = dedupe_names([str(unguard_cell(h)).strip() for h in names])
    width = parser.width = len(header)

    unguard = enc.guard_marks

    def chunks() -> Iterator[Chunk]:
        rows: list[list[str]] = []
        lines: list[int] = []
        rejects: list[Reject] = []
        rows_in = 0
        start = first
        reader, base = parser.reader, parser.base
        with text:
            while True:
                # inline for speed: this runs once per record (see _CsvParser.next_record)
                line = src.record_start = start
                try:
                    rec: list[str] | None = next(reader)
                except StopIteration:
                    break
                except (_Runaway, csv.Error) as exc:
                    rec, reason, start = parser.settle(line, None, exc)
                    reader, base = parser.reader, parser.base
                else:
                    end = base + reader.line_num
                    if end == line and not (src.eof and end == src.next_line - 1):
                        start = end + 1
                    else:
                        rec, reason, start = parser.settle(line, rec, None)
                        reader, base = parser.reader, parser.base
                if rec is None:
                    rejects.append(Reject(line, reason or "unreadable row"))
                elif not rec:  # blank line: not a record
                    continue
                elif len(rec) == width:
                    rows.append(rec)
                    lines.append(line)
                else:
                    rejects.append(Reject(line, f"row has {len(rec)} fields, header has {width}"))
                rows_in += 1
                if rows_in >= chunk_rows:
                    yield _csv_chunk(rows, header, lines, rejects, rows_in, unguard)
                    rows, lines, rejects, rows_in = [], [], [], 0
        yield _csv_chunk(rows, header, lines, rejects, rows_in, unguard)

    size = os.path.getsize(path)
    return TableStream(
        path,
        header,
        chunks(),
        enc.label,
        enc.replaced,
        delim,
        size,
        mixed_lines=enc.mixed_lines,
        _counter=counter,
    )


def _csv_chunk(
    rows: list[list[str]],
    header: list[str],
    lines: list[int],
    rejects: list[Reject],
    n: int,
    unguard: bool,
) -> Chunk:
    frame = _frame(rows, header, lines)
    if unguard:
        _unguard_frame(frame, header)
    return Chunk(frame, rejects, n)


# ---- JSON ---------------------------------------------------------------------------------


def _json_cell(v: object) -> str:
    # json.loads gives Python ints of any size, so ids stay exact through json.dumps
    if v is None:
        return ""
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _open_jsonl(path: Path, chunk_rows: int) -> TableStream:
    enc = _detect(path)
    text, counter = _open_text(path, enc)
    first = text.read(65536).lstrip()
    text.seek(0)
    if path.suffix.lower() == ".json" and first.startswith("["):
        text.close()
        return _open_json_array(path, chunk_rows)
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
    keys_in = list(keys)
    columns = dedupe_names(keys_in)
    text, counter = _open_text(path, enc)

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
                    yield Chunk(_records_frame(records, keys_in, columns, lines), rejects, rows_in)
                    records, lines, rejects, rows_in = [], [], [], 0
        yield Chunk(_records_frame(records, keys_in, columns, lines), rejects, rows_in)

    size = os.path.getsize(path)
    return TableStream(
        path,
        columns,
        chunks(),
        enc.label,
        enc.replaced,
        None,
        size,
        mixed_lines=enc.mixed_lines,
        _counter=counter,
    )


def _open_json_array(path: Path, chunk_rows: int) -> TableStream:
    """A .json file holding one array of records: read whole; ``line`` is the record's
    position in the array (1 = first); a non-object element becomes a ``value`` column."""
    data, enc = _decode_all(path.read_bytes())
    try:
        items = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ScreeningError(f"{path}: invalid JSON: {exc}") from exc
    if not isinstance(items, list):
        raise ScreeningError(f"{path}: expected a JSON array of records")
    dicts = [r if isinstance(r, dict) else {"value": r} for r in items]
    keys_in = list(dict.fromkeys(k for r in dicts for k in r))
    records = [{k: _json_cell(v) for k, v in r.items()} for r in dicts]
    columns = dedupe_names([str(k).strip() for k in keys_in])
    frame = _records_frame(records, keys_in, columns, list(range(1, len(records) + 1)))
    return _stream_frame(path, frame, chunk_rows, enc.label, enc.replaced, enc.mixed_lines)


def _lines(text: io.TextIOWrapper) -> Iterator[str]:
    # Lines end at \n, \r\n or \r only: str.splitlines would also split inside a record at
    # U+2028 or U+0085, which JSON allows unescaped in strings.
    for line in text:
        yield line.rstrip("\r\n")


def _records_frame(
    records: list[dict[str, str]], keys: list[str], columns: list[str], lines: list[int]
) -> pd.DataFrame:
    """Records (by their own ``keys``) as a frame with the deduplicated ``columns`` (same
    order), so a key named ``line`` is kept as ``line.1`` beside the reader's ``line``."""
    if not records:
        return _frame([], columns, [])
    frame = pd.DataFrame.from_records(records, columns=keys).astype(object).fillna("")
    frame.columns = columns
    frame[LINE_COL] = np.asarray(lines, dtype=np.int64)
    return frame


def _stream_frame(
    path: Path,
    frame: pd.DataFrame,
    chunk_rows: int,
    encoding: str = "binary",
    replaced: int = 0,
    mixed_lines: int = 0,
    **extra: Any,
) -> TableStream:
    """Chunks of a table already in memory (XLSX, JSON array), ``line`` included."""
    columns = [c for c in frame.columns if c != LINE_COL]

    def chunks() -> Iterator[Chunk]:
        for start in range(0, max(len(frame), 1), chunk_rows):
            part = frame.iloc[start : start + chunk_rows].reset_index(drop=True)
            yield Chunk(part, [], len(part))

    return TableStream(
        path, columns, chunks(), encoding, replaced, None, len(frame), mixed_lines, **extra
    )


def as_str(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as a string; a missing cell (None, NaN, NaT) becomes ``""``."""
    return frame.astype(object).where(frame.notna(), "").astype(str)


# ---- Parquet ------------------------------------------------------------------------------


def _open_parquet(path: Path, chunk_rows: int) -> TableStream:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    # pandas stores a non-default index as __index_level_N__ columns; it is not post data
    stored = [c for c in pf.schema_arrow.names if not PANDAS_INDEX.fullmatch(c)]
    names = dedupe_names([str(c).strip() for c in stored])

    def chunks() -> Iterator[Chunk]:
        line = 1
        empty = True
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=stored):
            # integer_object_nulls: an int64 id column with a null would otherwise become
            # float64 and print as 1.8509851287344282e+18
            part = as_str(batch.to_pandas(integer_object_nulls=True))
            part.columns = names
            part[LINE_COL] = np.arange(line, line + len(part), dtype=np.int64)
            line += len(part)
            empty = False
            yield Chunk(part, [], len(part))
        if empty:
            yield Chunk(_frame([], names, []), [], 0)

    return TableStream(path, names, chunks(), "binary", 0, None, pf.metadata.num_rows)


# ---- XLSX ---------------------------------------------------------------------------------


def _xlsx_value(v: object) -> str:
    """One spreadsheet cell as text: '' for empty, integral numbers without ".0", text with
    the tool's control pictures turned back into the control characters (screening.io.cells)."""
    if v is None:
        return ""
    if isinstance(v, str):
        return xlsx_untext(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        # below 2**53 every integer is exact in a double; above, the cell holds only an
        # approximation (Excel keeps 15 digits), which is shown as the float it is
        return str(int(v))
    return str(v)


def _sheet_header(ws: Any) -> tuple[int, list[str]]:
    """(row number, column names) of a sheet's first non-empty row; (0, []) if none."""
    for r, row in enumerate(ws.iter_rows(values_only=True), 1):
        cells = [_xlsx_value(v).strip() for v in row]
        if any(cells):
            while not cells[-1]:
                cells.pop()
            return r, cells
    return 0, []


def _read_sheet(ws: Any) -> pd.DataFrame:
    """A sheet's rows below its header as a str frame plus ``line`` (the spreadsheet row
    number). Rows with no value are not records. Values right of the last named column get
    ``column_N`` names."""
    header_row, header = _sheet_header(ws)
    rows: list[list[str]] = []
    lines: list[int] = []
    width = len(header)
    if header_row:
        for r, row in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True)):
            cells = [_xlsx_value(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append(cells)
                lines.append(header_row + 1 + r)
                width = max(width, len(cells))
    names = dedupe_names(header + [""] * (width - len(header)))
    rows = [row + [""] * (width - len(row)) for row in rows]
    return _frame(rows, names, lines)


def _choose_sheets(
    path: Path, sheets: dict[str, Any], text_col: str | None
) -> tuple[list[str], list[str]]:
    """(sheets to read, sheets left out): those whose header has a post-text column."""
    found: dict[str, str] = {}
    for title, ws in sheets.items():
        names = dedupe_names(_sheet_header(ws)[1])
        try:
            found[title] = find_text_column(names, text_col)
        except ScreeningError:
            continue
    listed = name_list(list(sheets))
    if not found:
        what = f"a column {printable(text_col)!r}" if text_col else "a post-text column"
        raise ScreeningError(f"{path}: no sheet has {what}; sheets are: {listed}")
    if len(set(found.values())) > 1:
        pairs = name_list([f"{t}: {c}" for t, c in found.items()])
        raise ScreeningError(
            f"{path}: the sheets hold the post text in different columns ({pairs}); "
            "read one sheet at a time"
        )
    return list(found), [t for t in sheets if t not in found]


def _open_xlsx(path: Path, chunk_rows: int, sheet: str | None, text_col: str | None) -> TableStream:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        sheets = {ws.title: ws for ws in wb.worksheets}
        if not sheets:
            raise ScreeningError(f"{path}: the workbook has no worksheet")
        if sheet is not None:
            if sheet not in sheets:
                raise ScreeningError(
                    f"{path}: no sheet named {printable(sheet)!r}; sheets are: "
                    f"{name_list(list(sheets))}"
                )
            chosen, skipped = [sheet], [t for t in sheets if t != sheet]
        elif len(sheets) == 1:
            chosen, skipped = list(sheets), []
        else:
            chosen, skipped = _choose_sheets(path, sheets, text_col)
        frames = [_read_sheet(sheets[t]) for t in chosen]
    finally:
        wb.close()
    if len(frames) == 1:
        frame = frames[0]
    else:
        columns = list(dict.fromkeys(c for f in frames for c in f.columns if c != LINE_COL))
        name = SHEET_COL
        k = 0
        while name in columns or name == LINE_COL:
            k += 1
            name = f"{SHEET_COL}.{k}"
        frame = pd.concat(
            [f.assign(**{name: t}) for f, t in zip(frames, chosen, strict=True)],
            ignore_index=True,
        )
        frame = frame[[name, *columns, LINE_COL]]
        frame[columns] = frame[columns].fillna("")
    return _stream_frame(path, frame, chunk_rows, sheets=chosen, skipped_sheets=skipped)


# ---- entry points -------------------------------------------------------------------------


def open_table(
    path: str | Path,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    *,
    sheet: str | None = None,
    text_col: str | None = None,
) -> TableStream:
    """Open an export (CSV/TSV/TXT, JSONL/JSON, Parquet, XLSX) for reading in chunks.

    ``sheet`` reads only that sheet of an XLSX workbook. Otherwise every sheet whose header
    has a post-text column (``text_col`` if given, else a known name; see
    :func:`find_text_column`) is read, with a ``sheet`` column when there are several; a
    workbook of one sheet is read whatever its columns. ``text_col`` matters only for that
    choice.

    Raises :class:`ScreeningError` with a one-line reason for a missing, empty, binary or
    unreadable file, a sheet that is not there, or sheets that have no post-text column or
    hold it under different names. Errors inside the data (a malformed row) become rejects.
    """
    p = Path(path)
    if not p.exists():
        raise ScreeningError(f"input not found: {p}")
    if p.is_dir():
        raise ScreeningError(f"{p} is a directory, not a file")
    if chunk_rows < 1:
        raise ScreeningError("chunk size must be at least 1 row")
    fmt = detect_format(p)
    if sheet is not None and fmt != "xlsx":
        raise ScreeningError(f"{p}: a sheet was named, but only .xlsx workbooks have sheets")
    try:
        if fmt == "csv":
            return _open_csv(p, chunk_rows)
        if fmt == "jsonl":
            return _open_jsonl(p, chunk_rows)
        if fmt == "parquet":
            return _open_parquet(p, chunk_rows)
        return _open_xlsx(p, chunk_rows, sheet, text_col)
    except ScreeningError:
        raise
    except Exception as exc:  # pyarrow/openpyxl raise many types for a file that is not a table
        raise ScreeningError(
            f"{p}: cannot read as {fmt}: {type(exc).__name__}: {printable(exc, 300)}"
        ) from exc


def read_table(path: str | Path, *, sheet: str | None = None, text_col: str | None = None) -> Table:
    """Read a whole export into one :class:`Table` (see :func:`open_table`)."""
    stream = open_table(path, chunk_rows=sys.maxsize, sheet=sheet, text_col=text_col)
    frames, rejects, rows_in = [], [], 0
    try:
        for chunk in stream:
            frames.append(chunk.frame)
            rejects += chunk.rejects
            rows_in += chunk.rows_in
    except ScreeningError:
        raise
    except Exception as exc:
        raise ScreeningError(
            f"{path}: cannot read: {type(exc).__name__}: {printable(exc, 300)}"
        ) from exc
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return Table(
        frame,
        rejects,
        stream.encoding,
        stream.replaced_chars,
        stream.delimiter,
        rows_in,
        stream.mixed_lines,
        stream.sheets,
        stream.skipped_sheets,
    )


def find_text_column(columns: list[str], requested: str | None = None) -> str:
    """The column holding the post text: ``requested`` if given, else a known export name.

    The error lists the columns capped and cleaned (:func:`screening.messages.name_list`): a
    header can be megabytes long or carry terminal escape sequences.
    """
    cols = [c for c in columns if c != LINE_COL]
    if requested is not None:
        if requested in cols:
            return requested
        lower = {c.casefold(): c for c in cols}
        if requested.casefold() in lower:
            return lower[requested.casefold()]
        raise TextColumnError(
            f"text column {printable(requested)!r} not found; columns are: {name_list(cols)}",
            requested,
        )
    lower = {c.casefold().strip(): c for c in cols}
    for name in TEXT_COLUMNS:
        if name in lower:
            return lower[name]
    hinted = [c for c in cols if any(h in c.casefold() for h in _TEXT_HINTS)]
    if len(hinted) == 1:
        return hinted[0]
    raise TextColumnError(
        "cannot tell which column holds the post text; columns are: " + name_list(cols)
    )
