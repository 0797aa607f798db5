"""Normalisation of informal Indonesian posts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lexicon import CandidateLexicon
from screening.text import normalize, normalize_many

LEX = CandidateLexicon.from_dict(
    {
        "election": "Pilgub Contoh",
        "candidates": [
            {
                "number": 2,
                "names": ["Budi Santoso", "Pak Budi", "Budi-Sari", "BuSa"],
                "taglines": ["Bersama Membangun"],
                "hashtags": ["#BuSaMenang"],
            },
        ],
        "parties": ["Partai Contoh"],
    }
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#CoblosNomor2", "xhashtagx coblos nomor 2"),
        ("mantap bangettt", "mantap banget"),
        ("ＡＳＮ harus NETRAL", "asn harus netral"),
        ("cek https://t.co/AbC123 dan @kpu_ri", "cek xurlx dan xmentionx"),
        ("yg tdk dtg", "yang tidak datang"),
        ("cek DPT dulu", "cek dpt dulu"),
        ("paslon02", "paslon 2"),
        ("no.2 aja", "nomor 2 saja"),
        ("Café", "cafe"),
        ("salam 2️⃣ jari ✌🏽", "salam 2 jari ✌"),
        ("hebat!!!!", "hebat!"),
        ("", ""),
    ],
)
def test_normalize_cases(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_partisan_words_survive_no_stopword_removal() -> None:
    words = re.findall(r"\w+", normalize("Kita tetap lanjut, satu atau dua putaran"))
    assert words == ["kita", "tetap", "lanjut", "satu", "atau", "dua", "putaran"]


def test_emojis_are_separate_tokens() -> None:
    assert normalize("pilih☝️yang👍").split() == ["pilih", "☝", "yang", "👍"]


def test_lexicon_placeholders() -> None:
    out = normalize("Ayo dukung Pak Budiii! #BuSaMenang Bersama Membangun, Partai Contoh", LEX)
    assert out == "ayo dukung xcalonx ! xcalontagarx xtaglinex , xpartaix"


def test_hashtag_containing_a_name() -> None:
    assert normalize("#BuSaJuara", LEX) == "xhashtagx xcalontagarx juara"


def test_without_lexicon_names_pass_through() -> None:
    assert "budi" in normalize("Pak Budi hebat").split()


def test_normalize_many_keeps_order_and_length() -> None:
    texts = ["Satu", None, "", "#DuaTiga"]
    assert normalize_many(texts) == ["satu", "", "", "xhashtagx dua tiga"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_normalize_never_crashes_and_is_clean(text: str) -> None:
    out = normalize(text, LEX)
    assert isinstance(out, str)
    assert out == out.strip()
    assert "  " not in out
    assert not re.search(r"[\x00-\x1f\x7f]", out)
