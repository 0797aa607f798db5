"""Which earlier input line holds the same text, across a whole stream of chunks."""

from __future__ import annotations

import numpy as np
import pandas as pd


class DuplicateIndex:
    """The first input line of every distinct text seen so far.

    Texts are kept as 64-bit hashes with their first line (12 bytes per distinct text, so
    12 MB per million distinct posts; lines are 32-bit until a file passes 4 billion lines),
    not as strings. Within one chunk, duplicates are found
    by exact text; across chunks, by hash: two different texts sharing a hash (about one chance
    in 10^8 for a million posts) would only mislabel ``duplicate_of``, never a score, because
    every row is scored on its own text.
    """

    def __init__(self) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.lines = np.empty(0, dtype=np.uint32)

    def __len__(self) -> int:
        return len(self.keys)

    def first_lines(self, texts: pd.Series, lines: np.ndarray) -> np.ndarray:
        """(n,) first line of each of n texts (its own line when it is new); records them.

        texts: n str in input order; lines: (n,) int input lines, increasing.
        """
        lines = np.asarray(lines, dtype=np.int64)
        if not len(lines):
            return lines
        in_chunk = pd.Series(lines).groupby(texts.to_numpy(), sort=False).transform("first")
        in_chunk = in_chunk.to_numpy(dtype=np.int64)
        h = pd.util.hash_array(texts.to_numpy(dtype=object))
        found = np.zeros(len(h), dtype=bool)
        first = in_chunk.copy()
        if len(self.keys):
            pos = np.minimum(np.searchsorted(self.keys, h), len(self.keys) - 1)
            found = self.keys[pos] == h
            first[found] = self.lines[pos[found]].astype(np.int64)
        new = ~found & (in_chunk == lines)
        order = np.argsort(h[new], kind="stable")
        new_keys, new_lines = h[new][order], lines[new][order]
        at = np.searchsorted(self.keys, new_keys)
        if len(new_lines) and new_lines.max() > np.iinfo(self.lines.dtype).max:
            self.lines = self.lines.astype(np.int64)
        self.keys = np.insert(self.keys, at, new_keys)
        self.lines = np.insert(self.lines, at, new_lines)
        return first
