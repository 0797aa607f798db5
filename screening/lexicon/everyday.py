"""Is a lexicon term an everyday Indonesian word? (Real pair acronyms often are: AMIN, BISA.)

A term typed as a candidate placeholder everywhere it occurs turns "amin ya allah" into
praise of a candidate. This module decides which terms carry that risk. The lexicon matcher
(:mod:`screening.lexicon.matcher`) types such an *ambiguous* term only where the post also has an
election cue, and ``lexicon check`` reports the same status, so the rule is one rule.

A word is everyday when it is **a word of the dictionary that people actually write**, or a
word of the everyday posts the project's writers wrote:

1. **Dictionary**: the KBBI root words that ship with PySastrawi (29,932 roots, MIT licence),
   with a word counted as a dictionary word when it or its Sastrawi stem is a root
   (``bersatu`` → ``satu``, ``harapan`` → ``harap``).
2. **Written often**: wordfreq's Indonesian list (subtitles, Wikipedia, news, web text and
   social media; the data ships in the wheel) at Zipf :data:`ZIPF_CUTOFF` (3.0, one per
   million words) or above. A dictionary word that nobody writes ("anis", the plant, is
   written as the name) would otherwise count.
3. **Bundled everyday posts**: words and phrases in at least :data:`MIN_EVERYDAY_POSTS` of the
   label-0 everyday posts of ``data/train.csv`` (rules :data:`EVERYDAY_RULES`). They hold
   regional and informal words that the dictionary misses (acil "aunt" in Banjar, ridho). The
   list ships as ``screening/resources/everyday_words.txt`` (``screening build-data`` writes
   it), so scoring from an installed wheel gives the same result as from the checkout.

Why both 1 and 2, measured (dictionary, Zipf): campaign names that are words are caught
(amin yes 4.51, bisa yes 6.96, pas yes 4.97, raja yes 5.47, berkah yes 4.46, siaga yes 4.20,
ganjar yes 3.77 "to reward", budi yes 4.73), while names that are frequent only as names are
not, although wordfreq ranks them high (prabowo no 4.44, anies no 4.15, ahok no 4.38, gibran
no 3.35). The previous rule, Zipf >= 3.75 alone, called prabowo and anies everyday.

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
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from screening import paths
from screening.lexicon.keys import split_words, strip_accents

ZIPF_CUTOFF = 3.0
MIN_EVERYDAY_POSTS = 3
EVERYDAY_RULES = frozenset({"NEG-UMUM", "NEG-KATA"})
# Honorifics before a name: "Pak Budi" is judged by "budi"
HONORIFICS = frozenset(
    "pak bapak bu ibu mas mbak bang abang kang cak abah gus ning daeng uda om kak".split()
)
WORDFREQ_LANG = "id"
EVERYDAY_WORDS_RESOURCE = "everyday_words.txt"
# longest phrase kept in the shipped list of everyday-post words and phrases
MAX_PHRASE_WORDS = 3

_POST_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Everyday:
    """Why a term is (or is not) everyday: the rarest word's Zipf frequency, whether it is a
    dictionary word, and its count of everyday posts; ``everyday`` applies the rule."""

    everyday: bool
    zipf: float
    posts: int
    reason: str
    dictionary: bool = False


def term_words(term: str) -> list[str]:
    """The casefolded, accent-free words of a term, without a leading '#'."""
    return [w.casefold() for w in split_words(term)]


# Bounded caches: scoring asks about every new spelling in a stream of posts, so an unbounded
# cache would grow with the file; 65,536 words is a few MB.
_WORD_CACHE = 1 << 16


@functools.lru_cache(maxsize=_WORD_CACHE)
def zipf(word: str) -> float:
    # imported here: wordfreq loads its list (a few MB) on first use, only when needed
    import wordfreq

    return float(wordfreq.zipf_frequency(word, WORDFREQ_LANG))


@functools.cache
def _stemmer() -> object:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-untyped]

    return StemmerFactory().create_stemmer()


@functools.lru_cache(maxsize=_WORD_CACHE)
def is_dictionary_word(word: str) -> bool:
    """Whether a casefolded word is a KBBI root of PySastrawi's list, or stems to one."""
    if not word.isalpha():
        return False
    stemmer: Any = _stemmer()
    if stemmer.delegatedStemmer.dictionary.contains(word):
        return True
    return bool(stemmer.stem(word) != word)  # Sastrawi stems only onto roots


@functools.cache
def everyday_posts() -> tuple[str, ...]:
    """Texts of the bundled everyday posts (empty when data/train.csv is not there)."""
    if not paths.TRAIN_CSV.is_file():
        return ()
    return _everyday_rows(paths.TRAIN_CSV)


def _everyday_rows(train_csv: Path) -> tuple[str, ...]:
    with open(train_csv, encoding="utf-8", newline="") as fh:
        return tuple(
            row["text"]
            for row in csv.DictReader(fh)
            if row.get("label") == "0" and row.get("rule") in EVERYDAY_RULES and row.get("text")
        )


def _post_grams(text: str) -> set[str]:
    words = _POST_WORDS.findall(strip_accents(text).casefold())
    return {
        " ".join(words[i : i + n])
        for n in range(1, MAX_PHRASE_WORDS + 1)
        for i in range(len(words) - n + 1)
    }


def everyday_post_counts(texts: Iterable[str]) -> Counter[str]:
    """Number of ``texts`` each casefolded word or phrase (up to MAX_PHRASE_WORDS) occurs in."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(_post_grams(text))
    return counts


def everyday_words_text(texts: Iterable[str]) -> str:
    """The shipped list: words and phrases in at least MIN_EVERYDAY_POSTS of ``texts``, one a
    line as "count<TAB>phrase", most frequent first."""
    counts = everyday_post_counts(texts)
    kept = sorted(
        ((n, g) for g, n in counts.items() if n >= MIN_EVERYDAY_POSTS), key=lambda x: (-x[0], x[1])
    )
    header = (
        "# Words and phrases in at least 3 of the bundled everyday posts (data/train.csv,\n"
        "# rules NEG-UMUM and NEG-KATA). Written by `screening build-data`; do not edit.\n"
    )
    return header + "".join(f"{n}\t{g}\n" for n, g in kept)


def write_everyday_words(target: Path | None = None, train_csv: Path | None = None) -> Path:
    """Write the shipped list from the everyday posts of ``train_csv`` (default the bundled
    data/train.csv); returns its path."""
    out = target or paths.PACKAGE_DIR / "resources" / EVERYDAY_WORDS_RESOURCE
    texts = everyday_posts() if train_csv is None else _everyday_rows(train_csv)
    out.write_text(everyday_words_text(texts), encoding="utf-8")
    return out


@functools.cache
def _post_counts() -> dict[str, int]:
    """Number of bundled everyday posts each word or phrase occurs in (the shipped list)."""
    text = (
        resources.files("screening.resources")
        .joinpath(EVERYDAY_WORDS_RESOURCE)
        .read_text(encoding="utf-8")
    )
    out: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            n, _, gram = line.partition("\t")
            out[gram] = int(n)
    return out


def describe(term: str) -> Everyday:
    """The everyday-word status of ``term`` with the figures that decided it."""
    words = term_words(term)
    if not words:
        return Everyday(False, 0.0, 0, "no words")
    counts = _post_counts()
    named = [w for w in words if w not in HONORIFICS]
    if len(words) > 1 and len(named) == 1:
        words = named  # honorific + name: any person of that name
    rarest = min(zipf(w) for w in words)
    if len(words) > 1:
        n = counts.get(" ".join(words), 0)
        return Everyday(n >= MIN_EVERYDAY_POSTS, rarest, n, f"phrase in {n} everyday posts")
    w = words[0]
    n = counts.get(w, 0)
    in_dict = is_dictionary_word(w)
    if in_dict and rarest >= ZIPF_CUTOFF:
        return Everyday(True, rarest, n, f"{w}: dictionary word, zipf {rarest:.2f}", True)
    if n >= MIN_EVERYDAY_POSTS:
        return Everyday(True, rarest, n, f"{w}: {n} everyday posts", in_dict)
    why = "dictionary word" if in_dict else "not in the dictionary"
    return Everyday(False, rarest, n, f"{w}: {why}, zipf {rarest:.2f}, {n} everyday posts", in_dict)


@functools.lru_cache(maxsize=_WORD_CACHE)
def is_everyday(term: str) -> bool:
    """Whether ``term`` is an everyday word: a dictionary word written at wordfreq Zipf >=
    ZIPF_CUTOFF, or in >= MIN_EVERYDAY_POSTS bundled everyday posts; for several words, a
    phrase found in that many everyday posts (see the module docstring). Cached: typing
    mentions asks this of every name-like word of every post with an election cue."""
    words = term_words(term)
    if len(words) == 1:
        # a rare word in few everyday posts is not everyday whatever the dictionary says:
        # decide it without the stemmer, which costs half a millisecond a new word
        w = words[0]
        if zipf(w) < ZIPF_CUTOFF and _post_counts().get(w, 0) < MIN_EVERYDAY_POSTS:
            return False
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
        # a term written as a word: not after a word character or '#' (checked in _scan),
        # not before a word character
        self._find = (
            re.compile("(" + "|".join(map(re.escape, self.terms)) + r")(?!\w)")
            if self.terms
            else None
        )

    def _scan(self, text: str) -> list[tuple[int, str]]:
        r"""(offset, term) of each term written as a word in ``text``, left to right, as
        ``finditer`` of the regex with a leading ``(?<![\w#])`` gives them. That lookbehind
        stops the engine from skipping ahead to a term's first letters, so it is applied
        here instead, resuming one character on from a rejected start."""
        assert self._find is not None
        out: list[tuple[int, str]] = []
        search, at = self._find.search, 0
        while (m := search(text, at)) is not None:
            start = m.start()
            before = text[start - 1] if start else ""
            if before and (before.isalnum() or before in "_#"):  # (?<![\w#]) fails
                at = start + 1
                continue
            out.append((start, m.group(1)))
            at = m.end()
        return out

    def count(self, texts: Iterable[str]) -> Counter[str]:
        """Per term, the number of ``texts`` that write it in lower case as a word."""
        hits: Counter[str] = Counter()
        if self._find is None:
            return hits
        texts = list(texts)
        # one scan of all texts joined by "\n" (a non-word character, as the ends of a text
        # are to the lookarounds; no term holds one), then each match's text by its offset:
        # a regex call per text cost more than the scan
        joined = "\n".join(texts)
        ends = np.cumsum([len(t) + 1 for t in texts])
        found = self._scan(joined)
        if found:
            which = np.searchsorted(ends, [at for at, _ in found], side="right")
            posts = {(int(i), term) for i, (_, term) in zip(which, found, strict=True)}
            hits.update(term for _, term in posts)
        return hits
