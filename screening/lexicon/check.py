"""`screening lexicon init/check`: a commented lexicon template, and a check of a lexicon.

A lexicon is typed by hand for each election, and its mistakes are silent: a misspelt key
(``tagline:``) is ignored, a one-letter term never matches, an acronym that is an everyday
word (``AMIN``) turns prayers into praise of a candidate. :func:`check_lexicon` finds these
before a scoring run does: structural errors, and for every term its everyday-word status
(:mod:`screening.lexicon.everyday`), how many everyday posts and export posts it matches, and what
the lexicon does to an export's flag rate.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from screening import paths
from screening.errors import ScreeningError
from screening.io.readers import find_text_column, open_table
from screening.lexicon import everyday
from screening.lexicon.candidates import CandidateLexicon, load_yaml_file, term_key
from screening.messages import printable

TOP_KEYS = ("election", "candidates", "parties")
CANDIDATE_KEYS = ("number", "names", "taglines", "hashtags")
_TERM_LISTS = ("names", "taglines", "hashtags")
_KIND = {"names": "name", "taglines": "tagline", "hashtags": "hashtag", "parties": "party"}
# camel-case parts of a hashtag body, so "#RAJAMenang" counts as a hit of the term RAJA
_HASHTAG = re.compile(r"#(\w+)")
_HASHTAG_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

TEMPLATE = """\
# Leksikon kandidat untuk `screening score --candidates FILE`.
# Candidate lexicon for `screening score --candidates FILE`.
#
# Setiap sebutan kandidat di postingan diganti token bertipe (xcalonx, xtaglinex, ...)
# sebelum model menilai, jadi model yang dilatih dengan kandidat fiktif bekerja untuk
# pemilihan nyata. Huruf besar/kecil, aksen, huruf berulang ("Budiii") dan pemisah
# ("Budi-Sari", "Budi Sari", "BudiSari") tidak berpengaruh; pencocokan per kata utuh.
# Every mention of a candidate is replaced by a typed token (xcalonx, xtaglinex, ...)
# before the model scores a post, so a model trained on fictional candidates works for a
# real election. Case, accents, repeated letters and separators do not matter; terms
# match whole words.
#
# Periksa file ini sebelum dipakai / check this file before use:
#   screening lexicon check pilkada.yaml ekspor.csv

# Nama pemilihan, hanya untuk laporan. / Name of the election, for reports only.
election: Pilkada Contoh 2024

# Satu entri per pasangan/kandidat di surat suara.
# One entry per pair/candidate on the ballot.
candidates:
  # number: nomor urut di surat suara. Angka saja ("01", "no 2" di postingan dikenali
  #   model sendiri); jangan tulis nomor sebagai nama.
  # number: the ballot number. The number alone: the model already knows "01", "no 2";
  #   do not list numbers as names.
  - number: 1
    # names: nama lengkap, nama panggilan dengan sapaan (Pak Budi, Bu Sari, Bang ...),
    #   pasangan (Budi-Sari) dan singkatan resmi pasangan. Tulis nama panggilan yang
    #   dipakai warga: "Abah", "pak Dim". Nama minimal 2 huruf.
    #   Singkatan yang juga kata sehari-hari (AMIN, BISA, PAS, RAJA) akan mencocokkan
    #   "amin ya allah": tetap tulis bila itu nama kampanye, lalu jalankan
    #   `screening lexicon check` dan lihat kolom EVERYDAY dan jumlah kecocokannya.
    # names: full names, nicknames with their honorific (Pak Budi, Bu Sari, Bang ...),
    #   the pair (Budi-Sari) and the pair's official acronym. Add the nicknames people use:
    #   "Abah", "pak Dim". At least 2 letters each.
    #   An acronym that is also an everyday word (AMIN, BISA, PAS, RAJA) also matches
    #   "amin ya allah": list it if it is the campaign's name, then run
    #   `screening lexicon check` and look at its EVERYDAY column and hit counts.
    names: [Budi Santoso, Pak Budi, Sari Wulandari, Bu Sari, Budi-Sari, BUSA]
    # taglines: slogan kampanye, lengkap. Potongan dua kata dikenali otomatis.
    # taglines: campaign slogans, in full. Two-word pieces are recognised on their own.
    taglines: [Bersama Membangun Negeri]
    # hashtags: tagar kampanye, dengan '#'. Tagar yang memuat nama (#BuSaJuara) dikenali
    #   dari bagian-bagiannya, jadi tidak perlu semua variasi.
    # hashtags: campaign hashtags, with '#'. A hashtag containing a name (#BuSaJuara) is
    #   recognised from its parts: no need to list every variant.
    hashtags: ["#BuSaMenang"]
  - number: 2
    names: [Rahmat Hidayat, Pak Rahmat, Dewi Anggraini, Bu Dewi, Rahmat-Dewi, RADEN]
    taglines: [Maju Sejahtera Bersama]
    hashtags: ["#RadenJuara"]

# Partai pengusung, nama lengkap dan singkatan. / Supporting parties, full name and acronym.
parties: [Partai Contoh Raya, PCR]
"""


@dataclass
class Problem:
    """One finding about the lexicon file: ``level`` "error" or "warning", ``where`` a key
    path such as ``candidates[0].names[2]``, and a one-line ``message``."""

    level: str
    where: str
    message: str


@dataclass
class TermReport:
    """One term of the lexicon with its everyday-word status and hit counts (posts)."""

    term: str
    kind: str
    owner: str  # the candidate's ballot number (or #index), or "party"
    everyday: bool
    zipf: float
    everyday_reason: str
    everyday_hits: int
    export_hits: dict[str, int] = field(default_factory=dict)


@dataclass
class ExportReport:
    """An export's flag rate without and with the lexicon, at the model's threshold."""

    path: str
    text_column: str
    posts: int
    flagged_without: int
    flagged_with: int

    @property
    def rate_without(self) -> float:
        return self.flagged_without / self.posts if self.posts else 0.0

    @property
    def rate_with(self) -> float:
        return self.flagged_with / self.posts if self.posts else 0.0


@dataclass
class CheckReport:
    """Everything `lexicon check` found; ``errors`` decide the exit code."""

    source: str
    candidates: int
    problems: list[Problem]
    terms: list[TermReport]
    exports: list[ExportReport]
    everyday_posts: int
    threshold: float | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "lexicon": self.source,
            "ok": not self.errors,
            "candidates": self.candidates,
            "errors": [asdict(p) for p in self.errors],
            "warnings": [asdict(p) for p in self.warnings],
            "everyday_posts": self.everyday_posts,
            "threshold": self.threshold,
            "terms": [asdict(t) for t in self.terms],
            "exports": [
                {
                    **asdict(e),
                    "flag_rate_without_lexicon": round(e.rate_without, 4),
                    "flag_rate_with_lexicon": round(e.rate_with, 4),
                }
                for e in self.exports
            ],
        }


def write_template(path: Path, force: bool = False) -> None:
    """Write :data:`TEMPLATE` to ``path`` atomically; an existing file needs ``force``."""
    from screening.io.files import atomic_write

    atomic_write(path, lambda tmp: tmp.write_text(TEMPLATE, encoding="utf-8"), force=force)


def _unknown_keys(data: Mapping[Any, Any], allowed: Sequence[str], where: str) -> list[Problem]:
    """An error for every key not in ``allowed``, with the closest allowed key as a hint."""
    out = []
    for key in data:
        name = str(key)
        if name in allowed:
            continue
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
        prefix = f"{where}." if where else ""
        out.append(Problem("error", f"{prefix}{printable(name, 60)}", f"unknown key{hint}"))
    return out


def _entries(data: Mapping[str, Any]) -> Iterable[tuple[str, str, str, str]]:
    """Every (owner, kind, where, term) of the validated mapping, in file order."""
    for i, cand in enumerate(data.get("candidates") or []):
        number = cand.get("number")
        owner = str(number) if number is not None else f"#{i + 1}"
        for key in _TERM_LISTS:
            for j, term in enumerate(cand.get(key) or []):
                yield owner, _KIND[key], f"candidates[{i}].{key}[{j}]", str(term)
    for j, party in enumerate(data.get("parties") or []):
        yield "party", "party", f"parties[{j}]", str(party)


def _entry(where: str) -> str:
    """The candidate entry (``candidates[2]``) or ``parties`` a term's key path belongs to:
    terms are grouped by entry, not by number, as two entries may share a number by mistake."""
    return where.split(".")[0] if where.startswith("candidates") else "parties"


def _term_problems(entries: list[tuple[str, str, str, str]]) -> list[Problem]:
    """Empty, one-letter and duplicated terms (errors); a term under two owners (warning)."""
    problems = []
    first: dict[tuple[str, str, str], str] = {}
    owners: dict[str, dict[str, str]] = defaultdict(dict)  # key -> entry -> first place
    for _owner, kind, where, term in entries:
        key = term_key(term)
        shown = printable(term, 60)
        if not key:
            problems.append(Problem("error", where, f"empty term {shown!r}"))
            continue
        if len(key) < 2:
            problems.append(
                Problem("error", where, f"one-letter term {shown!r}: it would never match")
            )
            continue
        entry = _entry(where)
        slot = (entry, kind, key)
        if slot in first:
            problems.append(
                Problem("error", where, f"duplicated term {shown!r} (also {first[slot]})")
            )
            continue
        first[slot] = where
        owners[key].setdefault(entry, where)
    for key, by_owner in owners.items():
        if len(by_owner) > 1:
            places = list(by_owner.values())
            problems.append(
                Problem(
                    "warning",
                    places[1],
                    f"{key!r} is also listed as {', '.join(places[:1] + places[2:])}: "
                    "its mentions cannot tell these apart",
                )
            )
    return problems


def _number_problems(data: Mapping[str, Any]) -> list[Problem]:
    """A warning for a ballot number used by two candidates (a copy-paste slip)."""
    seen: dict[str, int] = {}
    out = []
    for i, cand in enumerate(data.get("candidates") or []):
        number = cand.get("number")
        if number is None:
            continue
        key = str(number).lstrip("0") or "0"
        if key in seen:
            out.append(
                Problem(
                    "warning",
                    f"candidates[{i}].number",
                    f"ballot number {printable(number, 20)} also used by candidates[{seen[key]}]",
                )
            )
        else:
            seen[key] = i
    return out


def count_hits(
    lexicon: CandidateLexicon, texts: Iterable[str], *, as_scored: bool = True
) -> Counter[str]:
    """Number of ``texts`` in which each term key matches, plus terms that are camel-case
    parts of a hashtag. ``as_scored``: count matches as the scorer types them (an everyday-word
    term only where the post has an election cue); otherwise every use of the word counts."""
    keys = {term_key(t) for _, t in lexicon.terms()}
    hits: Counter[str] = Counter()
    for text in texts:
        found = {m.key for m in (lexicon.find(text) if as_scored else lexicon.find_all(text))}
        for body in _HASHTAG.findall(text):
            parts = _HASHTAG_PARTS.findall(body)
            for a in range(len(parts)):
                for b in range(a + 1, len(parts) + 1):
                    found.add(term_key("".join(parts[a:b])))
        hits.update(found & keys)
    return hits


def _read_texts(path: Path, text_col: str | None) -> tuple[str, list[str]]:
    """The text column's name and its non-empty texts."""
    stream = open_table(path, text_col=text_col)
    column = find_text_column(stream.columns, text_col)
    texts: list[str] = []
    for chunk in stream:
        texts.extend(t for t in chunk.frame[column].tolist() if isinstance(t, str) and t.strip())
    return column, texts


def _flag_counts(
    model_dir: Path | None, lexicon: CandidateLexicon, texts: list[str]
) -> tuple[int, int, float]:
    """Posts flagged without and with ``lexicon`` at the model's threshold."""
    from screening.model.bundle import load_bundle  # scikit-learn: loaded only with an export

    bundle = load_bundle(model_dir or paths.default_model_dir())
    distinct = list(dict.fromkeys(texts))  # score each text once, count every post
    weight = Counter(texts)
    counts = []
    for lex in (None, lexicon):
        scores = bundle.model.screen(distinct, lex).score
        counts.append(
            sum(weight[t] for t, s in zip(distinct, scores, strict=True) if s >= bundle.threshold)
        )
    return counts[0], counts[1], bundle.threshold


def check_lexicon(
    path: str | Path,
    exports: Sequence[str | Path] = (),
    *,
    text_col: str | None = None,
    model_dir: Path | None = None,
) -> CheckReport:
    """Check the lexicon at ``path``; count its terms' hits in the everyday posts and in
    ``exports``, and score each export with and without it (model from ``model_dir``).

    Raises ScreeningError only when the file cannot be read at all (missing, not YAML, not
    a mapping) or an export cannot be read; problems of the lexicon itself are reported.
    """
    p = Path(path)
    data = load_yaml_file(p, "candidate lexicon")
    if not isinstance(data, Mapping):
        raise ScreeningError(
            f"{printable(str(p), 400)}: expected a mapping with a 'candidates' list"
        )
    problems = _unknown_keys(data, TOP_KEYS, "")
    for i, cand in enumerate(data.get("candidates") or []):
        if isinstance(cand, Mapping):
            problems += _unknown_keys(cand, CANDIDATE_KEYS, f"candidates[{i}]")
    try:
        lexicon = CandidateLexicon.from_dict(data, source=str(p))
    except ScreeningError as exc:  # wrong types: one problem per schema message line
        lines = str(exc).splitlines()[1:] or [str(exc)]
        problems += [Problem("error", "", line) for line in lines]
        return CheckReport(str(p), 0, problems, [], [], len(everyday.everyday_posts()))
    entries = list(_entries(data))
    problems += _term_problems(entries) + _number_problems(data)

    everyday_hits = count_hits(lexicon, everyday.everyday_posts(), as_scored=False)
    export_reports: list[ExportReport] = []
    export_hits: dict[str, Counter[str]] = {}
    threshold = None
    for export in exports:
        column, texts = _read_texts(Path(export), text_col)
        export_hits[str(export)] = count_hits(lexicon, texts)
        without, with_lexicon, threshold = _flag_counts(model_dir, lexicon, texts)
        export_reports.append(ExportReport(str(export), column, len(texts), without, with_lexicon))

    terms = []
    listed: set[tuple[str, str, str]] = set()
    for owner, kind, where, term in entries:
        key = term_key(term)
        slot = (_entry(where), kind, key)
        if len(key) < 2 or slot in listed:  # reported above as errors
            continue
        listed.add(slot)
        status = everyday.describe(term)
        terms.append(
            TermReport(
                term=term,
                kind=kind,
                owner=owner,
                everyday=status.everyday,
                zipf=round(status.zipf, 2),
                everyday_reason=status.reason,
                everyday_hits=everyday_hits[key],
                export_hits={name: hits[key] for name, hits in export_hits.items()},
            )
        )
    # worst offenders first: everyday words, then the most everyday-post hits, then the most
    # export hits (a frequent everyday word there is what inflates the flag rate)
    terms.sort(key=lambda t: (not t.everyday, -t.everyday_hits, -sum(t.export_hits.values())))
    return CheckReport(
        str(p),
        len(lexicon.candidates),
        problems,
        terms,
        export_reports,
        len(everyday.everyday_posts()),
        threshold,
    )
