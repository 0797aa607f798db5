"""Candidate lexicon: loading, validation and matching."""

from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import paths
from screening.errors import ScreeningError
from screening.lexicon.candidates import CandidateLexicon, strip_accents, tagline_parts

DOC = {
    "election": "Pilgub Contoh 2024",
    "candidates": [
        {
            "number": 1,
            "names": ["Budi Santoso", "Pak Budi", "Budi-Sari", "BuSa"],
            "taglines": ["Bersama Membangun"],
            "hashtags": ["#BuSaMenang"],
        },
        {"names": ["Siti Aminah"]},
    ],
    "parties": ["Partai Contoh"],
}


@pytest.fixture
def lex() -> CandidateLexicon:
    return CandidateLexicon.from_dict(DOC)


@pytest.mark.parametrize(
    "text",
    [
        "budi santoso",
        "BUDI SANTOSO",
        "Budii Santosooo",
        "Budi-Sari",
        "budi sari",
        "BudiSari",
        "Siti Aminah",
        "Sití Amínah",
    ],
)
def test_name_variants_match(lex: CandidateLexicon, text: str) -> None:
    assert lex.replace(f"ayo {text} ya").split() == ["ayo", "xcalonx", "ya"]


@pytest.mark.parametrize("text", ["busana baru", "pakbudiman", "nasib budiman", "#busamenangterus"])
def test_no_match_inside_other_words(lex: CandidateLexicon, text: str) -> None:
    assert "xcalonx" not in lex.replace(text)


def test_kinds(lex: CandidateLexicon) -> None:
    out = lex.replace("Bersama Membangun #BuSaMenang Partai Contoh")
    assert out.split() == ["xtaglinex", "xcalontagarx", "xpartaix"]


def test_split_hashtag(lex: CandidateLexicon) -> None:
    assert lex.split_hashtag("BuSaJuara") == ["xcalontagarx", "Juara"]
    assert lex.split_hashtag("busanamuslim") == ["busanamuslim"]  # short terms need camel case
    assert lex.split_hashtag("budisantosojuara") == ["xcalontagarx", "juara"]
    assert lex.split_hashtag("SelamatPagi") == ["Selamat", "Pagi"]


def test_bundled_lexicons_load_and_are_disjoint() -> None:
    train = CandidateLexicon.from_yaml(paths.TRAIN_LEXICON)
    ev = CandidateLexicon.from_yaml(paths.EVAL_LEXICON)
    assert len(train) > 50 and len(ev) > 50
    train_terms = {t for _, t in train.terms()}
    assert not any(ev.replace(t) != t for t in train_terms)


def test_schema_error_names_the_bad_key(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("election: x\ncandidates:\n  - number: 1\n    nama: [Budi]\n", encoding="utf-8")
    with pytest.raises(ScreeningError, match=r"candidates\[0\].*'names' is a required property"):
        CandidateLexicon.from_yaml(p)


def test_not_yaml_and_missing(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("candidates: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScreeningError, match="not valid YAML"):
        CandidateLexicon.from_yaml(p)
    with pytest.raises(ScreeningError, match="not found"):
        CandidateLexicon.from_yaml(tmp_path / "nope.yaml")


def test_empty_lexicon_is_identity() -> None:
    lex = CandidateLexicon.from_dict({"candidates": []})
    assert lex.replace("Pak Budi") == "Pak Budi"


def test_tagline_fragments_get_their_own_token() -> None:
    lex = CandidateLexicon.from_dict(
        {"candidates": [{"names": ["Ani"], "taglines": ["Samarinda Tepian Gemilang"]}]}
    )
    assert lex.replace("Samarinda Tepian Gemilang!").split() == ["xtaglinex", "!"]
    assert lex.replace("makin tepian gemilang").split() == ["makin", "xtaglinepartx"]
    # two-word taglines have no fragments; fragments under 7 letters are too common to type
    assert tagline_parts("Ayo Maju") == []
    assert tagline_parts("Kita Ok Bersama") == ["Ok Bersama"]


def test_strip_accents_removes_every_nonspacing_mark_and_nothing_else() -> None:
    marks = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Mn"]
    assert any(ord(m) > 0xFFFF for m in marks)  # astral marks take a separate regex branch
    assert strip_accents("a" + "".join(marks) + "b😀𝄞") == "ab😀𝄞"
    assert strip_accents("Pemilú Kepala Daérah ☝️") == "Pemilu Kepala Daerah ☝"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "amin",
                    "AMIN",
                    "bisa",
                    "#amin",
                    "amin_",
                    "aminnya",
                    "ya",
                    "\n",
                    "é",
                    "xamin",
                    "_bisa",
                    "éamin",
                    "2bisa",
                    "aminamin",
                    "bisa-amin",
                ]
            ),
            max_size=6,
        ).map("".join),
        max_size=8,
    )
)
def test_everyday_use_counts_posts_as_one_scan_per_post_would(texts: list[str]) -> None:
    """One scan of the chunk, attributed by offset, counts what a scan per post counts."""
    from collections import Counter

    from screening.lexicon.everyday import EverydayUse

    use = EverydayUse(["AMIN", "BISA", "Budi Santoso"])
    assert use.terms == ("amin", "bisa")
    per_post = re.compile(r"(?<![\w#])(amin|bisa)(?!\w)")  # the rule, one post at a time
    expected: Counter[str] = Counter()
    for t in texts:
        expected.update(set(per_post.findall(t)))
    assert use.count(texts) == expected


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.sampled_from(["amin", "bisa", "anies", "prabowo", "ganjar", "zzqx", "Pak Budi"]),
        st.text(alphabet="abcdeiklmnoprstuy ", min_size=1, max_size=12),
    )
)
def test_is_everyday_agrees_with_describe(term: str) -> None:
    """The shortcut that skips the stemmer for rare words decides as describe() does."""
    from screening.lexicon import everyday

    assert everyday.is_everyday(term) == everyday.describe(term).everyday
