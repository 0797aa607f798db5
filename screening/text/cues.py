"""Election cues: does a post name the contest itself (a vote, a ballot, a campaign, an office)?

A word that is both a campaign's name and an everyday word (AMIN, BISA, RAJA), a person named
with an honorific (``Pak Anies``) or a bare number (``02``) is about the election only where
the post also speaks of the election. This module holds that narrower vocabulary. It is
stricter than :mod:`screening.model.context`, whose broad list (``program``, ``janji``, ``lanjut``)
only has to be present in almost every partisan post: these words are each about a contest.
Excluded on purpose, measured on everyday posts: ``menang`` (games, football, lotteries),
``nomor N`` (a rank, a phone), ``amanah`` (any office), ``jari``.

The regex works on casefolded raw text and on normalised text alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from screening.text.piece_table import PieceTable
from screening.text.placeholders import PLACEHOLDER_TOKENS

if TYPE_CHECKING:
    from screening.model.features import Pieces

_CUE_WORDS = [
    w.replace("~", r"\s*")
    for w in r"""
pil(?:kada|kades|gub|bup|wal|walkot|pres|leg)\w* pemilu\w* pemilihan
\w*coblos\w* \w*pilih\w* milih \w*dukung\w*
paslon\w* capres\w* cawapres\w* cagub\w* cawagub\w* cabup\w* cawabup\w* cawalkot\w* caleg\w*
calon\w* kandidat\w* kampanye\w* (?:nomor|nomer|nmr|no)\.?~urut
tps kpu\w* kpud bawaslu quick~count real~count golput timses tim~sukses relawan\w* koalisi
partai\w* parpol debat\w* presiden\w* gubernur\w* bupati\w* wali~?kota\w* walkot periode
salam~\d~jari \d~jari
""".split()
]
_CUE = re.compile(
    r"(?<![^\W_])(?:" + "|".join(_CUE_WORDS + sorted(PLACEHOLDER_TOKENS)) + r")(?![^\W_])|[☝✌🤟]"
)


# Near a word (not as a post-wide cue), a ballot number is a cue too: "AMIN no 1", "BISA 02".
_BALLOT_NEAR = r"|(?<!\w)(?:(?:nomor|nomer|nmr|no)\.?\s*0?[1-9]|0[1-9])(?!\w)"
_CUE_NEAR = re.compile(_CUE.pattern + _BALLOT_NEAR, re.IGNORECASE)


def cue_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the election cues in ``text`` (any case), ballot numbers
    ("no 1", "02") included, in order: what makes a nearby everyday word a campaign name."""
    return [m.span() for m in _CUE_NEAR.finditer(text)]


def has_cue(text: str) -> bool:
    """True when ``text`` (any case) speaks of an election: a vote, a ballot, a candidacy, a
    campaign, an elected office, or a candidate placeholder already typed in it.

    Equal to ``_CUE.search(text.casefold()) is not None`` (a property test pins it), read
    word by word with a cache: it runs twice on every post (typing, then the gate), and the
    regex, which tries its whole alternation at every character, cost 7 µs a post.
    """
    return post_has_cue(text, _LEVELS.lookup(list(set(text.split()))))


def has_cue_each(texts: Sequence[str], pieces: Pieces) -> np.ndarray:
    """(n,) bool, :func:`has_cue` of each of n ``texts``, from ``pieces``, the texts already
    cut at whitespace (:class:`screening.model.features.Pieces`): the gate asks this of every
    scored post, whose pieces the features have just cut."""
    levels = np.array(_LEVELS.lookup(pieces.distinct), dtype=np.int8)
    out = pieces.per_doc(levels == CUE, np.logical_or, False)
    maybe = pieces.per_doc(levels == MAYBE, np.logical_or, False)
    for i in np.flatnonzero(maybe & ~out):
        out[i] = _CUE.search(texts[int(i)].casefold()) is not None
    return out


NO_CUE, CUE, MAYBE = 0, 1, 2
"""What :func:`cue_level` says of a piece of text."""


def post_has_cue(text: str, levels: Iterable[int]) -> bool:
    """:func:`has_cue` of ``text`` from the :func:`cue_level` of its whitespace-separated
    pieces (any split of it at whitespace)."""
    levels = set(levels)
    if CUE in levels:
        return True
    return MAYBE in levels and _CUE.search(text.casefold()) is not None


# How a piece is read. A match of _CUE lies within one run of letters and digits except where
# a cue's pattern crosses other characters: "\w*" (over '_') and "\s*". A "\w*" at a cue's
# start makes it a plain substring test (coblos, pilih, dukung: any occurrence matches, from
# the start of its word); one at the end is met within the run. So a text has a cue when it
# contains a substring cue, or a run that the cue alternation matches whole, or a cue of
# several runs across whitespace, which ends in a run of _MULTI_ENDS or one starting "kota"
# ("tim sukses", "salam 2 jari", "wali kota"): there the full regex decides.
_SUBSTRING_CUES = (
    *(w[3:-3] for w in _CUE_WORDS if w.startswith(r"\w*") and w.endswith(r"\w*")),
    *"☝✌🤟",
)
_RUN = re.compile(r"[^\W_]+")
_RUN_CUE = re.compile(
    "|".join([w for w in _CUE_WORDS if not w.startswith(r"\w*")] + sorted(PLACEHOLDER_TOKENS))
)
_MULTI_ENDS = frozenset({"urut", "count", "sukses", "jari"})


def cue_level(piece: str) -> int:
    """CUE when ``piece`` holds an election cue by itself, MAYBE when it may end a cue of
    several words (the whole text must then be searched), else NO_CUE. Cached."""
    return _LEVELS.get(piece)


def _level(piece: str) -> int:
    folded = piece.casefold()
    runs = _RUN.findall(folded)
    if any(c in folded for c in _SUBSTRING_CUES) or any(_RUN_CUE.fullmatch(r) for r in runs):
        level = CUE
    elif any(r in _MULTI_ENDS or r.startswith("kota") for r in runs):
        level = MAYBE
    else:
        level = NO_CUE
    return level


_LEVELS = PieceTable(_level, 100_000)
