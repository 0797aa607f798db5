"""Is a lexicon term an everyday Indonesian word? (Real pair acronyms often are: AMIN, BISA.)

A term typed as a candidate placeholder everywhere it occurs turns "amin ya allah" into
praise of a candidate. This module decides which terms carry that risk, from two sources:

1. **wordfreq's Indonesian list** (``wordfreq.zipf_frequency(word, "id")``): a maintained
   frequency list built from subtitles, Wikipedia, news, web text and social media; its data
   ships inside the wheel, so no network is needed at run time. A word is everyday at Zipf
   :data:`ZIPF_CUTOFF` (3.75, about 5.6 occurrences per million words) or above. Measured
   (Zipf, id): acronym-words of real 2024 pairs sit above it (bisa 6.96, aman 5.54, raja
   5.47, pas 4.97, amin 4.51, berkah 4.46, siaga 4.20, ridho 3.96, tuntas 3.98, asih 3.79);
   surnames and rare given names below it (firdaus 3.69, mahfud 3.58, rahma 3.55, gibran
   3.35, hasibuan 3.21, muhaimin 3.20, zulkarnain 3.13; firli, zulhen, marpaung 0). The
   suggested 3.0 would call every surname of that second list everyday. The list does not
   know capitals, so frequent given names and famous names clear the cut-off too (budi 4.73,
   prabowo 4.44, anies 4.15): for them "everyday" means "a whole-word match will also hit
   other people of that name or news", and the hit counts in everyday posts tell the two apart.
2. **The bundled everyday posts**: label-0 rows of ``data/train.csv`` whose rule is
   :data:`EVERYDAY_RULES` (everyday chatter, and political-sounding words used in everyday
   life). They hold regional words that wordfreq's list misses (acil "aunt" in Banjar: Zipf 0,
   in 4 posts). A word in at least :data:`MIN_EVERYDAY_POSTS` of them (3 of 2,165) is
   everyday. Without the checkout's data folder (an installed wheel) only wordfreq is used.

A term of several words is matched as a whole phrase, so common words alone do not make it
everyday: "Bersama Membangun Negeri" or "Budi Santoso" fire only where the whole phrase is
written. Such a term is everyday when the phrase itself is in at least
:data:`MIN_EVERYDAY_POSTS` everyday posts; an honorific plus one word (``Pak Budi``,
``Bang Firdaus``) is judged by that word, because "Pak Budi" is any Budi. A hashtag is one
word as written (``#RAJAMenang`` is the word "rajamenang"), as it appears in a post.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from screening import paths
from screening.lexicon import strip_accents

ZIPF_CUTOFF = 3.75
MIN_EVERYDAY_POSTS = 3
EVERYDAY_RULES = frozenset({"NEG-UMUM", "NEG-KATA"})
# Honorifics before a name: "Pak Budi" is judged by "budi"
HONORIFICS = frozenset(
    "pak bapak bu ibu mas mbak bang abang kang cak abah gus ning daeng uda om kak".split()
)
WORDFREQ_LANG = "id"

# separators between the words of a term, as the lexicon matcher treats them
_TERM_SPLIT = re.compile(r"[\s\-_./&+]+")
_POST_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Everyday:
    """Why a term is (or is not) everyday: the rarest word's Zipf frequency and its count of
    everyday posts; ``everyday`` applies the rule to every word."""

    everyday: bool
    zipf: float
    posts: int
    reason: str


def term_words(term: str) -> list[str]:
    """The casefolded, accent-free words of a term, without a leading '#'."""
    body = strip_accents(str(term)).strip().lstrip("#").casefold()
    return [w for w in _TERM_SPLIT.split(body) if w]


@functools.cache
def _zipf(word: str) -> float:
    # imported here: wordfreq loads its list (a few MB) on first use, only verbs that need it
    import wordfreq

    return float(wordfreq.zipf_frequency(word, WORDFREQ_LANG))


@functools.cache
def everyday_posts() -> tuple[str, ...]:
    """Texts of the bundled everyday posts (empty when data/train.csv is not there)."""
    if not paths.TRAIN_CSV.is_file():
        return ()
    with open(paths.TRAIN_CSV, encoding="utf-8", newline="") as fh:
        return tuple(
            row["text"]
            for row in csv.DictReader(fh)
            if row.get("label") == "0" and row.get("rule") in EVERYDAY_RULES and row.get("text")
        )


@functools.cache
def _post_counts() -> Counter[str]:
    """Number of everyday posts each casefolded word occurs in."""
    counts: Counter[str] = Counter()
    for text in everyday_posts():
        counts.update(set(_POST_WORDS.findall(strip_accents(text).casefold())))
    return counts


def everyday_score(term: str) -> float:
    """wordfreq Zipf frequency (Indonesian) of the term's rarest word; 0.0 for no words."""
    words = term_words(term)
    return min((_zipf(w) for w in words), default=0.0)


@functools.cache
def _post_word_lines() -> tuple[str, ...]:
    """Each everyday post as " word word ... " (casefolded, accent-free), for phrase counts."""
    return tuple(
        " " + " ".join(_POST_WORDS.findall(strip_accents(t).casefold())) + " "
        for t in everyday_posts()
    )


def _phrase_posts(words: list[str]) -> int:
    phrase = " " + " ".join(words) + " "
    return sum(phrase in line for line in _post_word_lines())


def describe(term: str) -> Everyday:
    """The everyday-word status of ``term`` with the figures that decided it."""
    words = term_words(term)
    if not words:
        return Everyday(False, 0.0, 0, "no words")
    counts = _post_counts()
    named = [w for w in words if w not in HONORIFICS]
    if len(words) > 1 and len(named) == 1:
        words = named  # honorific + name: any person of that name
    zipf = min(_zipf(w) for w in words)
    if len(words) > 1:
        n = _phrase_posts(words)
        return Everyday(n >= MIN_EVERYDAY_POSTS, zipf, n, f"phrase in {n} everyday posts")
    w = words[0]
    z, n = _zipf(w), counts[w]
    if z >= ZIPF_CUTOFF:
        return Everyday(True, z, n, f"{w}: zipf {z:.2f}")
    if n >= MIN_EVERYDAY_POSTS:
        return Everyday(True, z, n, f"{w}: {n} everyday posts")
    return Everyday(False, z, n, f"{w}: zipf {z:.2f}, {n} everyday posts")


def is_everyday(term: str) -> bool:
    """Whether ``term`` is a common Indonesian word (wordfreq Zipf >= ZIPF_CUTOFF or in
    >= MIN_EVERYDAY_POSTS bundled everyday posts) or, for several words, a phrase found in
    that many everyday posts (see the module docstring)."""
    return describe(term).everyday


class EverydayUse:
    """Counts posts that write a lexicon's everyday-word terms as plain words.

    A one-word term that :func:`is_everyday` (AMIN, BISA) is matched by the lexicon however it
    is written, so "amin ya allah" becomes a candidate mention. This counter finds the posts
    where such a term is written in lower case, as a word and not in a hashtag: the everyday
    use the analyst must know about before trusting the flags. Only the terms' plain forms are
    counted (no elongation or separators), which is enough to warn.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        words = sorted(
            {w[0] for t in terms if len(w := term_words(t)) == 1 and not t.lstrip().startswith("#")}
        )
        self.terms: tuple[str, ...] = tuple(w for w in words if len(w) >= 2 and is_everyday(w))
        self._regex = (
            re.compile(r"(?<![\w#])(" + "|".join(map(re.escape, self.terms)) + r")(?!\w)")
            if self.terms
            else None
        )

    def count(self, texts: Iterable[str]) -> Counter[str]:
        """Per term, the number of ``texts`` that write it in lower case as a word."""
        hits: Counter[str] = Counter()
        if self._regex is None:
            return hits
        for text in texts:
            if found := self._regex.findall(text):
                hits.update(set(found))
        return hits
