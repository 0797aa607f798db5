"""The no-election-context feature."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.model.context import NoElectionContext, has_election_context
from screening.text.normalize import normalize


@pytest.mark.parametrize(
    "text",
    [
        "Ayo ke TPS tgl 27",
        "salam 2 jari ✌",
        "#CoblosNomor2",
        "timses udah gerak",
        "pilgub kali ini",
        "xcalonx mantap",
        "yg seiman aja",
        "atasan minta kami hadir",
    ],
)
def test_election_vocabulary_is_context(text: str) -> None:
    assert has_election_context(normalize(text))


@pytest.mark.parametrize(
    "text",
    [
        "Macet parah di Jl. Sudirman, kesel bgt",
        "resep rendang ala mama",
        "aku dpt hadiah dr kantor",
        "selamat ulang tahun sayang ❤️",
        "wkwk lucu bgt kucingnya",
    ],
)
def test_everyday_text_is_not(text: str) -> None:
    assert not has_election_context(normalize(text))


def test_transformer_shape_and_values() -> None:
    X = [normalize(t) for t in ("ayo coblos", "makan siang", "")]
    col = NoElectionContext(weight=2.0).fit(X).transform(X).toarray().ravel().tolist()
    assert col == [0.0, 2.0, 2.0]


# -- read piece by piece (issue 17) -------------------------------------------------------

TWO_WORDS = [
    "pesta demokrasi",
    "wali kota",
    "wali kotanya",
    "kepala daerah",
    "tim sukses",
    "kotak kosong",
    "kolom kosong",
    "salam 2",
    "3 jari",
    "putra daerah",
    "putra asli",
    "orang kita",
]
WORDS = [w for pair in TWO_WORDS for w in pair.split()] + ["makan", "siang", "_", "!", "a_b"]


def _by_pieces(docs: list[str]) -> list[float]:
    from screening.model.features import FastContext, Pieces

    part = NoElectionContext(weight=2.0)
    return FastContext(part).transform(docs, Pieces(docs)).toarray().ravel().tolist()


def _whole(docs: list[str]) -> list[float]:
    return NoElectionContext(weight=2.0).transform(docs).toarray().ravel().tolist()


@pytest.mark.parametrize("gap", [" ", "  ", "\t", "\n"])
def test_two_word_vocabulary_is_found_across_pieces(gap: str) -> None:
    docs = [f"ya {pair.replace(' ', gap)} !" for pair in TWO_WORDS] + ["makan siang", ""]
    assert _by_pieces(docs) == _whole(docs)
    if gap == " ":  # the vocabulary has a plain space; other gaps are not context
        assert _by_pieces(docs)[: len(TWO_WORDS)] == [0.0] * len(TWO_WORDS)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join), max_size=10))
def test_piece_by_piece_equals_the_whole_text(docs: list[str]) -> None:
    assert _by_pieces(docs) == _whole(docs)
