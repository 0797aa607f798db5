"""Cell text that a spreadsheet file can hold, and back.

XLSX is XML 1.0, which cannot hold most C0 control characters (NUL, ``\\x01``..``\\x08``,
``\\x0b``, ``\\x0c``, ``\\x0e``..``\\x1f``); openpyxl raises ``IllegalCharacterError`` on them,
and real posts do carry them (copy-paste from PDFs, broken exports). :func:`xlsx_text` replaces
each with its visible Unicode *control picture* (U+2400 + code: ``\\x0b`` becomes ``␋``), so the
reviewer sees that something was there and :func:`xlsx_untext` gives the original text back when
a filled queue is read. Tab, line feed and carriage return are legal and kept. CSV, JSONL and
Parquet outputs keep control characters as they are.
"""

from __future__ import annotations

import re

# The C0 controls XML 1.0 forbids (openpyxl's ILLEGAL_CHARACTERS_RE, without DEL and C1,
# which XML allows)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PICTURES = re.compile(r"[\u2400-\u2408\u240b\u240c\u240e-\u241f]")


def xlsx_text(value: str) -> str:
    """``value`` with every character XLSX cannot store replaced by its control picture."""
    if not _ILLEGAL.search(value):
        return value
    return _ILLEGAL.sub(lambda m: chr(0x2400 + ord(m.group())), value)


def xlsx_untext(value: str) -> str:
    """Undo :func:`xlsx_text` (control pictures back to the control characters)."""
    if not _PICTURES.search(value):
        return value
    return _PICTURES.sub(lambda m: chr(ord(m.group()) - 0x2400), value)
