"""Reading exported posts and writing results, with every input row accounted for.

The reading side lives in :mod:`screening.readers` (formats, encodings, chunked streams,
rejects with line numbers), the writing side in :mod:`screening.writers` (atomic whole-file
and chunked writers). This module gathers both for callers that need a table in or out.
"""

from screening.readers import (
    DEFAULT_CHUNK_ROWS,
    FORMATS,
    LINE_COL,
    MAX_TEXT_CHARS,
    TEXT_COLUMNS,
    Chunk,
    Reject,
    Table,
    TableStream,
    decode_bytes,
    detect_encoding,
    detect_format,
    find_text_column,
    open_table,
    read_table,
    sniff_delimiter,
)
from screening.writers import (
    RejectsWriter,
    TableWriter,
    _umask,
    atomic_path,
    atomic_write,
    write_rejects,
    write_table,
)

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "FORMATS",
    "LINE_COL",
    "MAX_TEXT_CHARS",
    "TEXT_COLUMNS",
    "Chunk",
    "Reject",
    "RejectsWriter",
    "Table",
    "TableStream",
    "TableWriter",
    "_umask",
    "atomic_path",
    "atomic_write",
    "decode_bytes",
    "detect_encoding",
    "detect_format",
    "find_text_column",
    "open_table",
    "read_table",
    "sniff_delimiter",
    "write_rejects",
    "write_table",
]
