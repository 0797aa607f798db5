"""Normalisation of informal Indonesian social-media text, before featurisation.

What it does, in order, and why:

1. Unicode NFKC (full-width and styled letters become plain), control characters become spaces.
2. URLs and @mentions become the tokens ``xurlx`` and ``xmentionx`` (their content is noise).
3. Accents are stripped, then candidate mentions are replaced by typed placeholders from the
   election's :class:`~screening.lexicon.candidates.CandidateLexicon` (see that module).
4. Hashtags are split on camel case and digits (``#CoblosNomor2`` → ``xhashtagx coblos nomor 2``);
   a hashtag marker token is kept because campaign hashtags are themselves a signal.
5. Emojis are kept as separate tokens (☝ ✌ 👍 carry the signal); skin tones, variation
   selectors and keycap marks are dropped so ``2️⃣`` is ``2`` and ☝🏽 is ☝.
6. Lower case; letter runs of three or more collapse (``bangettt`` → ``banget``); punctuation
   runs collapse to one.
7. Slang and abbreviations are expanded with the Kamus Alay lexicon shipped by indoNLP
   (``yg`` → ``yang``, ``tdk`` → ``tidak``), except election words it would damage (``dpt``).
8. Letters and digits are split (``paslon02`` → ``paslon 2``), leading zeros dropped, and
   ``no 2`` / ``no.2`` read as ``nomor 2``.

There is deliberately **no stopword removal** (the usual Indonesian lists delete ``dua``,
``satu``, ``lanjut``, ``tetap``, ``kita``, which carry the partisan signal) and no stemming.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from indoNLP.preprocessing.slang_data import SLANG_DATA

from screening.lexicon.candidates import EMPTY_LEXICON, CandidateLexicon, strip_accents
from screening.text.cues import cue_level, has_cue, post_has_cue
from screening.text.mentions import drop_leading_zeros, type_ballot_numbers, type_mentions
from screening.text.piece_table import PieceTable

URL_TOKEN = "xurlx"
MENTION_TOKEN = "xmentionx"
HASHTAG_TOKEN = "xhashtagx"

# Kamus Alay maps these to other words; in election posts they are terms of their own.
_SLANG_KEEP = {"dpt", "tps", "kpu", "no", "bli", "cak", "lae", "ito", "uda", "uni", "ning", "om"}
_SLANG_EXTRA = {
    "nomer": "nomor",
    "nmr": "nomor",
    "gk": "enggak",
    "ga": "enggak",
    "gak": "enggak",
    "nggak": "enggak",
    "ngga": "enggak",
    "kagak": "enggak",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
}
SLANG: dict[str, str] = {
    k: v for k, v in SLANG_DATA.items() if k not in _SLANG_KEEP and " " not in k and v
}
SLANG.update(_SLANG_EXTRA)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|id|co|net|org|ly|me|io)/\S*",
    re.IGNORECASE,
)
_MENTION = re.compile(r"(?<![\w@])@[\w.]{1,30}\w|(?<![\w@])@\w")
_HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
# Pictographs, dingbats, symbols, flags; ☝ (U+261D) ✌ (U+270C) 👍 (U+1F44D) are in these ranges.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2300-\u23ff\u2b00-\u2bff\u2190-\u21ff"
    "\u3030\u303d\u3297\u3299\u203c\u2049\u2122\u2139\u00a9\u00ae]"
)
_EMOJI_NOISE = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u20e3\u200d]")
_ELONGATION = re.compile(r"([^\W\d_])\1{2,}")
_PUNCT_RUN = re.compile(r"([!?.,;:~*\-=_])\1+")
_WORD_SPLIT = re.compile(r"([^\W\d_]+(?:\d+[^\W\d_]*)*)")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
# "02" alone is kept for the post-level step: with an election cue it is a ballot number
_LEADING_ZERO = re.compile(r"(?<!\d)(?!0[1-9](?!\d))0+(?=[1-9]\d{0,2}(?!\d))")
_NO_NUMBER = re.compile(r"\bno\s*\.?\s*(?=\d)")
_URL_HINT = re.compile(r"/|www\.", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def _split_hashtags(text: str, lexicon: CandidateLexicon) -> str:
    def repl(m: re.Match[str]) -> str:
        return f" {HASHTAG_TOKEN} " + " ".join(lexicon.split_hashtag(m.group(1))) + " "

    return _HASHTAG.sub(repl, text)


def _expand_slang(text: str) -> str:
    # split with a capturing group puts the words at odd positions; one dict lookup each is
    # several times faster than a Python callback per regex match
    parts = _WORD_SPLIT.split(text)
    get = SLANG.get
    parts[1::2] = [get(w, w) for w in parts[1::2]]
    return "".join(parts)


def normalize(text: object, lexicon: CandidateLexicon | None = None, *, typed: bool = False) -> str:
    """Normalise one post; returns a single-spaced lower-case string ('' for empty input).

    ``lexicon`` is the candidate lexicon of the election being monitored; without it,
    candidate names pass through as ordinary words. ``typed``: also type candidate-like
    mentions and ballot numbers in posts with an election cue (:mod:`screening.text.mentions`);
    models trained before that step existed score with ``typed=False``.
    """
    if text is None:
        return ""
    s = str(text)
    if not s:
        return ""
    lex = lexicon or EMPTY_LEXICON
    # Steps 1-3a (before the lexicon), hashtags and words never cross whitespace, so they are
    # worked out once per distinct token (_Tokens). Only the lexicon's matcher and the typing
    # of mentions look across words: a post runs them when a token may hold a lexicon term
    # ("hot") or, typed, when it has an election cue. Equal to the step-by-step pipeline on
    # the whole post (tests/test_text.py keeps that pipeline and compares).
    entries = _tokens_for(lex).entries(s.split())
    hot = any(map(_HOT, entries))
    raw = " ".join(map(_RAW, entries)) if hot or typed else ""
    cue = typed and not hot and post_has_cue(raw, map(_CUE_LEVEL, entries))
    if hot or cue:
        s = lex.replace(raw) if hot else raw
        if typed:
            # one look for an election cue serves both typing steps (placeholders count)
            if hot:
                cue = has_cue(s)
            s = type_mentions(s, cue)
        if "#" in s:
            s = _split_hashtags(s, lex)
        s = " ".join(map(_normalize_word, s.split()))
    else:
        s = " ".join(map(_OUT, entries))
    if "no" in s and _DIGIT.search(s):
        s = _NO_NUMBER.sub("nomor ", s)
    s = " ".join(s.split())
    if typed:
        return type_ballot_numbers(s, cue)
    return drop_leading_zeros(s)


def _before_lexicon(s: str) -> str:
    """Steps 1-3a of one token (or post): NFKC, control characters, URLs, mentions, accents."""
    s = unicodedata.normalize("NFKC", s)
    s = _CONTROL.sub(" ", s)
    # The "if" guards skip a regex pass when the text cannot match it (the pass would scan
    # the whole text for nothing).
    if _URL_HINT.search(s):
        s = _URL.sub(f" {URL_TOKEN} ", s)
    if "@" in s:
        s = _MENTION.sub(f" {MENTION_TOKEN} ", s)
    return strip_accents(s)


# A token's entry: (after steps 1-3a, fully normalised when the post needs no step across
# words, may hold a lexicon term, cue level); read with these getters, which run in C.
_Entry = tuple[str, str, bool, int]
_RAW, _OUT, _HOT, _CUE_LEVEL = (operator.itemgetter(i) for i in range(4))
TOKEN_CACHE_LIMIT = 100_000


class _Tokens:
    """Entries of the distinct whitespace-separated tokens seen with one lexicon: at most
    TOKEN_CACHE_LIMIT (about 25 MB when full)."""

    def __init__(self, lexicon: CandidateLexicon) -> None:
        self.lexicon = lexicon
        self.table = PieceTable(self._entry, TOKEN_CACHE_LIMIT)

    def entries(self, tokens: list[str]) -> list[_Entry]:
        return self.table.lookup(tokens)

    def _entry(self, token: str) -> _Entry:
        lex = self.lexicon
        raw = _before_lexicon(token)
        hot = lex.may_match(raw)
        words = _split_hashtags(raw, lex) if "#" in raw else raw
        return raw, " ".join(map(_normalize_word, words.split())), hot, cue_level(raw)


_TOKENS: dict[int, tuple[weakref.ref[CandidateLexicon], _Tokens]] = {}


def _forget(table: dict[int, Any], key: int, _ref: object) -> None:
    table.pop(key, None)


def _tokens_for(lexicon: CandidateLexicon) -> _Tokens:
    """The token table of ``lexicon`` (by identity: two lexicons that compare equal may match
    by different rules); dropped when the lexicon is."""
    key = id(lexicon)
    got = _TOKENS.get(key)
    if got is not None and got[0]() is lexicon:
        return got[1]
    tokens = _Tokens(lexicon)
    # the callback holds the table itself: at interpreter exit the module's names are gone
    forget = functools.partial(_forget, _TOKENS, key)
    _TOKENS[key] = (weakref.ref(lexicon, forget), tokens)
    return tokens


@functools.lru_cache(maxsize=1 << 15)
def _normalize_word(s: str) -> str:
    """Steps 5-8 for one whitespace-free word: none of their patterns can match across
    whitespace, so applying them word by word equals applying them to the whole post, and
    words repeat, so each distinct word is worked out once (a bounded cache of 32,768
    words, about 6 MB when full)."""
    if not s.isascii():
        s = _EMOJI_NOISE.sub("", s)
        s = _EMOJI.sub(r" \g<0> ", s)
    s = s.casefold()
    s = _ELONGATION.sub(r"\1", s)
    s = _PUNCT_RUN.sub(r"\1", s)
    s = _expand_slang(s)
    if _DIGIT.search(s):
        s = _LETTER_DIGIT.sub(" ", s)
        if "0" in s:
            s = _LEADING_ZERO.sub("", s)
    return s


# (id of the lexicon, typed) -> (the lexicon, kept alive so its id is not reused; text -> its
# normalised form), while a `remembering()` block runs
_Memo = dict[tuple[int, bool], tuple[CandidateLexicon, dict[str, str]]]
_REMEMBERED: ContextVar[_Memo | None] = ContextVar("remembered_normalisations", default=None)


@contextmanager
def remembering() -> Iterator[None]:
    """Within the block, :func:`normalize_many` normalises each distinct (post, lexicon,
    typed) once. Training normalises the same posts again for every fold of its two
    cross-validations and the final fit: without this, half of ``screening train``'s time.
    The results are the same: normalisation depends on nothing else. Inside another such
    block, the outer one's memory is used."""
    if _REMEMBERED.get() is not None:
        yield
        return
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def normalize_many(
    texts: Iterable[object], lexicon: CandidateLexicon | None = None, *, typed: bool = False
) -> list[str]:
    """Normalise a sequence of posts; returns a list of the same length and order."""
    lex = lexicon or EMPTY_LEXICON
    memo = _REMEMBERED.get()
    if memo is None:
        return [normalize(t, lex, typed=typed) for t in texts]
    done = memo.setdefault((id(lex), typed), (lex, {}))[1]
    out = []
    for t in texts:
        if not isinstance(t, str):
            out.append(normalize(t, lex, typed=typed))
            continue
        got = done.get(t)
        if got is None:
            got = done[t] = normalize(t, lex, typed=typed)
        out.append(got)
    return out


# Tokens for the word vectoriser: words (with digits) or single non-space symbols (emoji, !, ?).
TOKEN_PATTERN = r"[^\W_]+|[^\w\s]"
