"""The election-cue test read word by word equals the one regex it replaces (issue 17)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.text import cues

PIECES = [
    "coblos",
    "nyoblos",
    "pilih",
    "dipilih",
    "milih",
    "pemilu2024",
    "pilkada",
    "tps",
    "kpud",
    "nomor",
    "no.",
    "urut",
    "quick",
    "count",
    "tim",
    "sukses",
    "wali",
    "kota",
    "walikota",
    "salam",
    "2",
    "02",
    "jari",
    "2jari",
    "x2jari",
    "xcalonx",
    "calon",
    "presidennya",
    "periode",
    "Pemilu",
    "PILIH",
    "_",
    "-",
    ".",
    " ",
    "  ",
    "\n",
    "#",
    "@",
    "☝",
    "✌️",
    "🤟",
    "a",
    "é",
    "ß",
    "İ",
    "١",
    "²",
    "kampanye_akbar",
    "tim_sukses",
    "timsukses",
    "relawan",
]


def reference(text: str) -> bool:
    return cues._CUE.search(text.casefold()) is not None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_word_by_word_equals_the_regex_on_cue_like_text(text: str) -> None:
    assert cues.has_cue(text) == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_word_by_word_equals_the_regex_on_any_text(text: str) -> None:
    assert cues.has_cue(text) == reference(text)


def test_the_known_cases() -> None:
    assert cues.has_cue("ayo ke TPS besok")
    assert cues.has_cue("salam 2 jari")
    assert cues.has_cue("tim  sukses kami")
    assert cues.has_cue("wali kotanya")
    assert not cues.has_cue("timnya sukses besar")
    assert not cues.has_cue("makan siang dulu")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=8).map("".join), max_size=10))
def test_the_batch_reading_equals_one_post_at_a_time(texts: list[str]) -> None:
    from screening.model.features import Pieces

    got = cues.has_cue_each(texts, Pieces(texts)).tolist()
    assert got == [reference(t) for t in texts]
