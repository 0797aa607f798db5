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


# candidate pairs whose overlap is counted at a time in near_duplicate_pairs
_VERIFY_PAIRS = 50_000
# The prefix filter keeps every pair of Jaccard >= threshold - _ROUNDING: a pair exactly at
# the threshold passes the final comparison (4/5 rounds up in float32), and the margin keeps
# float error in threshold * size (0.7 * 10 is 7.000000000000001) from cutting a prefix short.
_ROUNDING = 1e-6


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


def _prefixes(X: sp.csr_matrix, rank: np.ndarray, jaccard: float) -> sp.csr_matrix:
    """The rows of ``X`` cut to their rarest shingles: for a row of ``n`` shingles, the first
    ``n - ceil(jaccard * n) + 1`` by ``rank`` ((nnz,), the rank of each stored shingle in one
    order shared by both sides, rarest first).

    Two sets with Jaccard >= ``jaccard`` share at least ``ceil(jaccard * n)`` elements, where
    ``n`` is either size, so their prefixes cut that way share one (the prefix filter of
    Chaudhuri et al. 2006, "A primitive operator for similarity joins"; Bayardo et al. 2007,
    "Scaling up all pairs similarity search"): pairs whose prefixes share nothing cannot pass.
    """
    X = X.tocsr()
    sizes = np.diff(X.indptr)
    row = np.repeat(np.arange(X.shape[0]), sizes)
    order = np.lexsort((rank, row))  # by row, then rarest first
    position = np.arange(X.nnz) - np.repeat(X.indptr[:-1], sizes)
    need = np.ceil(np.maximum(jaccard, 0.0) * sizes - 1e-9).astype(np.int64)
    keep_len = np.minimum(sizes - need + 1, sizes)
    keep = position < np.repeat(keep_len, sizes)
    cols = X.indices[order][keep]
    rows = row[keep]  # row is sorted, so order keeps it
    return sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=X.shape)


# the prefix filter pays above this threshold; below it, prefixes are most of each post and
# counting the overlaps of its candidates costs more than the size-blocked product (measured
# on the bundled data: 0.8 took 0.9 s instead of 5.6 s, 0.3 took 13 s instead of 10 s)
_PREFIX_FROM = 0.7
# rows of the left side compared at a time by the size-blocked product
_BLOCK_ROWS = 1000


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
    # every pair that shares a 5-gram is millions on the bundled data (" yang" and the like):
    # both ways below count the overlaps of far fewer pairs, and find the same pairs
    if threshold >= _PREFIX_FROM:
        i, j, v = _by_prefix(A, B, size_a, size_b, float(threshold), same=others is None)
    else:
        i, j, v = _by_size_blocks(A, B, size_a, size_b, float(threshold))
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


_Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


def _by_prefix(
    A: sp.csr_matrix,
    B: sp.csr_matrix,
    size_a: np.ndarray,
    size_b: np.ndarray,
    threshold: float,
    *,
    same: bool,
) -> _Pairs:
    """(i, j, overlap) of the pairs that share one of their rarest shingles (see _prefixes),
    the only ones that can pass ``threshold``."""
    floor = threshold - _ROUNDING
    # the shingles present, rarest first (ties by hash): one global order for both sides
    present, seen = np.unique(
        A.indices if same else np.concatenate([A.indices, B.indices]), return_counts=True
    )
    rank = np.empty(len(present), dtype=np.int64)
    rank[np.lexsort((present, seen))] = np.arange(len(present))
    PA = _prefixes(A, rank[np.searchsorted(present, A.indices)], floor)
    PB = PA if same else _prefixes(B, rank[np.searchsorted(present, B.indices)], floor)
    cand = (PA @ PB.T).tocoo()
    ci, cj = cand.row.astype(np.int64), cand.col.astype(np.int64)
    # Jaccard is at most min(|a|, |b|) / max(|a|, |b|): pairs of far sizes cannot pass either
    small = np.minimum(size_a[ci], size_b[cj]).astype(np.float64)
    large = np.maximum(size_a[ci], size_b[cj]).astype(np.float64)
    close = small >= floor * large - 1e-9
    if same:
        close &= ci < cj  # the caller keeps only these: no need to count the others
    ci, cj = ci[close], cj[close]
    v = [
        np.asarray(A[ci[k : k + _VERIFY_PAIRS]].multiply(B[cj[k : k + _VERIFY_PAIRS]]).sum(axis=1))
        for k in range(0, len(ci), _VERIFY_PAIRS)
    ]
    overlap = np.concatenate(v).ravel() if v else np.zeros(0)
    return ci, cj, overlap.astype(np.float32)


def _by_size_blocks(
    A: sp.csr_matrix,
    B: sp.csr_matrix,
    size_a: np.ndarray,
    size_b: np.ndarray,
    threshold: float,
) -> _Pairs:
    """(i, j, overlap) of every pair sharing a shingle among posts of close sizes (both
    orders, and i == j, when ``B`` is ``A``: the caller keeps i < j)."""
    # Jaccard is at most min(|a|, |b|) / max(|a|, |b|), so only posts of close sizes can pass:
    # each block of rows (sorted by size) meets only the columns whose size is within the
    # threshold's ratio. The pairs and their values are those of the whole product.
    rows_by_size = np.argsort(size_a, kind="stable")
    cols_by_size = np.argsort(size_b, kind="stable")
    sorted_b = size_b[cols_by_size]
    ratio = max(threshold, 1e-6)
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
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
    )
