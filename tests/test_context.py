"""The no-election-context feature."""

from __future__ import annotations

import pytest

from screening.context import NoElectionContext, has_election_context
from screening.text import normalize


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
