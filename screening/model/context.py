"""Election context: does a normalised post refer to an election, a candidate or politics at all?

Partisan tendency, as the guidance defines it, is always about an electoral contest: a candidate,
a pair, a number, a party, a campaign, a vote. A post with none of that vocabulary (a recipe, a
football rant, a love note) cannot show it, however chatty or angry it is. A linear model trained
on posts where every informal, emotional text was partisan learns the opposite, so the model gets
one explicit feature: "no election vocabulary here". On the first model without it, ordinary real
tweets were flagged about twice as often (see the README's real-data table).

The vocabulary is deliberately broad (``pilih``, ``nomor``, ``jari``, ``daerah``, ``pemimpin``):
it only has to be present in almost every partisan post, not to be partisan itself. It runs on
text already normalised by :func:`screening.text.normalize.normalize` (lower case, slang expanded,
candidate placeholders in place).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

# Regex fragments, one per whitespace-separated item; "~" stands for a space.
_WORDS = [
    w.replace("~", " ")
    for w in r"""
xcalonx xcalontagarx xtaglinex xpartaix xtaglinepartx
pil(?:kada|kades|gub|bup|wal|walkot|pres|leg|eg)\w* pemilu\w* pemilihan pesta~demokrasi
bupati\w* gubernur\w* wali~?kota\w* walkot wagub wabup presiden dpr\w* dewan kepala~daerah
kades lurah\w*
paslon\w* calon\w* cagub cawagub cabup cawabup cawalkot capres cawapres caleg kandidat\w*
pasangan petahana incumbent jagoan\w* partai\w* parpol koalisi kampanye\w* tim~?sukses timses
relawan\w* pemenangan posko simpatisan deklarasi baliho spanduk stiker kaos atribut visi misi
debat program janji\w* amanah periode politik\w* golongan blok kubu
\w*coblos\w* \w*pilih\w* milih suara golput tps kpu kip bawaslu panwas\w* kotak~kosong
kolom~kosong menang\w* kalah dukung\w* lanjut\w* ganti\w* nomor urut jari salam~\d \d~jari twibbon
putra~daerah putra~asli orang~kita seiman sesuku pendatang pemimpin\w* memimpin netral\w* asn pns
pppk honorer atasan bawahan titipan bantuan bansos mutasi jabatan
""".split()
]
CONTEXT = re.compile(r"(?<!\w)(?:" + "|".join(_WORDS) + r")(?!\w)|[☝✌🤟]")


CONTEXT_NONE, CONTEXT_FOUND, CONTEXT_MAYBE = 0, 1, 2
# Vocabulary of two words: a match across whitespace ends in a piece that starts with one of
# these ("pesta demokrasi", "salam 2", "orang kita").
_SECOND_WORDS = re.compile(
    "|".join(re.split(r" \??", w)[-1] for w in _WORDS if " " in w.replace(r"\s", ""))
)


def piece_level(piece: str) -> int:
    """For a piece of text without whitespace: CONTEXT_FOUND when it holds election
    vocabulary by itself, CONTEXT_MAYBE when it may end vocabulary of two words (the whole
    text must then be searched), else CONTEXT_NONE. A text has election context exactly
    when one of its pieces is FOUND, or one is MAYBE and the whole text matches."""
    if CONTEXT.search(piece):
        return CONTEXT_FOUND
    return CONTEXT_MAYBE if _SECOND_WORDS.match(piece) else CONTEXT_NONE


def has_election_context(normalized: str) -> bool:
    """True when the normalised post contains any election, candidate or politics vocabulary."""
    return CONTEXT.search(normalized) is not None


class NoElectionContext(TransformerMixin, BaseEstimator):
    """Feature column: ``weight`` when a normalised post has no election vocabulary, else 0.

    transform(list of n normalised strings) -> sparse (n, 1) float32. Stateless.
    """

    def __init__(self, weight: float = 1.0) -> None:
        self.weight = weight

    def fit(self, X: Iterable[str], y: object = None) -> NoElectionContext:
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        col = np.array(
            [0.0 if has_election_context(t) else self.weight for t in X], dtype=np.float32
        )
        return sp.csr_matrix(col.reshape(-1, 1))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(["no_election_context"], dtype=object)
