"""Evaluation figures for scored, labelled posts, and a model evaluated on a labelled table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    confusion_matrix,
    precision_recall_fscore_support,
    roc_auc_score,
)

from screening.data.dataset import load_labelled
from screening.data.guidance import CATEGORIES
from screening.lexicon.candidates import CandidateLexicon

if TYPE_CHECKING:
    from screening.model.estimator import PartisanModel


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Mean |observed rate - mean score| over equal-width score bins, weighted by bin size."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1], right=True), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(y[m].mean() - p[m].mean())
    return float(total / max(len(y), 1))


def binary_metrics(y_true: ArrayLike, scores: ArrayLike, threshold: float) -> dict[str, Any]:
    """Precision, recall, F1 at ``threshold`` (flag when score >= threshold), AP, ROC AUC,
    Brier score, ECE and the confusion matrix [[tn, fp], [fn, tp]]."""
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(scores, dtype=float)
    pred = (p >= threshold).astype(int)
    prec, rec, f1, _ = precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
    both = len(np.unique(y)) == 2
    cm = confusion_matrix(y, pred, labels=[0, 1])
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "threshold": float(threshold),
        "precision": float(prec),
        "recall": float(rec),
        "f1": float(f1),
        "average_precision": float(average_precision_score(y, p)) if both else None,
        "roc_auc": float(roc_auc_score(y, p)) if both else None,
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p),
        "flag_rate": float(pred.mean()) if len(pred) else 0.0,
        "confusion_matrix": {
            "tn": int(cm[0, 0]),
            "fp": int(cm[0, 1]),
            "fn": int(cm[1, 0]),
            "tp": int(cm[1, 1]),
        },
    }


def category_recall(
    y_true: ArrayLike, scores: ArrayLike, categories: ArrayLike, threshold: float
) -> dict[str, tuple[int, int]]:
    """``{category: (partisan posts, of them flagged at threshold)}`` for every guidance
    category, in guidance order: which kinds of partisan post a cut misses."""
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(scores, dtype=float)
    c = np.asarray(categories, dtype=object)
    out = {}
    for cat in CATEGORIES:
        m = (y == 1) & (c == cat)
        out[cat] = (int(m.sum()), int((p[m] >= threshold).sum()))
    return out


def category_metrics(
    y_true: ArrayLike,
    scores: ArrayLike,
    threshold: float,
    true_category: ArrayLike,
    predicted_category: ArrayLike,
) -> dict[str, Any]:
    """Per category of the true positives: count, recall at ``threshold``, and how often the
    predicted category is right; plus overall category accuracy on the positives."""
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(scores, dtype=float)
    tc = np.asarray(true_category, dtype=object)
    pc = np.asarray(predicted_category, dtype=object)
    pos = y == 1
    out: dict[str, Any] = {}
    for cat, (n, found) in category_recall(y, p, tc, threshold).items():
        m = pos & (tc == cat)
        out[cat] = {
            "n": n,
            "recall": found / n if n else None,
            "category_accuracy": float((pc[m] == cat).mean()) if n else None,
        }
    known = pos & np.isin(tc, CATEGORIES)
    accuracy = float((pc[known] == tc[known]).mean()) if known.any() else None
    return {"per_category": out, "category_accuracy": accuracy}


def average_precision(y_true: np.ndarray, scores: np.ndarray) -> float:
    """scikit-learn's ``average_precision_score`` for labels in {0, 1} with both present,
    computed the same way (tie-grouped thresholds, float64 cumulative counts, the same sum),
    so the values are equal to the bit, without its input checks, which cost a bootstrap
    of 1,000 resamples seconds. ``y_true`` (n,) int; ``scores`` (n,) float."""
    order = np.argsort(scores, kind="mergesort")[::-1]
    s, y = scores[order], y_true[order].astype(np.float64)
    cut = np.concatenate([np.flatnonzero(np.diff(s)), [len(s) - 1]])
    tps = np.cumsum(y, dtype=np.float64)[cut]
    fps = 1 + cut.astype(np.float64) - tps
    ps = tps + fps
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(ps != 0, tps / ps, 0.0)
    recall = tps / tps[-1]
    precision = np.concatenate([precision[::-1], [1.0]])
    recall = np.concatenate([recall[::-1], [0.0]])
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))


def paired_bootstrap_ap(
    y_true: ArrayLike, a: ArrayLike, b: ArrayLike, *, n: int = 1000, seed: int = 0
) -> dict[str, float]:
    """AP(b) - AP(a) on the same posts, with a 95% paired bootstrap interval (rows resampled
    together, so both models are judged on each resample)."""
    y = np.asarray(y_true, dtype=int)
    sa, sb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(n):
        idx = rng.integers(0, len(y), len(y))
        if y[idx].min() == y[idx].max():
            continue
        diffs.append(average_precision(y[idx], sb[idx]) - average_precision(y[idx], sa[idx]))
    return {
        "ap_difference": float(average_precision_score(y, sb) - average_precision_score(y, sa)),
        "ci_low": float(np.percentile(diffs, 2.5)),
        "ci_high": float(np.percentile(diffs, 97.5)),
        "resamples": len(diffs),
    }


def worst_errors(
    texts: Sequence[str],
    y_true: ArrayLike,
    scores: ArrayLike,
    threshold: float,
    *,
    k: int = 10,
) -> dict[str, list[dict[str, Any]]]:
    """The ``k`` highest-scored false positives and lowest-scored false negatives (score,
    text and row index of each)."""
    y = np.asarray(y_true, dtype=int)
    p = np.asarray(scores, dtype=float)
    t = list(texts)
    fp = np.flatnonzero((y == 0) & (p >= threshold))
    fn = np.flatnonzero((y == 1) & (p < threshold))
    fp = fp[np.argsort(-p[fp])][:k]
    fn = fn[np.argsort(p[fn])][:k]
    return {
        "false_positives": [{"score": float(p[i]), "text": t[i], "index": int(i)} for i in fp],
        "false_negatives": [{"score": float(p[i]), "text": t[i], "index": int(i)} for i in fn],
    }


@dataclass
class Evaluation:
    """Figures of a model on labelled posts, and the per-post scores behind them."""

    figures: dict[str, Any]
    data: pd.DataFrame
    score: np.ndarray
    category: np.ndarray
    uncalibrated: np.ndarray


LexiconChoice = CandidateLexicon | None | Mapping[str, CandidateLexicon | None]


def screen_rows(
    model: PartisanModel, df: pd.DataFrame, lexicon: LexiconChoice
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(score, category, uncalibrated score) of each row of ``df``. ``lexicon`` is one lexicon
    for all rows, or a mapping from a row's ``file`` to the lexicon of that file's election
    (labels of real posts from several elections)."""
    texts = df["text"].tolist()
    if not isinstance(lexicon, Mapping):
        screened = model.screen(texts, lexicon)
        raw = model.uncalibrated_score(texts, lexicon, features=screened.features)
        return screened.score, screened.category, raw
    score = np.zeros(len(df))
    category = np.empty(len(df), dtype=object)
    raw = np.zeros(len(df))
    for name, rows in df.groupby("file").indices.items():
        part = [texts[i] for i in rows]
        screened = model.screen(part, lexicon.get(str(name)))
        score[rows], category[rows] = screened.score, screened.category
        raw[rows] = model.uncalibrated_score(part, None, features=screened.features)
    return score, category, raw


def evaluate_frame(
    model: PartisanModel, df: pd.DataFrame, lexicon: LexiconChoice, threshold: float
) -> Evaluation:
    """Evaluate on a labelled table (text, label, category): binary figures at ``threshold``,
    per-category figures, and Brier/ECE/AP before calibration. ``lexicon`` as in
    :func:`screen_rows`."""
    score, category, raw = screen_rows(model, df, lexicon)
    out = binary_metrics(df["label"], score, threshold)
    out.update(category_metrics(df["label"], score, threshold, df["category"], category))
    before = binary_metrics(df["label"], raw, 0.5)
    out["before_calibration"] = {k: before[k] for k in ("brier", "ece", "average_precision")}
    return Evaluation(out, df, score, category, raw)


def evaluate_model(
    model: PartisanModel, data: Path, lexicon: CandidateLexicon | None, threshold: float
) -> dict[str, Any]:
    """Binary and per-category figures of ``model`` on a labelled CSV."""
    return evaluate_frame(model, load_labelled(data), lexicon, threshold).figures
