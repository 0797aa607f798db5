"""Normalisation of informal Indonesian posts."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lexicon.candidates import CandidateLexicon
from screening.text.normalize import normalize, normalize_many

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


def test_remembering_normalises_each_post_once_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import screening.text.normalize as module

    posts = ["Ayo coblos Budi!", "ayo COBLOS budi!", "Ayo coblos Budi!", "resep sambal", 7]
    plain = normalize_many(posts, LEX, typed=True)
    untyped = normalize_many(posts[:1], LEX)
    calls: list[object] = []
    real = module.normalize
    monkeypatch.setattr(
        module, "normalize", lambda t, lex, *, typed: calls.append(t) or real(t, lex, typed=typed)
    )
    with module.remembering():
        first = normalize_many(posts, LEX, typed=True)
        with module.remembering():  # an inner block uses the outer memory
            again = normalize_many(posts[:2], LEX, typed=True)
        other = normalize_many(posts[:1], LEX, typed=False)  # another setting: its own
    assert first == plain and again == plain[:2] and other == untyped
    # the repeated post once; the non-string each time; typed=False once more
    assert calls == ["Ayo coblos Budi!", "ayo COBLOS budi!", "resep sambal", 7, "Ayo coblos Budi!"]
    calls.clear()
    normalize_many(posts[:1], LEX, typed=True)  # after the block: nothing remembered
    assert calls == ["Ayo coblos Budi!"]


def test_a_lexicon_is_its_own_copy_so_model_clones_share_it() -> None:
    import copy

    from sklearn.base import clone

    from screening.model.estimator import PartisanModel

    assert copy.deepcopy(LEX) is LEX
    assert clone(PartisanModel(LEX)).lexicon is LEX


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


# -- the token-level path equals the step-by-step pipeline (issue 17) ----------------------


def pipeline(text: str, lexicon: CandidateLexicon | None, typed: bool) -> str:
    """The normalisation steps applied to the whole post in order, as before issue 17."""
    from screening.lexicon.candidates import EMPTY_LEXICON, strip_accents
    from screening.text import normalize as t
    from screening.text.cues import _CUE
    from screening.text.mentions import drop_leading_zeros, type_ballot_numbers, type_mentions

    if not text:
        return ""
    lex = lexicon or EMPTY_LEXICON
    s = unicodedata.normalize("NFKC", text)
    s = t._CONTROL.sub(" ", s)
    s = t._URL.sub(f" {t.URL_TOKEN} ", s)
    s = t._MENTION.sub(f" {t.MENTION_TOKEN} ", s)
    s = strip_accents(s)
    s = lex.replace(s)
    cue = False
    if typed:
        cue = _CUE.search(s.casefold()) is not None
        s = type_mentions(s, cue)
    s = t._split_hashtags(s, lex)
    s = " ".join(map(t._normalize_word, s.split()))
    s = t._NO_NUMBER.sub("nomor ", s)
    s = " ".join(s.split())
    return type_ballot_numbers(s, cue) if typed else drop_leading_zeros(s)


PIPELINE_LEX = CandidateLexicon.from_dict(
    {
        "election": "Pilkada uji",
        "candidates": [
            {"number": 1, "names": ["Rina Wulandari", "AMIN"], "hashtags": ["#RinaMenang"]},
            {"number": 2, "names": ["Budi Santoso", "Budi"], "taglines": ["Maju Bersama"]},
        ],
        "parties": ["Partai Maju"],
    }
)
PIECES = [
    "Rina",
    "Wulandari",
    "rinaa",
    "AMIN",
    "amin",
    "Budi",
    "Santoso",
    "Pak",
    "bu",
    "cagub",
    "ROMAD",
    "Benny-Hindun",
    "#RinaMenang",
    "#Pilkada2024",
    "coblos",
    "no",
    "no.",
    "02",
    "2",
    "jari",
    "✌️",
    "👍🏽",
    "https://x.co/a",
    "@budi_s",
    "yg",
    "gk",
    "bangettt",
    "!!!",
    "maju",
    "bersama",
    "é",
    "Ｆｕｌｌ",
    "\u00a0",
    "\t",
    "\n",
    " ",
    "  ",
    "_",
    "-",
    "tim",
    "sukses",
    "kota",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join), st.booleans(), st.booleans())
def test_the_token_path_equals_the_pipeline(text: str, typed: bool, with_lexicon: bool) -> None:
    lex = PIPELINE_LEX if with_lexicon else None
    assert normalize(text, lex, typed=typed) == pipeline(text, lex, typed)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.booleans())
def test_the_token_path_equals_the_pipeline_on_any_text(text: str, typed: bool) -> None:
    assert normalize(text, PIPELINE_LEX, typed=typed) == pipeline(text, PIPELINE_LEX, typed)


def test_a_full_token_table_restarts_between_posts(monkeypatch: pytest.MonkeyPatch) -> None:
    from screening.text import normalize as t

    monkeypatch.setattr(t._tokens_for(PIPELINE_LEX).table, "limit", 5)
    posts = [f"kata{i} dukung Rina Wulandari no {i % 3} ya #RinaMenang" for i in range(30)]
    for post in posts:
        assert normalize(post, PIPELINE_LEX, typed=True) == pipeline(post, PIPELINE_LEX, True)


def test_threads_sharing_full_tables_get_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker may score in several threads of one process: the per-token tables and
    the matcher's word cache restart under them without errors or lost terms."""
    from concurrent.futures import ThreadPoolExecutor

    import screening.lexicon.matcher as matcher
    from screening.text import cues, mentions
    from screening.text import normalize as t

    posts = [
        f"kata{i} dukung Rina Wulandari no {i % 3} ya #RinaMenang Pak Budi{i % 7} AMIN coblos"
        for i in range(400)
    ]
    expected = [pipeline(p, PIPELINE_LEX, True) for p in posts]
    for table in (t._tokens_for(PIPELINE_LEX).table, cues._LEVELS, mentions._FLAGS):
        monkeypatch.setattr(table, "limit", 7)
    monkeypatch.setattr(matcher, "_WORD_CACHE_LIMIT", 7)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often, so the races would show
    try:
        with ThreadPoolExecutor(4) as pool:
            for _ in range(3):
                got = list(pool.map(lambda p: normalize(p, PIPELINE_LEX, typed=True), posts))
                assert got == expected
    finally:
        sys.setswitchinterval(switch)
