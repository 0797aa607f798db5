"""Protections for outputs that people open and share: spreadsheet formulas, author identities.

* **Formula injection** (OWASP "CSV injection"): a cell starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return can run as a formula when a reviewer opens a CSV in a spreadsheet.
  :func:`guard_cell` prefixes such cells (and cells already starting with ``'``) with a single
  quote, which spreadsheets show as text; :func:`unguard_cell` removes exactly that prefix, so
  the original text is always recoverable. Plain numbers (``-1``, ``+62``) are left alone.
  XLSX outputs need no prefix: their text cells are written as typed strings, never formulas.
* **Pseudonymisation**: :func:`pseudonymize` replaces author names and ids with keyed hashes
  (HMAC-SHA256 with a secret key), so the same author maps to the same pseudonym across files
  scored with the same key, and nobody without the key can reverse or recompute it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from screening.errors import ScreeningError

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*$")
KEY_ENV = "SCREENING_PSEUDONYM_KEY"
# Export columns that identify an author (compared case-insensitively).
AUTHOR_COLUMNS = {
    "username",
    "user_name",
    "screen_name",
    "user_screen_name",
    "author",
    "author_name",
    "user",
    "name",
    "user_id",
    "user_id_str",
    "author_id",
    "from_user",
    "in_reply_to_screen_name",
    "channel",
    "channel_name",
    "account",
    "akun",
    "nama",
    "handle",
    "owner_username",
    "owner_id",
    "profile_name",
    "user id",
}
_PROFILE_URL = re.compile(
    r"(?i)(https?://(?:www\.|mobile\.)?(?:x|twitter|instagram|tiktok)\.com/@?)([^/?#\s]+)"
)


def guard_cell(value: object) -> object:
    """Neutralise one cell for CSV output (see the module docstring); non-strings pass through."""
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def unguard_cell(value: object) -> object:
    """Undo :func:`guard_cell`."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_TRIGGERS):
        return value[1:]
    return value


_TRIGGER_START = "^[" + re.escape("".join(_TRIGGERS)) + "]"


def _starts_with_trigger(column: pd.Series) -> np.ndarray:
    """(n,) bool: cells that are strings starting with a formula trigger, found by Arrow's
    regex kernel (a Python-level check of every cell costs more than the rest of a write)."""
    try:
        arr = pa.array(column.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # not all strings: check cell by cell
        return np.fromiter(
            (isinstance(v, str) and v.startswith(_TRIGGERS) for v in column),
            dtype=bool,
            count=len(column),
        )
    hit = pc.match_substring_regex(arr, _TRIGGER_START)
    return hit.fill_null(False).to_numpy(zero_copy_only=False)


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`guard_cell`."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            # only cells that start with a trigger can change: find them in one vectorised
            # pass, then guard those few
            risky = _starts_with_trigger(out[col])
            if risky.any():
                out.loc[risky, col] = out.loc[risky, col].map(guard_cell)
    return out


def load_key(key_file: Path | None) -> bytes:
    """The pseudonymisation key: ``key_file``'s bytes, else ``$SCREENING_PSEUDONYM_KEY``."""
    if key_file is not None:
        try:
            key = key_file.read_bytes().strip()
        except OSError as exc:
            raise ScreeningError(
                f"cannot read pseudonym key file {key_file}: {exc.strerror}"
            ) from exc
    else:
        key = os.environ.get(KEY_ENV, "").encode()
    if len(key) < 16:
        raise ScreeningError(
            f"--pseudonymize needs a secret key of 16+ characters: set ${KEY_ENV} or pass "
            "--pseudonym-key-file FILE (keep it secret; the same key gives the same pseudonyms)"
        )
    return key


def pseudonym(value: str, key: bytes) -> str:
    """``anon-`` + the first 16 hex digits of HMAC-SHA256(key, value); '' stays ''."""
    if not value:
        return value
    return (
        "anon-"
        + hmac.new(key, value.strip().lstrip("@").casefold().encode(), hashlib.sha256).hexdigest()[
            :16
        ]
    )


def pseudonymize(frame: pd.DataFrame, key: bytes) -> tuple[pd.DataFrame, list[str]]:
    """Replace author columns (and the author part of profile/post URLs) with pseudonyms.

    Returns the new frame and the names of the columns changed.
    """
    out = frame.copy()
    changed = []
    for col in out.columns:
        name = str(col).casefold().strip()
        if name in AUTHOR_COLUMNS:
            out[col] = out[col].astype(str).map(lambda v: pseudonym(v, key))
            changed.append(str(col))
        elif "url" in name or "link" in name:
            new = (
                out[col]
                .astype(str)
                .str.replace(
                    _PROFILE_URL, lambda m: m.group(1) + pseudonym(m.group(2), key), regex=True
                )
            )
            if not new.equals(out[col].astype(str)):
                out[col] = new
                changed.append(str(col))
    return out, changed
