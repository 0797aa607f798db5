"""Which earlier input line holds the same text, across a whole stream of chunks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TextCodes:
    """n texts as ``codes`` (n,) int into ``distinct`` (d texts, in order of first
    appearance), with ``first`` (d,) the row index of each distinct text's first occurrence."""

    codes: np.ndarray
    distinct: list[str]
    first: np.ndarray


def encode_texts(texts: list[str]) -> TextCodes:
    """Codes of n texts; identical texts share a code (exact string equality)."""
    if not texts:
        return TextCodes(np.zeros(0, np.int64), [], np.zeros(0, np.int64))
    # pandas' hash table, in C: codes in order of first appearance, as a dict would give
    codes, distinct = pd.factorize(np.array(texts, dtype=object))
    codes = codes.astype(np.int64)
    first = np.unique(codes, return_index=True)[1]
    return TextCodes(codes, list(distinct), first)


class DuplicateIndex:
    """The first input line of every distinct text seen so far.

    Texts are kept as 64-bit hashes with their first line (12 bytes per distinct text, so
    12 MB per million distinct posts; lines are 32-bit until a file passes 4 billion lines),
    not as strings. Within one chunk, duplicates are found by exact text; across chunks, by
    hash: two different texts sharing a hash (about one chance in 10^8 for a million posts)
    would only mislabel ``duplicate_of``, never a score, because every row is scored on its
    own text.
    """

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.lines = np.empty(0, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.keys)

    def first_lines(self, distinct: list[str], lines: np.ndarray) -> np.ndarray:
        """(d,) first input line of each of d distinct texts, given ``lines`` (d,) the line
        where each occurs first in this chunk; records the texts not seen before."""
        lines = np.asarray(lines, dtype=np.int64)
        if not len(lines):
            return lines
        h = pd.util.hash_array(np.asarray(distinct, dtype=object))
        first = lines.copy()
        found = np.zeros(len(h), dtype=bool)
        if len(self.keys):
            pos = np.minimum(np.searchsorted(self.keys, h), len(self.keys) - 1)
            found = self.keys[pos] == h
            first[found] = self.lines[pos[found]].astype(np.int64)
        order = np.argsort(h[~found], kind="stable")
        new_keys, new_lines = h[~found][order], lines[~found][order]
        at = np.searchsorted(self.keys, new_keys)
        if len(new_lines) and new_lines.max() > np.iinfo(self.lines.dtype).max:
            self.lines = self.lines.astype(np.int64)
        self.keys = np.insert(self.keys, at, new_keys)
        self.lines = np.insert(self.lines, at, new_lines)
        return first
