"""Choosing the flagging threshold from scores of labelled posts.

Reviewers cannot read every post. For each cut-off this module says how many posts would be
flagged, how many of those are partisan (precision), how many partisan posts are missed
(recall), and what that costs in review time; and it recommends a cut-off for a stated target:

* ``target_precision`` P: the lowest threshold whose precision is at least P (the most recall
  at that precision);
* ``target_recall`` R: the highest threshold whose recall is at least R (the fewest flags, so
  the least review work, that still finds R of the partisan posts);
* ``max_flag_rate`` F: the lowest threshold that flags at most a share F of posts (the most
  recall within the reviewers' budget).

A post is flagged when ``score >= threshold``.

Recommendations are computed on scores rounded to ``SCORE_DECIMALS`` (what ``screening score``
writes), and the recommended threshold is placed halfway between the lowest score it keeps
and the next lower score, on a half step (``SCORE_DECIMALS + 1`` decimals). So no score sits
on the cut, and a rescore of the same posts that differs in the last bits, or is rounded,
flags exactly the same posts and keeps the promised figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import precision_recall_curve

from screening.model.evaluate import category_recall

MIN_POSITIVES_ABOVE_CUT = 30
# Decimals of the scores `screening score` writes; must match screening.scoring.local
# (PostScorer.score rounds with np.round(score, 6)).
SCORE_DECIMALS = 6
GRID = np.round(np.arange(0.05, 1.0, 0.05), 2)


def best_f1_threshold(y_true: ArrayLike, scores: ArrayLike) -> float:
    """The score cut-off (flag when score >= it) with the highest F1 on these labels.

    Ties go to the higher threshold (fewer flags for reviewers to read).
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(scores, dtype=float)
    if y.min() == y.max():
        raise ValueError("need both labels to choose a threshold")
    precision, recall, thresholds = precision_recall_curve(y, p)
    f1 = np.divide(
        2 * precision * recall,
        precision + recall,
        out=np.zeros_like(precision),
        where=(precision + recall) > 0,
    )[:-1]
    best = np.flatnonzero(f1 == f1.max())[-1]
    return float(thresholds[best])


def _counts(y: np.ndarray, p: np.ndarray, thresholds: np.ndarray) -> pd.DataFrame:
    """TP, FP, flagged for each threshold, vectorised over a sorted score array."""
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    tp_cum = np.concatenate([[0], np.cumsum(ys)])
    # number of scores >= t, for each t
    flagged = len(ps) - np.searchsorted(ps[::-1], thresholds, side="left")
    tp = tp_cum[flagged]
    return pd.DataFrame({"threshold": thresholds, "flagged": flagged, "tp": tp, "fp": flagged - tp})


def threshold_table(
    y_true: ArrayLike,
    scores: ArrayLike,
    thresholds: ArrayLike | None = None,
    *,
    corpus_size: int = 100_000,
    seconds_per_review: float = 30.0,
) -> pd.DataFrame:
    """One row per threshold: precision, recall, F1, flag rate, flagged per 10,000 posts, and
    the estimated flags and review hours for a corpus of ``corpus_size`` posts at
    ``seconds_per_review`` seconds per flagged post. Precision is NaN where nothing is flagged.
    """
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(scores, dtype=float)
    t = np.unique(np.asarray(GRID if thresholds is None else thresholds, dtype=float))
    c = _counts(y, p, t)
    pos = max(int(y.sum()), 1)
    precision = np.where(
        c["flagged"] > 0, c["tp"] / c["flagged"].where(c["flagged"] > 0, 1), np.nan
    )
    recall = c["tp"] / pos
    f1 = np.where((precision + recall) > 0, 2 * precision * recall / (precision + recall), 0.0)
    rate = c["flagged"] / max(len(y), 1)
    return pd.DataFrame(
        {
            "threshold": t,
            "precision": precision,
            "recall": recall,
            "f1": np.nan_to_num(f1),
            "flag_rate": rate,
            "flagged_per_10k": rate * 10_000,
            "est_flagged": np.round(rate * corpus_size).astype(int),
            "review_hours": rate * corpus_size * seconds_per_review / 3600,
            "tp": c["tp"],
            "fp": c["fp"],
        }
    )


@dataclass
class Recommendation:
    """The recommended threshold for a target, with its figures on the labelled data."""

    target: dict[str, float]
    threshold: float | None
    precision: float | None = None
    recall: float | None = None
    flag_rate: float | None = None
    positives_above_cut: int = 0
    precision_ci: tuple[float, float] | None = None
    recall_ci: tuple[float, float] | None = None
    warnings: list[str] = field(default_factory=list)


def recommend(
    y_true: ArrayLike,
    scores: ArrayLike,
    *,
    target_precision: float | None = None,
    target_recall: float | None = None,
    max_flag_rate: float | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    decimals: int = SCORE_DECIMALS,
) -> Recommendation:
    """Recommend a threshold meeting exactly one target (see the module docstring).

    ``scores`` (n,) in [0, 1] are rounded to ``decimals`` first; the threshold returned lies
    strictly between two of the rounded scores (see :func:`cut_between`), and the figures are
    those of the rounded scores at it.
    """
    given = {
        k: v
        for k, v in (
            ("precision", target_precision),
            ("recall", target_recall),
            ("flag_rate", max_flag_rate),
        )
        if v is not None
    }
    if len(given) != 1:
        raise ValueError("give exactly one of target_precision, target_recall, max_flag_rate")
    ((kind, value),) = given.items()
    y = np.asarray(y_true, dtype=int)
    # the scores `score` will write for these posts: a cut chosen on unrounded scores can
    # split posts that the scorer rounds to one value
    p = np.round(np.asarray(scores, dtype=float), decimals)
    # every distinct score is a candidate cut-off: the exact points where the target is met
    table = threshold_table(y, p, np.unique(p))
    if kind == "precision":
        ok = table[table["precision"] >= value]
        row = ok.iloc[0] if len(ok) else None
    elif kind == "recall":
        ok = table[table["recall"] >= value]
        row = ok.iloc[-1] if len(ok) else None
    else:
        ok = table[table["flag_rate"] <= value]
        row = ok.iloc[0] if len(ok) else None
    rec = Recommendation(target={kind: float(value)}, threshold=None)
    if row is None:
        rec.warnings.append(f"no threshold reaches {kind} {value} on this data")
        return rec
    kept = float(row["threshold"])  # the lowest score the cut keeps
    below = p[p < kept]
    rec.threshold = cut_between(kept, float(below.max()) if below.size else None, decimals)
    rec.precision = float(row["precision"])
    rec.recall = float(row["recall"])
    rec.flag_rate = float(row["flag_rate"])
    rec.positives_above_cut = int(row["tp"])
    rec.precision_ci, rec.recall_ci = bootstrap_intervals(
        y, p, rec.threshold, n=bootstrap, seed=seed
    )
    if rec.positives_above_cut < MIN_POSITIVES_ABOVE_CUT:
        rec.warnings.append(
            f"only {rec.positives_above_cut} partisan posts above the cut "
            f"(fewer than {MIN_POSITIVES_ABOVE_CUT}): too little labelled data to trust this target"
        )
    return rec


def cut_between(kept: float, below: float | None, decimals: int = SCORE_DECIMALS) -> float:
    """A threshold that keeps scores >= ``kept`` and drops ``below`` (the next lower score),
    both rounded to ``decimals``: their midpoint, rounded to ``decimals + 1`` decimals.

    The two scores differ by at least 10**-decimals, so the cut is at least half that away
    from each: rescoring noise in the last bits cannot move a post across it. With nothing
    below, the cut is half a step under ``kept`` (not below 0).
    """
    lower = below if below is not None else kept - 10.0**-decimals
    return max(round((kept + lower) / 2, decimals + 1), 0.0)


def bootstrap_intervals(
    y: np.ndarray, p: np.ndarray, threshold: float, *, n: int = 1000, seed: int = 0
) -> tuple[tuple[float, float], tuple[float, float]]:
    """95% percentile bootstrap intervals of (precision, recall) at a fixed threshold."""
    rng = np.random.default_rng(seed)
    flag = p >= threshold
    precisions, recalls = [], []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        yy, ff = y[idx], flag[idx]
        tp = int((yy & ff).sum())
        if ff.any():
            precisions.append(tp / ff.sum())
        if yy.any():
            recalls.append(tp / yy.sum())

    def ci(v: list[float]) -> tuple[float, float]:
        return (
            (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5))) if v else (np.nan, np.nan)
        )

    return ci(precisions), ci(recalls)


def per_category_recall(
    y_true: ArrayLike, scores: ArrayLike, categories: ArrayLike, threshold: float
) -> pd.DataFrame:
    """Recall at ``threshold`` among each category's partisan posts: which kinds the cut misses."""
    rows = [
        {"category": cat, "positives": n, "found": found, "recall": found / n if n else np.nan}
        for cat, (n, found) in category_recall(y_true, scores, categories, threshold).items()
    ]
    return pd.DataFrame(rows)
