"""Draft a candidate lexicon from an export: ``screening lexicon suggest``.

An analyst monitoring a real election rarely knows every nickname, pair acronym and campaign
hashtag in advance, but the export already contains them. This module proposes them, with a
count and one example post each, for the analyst to confirm; it never decides on its own.

What is proposed, and from where (the patterns are deliberately simple and explainable):

* **names**: runs of 1-3 Capitalised words (``Firdaus Hasibuan``, ``Zul-Hendrik``) and an
  honorific followed by such a run (``Bu Ratna``, ``Pak Zul Sayuti``), only in posts with an
  election cue (an election word such as *pilgub*, *paslon*, *coblos*, *dukung*, or a ballot
  number). A Capitalised word that the same export also writes in lower case at least as
  often is an everyday word starting a sentence ("Besok", "Ajak"), not a name: it is dropped.
* **acronyms**: ALL-CAPS tokens of 3+ letters (``ZULHEN``, ``RAJA``) in posts with an
  election cue, except common abbreviations (ASN, KPU, WIB, ...) and posts written mostly in
  capitals (shouting is not an acronym).
* **hashtags**: hashtags with a capital letter (``#FIRLIJambi``, ``#ZULHEN2``); all-lower-case
  tags (``#cumananya``) and tags naming the election or its institutions (``#PilgubJambi``,
  ``#ASNNetral``) are not candidates'.
* **parties**: ``Partai`` followed by Capitalised words.
* In an export written all in lower case (a cleaned data set), capitals say nothing: names
  are then only an honorific followed by an uncommon word ("pak anies").
* **ballot numbers**: "no 2", "nomor urut 1", "nomer 3", "paslon 3", "#02", "01", "nomor
  dua", an acronym or hashtag followed by a digit ("ZULHEN 2", "#ZULHEN2").

Grouping into candidates (a heuristic, stated so the analyst can judge it):

1. Each mention of a term takes the ballot number written nearest to it in its post, within
   :data:`NEAR_CHARS` characters ("Paslon 01 Firdaus-Yuliani, 02 Zul-Hendrik" gives each
   pair its own number). A term joins number N when N is its number in at least
   :data:`MIN_VOUCH` posts and in at least :data:`GROUP_SHARE` of its numbered posts.
2. Terms still ungrouped (a nickname or acronym never written beside a number) take the
   number of the grouped terms (grouped on :data:`MIN_VOUCH` posts or more) they share posts
   with, by the same share rule; posts naming two or more acronyms or pairs (a survey, a
   debate schedule) are comparisons and do not count. A name containing a grouped one-word
   name ("Pak Zul Sayuti" and "Zul") takes its number.
3. Whatever is left is listed, commented out, under "not grouped" in the draft.

Single Capitalised words that are frequent Indonesian words in the ``wordfreq`` package's
list (when it is installed) are not proposed as names; see :data:`COMMON_ZIPF`.

Memory is bounded: the export is streamed three times through
:func:`screening.io.readers.open_table` (word-case counts; term and number counts; co-occurrence
of ungrouped terms with grouped ones), and only counters of distinct words and terms are kept.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screening.errors import ScreeningError
from screening.io.files import atomic_write
from screening.io.readers import find_text_column, open_table

KINDS = ("name", "acronym", "hashtag", "party")
EXAMPLE_CHARS = 120
# A term joins the candidate of ballot number N when N is named in at least this share of
# the term's posts that name any number beside it. 0.7, not a bare majority: a place named
# near every number (on the demo export "Jambi": 4 posts near 1, 1 near 2, 1 near 3) stays
# ungrouped, while the demo's candidate names, nearly always beside their own number, do not
# change group (measured: 16 of its 21 names grouped right at 0.5, 0.7 and 0.75).
GROUP_SHARE = 0.7
# A number counts for a term when it is written within this many characters of it, the
# nearest one winning: "Paslon 01 Firdaus-Yuliani, 02 Zul-Hendrik" files each pair under its
# own number, not both under both.
NEAR_CHARS = 60
# Pass 3 (see the module docstring) trusts only terms grouped on at least this many posts.
MIN_VOUCH = 2
# Single Capitalised words at least this frequent in wordfreq's Indonesian list (Zipf scale:
# 4.5 is about 30 per million words; "pendidikan" 5.5, "saksi" 4.8) are everyday words, not
# names; given names sit lower ("ratna" 4.0, "firdaus" 3.7).
COMMON_ZIPF = 4.5

HONORIFICS = frozenset(
    "pak bu bapak ibu mas mbak bang kang cak abah gus ning daeng uda om kak".split()
)
# Election words: a post with one of these (or a ballot number) is about the election, so its
# capitalised names are likely candidates'. Prefixes, matched at a word start.
_CUE = re.compile(
    r"\b(?:pil(?:kada|gub|bup|walkot|pres|eg|ih)|pemilu|paslon|"
    r"ca(?:gub|wagub|bup|wabup|walkot|wawalkot|pres|wapres|leg)\b|calon|"
    r"(?:n?y?)coblos|memilih|milih|no\.?\s*urut|nomo?e?r\s+urut|kampanye|menang|"
    r"pemenangan|dukung|relawan|posko|timses|tim\s+sukses|debat|deklarasi|periode|"
    r"blusukan|tps\b|kpu\b|bawaslu)",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6}
# "no 2", "nomor urut 1", "nomer 3", "paslon 3", "urut 02", "nomor dua"
_BALLOT = re.compile(
    r"\b(?:no|nmr|nomor|nomer|paslon|urut)\b\.?(?:\s*urut)?\s*[.:]?\s*"
    r"(0?[1-9]\b|satu|dua|tiga|empat|lima|enam)(?![\d/.,:]\d)",
    re.IGNORECASE,
)
# "01", "#02": a zero-padded number standing alone is how ballot numbers are written
_PADDED = re.compile(r"(?<![\w/.,:+-])#?0([1-9])(?![\w/.,:%-])")
# "ZULHEN 2": an acronym followed by a lone digit
_ACRONYM_NUMBER = re.compile(r"\b[A-Z]{3,}\s+0?([1-9])(?![\w/.,:%-])")
_NOT_BALLOT_BEFORE = re.compile(r"\b(?:tps|rt|rw|jam|pukul|kelas|blok|gang|gg)\.?\s*$", re.I)
_HASHTAG = re.compile(r"#(\w+)")
_HASHTAG_NUMBER = re.compile(r"[A-Za-z]0?([1-9])$")
# A word: a letter, then letters, digits and apostrophes. A hyphen separates words (it is
# kept as the "glue" between them): "Firdaus Hasibuan-Yuliani Rahma" is two names.
_WORD = re.compile(r"[^\W\d_][\w'’]*")
_URL = re.compile(r"https?://\S+|www\.\S+|@\w+")
_SENTENCE_END = re.compile(r"[.!?:;\n\"“(]\s*$")
# Hashtags about the election or its rules, not about one candidate.
_NEUTRAL_TAG = re.compile(
    r"pilkada|pilgub|pilbup|pilwalkot|pemilu|pilpres|pileg|kpu|bawaslu|netral|asn|pns",
    re.IGNORECASE,
)
# Capitalised words that are titles, offices, places of work, days, months and election
# words: they start or sit next to names but are not names. The export's own case counts
# catch the rest of the everyday words (see the module docstring).
_NOT_NAME = frozenset(
    """
    pak bu bapak ibu mas mbak bang kang cak abah gus ning daeng uda om kak bunda ayah
    paslon calon cagub cawagub cabup cawabup cawalkot capres cawapres caleg gubernur wakil
    bupati walikota wali kota sekda camat lurah kades kepala ketua tim relawan posko partai
    pilkada pilgub pilbup pilwalkot pemilu pilpres pileg kpu kpps bawaslu panwascam debat
    kampanye deklarasi nomor urut no provinsi kabupaten kecamatan kelurahan desa kel kec kab
    dinas kantor sekolah puskesmas aula gedung pasar jalan jl hari tahun bulan minggu senin
    selasa rabu kamis jumat sabtu januari februari maret april mei juni juli agustus
    september oktober november desember allah alhamdulillah insyaallah bismillah
    subhanallah masyaallah aamiin amin ya yg dan di ke dari dgn sm utk info cek jan feb
    mar apr jun jul agu agt sep okt nov des
    """.split()
)
# Common abbreviations and interjections written in capitals: never a pair acronym.
_NOT_ACRONYM = frozenset(
    """
    ASN PNS PPPK KPU KPUD KPPS PPK PPS BAWASLU PANWASLU DPR DPRD DPD DPT TPS TNI POLRI
    MPR OK WKWK WKWKWK WIB WITA WIT PP UU SK SPJ APBD APBN RT RW KTP NIK BPJS BKN BKD BKPSDM
    PAUD SMA SMP SMK TK SD OTW DM NB CMIIW FYI BTW LOL OMG HUT RI NKRI PEMILU PILKADA
    PILGUB PILPRES PASLON CAPRES CAWAPRES GOR SPBU ATM BUMN BUMD PDAM PLN OPD SKPD UMKM
    COVID DAN YANG ATAU UNTUK TIDAK INI ITU ADA NOMOR SATU DUA TIGA EMPAT LIMA HOAKS HOAX
    INFO CEK STOP NO YES THE AND FOR TV TVRI RRI SSGI LPSE SKB SMAN SMPN SMKN SDN MAN MTS
    SPHP APK PKK BNN BNNK BPBD BPS OPD RSUD PDIP COD
    """.split()
)


@dataclass
class Suggestion:
    """One proposed lexicon term with its evidence."""

    term: str
    kind: str  # one of KINDS
    count: int  # posts that contain it
    example: str  # one such post, shortened to EXAMPLE_CHARS
    number: str | None = None  # ballot number it was grouped with, if any
    numbers: dict[str, int] = field(default_factory=dict)  # posts naming each number

    def to_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "kind": self.kind,
            "count": self.count,
            "number": self.number,
            "numbers": self.numbers,
            "example": self.example,
        }


@dataclass
class SuggestResult:
    """Everything :func:`suggest` found in one export."""

    source: str
    rows: int
    election_posts: int  # posts with an election cue
    suggestions: list[Suggestion]
    ballot_numbers: dict[str, int]  # posts naming each ballot number

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "election_posts": self.election_posts,
            "ballot_numbers": self.ballot_numbers,
            "suggestions": [s.to_dict() for s in self.suggestions],
        }


def shorten(text: str, limit: int = EXAMPLE_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _numbers_at(text: str) -> list[tuple[str, int]]:
    """(ballot number, character position) of each number mention in a post."""
    found: list[tuple[str, int]] = []
    for m in _BALLOT.finditer(text):
        raw = m.group(1).casefold()
        found.append((str(_NUMBER_WORDS.get(raw) or int(raw)), m.start(1)))
    for m in _HASHTAG.finditer(text):
        tail = _HASHTAG_NUMBER.search(m.group(1))
        if tail and not m.group(1).isdigit():
            found.append((tail.group(1), m.start()))
    # "01" and "ZULHEN 2" are ballot numbers only in a post about the election ("SPHP 5 kg",
    # "jam 07" are not), and never after a polling station or neighbourhood ("TPS 04")
    if found or _CUE.search(text):
        for m in _PADDED.finditer(text):
            if not _NOT_BALLOT_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
                found.append((m.group(1), m.start()))
        found.extend(
            (m.group(1), m.start(1))
            for m in _ACRONYM_NUMBER.finditer(text)
            if m.group().split()[0] not in _NOT_ACRONYM
        )
    return found


def ballot_numbers(text: str) -> set[str]:
    """The ballot numbers a post names ("no 2", "nomor urut 1", "#02", "ZULHEN 2" → {"2"})."""
    return {n for n, _ in _numbers_at(text)}


def has_cue(text: str) -> bool:
    """Whether a post is about the election: an election word or a ballot number."""
    return bool(_CUE.search(text)) or bool(_numbers_at(text))


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    initial: bool  # starts a sentence (or the post)
    glue: str  # what separates it from the previous word: " ", "-" or "," (anything else)


def _words(text: str) -> list[_Word]:
    """The words of a post (URLs, @mentions and hashtags blanked out), hyphen parts apart."""
    clean = _HASHTAG.sub(
        lambda m: " " * len(m.group()), _URL.sub(lambda m: "." * len(m.group()), text)
    )
    out: list[_Word] = []
    prev_end = 0
    for m in _WORD.finditer(clean):
        between = clean[prev_end : m.start()]
        before = clean[: m.start()]
        initial = not before.strip() or bool(_SENTENCE_END.search(before))
        if not out:
            glue = ","
        elif between == "-":
            glue = "-"
        elif between.strip(" ") == "" and "\n" not in between:
            glue = " "
        else:
            glue = ","
        out.append(_Word(m.group(), m.start(), initial, glue))
        prev_end = m.end()
    return out


def _is_capitalised(word: str) -> bool:
    """Starts with a capital and goes on in lower case ("Zul", "TikTok"; not "KPU")."""
    return word[:1].isupper() and len(word) > 1 and not word[1:].isupper()


def _is_acronym(word: str) -> bool:
    return len(word) >= 3 and word.isalpha() and word.isupper() and word not in _NOT_ACRONYM


class _CaseStats:
    """How often the export writes each word in lower case and Capitalised mid-sentence."""

    def __init__(self) -> None:
        self.lower: Counter[str] = Counter()
        self.capital: Counter[str] = Counter()

    def add(self, text: str) -> None:
        for w in _words(text):
            key = w.text.casefold()
            if w.text.islower():
                self.lower[key] += 1
            elif not w.initial and _is_capitalised(w.text):
                self.capital[key] += 1

    def lower_case_export(self) -> bool:
        """Whether fewer than 1 word in 200 is Capitalised mid-sentence: the export was
        lower-cased (a cleaned data set), so capitals carry no information."""
        return sum(self.capital.values()) < 0.005 * max(1, sum(self.lower.values()))

    def everyday(self, word: str) -> bool:
        """Written in lower case at least as often as Capitalised mid-sentence, or an
        election word ("Dukung", "Coblos" starting a sentence)."""
        key = word.casefold()
        return (
            key in _NOT_NAME
            or self.lower[key] >= max(1, self.capital[key])
            or bool(_CUE.match(word))
        )


def _common_word(word: str) -> bool:
    """A frequent Indonesian word by wordfreq (when installed): "Pendidikan", "Saksi"."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # optional: the export's own case counts still apply
        return False
    return zipf_frequency(word.casefold(), "id") >= COMMON_ZIPF


def _name_runs(words: list[_Word], stats: _CaseStats) -> Iterator[tuple[str, int]]:
    """(name, position) of the names in a post: honorific + name, Capitalised runs, pairs."""
    i = 0
    while i < len(words):
        w = words[i]
        honorific = w.text.casefold() in HONORIFICS and w.text[:1].isupper()
        ok = _is_capitalised(w.text) and not stats.everyday(w.text)
        if not (honorific or ok):
            i += 1
            continue
        # the span: Capitalised non-everyday words joined by spaces or hyphens
        j = i + 1
        while (
            j < len(words)
            and words[j].glue in (" ", "-")
            and not (words[j].initial and words[j].glue != "-")
            and _is_capitalised(words[j].text)
            and not stats.everyday(words[j].text)
        ):
            j += 1
        body = words[i + 1 : j] if honorific else words[i:j]
        i = j
        if not body:
            continue
        # split at hyphens: "Firdaus Hasibuan-Yuliani Rahma" is two names
        parts: list[list[_Word]] = [[]]
        for k, part_word in enumerate(body):
            if k and part_word.glue == "-":
                parts.append([])
            parts[-1].append(part_word)
        parts = [p[:3] for p in parts]
        if len(parts) == 2 and all(len(p) == 1 for p in parts):
            yield f"{parts[0][0].text}-{parts[1][0].text}", body[0].start  # a pair: "Zul-Hendrik"
        for part in parts:
            name = " ".join(x.text for x in part)
            if len(part) == 1 and _common_word(name):
                continue
            yield name, part[0].start
        if honorific:
            yield f"{w.text} {' '.join(x.text for x in parts[0])}", w.start


def _terms_in(text: str, stats: _CaseStats, cue: bool) -> list[tuple[tuple[str, str], int]]:
    """((kind, term), position) of every term one post proposes."""
    found: list[tuple[tuple[str, str], int]] = []
    for m in _HASHTAG.finditer(text):
        tag = m.group(1)
        if (
            any(c.isupper() for c in tag)
            and sum(c.isalpha() for c in tag) >= 3
            and not _NEUTRAL_TAG.search(tag)
        ):
            found.append((("hashtag", "#" + tag), m.start()))
    if not cue:
        return found
    words = _words(text)
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 20 and sum(c.isupper() for c in letters) > 0.5 * len(letters)
    if not shouting:
        found.extend((("acronym", w.text), w.start) for w in words if _is_acronym(w.text))
    for k, w in enumerate(words):
        if w.text.casefold() == "partai" and w.text[:1].isupper():
            run = []
            for nxt in words[k + 1 : k + 4]:
                if nxt.glue != " " or not _is_capitalised(nxt.text):
                    break
                run.append(nxt.text)
            if run:
                found.append((("party", "Partai " + " ".join(run)), w.start))
    if stats.lower_case_export():
        found.extend((("name", name), pos) for name, pos in _lower_case_names(words))
    else:
        found.extend((("name", name), pos) for name, pos in _name_runs(words, stats))
    return found


def _lower_case_names(words: list[_Word]) -> Iterator[tuple[str, int]]:
    """Honorific + one uncommon word ("pak anies"), for an export written all in lower case
    (a cleaned data set), where capitals cannot tell names from words."""
    for w, nxt in itertools.pairwise(words):
        name = nxt.text
        if (
            w.text.casefold() in HONORIFICS
            and nxt.glue == " "
            and len(name) >= 3
            and name.casefold() not in _NOT_NAME
            and not _CUE.match(name)
            and not _common_word(name)
        ):
            yield f"{w.text} {name}", w.start


def _by_word(key: tuple[str, str], grouped: dict[tuple[str, str], str]) -> str | None:
    """The number of the grouped one-word names inside an ungrouped name ("Pak Zul Sayuti"
    takes the number of "Zul"), when they agree on one."""
    if key[0] != "name":
        return None
    words = [w for w in re.split(r"[\s-]+", key[1]) if w.casefold() not in HONORIFICS]
    found = {grouped[("name", w)] for w in words if ("name", w) in grouped}
    return found.pop() if len(found) == 1 else None


def _compares(terms: set[tuple[str, str]]) -> bool:
    """Whether a post names two or more acronyms or hyphenated pairs ("FIRLI, ZULHEN dan
    RAJA", a survey, a debate schedule): it compares candidates, so the numbers of its grouped
    terms say nothing about its ungrouped ones."""
    acronyms = sum(1 for kind, _ in terms if kind == "acronym")
    pairs = sum(1 for kind, term in terms if kind == "name" and "-" in term)
    return acronyms >= 2 or pairs >= 2


def _nearest(pos: int, numbers: list[tuple[str, int]]) -> str | None:
    """The ballot number mentioned closest to ``pos``, within NEAR_CHARS; a tie is none."""
    near = sorted((abs(p - pos), n) for n, p in numbers if abs(p - pos) <= NEAR_CHARS)
    if not near or (len(near) > 1 and near[0][0] == near[1][0] and near[0][1] != near[1][1]):
        return None
    return near[0][1]


def _texts(path: Path, text_col: str | None) -> Iterator[str]:
    """The post texts of an export, chunk by chunk (bounded memory)."""
    stream = open_table(path, text_col=text_col)
    column = find_text_column(stream.columns, text_col)
    for chunk in stream:
        for value in chunk.frame[column]:
            if isinstance(value, str) and value.strip():
                yield value


def _pick_number(numbers: Counter[str], least: int = 1) -> str | None:
    """The number named in at least GROUP_SHARE of these posts and ``least`` posts, the most
    named one."""
    if not numbers:
        return None
    (best, hits), total = numbers.most_common(1)[0], sum(numbers.values())
    tied = sum(1 for n in numbers.values() if n == hits) > 1
    return None if tied or hits < max(least, GROUP_SHARE * total) else best


def suggest(
    path: str | Path,
    *,
    text_col: str | None = None,
    min_count: int = 2,
    top: int | None = None,
) -> SuggestResult:
    """Propose lexicon terms from the export at ``path`` (see the module docstring).

    ``min_count``: a term must occur in at least this many posts. ``top``: keep the ``top``
    most frequent terms of each kind. Raises ScreeningError for an unreadable export or a
    missing text column.
    """
    if min_count < 1:
        raise ScreeningError("min_count must be at least 1")
    if top is not None and top < 1:
        raise ScreeningError("top must be at least 1")
    p = Path(path)
    stats = _CaseStats()
    rows = 0
    for text in _texts(p, text_col):  # pass 1: how the export writes each word
        stats.add(text)
        rows += 1

    counts: Counter[tuple[str, str]] = Counter()
    examples: dict[tuple[str, str], str] = {}
    with_numbers: dict[tuple[str, str], Counter[str]] = {}
    number_posts: Counter[str] = Counter()
    cue_posts = 0
    for text in _texts(p, text_col):  # pass 2: terms, and the numbers beside them
        numbers = _numbers_at(text)
        cue = bool(numbers) or bool(_CUE.search(text))
        cue_posts += cue
        number_posts.update({n for n, _ in numbers})
        nearest: dict[tuple[str, str], set[str]] = {}
        for key, pos in _terms_in(text, stats, cue):
            near = _nearest(pos, numbers)
            nearest.setdefault(key, set()).update([near] if near else [])
        for key, near_numbers in nearest.items():
            counts[key] += 1  # posts, not mentions
            # the shortest post is the clearest example; ties keep the first seen
            if key not in examples or len(text) < len(examples[key]):
                examples[key] = text
            if near_numbers:
                with_numbers.setdefault(key, Counter()).update(near_numbers)

    kept = _keep(counts, min_count, top)
    # a number seen beside a term in one post only is too weak ("TPS di Tabir ... no 1")
    groups = {key: _pick_number(with_numbers.get(key, Counter()), MIN_VOUCH) for key in kept}
    ungrouped = {key for key, n in groups.items() if n is None and key[0] != "party"}
    if ungrouped and any(n is not None for n in groups.values()):
        # only terms grouped on two posts or more vouch for others: a place name seen once
        # beside a number ("Muara Bulian") must not drag every term around it along
        grouped = {
            key: n
            for key, n in groups.items()
            if n is not None and with_numbers[key][n] >= MIN_VOUCH
        }
        via: dict[tuple[str, str], Counter[str]] = {key: Counter() for key in ungrouped}
        for text in _texts(p, text_col):  # pass 3: ungrouped terms beside grouped ones
            cue = bool(_CUE.search(text)) or bool(_numbers_at(text))
            present = {key for key, _ in _terms_in(text, stats, cue)}
            beside = {grouped[k] for k in present if k in grouped}
            if len(beside) != 1 or _compares(present & set(kept)):
                continue  # no grouped term, or a post comparing candidates: no evidence
            for key in present & ungrouped:
                via[key].update(beside)
        for key in ungrouped:
            groups[key] = _pick_number(via[key]) or _by_word(key, grouped)

    suggestions = [
        Suggestion(
            term=term,
            kind=kind,
            count=counts[(kind, term)],
            example=shorten(examples[(kind, term)]),
            number=groups[(kind, term)] if kind != "party" else None,
            numbers=dict(sorted(with_numbers.get((kind, term), Counter()).items())),
        )
        for kind, term in kept
    ]
    return SuggestResult(
        source=str(p),
        rows=rows,
        election_posts=cue_posts,
        suggestions=suggestions,
        ballot_numbers=dict(sorted(number_posts.items(), key=lambda kv: int(kv[0]))),
    )


def _keep(
    counts: Counter[tuple[str, str]], min_count: int, top: int | None
) -> list[tuple[str, str]]:
    """Terms seen in ``min_count`` posts or more, most frequent first, ``top`` per kind.

    A name that only ever occurs inside a longer kept name ("Yuliani" inside every "Yuliani
    Rahma") adds nothing for the analyst and is dropped.
    """
    frequent = [k for k, n in counts.items() if n >= min_count]
    names = {t for kind, t in frequent if kind == "name"}
    out: list[tuple[str, str]] = []
    per_kind: Counter[str] = Counter()
    for kind, term in sorted(frequent, key=lambda k: (-counts[k], k[0], k[1].casefold())):
        if kind == "name" and any(
            counts[("name", longer)] >= counts[(kind, term)]
            and re.search(rf"(?<!\w){re.escape(term)}(?!\w)", longer)
            for longer in names
            if longer != term
        ):
            continue
        if top is not None and per_kind[kind] >= top:
            continue
        per_kind[kind] += 1
        out.append((kind, term))
    return out


# ---- the YAML draft -------------------------------------------------------------------

_HEADER = """\
# DRAF leksikon kandidat, dibuat otomatis oleh `screening lexicon suggest` dari {source}
# ({rows} baris, {cue} dengan kata pemilu atau nomor urut). Ini hanya usulan: periksa setiap
# istilah, hapus yang bukan nama kandidat/pasangan, pindahkan yang salah nomor, dan tambahkan
# yang terlewat sebelum memakai file ini dengan --candidates. Istilah di bagian "belum
# dikelompokkan" dinonaktifkan (dikomentari); aktifkan bila memang milik kandidat.
#
# DRAFT candidate lexicon, generated by `screening lexicon suggest` from {source}
# ({rows} rows, {cue} with an election word or ballot number). Suggestions only: check each
# term, delete what is not a candidate's or pair's name, move terms filed under the wrong
# number, and add what is missing before using this file with --candidates. Terms under
# "not grouped" are commented out; uncomment those that do belong to a candidate.
# Each term's comment: posts containing it, and one example post.
"""


def _quote(term: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(term, ensure_ascii=False)


def _item(s: Suggestion, indent: str, commented: bool = False) -> str:
    mark = "# " if commented else ""
    where = f", {s.kind}" if commented else ""
    note = f"{s.count} posts{where}; e.g. {_quote(s.example)}"
    return f"{indent}{mark}- {_quote(s.term)}  # {note}"


def draft_yaml(result: SuggestResult, election: str | None = None) -> str:
    """The YAML draft lexicon of ``result``: loadable by CandidateLexicon.from_yaml, with
    each term's count and example post as a comment."""
    out = [
        _HEADER.format(
            source=Path(result.source).name, rows=result.rows, cue=result.election_posts
        ).rstrip("\n")
    ]
    title = election or f"DRAFT from {Path(result.source).name}"
    out.append(f"election: {_quote(title)}")
    by_number: dict[str, list[Suggestion]] = {}
    for s in result.suggestions:
        if s.kind != "party" and s.number is not None:
            by_number.setdefault(s.number, []).append(s)
    if by_number:
        out.append("candidates:")
    else:
        out.append("candidates: []  # no term could be grouped by ballot number; see below")
    for number in sorted(by_number, key=int):
        terms = by_number[number]
        posts = result.ballot_numbers.get(number, 0)
        out.append(f"  - number: {number}  # ballot number named in {posts} posts")
        names = [s for s in terms if s.kind in ("name", "acronym")]
        tags = [s for s in terms if s.kind == "hashtag"]
        out.append("    names:" if names else "    names: []")
        out.extend(_item(s, "      ") for s in names)
        out.append("    taglines: []  # not suggested: add the pair's slogans by hand")
        out.append("    hashtags:" if tags else "    hashtags: []")
        out.extend(_item(s, "      ") for s in tags)
    parties = [s for s in result.suggestions if s.kind == "party"]
    if parties:
        out.append("parties:")
        out.extend(_item(s, "  ") for s in parties)
    rest = [s for s in result.suggestions if s.kind != "party" and s.number is None]
    if rest:
        out.append("")
        out.append("# belum dikelompokkan / not grouped (no clear ballot number):")
        out.extend(_item(s, "", commented=True) for s in rest)
    return "\n".join(out) + "\n"


def write_draft(
    result: SuggestResult, output: Path, force: bool = False, election: str | None = None
) -> None:
    """Write :func:`draft_yaml` atomically; an existing ``output`` needs ``force``."""
    text = draft_yaml(result, election)
    atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"), force=force)


def recovered(result: SuggestResult, terms: Iterable[str]) -> list[str]:
    """Which of ``terms`` (a reference lexicon's) the suggestions contain, compared by
    :func:`screening.lexicon.candidates.term_key` (case, separators and '#' ignored)."""
    from screening.lexicon.candidates import term_key

    found = {term_key(s.term) for s in result.suggestions}
    return [t for t in terms if term_key(t) in found]


__all__: list[str] = [
    "KINDS",
    "SuggestResult",
    "Suggestion",
    "ballot_numbers",
    "draft_yaml",
    "has_cue",
    "recovered",
    "suggest",
    "write_draft",
]
