"""Candidate lexicon: recognise mentions of the candidates of one election and type them.

The model is trained on fictional candidates but must work on the real election being
monitored. So before featurisation every mention of a candidate is replaced by a typed
placeholder token: a name, nickname or pair acronym becomes ``xcalonx``, a tagline
``xtaglinex``, two consecutive words of a longer tagline ``xtaglinepartx``, a campaign hashtag
``xcalontagarx``, a party ``xpartaix``. Ballot numbers stay as they are. The model then
learns "praise of a candidate", not a name.

File format (YAML), the same for the training lexicon and the real election's::

    election: Pilgub Contoh 2024
    candidates:
      - number: 1
        names: [Budi Santoso, Pak Budi, Budi-Sari, BuSa]
        taglines: [Bersama Membangun]
        hashtags: ["#BuSaMenang"]
    parties: [Partai Contoh]

Matching is case-insensitive, accent-tolerant (accents are stripped from text and terms),
elongation-tolerant (``Budiii``), separator-tolerant (``Budi-Sari``, ``Budi Sari``,
``BudiSari``), tolerant of spelling variants and one typo, and on word boundaries, by word
lookup (:mod:`screening.lexicon.matcher`, which also keeps everyday-word terms such as AMIN to posts
that speak of the election). Hashtags that merely contain a name (``#BuSaJuara``) are
matched on their camel-case parts by :meth:`CandidateLexicon.split_hashtag`.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from screening.errors import ScreeningError
from screening.lexicon.keys import split_words, strip_accents, term_key
from screening.lexicon.matcher import Match, TermMatcher, ambiguous_keys
from screening.messages import printable
from screening.schema import validate
from screening.text.placeholders import PLACEHOLDERS

# How everyday-word terms (AMIN, RAJA) are matched: "cue" only near an election cue (see
# screening.lexicon.matcher), "caps" only in capitals or a hashtag, "always" everywhere (before
# issue 13). The last two are kept for the measured comparison in the README.
AMBIGUITY_RULES = ("cue", "caps", "always")

# When terms of two kinds share a key (tagline "Aceh Bangkit" and hashtag "#AcehBangkit"), a
# match written with '#' is a hashtag and one without takes the first kind in this order.
_PLAIN_PRIORITY = ("tagline", "name", "party", "hashtag", "tagline_part")

LEXICON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["candidates"],
    "properties": {
        "election": {"type": ["string", "number", "null"]},
        "candidates": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["names"],
                "properties": {
                    "number": {"type": ["integer", "string", "null"]},
                    "names": {"type": "array", "items": {"type": ["string", "number"]}},
                    "taglines": {
                        "type": ["array", "null"],
                        "items": {"type": ["string", "number"]},
                    },
                    "hashtags": {
                        "type": ["array", "null"],
                        "items": {"type": ["string", "number"]},
                    },
                },
            },
        },
        "parties": {"type": ["array", "null"], "items": {"type": ["string", "number"]}},
    },
}

# Limits of the guarded YAML loader (:func:`load_yaml_file`). Lexicons and the guidance are
# hand-written files of a few kilobytes. 2 MB holds a national legislative list (about 10,000
# candidates take 1 MB) twice over; a bigger file would only cost loading time.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 64
# Longest piece of a file's content (or of a message about it) echoed in an error line.
MAX_ECHO_CHARS = 200
_MAX_MESSAGE_CHARS = 2500
# libyaml when PyYAML was built with it: the guarded load parses a file twice, in C that is
# fast even at the size cap
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CAMEL_SPLIT = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])|_+"
)
# Terms shorter than this are too ambiguous to find inside an unsplit lower-case hashtag
# (a pair acronym "BuSa" would match "#busanamuslim").
_MIN_HASHTAG_AFFIX = 6


def clip_message(text: str, line_limit: int = MAX_ECHO_CHARS) -> str:
    """A multi-line error text with each line made printable (no terminal escapes, at most
    ``line_limit`` characters) and the whole capped, so echoed file content can never make an
    error message large."""
    lines = [printable(line, line_limit) for line in text.split("\n")]
    out = "\n".join(lines)
    return out if len(out) <= _MAX_MESSAGE_CHARS else out[: _MAX_MESSAGE_CHARS - 1] + "…"


def _check_yaml_events(text: str, source: str) -> None:
    """Refuse aliases and runaway nesting before anything is built from the YAML events.

    Any alias (``*name``, including ``<<: *name`` merge keys) is refused: a few hundred bytes
    of aliases to aliases expand to billions of values (the "billion laughs" bomb), and a
    lexicon or the guidance never needs one, so refusing them all is simpler and safer than
    budgeting their expansion. Anchors alone (``&name``) are harmless and allowed.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            raise ScreeningError(
                f"{source}, line {line}: YAML alias *{printable(str(event.anchor), 40)} "
                "refused: aliases are not allowed in this file, write the values out"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise ScreeningError(
                    f"{source}, line {line}: lists and mappings nested deeper than "
                    f"{MAX_YAML_DEPTH} levels"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def load_yaml_file(path: str | Path, what: str) -> Any:
    """The parsed content of a small YAML configuration file (a lexicon, the guidance).

    The one loader for every YAML file the tool reads. Safe tags only; refuses files over
    ``MAX_YAML_BYTES``, aliases, nesting deeper than ``MAX_YAML_DEPTH``, and anything that is
    not a regular UTF-8 file. Every failure is a ScreeningError naming the file, with at most
    ``MAX_ECHO_CHARS`` of its content echoed and no control characters. ``what`` names the
    file's role in messages ("candidate lexicon").
    """
    p = Path(path)
    src = printable(str(p), 400)
    if not p.exists():
        raise ScreeningError(f"{what} not found: {src}")
    if p.is_dir():
        raise ScreeningError(f"{src}: is a directory, not a {what}")
    if not p.is_file():  # a FIFO or device could block or never end
        raise ScreeningError(f"{src}: not a regular file")
    cap_mb = MAX_YAML_BYTES / (1024 * 1024)
    with p.open("rb") as fh:
        raw = fh.read(MAX_YAML_BYTES + 1)  # read the cap, not st_size: the file may grow
    if len(raw) > MAX_YAML_BYTES:
        raise ScreeningError(f"{src}: larger than {cap_mb:g} MB; a {what} is a short text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScreeningError(f"{src}: not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        _check_yaml_events(text, src)
        return yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: see _YAML_LOADER
    except yaml.YAMLError as exc:
        # one line: PyYAML's message spans several, with a snippet of the bad line
        why = printable(" ".join(str(exc).split()), 400)
        raise ScreeningError(f"{src}: not valid YAML: {why}") from None
    except (ValueError, OverflowError) as exc:
        # a scalar the safe constructors cannot convert: a 5,000-digit integer, 2024-13-45
        raise ScreeningError(
            f"{src}: unreadable value: {printable(str(exc), MAX_ECHO_CHARS)}"
        ) from None
    except RecursionError:  # belt and braces: the depth check above should prevent it
        raise ScreeningError(f"{src}: nested too deeply") from None


def tagline_parts(tagline: str) -> list[str]:
    """Two-word fragments of a tagline of three or more words.

    Veiled support often quotes half a tagline ("tepian gemilang" for "Samarinda Tepian
    Gemilang"); the fragments are typed ``xtaglinepartx``, a token of their own, because they
    also occur in everyday speech and the model must weigh them separately.
    """
    words = split_words(tagline)
    if len(words) < 3:
        return []
    return [f"{a} {b}" for a, b in itertools.pairwise(words) if len(a + b) >= 7]


@dataclass(frozen=True)
class Candidate:
    """One candidate or pair on the ballot."""

    number: str | None
    names: tuple[str, ...]
    taglines: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CandidateLexicon:
    """The candidates, taglines, hashtags and parties of one election, with a compiled matcher."""

    election: str
    candidates: tuple[Candidate, ...]
    parties: tuple[str, ...] = ()
    source: str = "<memory>"
    _kinds: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    ambiguity: str = field(default="cue", compare=False)
    tolerant: bool = field(default=True, compare=False)
    _matcher: TermMatcher | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kinds: dict[str, set[str]] = {}
        for kind, term in self.terms():
            key = term_key(term)
            if len(key) >= 2:
                kinds.setdefault(key, set()).add(kind)
        object.__setattr__(self, "_kinds", {k: frozenset(v) for k, v in kinds.items()})
        if self.ambiguity not in AMBIGUITY_RULES:
            raise ValueError(f"ambiguity must be one of {', '.join(AMBIGUITY_RULES)}")
        if kinds:
            terms = list(self.terms())
            ambiguous = ambiguous_keys(terms) if self.ambiguity != "always" else frozenset()
            matcher = TermMatcher(
                (t for _, t in terms),
                ambiguous=ambiguous,
                hashtag_only=[k for k, v in self._kinds.items() if v == {"hashtag"}],
                tolerant=self.tolerant,
                rule="caps" if self.ambiguity == "caps" else "cue",
            )
            object.__setattr__(self, "_matcher", matcher)

    def __deepcopy__(self, memo: dict[int, Any]) -> CandidateLexicon:
        # immutable once built (its matcher's caches only remember lookups), so a copy is the
        # lexicon itself: scikit-learn's clone deep-copies a model's parameters for every fold
        return self

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<memory>") -> CandidateLexicon:
        """Build from the parsed YAML mapping; raises ScreeningError naming a bad key."""
        try:
            validate(data, LEXICON_SCHEMA, source)
        except ScreeningError as exc:  # the schema check echoes bad values: keep them short
            raise ScreeningError(clip_message(str(exc))) from None
        candidates = []
        for entry in data.get("candidates") or []:
            number = entry.get("number")
            candidates.append(
                Candidate(
                    number=None if number is None else str(number),
                    names=tuple(str(n) for n in entry.get("names") or []),
                    taglines=tuple(str(t) for t in entry.get("taglines") or []),
                    hashtags=tuple(str(h) for h in entry.get("hashtags") or []),
                )
            )
        return cls(
            election=str(data.get("election") or ""),
            candidates=tuple(candidates),
            parties=tuple(str(p) for p in data.get("parties") or []),
            source=source,
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> CandidateLexicon:
        """Load a lexicon file through :func:`load_yaml_file`; a missing, oversized, unreadable
        or malformed file raises ScreeningError."""
        p = Path(path)
        data = load_yaml_file(p, "candidate lexicon")
        if not isinstance(data, Mapping):
            raise ScreeningError(
                f"{printable(str(p), 400)}: expected a mapping with a 'candidates' list"
            )
        return cls.from_dict(data, source=str(p))

    def with_rules(
        self, *, ambiguity: str | None = None, tolerant: bool | None = None
    ) -> CandidateLexicon:
        """The same lexicon matched by other rules (see AMBIGUITY_RULES and ``tolerant``)."""
        return dataclasses.replace(
            self,
            ambiguity=self.ambiguity if ambiguity is None else ambiguity,
            tolerant=self.tolerant if tolerant is None else tolerant,
        )

    # -- queries ------------------------------------------------------------------------
    def terms(self) -> Iterable[tuple[str, str]]:
        """Every (kind, term) pair of the lexicon, kind in PLACEHOLDERS."""
        for cand in self.candidates:
            for name in cand.names:
                yield "name", name
            for tagline in cand.taglines:
                yield "tagline", tagline
                yield from (("tagline_part", part) for part in tagline_parts(tagline))
            for hashtag in cand.hashtags:
                yield "hashtag", hashtag
        for party in self.parties:
            yield "party", party

    def __len__(self) -> int:
        return len(self._kinds)

    def kind_of(self, term: str, hashtag: bool = False) -> str | None:
        """The placeholder kind for a term (by its key), or None when it is not in the lexicon.

        Anything written as a hashtag (``#BuSa``, ``#BersamaMembangun``) counts as a campaign
        hashtag; plain text takes tagline, then name, then party, then hashtag.
        """
        kinds = self._kinds.get(term_key(term))
        if not kinds:
            return None
        if hashtag:
            return "hashtag"
        return next(k for k in _PLAIN_PRIORITY if k in kinds)

    def _placeholder(self, match: Match) -> str:
        kinds = self._kinds[match.key]
        kind = "hashtag" if match.hashtag else next(k for k in _PLAIN_PRIORITY if k in kinds)
        return f" {PLACEHOLDERS[kind]} "

    def find(self, text: str) -> list[Match]:
        """The lexicon terms in ``text`` (accents stripped) that count, see
        :class:`~screening.lexicon.matcher.TermMatcher`."""
        if self._matcher is None:
            return []
        return self._matcher.matches(strip_accents(text))

    def find_all(self, text: str) -> list[Match]:
        """Every use of a lexicon term in ``text``, the everyday-word uses that do not count
        included (for reports of how often a term is written)."""
        if self._matcher is None:
            return []
        return self._matcher.find(strip_accents(text))

    def may_match(self, text: str) -> bool:
        """Whether a word of ``text`` (accents stripped) is a lexicon term or starts one;
        False means :meth:`replace` leaves any text made of its words unchanged."""
        return self._matcher is not None and self._matcher.may_match(text)

    def mentions(self, text: str) -> list[str]:
        """The lexicon terms found in ``text``, as written there (accents stripped)."""
        plain = strip_accents(text)
        return [plain[m.start : m.end] for m in self.find(plain)]

    def replace(self, text: str) -> str:
        """Replace every lexicon term in ``text`` by its placeholder token (accents stripped)."""
        if self._matcher is None:
            return text
        if not text.isascii():
            text = strip_accents(text)
        found = self._matcher.matches(text)
        if not found:
            return text
        parts: list[str] = []
        at = 0
        for m in found:
            parts += [text[at : m.start], self._placeholder(m)]
            at = m.end
        parts.append(text[at:])
        return "".join(parts)

    def split_hashtag(self, body: str) -> list[str]:
        """Split a hashtag body into words, turning lexicon terms inside it into placeholders.

        ``"RiLaMenang"`` → ``["xcalonx", "Menang"]`` when ``RiLa`` is a name; camel-case, digit
        and underscore boundaries mark the parts. An unsplittable lower-case body is checked
        for a lexicon term at its start or end (terms of 6+ letters only).
        """
        parts = [p for p in _CAMEL_SPLIT.split(body) if p]
        if not self._kinds:
            return parts
        out: list[str] = []
        i = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                kind = self.kind_of("".join(parts[i:j]), hashtag=True)
                if kind is not None:
                    out.append(PLACEHOLDERS[kind])
                    i = j
                    break
            else:
                out.append(parts[i])
                i += 1
        if len(out) == 1 and out[0] == body:
            return self._affix_split(body)
        return out

    def _affix_split(self, body: str) -> list[str]:
        key = term_key(body)
        token = PLACEHOLDERS["hashtag"]
        for term in sorted(self._kinds, key=len, reverse=True):
            if len(term) < _MIN_HASHTAG_AFFIX or term == key:
                continue
            if key.startswith(term):
                return [token, key[len(term) :]]
            if key.endswith(term):
                return [key[: -len(term)], token]
        return [token] if key in self._kinds else [body]


EMPTY_LEXICON = CandidateLexicon(election="", candidates=())
