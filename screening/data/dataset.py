"""Labelled posts as training, evaluation and retraining read them, and near duplicates.

Building and checking the bundled data (maintainers' work) is :mod:`screening.data.curation`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from screening.data import realdata
from screening.errors import ScreeningError
from screening.io.readers import find_text_column

COLUMNS = ["id", "text", "label", "category", "rule", "platform", "region", "persona", "writer"]
REQUIRED = ["text", "label"]
NEAR_DUP_JACCARD = 0.8


def load_labelled(path: str | Path, *, text_col: str | None = None) -> pd.DataFrame:
    """Read a labelled CSV (a text column and ``label``; ``category`` optional) as strings.

    The text column is ``text_col`` if given, else ``text``, else one detected as ``score``
    detects it in an export (``full_text``, ``message``, ...); it is returned as ``text`` (an
    existing ``text`` column that is not it becomes ``text_input``). Returns a DataFrame
    with ``label`` as int and ``category`` as str ('' when absent). Raises ScreeningError
    naming the file, and the rows, when labels are not 0/1.
    """
    p = Path(path)
    if not p.is_file():
        raise ScreeningError(f"labelled data not found: {p}")
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ScreeningError(f"{p}: cannot read as CSV: {exc}") from exc
    if realdata.is_reference_table(df):
        # labels of real posts kept outside the repository (data/real_dev.csv): the rows the
        # labellers agreed on, with their text resolved from the real-data folder
        agreed = df["label"].str.strip().isin(["0", "1"])
        df = realdata.resolve(df[agreed].reset_index(drop=True))
        df.attrs["disputed_rows_left_out"] = int((~agreed).sum())
    chosen: str | None = "text"
    if text_col is not None:
        chosen = find_text_column(list(df.columns), text_col)
    elif "text" not in df.columns:
        try:
            chosen = find_text_column(list(df.columns))
        except ScreeningError:
            chosen = None  # reported below as a missing column
    if chosen is not None and chosen != "text":
        df = df.rename(columns={"text": "text_input"}).rename(columns={chosen: "text"})
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ScreeningError(f"{p}: missing column(s) {missing}; found {list(df.columns)}")
    bad = ~df["label"].str.strip().isin(["0", "1"])
    if bad.any():
        rows = (np.flatnonzero(bad.to_numpy()) + 2).tolist()[:10]
        raise ScreeningError(f"{p}: label must be 0 or 1 (CSV line(s) {rows})")
    df["label"] = df["label"].str.strip().astype(int)
    if "category" not in df.columns:
        df["category"] = ""
    df["category"] = df["category"].str.strip().str.lower()
    return df


# rows of the left side compared at a time in near_duplicate_pairs
_BLOCK_ROWS = 1000


def _shingles(texts: Sequence[str]) -> sp.csr_matrix:
    flat = [re.sub(r"\s+", " ", t.casefold()).strip() for t in texts]
    vec = HashingVectorizer(
        analyzer="char",
        ngram_range=(5, 5),
        n_features=2**22,
        binary=True,
        norm=None,
        alternate_sign=False,
        lowercase=False,
        dtype=np.float32,
    )
    return vec.transform(flat).tocsr()


def near_duplicate_pairs(
    texts: Sequence[str], others: Sequence[str] | None = None, threshold: float = NEAR_DUP_JACCARD
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, jaccard) of character 5-gram sets with Jaccard > threshold, sorted by
    (i, j).

    Within ``texts`` (i < j) when ``others`` is None, else between ``texts[i]`` and ``others[j]``.
    """
    A = _shingles(texts)
    B = A if others is None else _shingles(others)
    size_a = np.asarray(A.sum(axis=1)).ravel()
    size_b = np.asarray(B.sum(axis=1)).ravel()
    # Jaccard is at most min(|a|, |b|) / max(|a|, |b|), so only posts of close sizes can pass:
    # each block of rows (sorted by size) meets only the columns whose size is within the
    # threshold's ratio, not every post sharing one 5-gram (millions of pairs on the bundled
    # data). The pairs and their values are those of the whole product.
    rows_by_size = np.argsort(size_a, kind="stable")
    cols_by_size = np.argsort(size_b, kind="stable")
    sorted_b = size_b[cols_by_size]
    ratio = max(float(threshold), 1e-6)
    parts = []
    for start in range(0, len(rows_by_size), _BLOCK_ROWS):
        rows = rows_by_size[start : start + _BLOCK_ROWS]
        lo, hi = float(size_a[rows[0]]), float(size_a[rows[-1]])
        first = np.searchsorted(sorted_b, lo * ratio - 1e-6, side="left")
        last = np.searchsorted(sorted_b, hi / ratio + 1e-6, side="right")
        cols = cols_by_size[first:last]
        if len(cols) == 0:
            continue
        inter = (A[rows] @ B[cols].T).tocoo()
        parts.append((rows[inter.row], cols[inter.col], inter.data))
    if not parts:
        return []
    i = np.concatenate([p[0] for p in parts])
    j = np.concatenate([p[1] for p in parts])
    v = np.concatenate([p[2] for p in parts])
    union = size_a[i] + size_b[j] - v
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = np.where(union > 0, v / union, np.float32(1.0))
    # compared as Python floats, not in float32: 4/5 is 0.800000011920929 in float32, above a
    # threshold of 0.8 (NumPy would round the threshold to float32 and find them equal)
    keep = jac.astype(np.float64) > threshold
    if others is None:
        keep &= i < j
    i, j, jac = i[keep], j[keep], jac[keep]
    order = np.lexsort((j, i))
    return [(int(i[k]), int(j[k]), float(jac[k])) for k in order]
