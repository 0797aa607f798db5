"""From reviewers' decisions to training labels: agreement, conflicts, adjudication, export.

A post (one text, whatever export it came from) has the current decision of each reviewer
(reviewers compared without case). Unsure decisions abstain. The post is

* **agreed** when every sure decision on it says the same (one reviewer alone counts as agreed);
* **in conflict** when some say partisan and some not partisan;
* **adjudicated** when an adjudicator recorded a final decision on it (its own append-only row,
  `review adjudicate`); that decision wins over the reviews, whatever they say.

:func:`export_labels` exports agreed and adjudicated posts; conflicts are left out unless a
policy resolves them: ``latest`` (the most recent sure decision) or ``majority`` (the label
most reviewers chose; a tie stays out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from screening.errors import ScreeningError
from screening.review.store import Store

POLICIES = ("skip", "latest", "majority")
LABEL_COLUMNS = (
    "text",
    "label",
    "category",
    "post_id",
    "text_sha256",
    "reviewer",
    "decided_at",
    "basis",
    "sample",
)
CONFLICT_COLUMNS = ("post_id", "text_sha256", "decisions", "text")


def _sure(store: Store) -> pd.DataFrame:
    rows = [dict(r) for r in store.current()]
    cols = ["id", "post_id", "text", "text_sha256", "reviewer", "reviewer_key", "decision"]
    empty = pd.DataFrame(columns=[*cols, "category", "decided_at", "sample"])
    cur = pd.DataFrame(rows) if rows else empty
    return cur[cur["decision"] != "unsure"].sort_values("id")


def _said(group: pd.DataFrame) -> str:
    """Who said what, e.g. ``ani: partisan (dukungan); budi: not_partisan``."""
    parts = []
    for r in group.itertuples(index=False):
        cat = f" ({r.category})" if r.decision == "partisan" and r.category else ""
        parts.append(f"{r.reviewer_key}: {r.decision}{cat}")
    return "; ".join(parts)


def conflicts(store: Store, *, include_adjudicated: bool = False) -> pd.DataFrame:
    """Posts whose current sure decisions disagree (partisan vs not partisan), one row each:
    post_id, text_sha256, decisions (who said what), text; adjudicated posts only when
    ``include_adjudicated`` (then with the adjudication in ``adjudicated``)."""
    sure = _sure(store)
    adjudicated = {r["text_sha256"]: r for r in store.adjudications()}
    out = []
    for sha, g in sure.groupby("text_sha256", sort=False):
        if g["decision"].nunique() < 2:
            continue
        adj = adjudicated.get(sha)
        if adj is not None and not include_adjudicated:
            continue
        row = {
            "post_id": str(g["post_id"].iloc[-1]),
            "text_sha256": sha,
            "decisions": _said(g),
            "text": str(g["text"].iloc[-1]),
        }
        if include_adjudicated:
            row["adjudicated"] = "" if adj is None else f"{adj['reviewer']}: {adj['decision']}"
        out.append(row)
    columns = [*CONFLICT_COLUMNS, *(["adjudicated"] if include_adjudicated else [])]
    return pd.DataFrame(out, columns=columns)


@dataclass
class ExportReport:
    """How the exported labels were decided; ``conflicts_left_out`` posts are not exported."""

    agreed: int = 0
    adjudicated: int = 0
    conflicts_resolved: int = 0
    conflicts_left_out: int = 0
    policy: str = "skip"
    notes: list[str] = field(default_factory=list)


def _category(g: pd.DataFrame) -> str:
    """The category most partisan decisions gave (ties: the most recent of the tied)."""
    cats = g.loc[g["decision"] == "partisan", "category"].fillna("").astype(str)
    cats = cats[cats != ""]
    if cats.empty:
        return ""
    counts = cats.value_counts()
    top = set(counts[counts == counts.max()].index)
    return str(next(c for c in reversed(cats.tolist()) if c in top))


def export_labels(store: Store, *, policy: str = "skip") -> tuple[pd.DataFrame, ExportReport]:
    """Training labels from the store, one row per post: columns :data:`LABEL_COLUMNS`
    (``basis``: agreed, adjudicated, latest or majority). Unsure decisions abstain; a post
    with only unsure decisions is not exported."""
    if policy not in POLICIES:
        raise ScreeningError(f"conflict policy must be one of {', '.join(POLICIES)}")
    report = ExportReport(policy=policy)
    sure = _sure(store)
    adjudicated = {r["text_sha256"]: dict(r) for r in store.adjudications()}
    rows: list[dict[str, Any]] = []
    for sha, g in sure.groupby("text_sha256", sort=False):
        last = g.iloc[-1]
        base = {"text": last["text"], "post_id": last["post_id"], "text_sha256": sha}
        if sha in adjudicated:
            continue  # added below, with the adjudications on posts nobody else decided
        labels = g["decision"]
        if labels.nunique() == 1:
            basis, decision, who = "agreed", labels.iloc[0], g
            report.agreed += 1
        elif policy == "latest":
            basis, decision, who = "latest", last["decision"], g.iloc[[-1]]
            report.conflicts_resolved += 1
        elif policy == "majority" and labels.value_counts().is_unique:
            decision = labels.value_counts().idxmax()
            basis, who = "majority", g[labels == decision]
            report.conflicts_resolved += 1
        else:
            report.conflicts_left_out += 1
            continue
        rows.append(
            {
                **base,
                "label": int(decision == "partisan"),
                "category": _category(who) if decision == "partisan" else "",
                "reviewer": ",".join(dict.fromkeys(who["reviewer_key"])),
                "decided_at": str(who["decided_at"].iloc[-1]),
                "basis": basis,
                "sample": str(who["sample"].iloc[-1] or ""),
            }
        )
    last_sample = sure.groupby("text_sha256")["sample"].last().fillna("").to_dict()
    for sha, adj in adjudicated.items():
        if adj["decision"] == "unsure":
            report.notes.append(f"adjudicated as unsure, not exported: post {adj['post_id']}")
            continue
        rows.append(
            {
                "text": adj["text"],
                "label": int(adj["decision"] == "partisan"),
                "category": (adj["category"] or "") if adj["decision"] == "partisan" else "",
                "post_id": adj["post_id"],
                "text_sha256": sha,
                "reviewer": str(adj["reviewer"]).strip().lower(),
                "decided_at": adj["decided_at"],
                "basis": "adjudicated",
                "sample": str(last_sample.get(sha, "")),
            }
        )
        report.adjudicated += 1
    df = pd.DataFrame(rows, columns=list(LABEL_COLUMNS))
    return df.astype({"label": int}), report
