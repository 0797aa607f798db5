"""The lexicon matcher: exact, spelling variants and one typo; everyday-word terms only near
an election cue (issue 13, items 1 and 2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from screening.lexicon.candidates import CandidateLexicon
from screening.lexicon.matcher import TermMatcher, edit_distance_at_most_one

PAIRS = {
    "election": "Pilkada uji",
    "candidates": [
        {"number": 1, "names": ["Anies Baswedan", "Anies", "AMIN"], "hashtags": ["#AMINMenang"]},
        {"number": 2, "names": ["Prabowo", "Ganjar Pranowo", "Soeharto", "Djarot"]},
        {"number": 3, "names": ["Firdaus Hasibuan", "BISA"]},
    ],
}
LEX = CandidateLexicon.from_dict(PAIRS)


def typed(text: str, lex: CandidateLexicon = LEX) -> str:
    return " ".join(lex.replace(text).split())


# -- item 1: everyday words --------------------------------------------------------------


def test_an_everyday_acronym_in_an_everyday_post_is_not_a_candidate() -> None:
    for text in (
        "semoga sehat selalu bapak, amin ya allah",
        "AMIN YA RABB semoga lancar",
        "aku bisa kok, sabar ya",
        "BISA BANGET sih kamu",
    ):
        assert "xcalonx" not in typed(text), text


def test_the_same_acronym_next_to_an_election_cue_is_a_candidate() -> None:
    assert typed("coblos AMIN no 1") == "coblos xcalonx no 1"
    assert typed("Ayo pilih amin!") == "Ayo pilih xcalonx !"
    assert typed("AMIN 01 ☝") == "xcalonx 01 ☝"
    assert typed("BISA nomor 3, pasti menang") == "xcalonx nomor 3, pasti menang"
    # a strong match (a name that is not a word) is a cue too
    assert typed("Anies amin") == "xcalonx xcalonx"


def test_a_cue_far_away_does_not_count() -> None:
    text = "tidak bisa jawab pertanyaan itu sama sekali, makanya jangan pilih partai itu"
    assert "xcalonx" not in typed(text)


def test_an_everyday_hashtag_needs_a_cue_somewhere_in_the_post() -> None:
    assert "xcalontagarx" not in typed("liburan seru #amin")
    assert typed("debat semalam mantap #AMIN").endswith("xcalontagarx")
    # a campaign hashtag that is not an everyday word always counts
    assert typed("#AMINMenang") == "xcalontagarx"


def test_a_hashtag_written_as_words_is_a_sentence_about_the_name() -> None:
    """ "anies presiden" without '#' states support for a name; it is not the campaign
    hashtag #AniesPresiden (measured: such posts were shown to reviewers as simbol)."""
    lex = CandidateLexicon.from_dict(
        {"candidates": [{"names": ["Anies"], "hashtags": ["#AniesPresiden"]}]}
    )
    assert typed("yess anies presiden 2024", lex) == "yess xcalonx presiden 2024"
    assert typed("#AniesPresiden mantap", lex) == "xcalontagarx mantap"
    assert typed("aniespresiden", lex) == "xcalontagarx"


def test_the_old_rule_is_still_available_for_comparison() -> None:
    always = CandidateLexicon(election="", candidates=LEX.candidates, ambiguity="always")
    assert typed("amin ya allah", always) == "xcalonx ya allah"


# -- item 2: tolerant matching -----------------------------------------------------------


def test_spelling_variants_match() -> None:
    assert typed("pilih Anis Baswedan") == "pilih xcalonx"  # ie / i
    assert typed("Suharto dan Jarot") == "xcalonx dan xcalonx"  # oe / u, dj / j
    assert typed("Firdaus Hasibuaan") == "xcalonx"  # doubled letter


def test_one_typo_matches_names_of_five_letters_or_more() -> None:
    assert typed("dukung Prabowi") == "dukung xcalonx"  # substitution
    assert typed("dukung Praboow") == "dukung xcalonx"  # swap of neighbours
    assert typed("dukung Prbowo") == "dukung xcalonx"  # dropped letter
    assert typed("Ganjar Pranwo") == "xcalonx"  # in the second word of a name


def test_a_typo_never_turns_an_everyday_word_into_a_name() -> None:
    # "ganjal" (to wedge) is one letter from Ganjar; "prabu" is short and a word
    lex = CandidateLexicon.from_dict({"candidates": [{"names": ["Ganjar"]}]})
    assert typed("pintunya diganjal batu", lex) == "pintunya diganjal batu"
    assert typed("ganjal pintunya", lex) == "ganjal pintunya"


def test_short_names_need_an_exact_match() -> None:
    lex = CandidateLexicon.from_dict({"candidates": [{"names": ["Rizna"]}]})
    assert typed("Rina datang", lex) == "Rina datang"  # 4 letters: no typo matching
    assert typed("dukung Rizma", lex) == "dukung xcalonx"


def test_exact_matching_can_be_asked_for() -> None:
    exact = CandidateLexicon(election="", candidates=LEX.candidates, tolerant=False)
    assert typed("dukung Prabowi", exact) == "dukung Prabowi"


def test_a_large_lexicon_keeps_word_lookup() -> None:
    names = [f"Kandidat{i:04d} Zorva{i:04d}" for i in range(5000)]
    matcher = TermMatcher(names)
    found = matcher.find("dukung Kandidat4321 Zorva4321 hari ini")
    assert [(m.key, m.how) for m in found] == [("kandidat4321zorva4321", "exact")]


@given(st.text(alphabet="abcdeirst", max_size=8), st.text(alphabet="abcdeirst", max_size=8))
def test_edit_distance_agrees_with_the_definition(a: str, b: str) -> None:
    def osa(x: str, y: str) -> int:
        d = [[0] * (len(y) + 1) for _ in range(len(x) + 1)]
        for i in range(len(x) + 1):
            d[i][0] = i
        for j in range(len(y) + 1):
            d[0][j] = j
        for i in range(1, len(x) + 1):
            for j in range(1, len(y) + 1):
                cost = x[i - 1] != y[j - 1]
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 and j > 1 and x[i - 1] == y[j - 2] and x[i - 2] == y[j - 1]:
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
        return d[-1][-1]

    assert edit_distance_at_most_one(a, b) == (osa(a, b) <= 1)


def test_a_cache_restart_never_loses_a_post_s_terms(monkeypatch: object) -> None:
    """The word cache restarts when full; a restart while a post's words go in once made a
    long single-process run miss a term that two workers (each with half the words) found."""
    import screening.lexicon.matcher as matcher

    monkeypatch.setattr(matcher, "_WORD_CACHE_LIMIT", 8)  # type: ignore[attr-defined]
    small = TermMatcher(["Anies Baswedan", "Firdaus Hasibuan"])
    fresh = TermMatcher(["Anies Baswedan", "Firdaus Hasibuan"])
    posts = [f"kata{i} lain{i} dukung Firdaus Hasibuan nomor {i} ya" for i in range(40)]
    for post in posts:
        got = [(m.start, m.end, m.key) for m in small.find(post)]
        fresh._word_cache.clear()
        fresh._hot.clear()
        assert got == [(m.start, m.end, m.key) for m in fresh.find(post)], post
        assert got, post
