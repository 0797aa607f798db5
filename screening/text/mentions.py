"""Candidate-like mentions and ballot numbers, typed without a lexicon.

A lexicon types the names the analyst knows. Real posts also name candidates the analyst did
not list ("pak Dim", "Abah", a running mate) or score without any lexicon, and write ballot
numbers a dozen ways ("01", "no 2", "nomer 3", "paslon 1", "#02", "✌ 2"). Where the post speaks
of the election (:func:`screening.text.cues.has_cue`), this module types them:

* **honorific + name** (Pak/Bapak/Bu/Ibu/Mas/Mbak/Bang/Kang/Cak/Abah/Gus/Ning/Daeng/Uda/Uni/Teh
  + a name) and **candidacy + name** (cagub/cabup/cawalkot/capres/cawapres/caleg/paslon
  [gubernur|bupati|nomor N], or calon/kandidat + gubernur|bupati|presiden|nomor N, + a
  name): the name becomes ``xcalonx``, the token a lexicon name
  becomes, so the model weighs it as it learned to weigh a named candidate. A name is a
  Capitalised word that is not an office or a very common word ("Pak Lurah", "Bu Tolong"), or,
  in posts written in one case, a word that is not an everyday word (``pak anies`` yes,
  ``pak kalau`` no);
* **ballot numbers**: a number after nomor/urut/paslon/calon/capres/coblos/pilih/dukung, a '#',
  or a finger emoji, a number before "jari" or a finger, and a number written with a leading
  zero ("02") get the token ``xnomorx`` before them (``coblos 2`` → ``coblos xnomorx 2``).

* **a pair's name or acronym**: two Capitalised names joined by a hyphen ("Benny-Hindun")
  and an all-caps word of 3-6 letters that is not an everyday word or a common acronym
  (ROMAD, JEVAN; not KPU, ASN, MAJU), outside posts written mostly in capitals.

Without a cue nothing is typed: "Pak Budi guru matematika" and "jam 02 pagi" stay as they are.
"""

from __future__ import annotations

import functools
import operator
import re

from screening.lexicon import everyday
from screening.text import cues
from screening.text.piece_table import PieceTable
from screening.text.placeholders import BALLOT_TOKEN, PLACEHOLDER_TOKENS, PLACEHOLDERS

NAME_TOKEN = PLACEHOLDERS["name"]
HONORIFICS = "pak bapak bu ibu mas mbak bang abang kang cak abah gus ning daeng uda uni teh".split()
# abbreviations that name an electoral candidacy by themselves ("capres Anies")
OFFICES = "cagub cawagub cabup cawabup cawalkot calkot capres cawapres caleg paslon".split()
# Words that follow an honorific and are not names: offices, titles, relations.
TITLES = frozenset(
    """
lurah camat rt rw guru dosen dokter dr bidan haji hajah hj ustadz ustad ustaz kyai kiai kh
presiden wapres gubernur wagub bupati wabup walikota wali wakil kades kapolda kapolres kapolsek
dandim danramil menteri ketua sekda sekdes kepala kadis direktur pejabat polisi tentara pendeta
pastor kasi kabid kasubag sekretaris bendahara kapten mayor jenderal jendral kolonel letnan
sersan profesor prof ir drs dprd dpr anggota calon kandidat cagub cabup capres caleg paslon
rektor dekan kepsek komandan kapolri panglima ketum sekjen kabag kadus kadinas ketu pj plt
dan atau yang ini itu juga saja aja sih dong deh kok ya yah
""".split()
)
# A Capitalised word this frequent (wordfreq Zipf) that is in the dictionary is a word
# starting a clause ("Pak Tolong", "Bu Semoga"), not a name; the most frequent given names
# stay below it (budi 4.73, agus 4.62, sari 4.57).
_COMMON_ZIPF = 5.0

_NAME = r"([^\W\d_]+(?:['\u2019][^\W\d_]+)?)"
_SEAT = (
    r"(?:gubernur|bupati|wali\s*kota|walikota|presiden|legislatif|wakil\s+[^\W\d_]+"
    r"|(?:nomor|nomer|no\.?)\s*(?:urut\s*)?\d{1,2}|\d{1,2})"
)
# "calon" alone is anyone's future (calon pengantin, calon karyawan): it needs the seat
_OFFICE_RE = (
    r"(?:(?:" + "|".join(OFFICES) + r")(?:\s+" + _SEAT + r")?"
    r"|(?:calon|kandidat)\s+" + _SEAT + r")"
)
_MENTION = re.compile(
    r"(?<![\w#])(?i:(?:"
    + "|".join(HONORIFICS)
    + r")\.?|"
    + _OFFICE_RE
    + r")\s+"
    + _NAME
    + r"(?:(\s+)"
    + _NAME
    + r")?"
)

_BALLOT_BEFORE = (
    "nomor urut|nomor|urut|paslon|calon|capres|cawapres|cagub|cawagub|cabup|cawabup|cawalkot"
    "|caleg|coblos|nyoblos|pilih|dukung|xhashtagx|☝|✌|🤟|👆"
)
# the empty match before the number is where the token goes; numbers end at a non-word
# character ("paslon 3!")
_BALLOT = re.compile(
    rf"(?<!\w)(?:(?:{_BALLOT_BEFORE}) (?=[1-9]\d?(?!\w))|(?=0[1-9](?!\w))"
    r"|(?=[1-9] (?:jari|☝|✌|🤟)(?!\w)))"
)
_TWICE = re.compile(rf"{BALLOT_TOKEN} {BALLOT_TOKEN} ")
_DIGIT = re.compile(r"\d")
_ZERO_NUMBER = re.compile(r"(?<!\d)0([1-9])(?!\d)")


@functools.lru_cache(maxsize=1 << 14)
def is_name_like(word: str) -> bool:
    """Whether a word after an honorific or office reads as a person's name."""
    folded = word.casefold()
    if len(folded) < 3 or folded in TITLES or folded in PLACEHOLDER_TOKENS:
        return False
    if word[0].isupper() and word[1:].islower():
        zipf = everyday.zipf(folded)
        return not (zipf >= _COMMON_ZIPF and everyday.is_dictionary_word(folded))
    from screening.text.normalize import SLANG

    return folded not in SLANG and not everyday.is_everyday(folded)


# All-caps words that are institutions, documents or chat, not a pair's acronym.
COMMON_ACRONYMS = frozenset(
    """
asn pns pppk tni polri polda polres polsek dpr dprd dpd mpr kpu kpud kip tps bawaslu panwas
panwaslu ppk pps kpps dpt rt rw rs rsud puskesmas sd smp sma smk mts min man uin ui itb ugm
unair bpjs pln pdam bumn bumd umkm ktp kk nik npwp sim otw wib wita wit covid pkh blt bansos
apbd apbn dak dau opd skpd pupr kpk mk bpk bkn kasn bkd hut ri nkri pemda pemkot pemkab
pemprov ott lol wkwk wkwkwk ok oke gws fyi cmiiw dm pm vc tv hp wa ig fb yt gor dll dsb dst
sdm ipm ikn jkn kis kip pip pkl spbu bbm lpg tki tkw nu md sh se mm spd mpd phd ceo cpns
lsm ormas ham hoax viral live breaking news update info gratis promo cod ready user url
rt dm cc via omg wtf btw lmao idk asap pns tbt ootd fyp
""".split()
)
# 3-6 capitals, as pair acronyms are (AMIN, BADJA, ZULHEN); not a masked field ([USERNAME],
# <URL>) that anonymised exports put in place of names
_CAPS_WORD = re.compile(r"(?<![\w#@\[<])([A-Z]{3,6})(?![\w\]>])")
_PAIR_NAME = re.compile(r"(?<![\w#@-])([A-Z][a-z]{2,})-([A-Z][a-z]{2,})(?![\w-])")


_UPPER = re.compile(r"[^\W\d_a-z]")  # letters other than a-z: capitals, mostly
_LOWER = re.compile(r"[a-z]")


_UPPER_BYTES = bytes(range(ord("A"), ord("Z") + 1))
_LOWER_BYTES = bytes(range(ord("a"), ord("z") + 1))


def _mostly_capitals(text: str) -> bool:
    # non-ASCII letters count as capitals, which only errs towards "mostly"; an ASCII post
    # is counted by bytes.translate, which deletes a class of bytes in C (the regex scans
    # cost 10 µs a post)
    if text.isascii():
        raw = text.encode("ascii")
        upper = len(raw) - len(raw.translate(None, _UPPER_BYTES))
        return upper > len(raw) - len(raw.translate(None, _LOWER_BYTES))
    return len(_UPPER.findall(text)) > len(_LOWER.findall(text))


# What a whitespace-separated piece may start: a pair's name, an acronym, a mention (its
# honorific or office word; the name follows after whitespace). Each regex below finds its
# matches within one piece, so a text can match only if one of its pieces has the flag:
# type_mentions skips the searches a post cannot pass (a cached lookup a piece, not three
# scans of the whole post).
_PAIR, _CAPS, _NAMED = 1, 2, 4
_MENTION_START = re.compile(r"(?i:" + "|".join([*HONORIFICS, *OFFICES, "calon", "kandidat"]) + r")")


def _piece_flags(piece: str) -> int:
    flags = _PAIR if "-" in piece and _PAIR_NAME.search(piece) else 0
    if _CAPS_WORD.search(piece):
        flags |= _CAPS
    if _MENTION_START.search(piece):
        flags |= _NAMED
    return flags


_FLAGS = PieceTable(_piece_flags, 100_000)


def _flags(text: str) -> int:
    """The union of the :func:`_piece_flags` of ``text``'s pieces (cached per piece)."""
    return functools.reduce(operator.or_, _FLAGS.lookup(list(set(text.split()))), 0)


def _acronym(m: re.Match[str]) -> str:
    word = m.group(1)
    folded = word.casefold()
    if folded in COMMON_ACRONYMS or folded in TITLES or everyday.is_everyday(folded):
        return word
    return f" {NAME_TOKEN} "


def _pair(m: re.Match[str]) -> str:
    if all(is_name_like(w) and not everyday.is_everyday(w.casefold()) for w in m.groups()):
        return f" {NAME_TOKEN} "
    return m.group(0)


def type_mentions(text: str, cue: bool | None = None) -> str:
    """``text`` (raw, lexicon placeholders in place) with candidate-like names typed as
    ``xcalonx`` when the post has an election cue; unchanged otherwise. ``cue``: whether it
    has one, when the caller already knows (None: look)."""
    if cue is None:
        cue = cues.has_cue(text)
    if not cue:
        return text
    # the _PAIR and _CAPS flags say exactly whether their regex matches the text (their
    # matches lie within a piece); _NAMED only that _MENTION may match
    flags = _flags(text)
    if flags & _PAIR:  # "Benny-Hindun": two names joined, a pair's name
        text = _PAIR_NAME.sub(_pair, text)
        flags = _flags(text)
    # "ROMAD", "JEVAN"; the " xcalonx " put in their place starts no mention
    if flags & _CAPS and not _mostly_capitals(text):
        text = _CAPS_WORD.sub(_acronym, text)
    if not flags & _NAMED:
        return text

    def repl(m: re.Match[str]) -> str:
        first, gap, second = m.group(1), m.group(2), m.group(3)
        if not is_name_like(first):
            return m.group(0)
        head = m.group(0)[: m.start(1) - m.start(0)]
        both_capitalised = second is not None and second[:1].isupper() and first[:1].isupper()
        if both_capitalised and is_name_like(second):
            return f"{head} {NAME_TOKEN} "
        tail = "" if second is None else gap + second
        return f"{head} {NAME_TOKEN} {tail}"

    return _MENTION.sub(repl, text)


def type_ballot_numbers(normalized: str, cue: bool | None = None) -> str:
    """A normalised post with ``xnomorx`` before its ballot numbers when it has an election
    cue, and any leading zero dropped ("02" → "2") either way. ``cue`` as in
    :func:`type_mentions`."""
    if _DIGIT.search(normalized) and (cues.has_cue(normalized) if cue is None else cue):
        normalized = _BALLOT.sub(lambda m: f"{m.group(0)}{BALLOT_TOKEN} ", normalized)
        # "nomor urut 2 ✌" meets two rules: one token
        normalized = _TWICE.sub(f"{BALLOT_TOKEN} ", normalized)
    return drop_leading_zeros(normalized)


def drop_leading_zeros(normalized: str) -> str:
    """ "02" → "2" wherever a one-digit number was written with a leading zero."""
    return _ZERO_NUMBER.sub(r"\1", normalized) if "0" in normalized else normalized
