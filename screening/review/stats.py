"""What reviewers' decisions say: agreement, precision of flags, misses near the cut, labels."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
from sklearn.metrics import cohen_kappa_score

from screening.review.labels import conflicts
from screening.review.store import Store


def current_frame(store: Store) -> pd.DataFrame:
    rows = store.current()
    return (
        pd.DataFrame([dict(r) for r in rows])
        if rows
        else pd.DataFrame(
            columns=["post_id", "reviewer", "decision", "sample", "model_version", "threshold"]
        )
    )


def stats(store: Store) -> dict[str, Any]:
    """Decisions per reviewer; Cohen's kappa for each pair of reviewers on the posts both
    decided (partisan vs not, unsure left out); precision of flags per model version and
    threshold; and the share of partisan posts in the near-threshold sample (what the cut
    misses)."""
    cur = current_frame(store)
    if len(cur):
        cur["reviewer"] = cur["reviewer_key"]  # "Ani" and "ani" are one reviewer
    out: dict[str, Any] = {"decisions_total": store.count(), "current_decisions": len(cur)}
    out["per_reviewer"] = (
        cur.groupby("reviewer")["decision"]
        .value_counts()
        .unstack(fill_value=0)
        .to_dict(orient="index")
        if len(cur)
        else {}
    )
    sure = cur[cur["decision"] != "unsure"]
    pairs = []
    for a, b in itertools.combinations(sorted(sure["reviewer"].unique()), 2):
        m = sure[sure.reviewer == a].merge(
            sure[sure.reviewer == b], on="post_id", suffixes=("_a", "_b")
        )
        if len(m) >= 2:
            kappa = cohen_kappa_score(m["decision_a"], m["decision_b"])
            pairs.append(
                {
                    "reviewers": [a, b],
                    "shared_posts": len(m),
                    "agreement": float((m["decision_a"] == m["decision_b"]).mean()),
                    "kappa": None if pd.isna(kappa) else float(kappa),
                }
            )
    out["agreement"] = pairs
    out["conflicts_open"] = len(conflicts(store))
    out["adjudicated"] = len(store.adjudications())
    flags = sure[sure["sample"] == "flagged"]
    out["precision_of_flags"] = [
        {
            "model_version": mv,
            "threshold": thr,
            "decided": len(g),
            "precision": float((g["decision"] == "partisan").mean()),
        }
        for (mv, thr), g in flags.groupby(["model_version", "threshold"], dropna=False)
    ]
    near = sure[sure["sample"] == "near_threshold"]
    out["near_threshold_partisan_share"] = (
        {"decided": len(near), "partisan_share": float((near["decision"] == "partisan").mean())}
        if len(near)
        else None
    )
    return out
