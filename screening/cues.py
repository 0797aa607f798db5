"""Election cues: does a post name the contest itself (a vote, a ballot, a campaign, an office)?

A word that is both a campaign's name and an everyday word (AMIN, BISA, RAJA), a person named
with an honorific (``Pak Anies``) or a bare number (``02``) is about the election only where
the post also speaks of the election. This module holds that narrower vocabulary. It is
stricter than :mod:`screening.context`, whose broad list (``program``, ``janji``, ``lanjut``)
only has to be present in almost every partisan post: these words are each about a contest.
Excluded on purpose, measured on everyday posts: ``menang`` (games, football, lotteries),
``nomor N`` (a rank, a phone), ``amanah`` (any office), ``jari``.

The regex works on casefolded raw text and on normalised text alike.
"""

from __future__ import annotations

import re

from screening.placeholders import PLACEHOLDER_TOKENS

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
    campaign, an elected office, or a candidate placeholder already typed in it."""
    return _CUE.search(text.casefold()) is not None
