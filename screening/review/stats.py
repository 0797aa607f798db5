"""What reviewers' decisions say: agreement, precision of flags, misses near the cut, labels."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
from sklearn.metrics import cohen_kappa_score

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


LABEL_COLUMNS = ("text", "label", "category", "post_id", "text_sha256", "reviewer", "decided_at")


def export_labels(store: Store) -> pd.DataFrame:
    """Current decisions as training labels: per post, the latest partisan/not_partisan decision
    of any reviewer (unsure is left out).

    Columns: text, label, category, post_id, text_sha256, reviewer, decided_at; no rows (but
    these columns) when there are no sure decisions."""
    cur = current_frame(store)
    if not len(cur):
        # an empty store: the header alone, so retrain and scripts see the expected columns
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LABEL_COLUMNS}).astype(
            {"label": int}
        )
    sure = cur[cur["decision"] != "unsure"].sort_values("id")
    latest = sure.groupby("post_id", as_index=False).last()
    return pd.DataFrame(
        {
            "text": latest.get("text", pd.Series(dtype=str)),
            "label": (latest["decision"] == "partisan").astype(int),
            "category": latest["category"].where(latest["decision"] == "partisan", "").fillna(""),
            "post_id": latest["post_id"],
            "text_sha256": latest.get("text_sha256", pd.Series(dtype=str)),
            "reviewer": latest["reviewer"],
            "decided_at": latest["decided_at"],
        }
    )
