"""Finding a lexicon's terms in a post: exact, through spelling variants and one typo, and
ambiguous terms only where the post speaks of the election.

Real posts miss a lexicon both ways. They misspell names ("Anis" for Anies, "Prabowi",
"Ganjaar") and write old spellings ("Soeharto"), and the campaigns' own names are often
everyday words ("AMIN", "BISA"), so a whole-word match turns "amin ya allah" into a candidate.
The matcher works on words, not one big regular expression:

* A post is cut into words (letters and digits, with inner apostrophes); consecutive words
  separated only by spaces, ``-``, ``_`` or ``.`` may join (``Budi-Sari``, ``Budi Sari``).
* Each word, or run of up to as many words as the longest term, is looked up by its
  :func:`~screening.lexicon.keys.term_key` (case, accents, separators and letter repeats
  removed), then by its :func:`~screening.lexicon.keys.variant_key` (ie/i, th/t, oe/u, dj/j,
  dh/d, kh/k, sy/s).
  Longest match first, left to right, no overlaps.
* A single word of 5+ letters that is one edit (insertion, deletion, substitution or swap of
  neighbours) from a term of 5+ letters, with the same first letter, matches that term,
  unless the word is itself an everyday word (:func:`screening.lexicon.everyday.is_everyday`):
  "ganjal" never becomes Ganjar.
* A match is **weak** when its term is an everyday word (AMIN, RAJA) or when a spelling variant
  landed on an everyday word. Weak matches count only in a hashtag or within
  :data:`CUE_WINDOW` words of an election cue (:func:`screening.text.cues.cue_spans`: a vote,
  candidacy or office word, a ballot number, a finger emoji) or of another, strong, match:
  "coblos AMIN", "AMIN no 1", "Anies amin" count; "tidak bisa jawab ... pilih partai" does not.

Lookups go through dictionaries, so the cost per word does not grow with the lexicon: a
5,000-name lexicon costs about what a 20-name one does.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from screening.lexicon import everyday
from screening.lexicon.keys import collapse_repeats, split_words, term_key, variant_key
from screening.text import cues

_WORD = re.compile(r"([^\W_]+(?:['\u2019][^\W_]+)*)")  # one group: split keeps the words
_JOINABLE = re.compile(r"[\s\-_.]*")
# names of at least this many letters match through one typo
MIN_TYPO_LETTERS = 5
# an everyday-word term counts when an election cue is at most this many words away
CUE_WINDOW = 2
_WORD_CACHE_LIMIT = 100_000
_CACHE_LOCK = threading.Lock()  # guards every matcher's word cache (see find)


@dataclass(frozen=True)
class Match:
    """One term found in a text: ``start``/``end`` are character offsets in the text as given
    (``start`` includes a leading ``#``); ``key`` is the lexicon term's key; ``how`` is
    "exact", "variant" or "typo"; ``weak`` matches need an election cue."""

    start: int
    end: int
    key: str
    hashtag: bool
    how: str
    weak: bool
    first_word: int = 0
    last_word: int = 0


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap
    of two neighbouring letters (optimal string alignment distance <= 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


class TermMatcher:
    """Finds terms in texts by word lookup.

    Parameters
    ----------
    terms : iterable of str
        The lexicon's terms as written (names, taglines, hashtags, parties).
    ambiguous : iterable of str
        Keys (:func:`~screening.lexicon.keys.term_key`) of terms that are everyday words.
    tolerant : bool
        Also match spelling variants and one typo (see the module docstring).
    cue_window : int or None
        An ambiguous term counts when an election cue is at most this many words away
        (None: :data:`CUE_WINDOW`).
    rule : "cue" or "caps"
        What makes an ambiguous term count: a nearby election cue (the default), or, kept for
        the comparison in the README, being written in capitals or as a hashtag.
    hashtag_only : iterable of str
        Keys of terms that are only campaign hashtags (``#AniesPresiden``). Written as
        separate words without the '#' ("anies presiden") they are a sentence, not the
        hashtag: such a run is not matched, and its words match on their own (the name).
    """

    def __init__(
        self,
        terms: Iterable[str],
        *,
        ambiguous: Iterable[str] = (),
        tolerant: bool = True,
        cue_window: int | None = None,
        rule: str = "cue",
        hashtag_only: Iterable[str] = (),
    ) -> None:
        self.tolerant = tolerant
        self.hashtag_only = frozenset(hashtag_only)
        self.rule = rule
        self.cue_window = CUE_WINDOW if cue_window is None else cue_window
        self.ambiguous = frozenset(ambiguous)
        self.keys: set[str] = set()
        # first word of a term of several words -> the most words such a term has
        self.first_words: dict[str, int] = {}
        for term in terms:
            key = term_key(term)
            if len(key) < 2:
                continue
            self.keys.add(key)
            words = [term_key(w) for w in split_words(term)]
            if len(words) > 1:
                for first in {words[0], variant_key(words[0])}:
                    self.first_words[first] = max(self.first_words.get(first, 0), len(words))
        # variant key -> term key; when two terms share a variant, the term that is its own
        # variant wins, then the shortest (a fixed order, so results never depend on hashing)
        self.variants: dict[str, str] = {}
        for key in sorted(self.keys, key=lambda k: (len(k), k)):
            self.variants.setdefault(variant_key(key), key)
        for key in self.keys:
            if variant_key(key) == key:
                self.variants[key] = key
        # one-typo index: deletions of each variant key of 5+ letters -> those keys
        self.typos: dict[str, set[str]] = {}
        if tolerant:
            for var in self.variants:
                if len(var) >= MIN_TYPO_LETTERS:
                    for d in _deletions(var) | {var}:
                        self.typos.setdefault(d, set()).add(var)
        self._word_cache: dict[str, tuple[str, int, tuple[str, str, bool] | None]] = {}
        self._hot: set[str] = set()  # the cached words that are terms or start one

    def __bool__(self) -> bool:
        return bool(self.keys)

    # -- one run of words -------------------------------------------------------------
    def _lookup(self, key: str) -> tuple[str, str] | None:
        """(term key, how) for a text key: exact, then spelling variant."""
        if key in self.keys:
            return key, "exact"
        if self.tolerant:
            got = self.variants.get(variant_key(key))
            if got is not None:
                return got, "variant"
        return None

    def _typo(self, key: str) -> str | None:
        var = variant_key(key)
        if len(var) < MIN_TYPO_LETTERS:
            return None
        found: set[str] = set(self.typos.get(var, ()))
        for d in _deletions(var):
            found |= self.typos.get(d, set())
        hits = sorted(
            k
            for k in found
            if k[0] == var[0] and len(k) >= MIN_TYPO_LETTERS and edit_distance_at_most_one(var, k)
        )
        return self.variants[hits[0]] if len(hits) == 1 else None  # two near names: no guess

    def _word(self, word: str) -> tuple[str, int, tuple[str, str, bool] | None]:
        """For one text word, cached (most words are not terms): its key, the most words a
        term starting with it has (0: none), and its own match (term key, how, weak)."""
        cache = self._word_cache
        got = cache.get(word)
        if got is not None:
            return got
        key = term_key(word)
        run_words = max(self.first_words.get(key, 0), self.first_words.get(variant_key(key), 0))
        found = self._lookup(key)
        result: tuple[str, str, bool] | None = None
        if found is not None:
            term, how = found
            weak = term in self.ambiguous or (how != "exact" and everyday.is_everyday(key))
            result = (term, how, weak)
        elif self.tolerant and len(key) >= MIN_TYPO_LETTERS and key.isalpha():
            near = self._typo(key)
            if near is not None and not everyday.is_everyday(key):
                result = (near, "typo", near in self.ambiguous)
        got = cache[word] = (key, run_words, result)
        if run_words or result is not None:
            self._hot.add(word)
        return got

    def may_match(self, text: str) -> bool:
        """Whether a word of ``text`` is a term, or starts one: False means :meth:`find`
        finds nothing in any text made of ``text``'s words (the normaliser asks this once
        per distinct word and skips the matcher for most posts)."""
        if not self.keys:
            return False
        cache = self._word_cache
        with _CACHE_LOCK:
            for w in _WORD.findall(text):
                got = cache.get(w)
                if got is None:
                    if len(cache) > _WORD_CACHE_LIMIT:
                        cache.clear()
                        self._hot.clear()
                    got = self._word(w)
                if got[1] or got[2] is not None:
                    return True
        return False

    # -- a whole text -------------------------------------------------------------------
    def find(self, text: str) -> list[Match]:
        """Every term in ``text`` (accents already stripped), weak ones included, left to
        right; use :meth:`matches` for the ones that count."""
        if not self.keys:
            return []
        # split with a capturing group: words at odd positions, what lies between at even
        # ones; one cached lookup a word, and most posts stop at the any() below
        parts = _WORD.split(text)
        words = parts[1::2]
        cache = self._word_cache
        # the caches are shared by the threads of a process (a Dask worker may run several):
        # filling them and reading this post's words happen under one lock
        with _CACHE_LOCK:
            new = set(words).difference(cache)  # set operations run in C
            if len(cache) + len(new) > _WORD_CACHE_LIMIT:
                # restart the cache before this post's words go in, never half-way through
                # them: a restart in the middle forgot the post's earlier words, so a long
                # run (one process, many words) missed a term that a shorter one found
                cache.clear()
                self._hot.clear()
                new = set(words)
            for w in new:
                self._word(w)
            hot = self._hot
            if hot.isdisjoint(words):
                return []
            infos = list(map(cache.__getitem__, words))
            # only a hot word (a term, or the start of one) can begin a match
            begins = [k for k, w in enumerate(words) if w in hot]
        # where each word starts: running sums of the parts' lengths, taken at odd positions
        starts = list(itertools.accumulate(map(len, parts), initial=0))[1::2]
        out: list[Match] = []
        i, n = 0, len(words)
        b = 0
        while b < len(begins):
            if begins[b] < i:
                b += 1
                continue
            i = begins[b]
            hit: tuple[int, tuple[str, str, bool]] | None = None
            first, run_words, single = infos[i]
            if run_words:
                # a run of words is the hashtag-only term only after its '#'
                tagged = starts[i] > 0 and text[starts[i] - 1] == "#"
                joined = first
                for j in range(i + 1, min(n, i + run_words)):
                    if not _JOINABLE.fullmatch(parts[2 * j]):
                        break
                    joined = collapse_repeats(joined + infos[j][0])
                    got = self._lookup(joined)
                    if got is None and self.tolerant and len(first) >= 4 and joined.isalpha():
                        # a typo in a later word of a name ("Ganjar Pranwo"): the first word
                        # is already a name's first word, so a guess stays specific
                        near = self._typo(joined)
                        got = None if near is None else (near, "typo")
                    if got is not None and (tagged or got[0] not in self.hashtag_only):
                        hit = (j, (got[0], got[1], got[0] in self.ambiguous))
            if hit is None and single is not None:
                hit = (i, single)
            if hit is None:
                i += 1
                continue
            j, (key, how, weak) = hit
            start, end = starts[i], starts[j] + len(words[j])
            before = text[start - 1] if start else ""
            hashtag = before == "#"
            ahead = text[start - 2] if hashtag and start > 1 else ""
            if (
                before == "_"
                or ahead.isalnum()
                or ahead in ("_", "#")
                or (end < len(text) and text[end] == "_")
            ):
                i += 1  # inside a longer token: "foo_Budi", "x#Budi"
                continue
            out.append(Match(start - hashtag, end, key, hashtag, how, weak, i, j))
            i = j + 1
        return out

    def matches(self, text: str) -> list[Match]:
        """The matches that count: strong ones, and weak ones within ``cue_window`` words of
        an election cue (a cue word, a ballot number, a finger, or a strong match); a weak
        hashtag (``#AMIN``) or name of several words (``Pak Teguh``) counts with a cue
        anywhere in the post."""
        found = self.find(text)
        if not any(m.weak for m in found):
            return found
        if self.rule == "caps":
            return [m for m in found if not m.weak or m.hashtag or text[m.start : m.end].isupper()]
        strong = any(not m.weak for m in found)
        near: list[int] = [w for m in found if not m.weak for w in (m.first_word, m.last_word)]
        spans = cues.cue_spans(text)
        if spans:
            starts = [m.start() for m in _WORD.finditer(text)]
            near += [max(bisect.bisect_right(starts, a) - 1, 0) for a, _ in spans]
        window = self.cue_window

        def cued(m: Match) -> bool:
            # a hashtag sits apart, often at the end; a name of several words ("Pak Teguh")
            # is any person of that name, not a word: for both, any cue in the post will do
            if m.hashtag or m.last_word > m.first_word:
                return strong or bool(spans)
            return any(m.first_word - window <= w <= m.last_word + window for w in near)

        return [m for m in found if not m.weak or cued(m)]


def ambiguous_keys(terms: Iterable[tuple[str, str]]) -> frozenset[str]:
    """Keys of the (kind, term) pairs whose plain use is an everyday word: one-word names and
    parties judged by :func:`screening.lexicon.everyday.is_everyday`. A term of several words is
    matched whole and names someone ("Pak Teguh", listed by the analyst): measured on
    data/eval.csv, treating it as ambiguous too cost F1 0.945 -> 0.935 and changed nothing on
    real posts. Hashtags written with '#' and taglines (phrases) are never ambiguous."""
    return frozenset(
        term_key(t)
        for kind, t in terms
        if kind in ("name", "party") and len(split_words(t)) == 1 and everyday.is_everyday(t)
    )
