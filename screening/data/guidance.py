"""The screening guidance (``screening/resources/guidance.yaml``, shipped inside the package):
categories, rules, legal basis, negatives.

Loaded through the guarded YAML loader and validated against a schema, so a typo in the file
is reported with the bad key's path instead of surfacing later as a KeyError.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening import paths
from screening.errors import ScreeningError
from screening.lexicon.candidates import clip_message, load_yaml_file
from screening.schema import validate

CATEGORIES: tuple[str, ...] = (
    "dukungan",
    "kampanye",
    "simbol",
    "serangan",
    "identitas",
    "mobilisasi",
)

_RULE: dict[str, Any] = {
    "type": "object",
    "required": ["id", "id_text", "en", "source"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Z]{3}-[A-Z]+$"},
        "id_text": {"type": "string", "minLength": 10},
        "en": {"type": "string", "minLength": 10},
        "source": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        "hard": {"type": "boolean"},
        "retired": {"type": "boolean"},
    },
}
GUIDANCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "legal_basis", "categories", "negatives"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer"},
        "legal_basis": {"type": "object", "additionalProperties": {"type": "string"}},
        "categories": {
            "type": "object",
            "required": list(CATEGORIES),
            "additionalProperties": False,
            "patternProperties": {
                ".*": {
                    "type": "object",
                    "required": ["label", "id", "en", "legal_basis", "rules"],
                    "additionalProperties": False,
                    "properties": {
                        "label": {"const": 1},
                        "id": {"type": "string"},
                        "en": {"type": "string"},
                        "legal_basis": {"type": "array", "items": {"type": "string"}},
                        "rules": {"type": "array", "minItems": 1, "items": _RULE},
                    },
                }
            },
        },
        "negatives": {
            "type": "array",
            "minItems": 1,
            "items": {**_RULE, "required": [*_RULE["required"], "hard"]},
        },
    },
}


@dataclass(frozen=True)
class Rule:
    """One guidance rule. ``category`` is '' and ``label`` 0 for the look-alike negatives."""

    id: str
    label: int
    category: str
    text_id: str
    text_en: str
    sources: tuple[str, ...]
    legal_basis: tuple[str, ...] = ()
    hard: bool = False


@dataclass(frozen=True)
class Category:
    """A category of partisan tendency with its descriptions and legal basis."""

    name: str
    text_id: str
    text_en: str
    legal_basis: tuple[str, ...]
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class Guidance:
    """The parsed guidance: categories, negatives, legal texts, and a rule index."""

    version: int
    legal_basis: dict[str, str]
    categories: dict[str, Category]
    negatives: tuple[Rule, ...]
    source: str

    @property
    def rules(self) -> dict[str, Rule]:
        """Every rule by id, positives and negatives."""
        out = {r.id: r for c in self.categories.values() for r in c.rules}
        out.update({r.id: r for r in self.negatives})
        return out

    @property
    def hard_negative_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.negatives if r.hard)

    def legal_text(self, category: str) -> str:
        """The legal basis of a category, as readable text."""
        return " ".join(self.legal_basis[k] for k in self.categories[category].legal_basis)


def load_guidance(path: str | Path = paths.GUIDANCE) -> Guidance:
    """Load and validate the guidance file; raises ScreeningError naming the bad key."""
    p = Path(path)
    data = load_yaml_file(p, "guidance file")
    try:
        return _build(data, str(p))
    except ScreeningError as exc:  # the checks echo keys and values: keep them short
        raise ScreeningError(clip_message(str(exc))) from None


def _build(data: Any, p: str) -> Guidance:
    """The Guidance of a parsed file ``p``; raises ScreeningError naming the bad key."""
    validate(data, GUIDANCE_SCHEMA, p)
    legal = {str(k): str(v) for k, v in data["legal_basis"].items()}
    categories: dict[str, Category] = {}
    for name in CATEGORIES:
        c = data["categories"][name]
        unknown = [b for b in c["legal_basis"] if b not in legal]
        if unknown:
            raise ScreeningError(f"{p}: categories.{name}.legal_basis: unknown key(s) {unknown}")
        rules = tuple(
            Rule(
                r["id"], 1, name, r["id_text"], r["en"], tuple(r["source"]), tuple(c["legal_basis"])
            )
            for r in c["rules"]
        )
        categories[name] = Category(name, c["id"], c["en"], tuple(c["legal_basis"]), rules)
    negatives = tuple(
        Rule(r["id"], 0, "", r["id_text"], r["en"], tuple(r["source"]), (), bool(r["hard"]))
        for r in data["negatives"]
    )
    ids = [r.id for c in categories.values() for r in c.rules] + [r.id for r in negatives]
    dupes = sorted(i for i, n in Counter(ids).items() if n > 1)  # linear: files may be big
    if dupes:
        raise ScreeningError(f"{p}: duplicate rule id(s): {dupes}")
    return Guidance(int(data["version"]), legal, categories, negatives, p)
