"""The review queue as reviewers see it: column order, headers and drop-down values in
Indonesian (default) or English, and reading either language back.

Reviewers work left to right: the post (id, text), then what they fill (decision, category,
note), then the evidence (reasons as terms only, link, author, date, score, the model's
category), then the bookkeeping (sample, guidance, model version, threshold). Headers and
decision values come from the string catalogue (:mod:`screening.i18n`); :func:`normalise_sheet`
maps both languages back to the internal names, so `review import` reads any queue.
"""

from __future__ import annotations

import re

import pandas as pd

from screening.errors import ScreeningError
from screening.i18n import pairs
from screening.review.store import DECISIONS

# the columns in the order reviewers see them; their headers (Indonesian, English) come from
# the string catalogue (screening/resources/i18n.yaml, keys column.<name>)
ORDER = (
    "post_id",
    "text",
    "decision",
    "reviewer_category",
    "note",
    "reasons",
    "link",
    "author",
    "date",
    "score",
    "category",
    "sample",
    "guidance",
    "model_version",
    "threshold",
)
COLUMNS: dict[str, tuple[str, str]] = pairs("column", ORDER)
# decision value -> (Indonesian, English), from the catalogue's decision.<value>
DECISION_WORDS: dict[str, tuple[str, str]] = pairs("decision", DECISIONS)
LINK_COLUMNS = ("tweet_url", "url", "link", "permalink")
AUTHOR_COLUMNS = ("username", "screen_name", "user", "author", "from.name")
DATE_COLUMNS = ("created_at", "date", "time", "timestamp")
WIDTHS = {"text": 70, "reasons": 40, "guidance": 50, "note": 30, "link": 30}
_WEIGHT = re.compile(r"\s*\([+-]?\d+(?:\.\d+)?\)")


def _lang_index(lang: str) -> int:
    if lang not in ("id", "en"):
        raise ValueError(f"language must be id or en, not {lang!r}")
    return 0 if lang == "id" else 1


def reason_terms(reasons: str) -> str:
    """The terms of a ``reasons`` cell without their weights or the guidance text:
    ``"relawan [name] (+0.98), posko (+0.22) | kampanye: ..."`` -> ``"relawan [name], posko"``."""
    return _WEIGHT.sub("", str(reasons).split(" | ", 1)[0]).strip()


def decision_values(lang: str) -> list[str]:
    """The drop-down values of the decision column in ``lang``."""
    i = _lang_index(lang)
    return [DECISION_WORDS[d][i] for d in DECISIONS]


def header(name: str, lang: str) -> str:
    return COLUMNS[name][_lang_index(lang)] if name in COLUMNS else name


def layout(queue: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """The queue (as :func:`~screening.review.queue.build_queue` makes it) in reviewers'
    order and language: link, author and date taken from the export's first such column, any
    other context column after the known ones; headers in ``lang``."""
    out = pd.DataFrame(index=queue.index)
    context = [c for c in queue.columns if c not in COLUMNS]
    picks = {
        "link": next((c for c in LINK_COLUMNS if c in queue.columns), None),
        "author": next((c for c in AUTHOR_COLUMNS if c in queue.columns), None),
        "date": next((c for c in DATE_COLUMNS if c in queue.columns), None),
    }
    for name in COLUMNS:
        if name in picks:
            src = picks[name]
            if src is not None:
                out[name] = queue[src]
        elif name == "reasons" and name in queue.columns:
            out[name] = queue["reasons"].fillna("").map(reason_terms)
        elif name in queue.columns:
            out[name] = queue[name]
    rest = [c for c in context if c not in picks.values()]
    for c in rest:
        out[c] = queue[c]
    return out.rename(columns={c: header(c, lang) for c in out.columns})


def normalise_sheet(df: pd.DataFrame) -> pd.DataFrame:
    """A filled queue in either language with internal column names and decision values
    (``tidak_partisan`` -> ``not_partisan``, ``ragu`` -> ``unsure``; case and spaces or
    hyphens in the value do not matter). Unknown columns are kept as they are."""
    back = {h: name for name, pair in COLUMNS.items() for h in pair}
    out = df.rename(columns={c: back.get(str(c), c) for c in df.columns})
    twice = sorted({c for c in out.columns if list(out.columns).count(c) > 1})
    if twice:
        both = ", ".join(f"{COLUMNS[c][0]}/{COLUMNS[c][1]}" if c in COLUMNS else c for c in twice)
        raise ScreeningError(f"the sheet has the same column in both languages: {both}")
    if "decision" in out.columns:
        words = {w: d for d, pair in DECISION_WORDS.items() for w in pair}
        norm = (
            out["decision"]
            .fillna("")
            .astype(str)
            .str.strip()
            .str.lower()
            .str.replace(" ", "_")
            .str.replace("-", "_")
        )
        out["decision"] = norm.map(lambda v: words.get(v, v))
    return out
