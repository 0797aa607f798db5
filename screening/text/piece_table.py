"""A bounded cache of a function of text pieces, filled one batch (a post) at a time.

Scoring works out many things once per distinct piece of text (a token, a word) rather than
once per occurrence, because pieces repeat. Three rules keep such caches right and small:
missing pieces are computed together before any is read; when the table would pass its limit
it restarts *before* a batch, never in the middle (a restart in the middle once made a long
run forget a post's earlier words); and it never grows past its limit, so memory stays flat
on an endless stream of new spellings.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Generic, TypeVar

V = TypeVar("V")


class PieceTable(Generic[V]):
    """``compute(piece)`` for pieces, cached; at most ``limit`` pieces are kept."""

    def __init__(self, compute: Callable[[str], V], limit: int) -> None:
        self.compute = compute
        self.limit = limit
        self.table: dict[str, V] = {}

    def filled(self, pieces: Collection[str]) -> dict[str, V]:
        """The table, holding every one of ``pieces`` (index it with them)."""
        table = self.table
        unknown = set(pieces).difference(table)
        if unknown:
            if len(table) + len(unknown) > self.limit:
                table.clear()
                unknown = set(pieces)
            compute = self.compute
            for piece in unknown:
                table[piece] = compute(piece)
        return table

    def lookup(self, pieces: Sequence[str]) -> list[V]:
        """``[compute(p) for p in pieces]``, cached. Safe when threads share the table (a
        Dask worker may run several): a piece another thread's restart removed is computed
        again, never a KeyError."""
        table = self.filled(pieces)
        try:
            return list(map(table.__getitem__, pieces))
        except KeyError:
            return [self.get(p) for p in pieces]

    def get(self, piece: str) -> V:
        """``compute(piece)``, cached."""
        got = self.table.get(piece)
        if got is None:
            got = self.compute(piece)
            if len(self.table) >= self.limit:
                self.table.clear()
            self.table[piece] = got
        return got
