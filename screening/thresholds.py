"""Choosing the flagging threshold from scores of labelled posts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import precision_recall_curve


def best_f1_threshold(y_true: Sequence[int], scores: Sequence[float]) -> float:
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
