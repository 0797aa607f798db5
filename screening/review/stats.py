"""What reviewers' decisions say: agreement, precision of flags, misses near the cut, labels."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
from sklearn.metrics import cohen_kappa_score

from screening.i18n import t
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


def kappa_reading(kappa: float | None) -> str:
    """Landis & Koch's (1977) reading of a kappa, as a catalogue key."""
    if kappa is None:
        return "kappa.undefined"
    for upper, key in (
        (0.0, "kappa.poor"),
        (0.2, "kappa.slight"),
        (0.4, "kappa.fair"),
        (0.6, "kappa.moderate"),
        (0.8, "kappa.substantial"),
    ):
        if kappa < upper or (upper > 0 and kappa <= upper):
            return key
    return "kappa.almost_perfect"


def render_stats(st: dict[str, Any], lang: str = "id") -> str:
    """A short readable summary of :func:`stats` for reviewers (percentages, 2-3 digits)."""

    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    lines = [
        t("stats.title", lang),
        "  "
        + t(
            "stats.totals",
            lang,
            total=st["decisions_total"],
            current=st["current_decisions"],
            conflicts=st.get("conflicts_open", 0),
            adjudicated=st.get("adjudicated", 0),
        ),
        "",
        t("stats.per_reviewer", lang),
    ]
    kinds = ("partisan", "not_partisan", "unsure")
    header = [t("stats.reviewer", lang), *(t(f"decision.{k}", lang) for k in kinds)]
    rows = [[name, *(str(c.get(k, 0)) for k in kinds)] for name, c in st["per_reviewer"].items()]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        lines.append("  " + "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    if not rows:
        lines.append("  " + t("stats.none", lang))
    lines += ["", t("stats.agreement", lang)]
    for p in st["agreement"]:
        kappa = p["kappa"]
        lines.append(
            "  "
            + t(
                "stats.pair",
                lang,
                a=p["reviewers"][0],
                b=p["reviewers"][1],
                n=p["shared_posts"],
                agree=pct(p["agreement"]),
                kappa="-" if kappa is None else f"{kappa:.2f}",
                reading=t(kappa_reading(kappa), lang),
            )
        )
        if kappa is not None and p["agreement"] >= 0.8 and kappa < 0.4:
            lines.append("    " + t("stats.prevalence", lang))
    if not st["agreement"]:
        lines.append("  " + t("stats.no_pairs", lang))
    lines += ["", t("stats.precision", lang)]
    for p in st["precision_of_flags"]:
        thr = p["threshold"]
        lines.append(
            "  "
            + t(
                "stats.precision_row",
                lang,
                model=p["model_version"],
                threshold="-" if thr is None or pd.isna(thr) else f"{float(thr):.3f}",
                n=p["decided"],
                precision=pct(p["precision"]),
            )
        )
    if not st["precision_of_flags"]:
        lines.append("  " + t("stats.none", lang))
    near = st.get("near_threshold_partisan_share")
    if near:
        lines += ["", t("stats.near", lang, n=near["decided"], share=pct(near["partisan_share"]))]
    return "\n".join(lines)
