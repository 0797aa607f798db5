"""Candidate-like mentions and ballot numbers typed without a lexicon (issue 13, items 2-3)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from screening.text.mentions import is_name_like, type_ballot_numbers, type_mentions
from screening.text.normalize import normalize


def typed(text: str) -> str:
    return normalize(text, None, typed=True)


def test_honorific_and_name_near_a_cue_is_a_candidate() -> None:
    assert typed("Ayo pilih Pak Anies!") == "ayo pilih pak xcalonx !"
    assert typed("dukung bang andra sampai menang") == "dukung bang xcalonx sampai menang"
    assert typed("Capres Prabowo Subianto datang") == "capres xcalonx datang"
    assert typed("calon gubernur Airin hadir") == "calon gubernur xcalonx hadir"


def test_without_a_cue_nothing_is_typed() -> None:
    assert typed("Pak Budi guru matematika kami") == "pak budi guru matematika kami"
    assert typed("pak anies semoga sehat") == "pak anies semoga sehat"


def test_offices_titles_and_words_are_not_names() -> None:
    assert typed("Pak Lurah ikut kampanye") == "pak lurah ikut kampanye"
    assert typed("pak kalau coblos jangan lupa") == "pak kalau coblos jangan lupa"
    # "calon" alone is anyone's future, not a candidacy
    assert "xcalonx" not in typed("psikotes calon Karyawan lancar, pilih yang terbaik")
    assert not is_name_like("Tolong")  # a frequent dictionary word starting a clause
    assert is_name_like("Budi") and is_name_like("anies") and not is_name_like("kalau")


def test_ballot_numbers_are_typed_near_an_election_cue() -> None:
    assert typed("Ayo coblos 02 ya!") == "ayo coblos xnomorx 2 ya!"
    assert typed("pilih nomer 3 di TPS") == "pilih nomor xnomorx 3 di tps"
    assert typed("dukung paslon 1!") == "dukung paslon xnomorx 1!"
    assert typed("salam 2 jari ✌") == "salam xnomorx 2 jari ✌"
    assert typed("#02 pasti menang, pilih") == "xhashtagx xnomorx 2 pasti menang, pilih"
    assert typed("capres nomor urut 2 ✌") == "capres nomor urut xnomorx 2 ✌"  # one token


def test_numbers_without_a_cue_stay_numbers() -> None:
    assert typed("jam 02 pagi sudah bangun") == "jam 2 pagi sudah bangun"
    assert typed("juara no 1 di hatiku") == "juara nomor 1 di hatiku"


@given(st.text(alphabet="ab 0123.,#x", max_size=30))
def test_untyped_normalisation_drops_leading_zeros_as_before(text: str) -> None:
    out = normalize(text, None)
    assert "xnomorx" not in out
    # no number keeps a leading zero before 1-9 that no digit precedes ("02" -> "2")
    for token in out.split():
        assert not (len(token) == 2 and token[0] == "0" and token[1] in "123456789")


def test_typing_an_already_typed_post_changes_nothing() -> None:
    once = type_mentions("Pak xcalonx coblos")
    assert once == "Pak xcalonx coblos"
    assert type_ballot_numbers("coblos xnomorx 2") == "coblos xnomorx 2"
