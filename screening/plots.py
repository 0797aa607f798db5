"""Figures for threshold review and evaluation (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import ArrayLike
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def pr_figure(
    y: ArrayLike,
    scores: ArrayLike,
    marks: dict[str, float],
    title: str = "",
) -> bytes:
    """PNG: precision-recall curve with the given thresholds marked, and the score
    distributions of partisan and other posts with the same thresholds as lines."""
    y_arr, p = np.asarray(y, dtype=int), np.asarray(scores, dtype=float)
    precision, recall, _ = precision_recall_curve(y_arr, p)
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    a.plot(recall, precision, color="#1f4e79", lw=2)
    styles = iter([("o", "#d62728"), ("*", "#2ca02c"), ("s", "#9467bd"), ("^", "#ff7f0e")])
    for label, t in marks.items():
        m, c = next(styles)
        f = p >= t
        tp = int((f & (y_arr == 1)).sum())
        pr, rc = tp / max(int(f.sum()), 1), tp / max(int(y_arr.sum()), 1)
        a.plot(rc, pr, m, ms=12, color=c, label=f"{label} {t:.3f}: P {pr:.2f} R {rc:.2f}")
        b.axvline(t, color=c, ls="--", label=f"{label} {t:.3f}")
    a.set(
        xlabel="recall",
        ylabel="precision",
        xlim=(0, 1.02),
        ylim=(0, 1.02),
        title=title or "precision-recall",
    )
    a.grid(alpha=0.3)
    a.legend(loc="lower left", fontsize=8)
    bins = np.linspace(0, 1, 41)
    b.hist(p[y_arr == 0], bins=bins, alpha=0.6, color="#7f7f7f", label="not partisan")
    b.hist(p[y_arr == 1], bins=bins, alpha=0.6, color="#d62728", label="partisan")
    b.set(xlabel="score", ylabel="posts", title="score distribution by label", yscale="log")
    b.legend(fontsize=8)
    return _png(fig)


def reliability_figure(y: ArrayLike, scores: dict[str, ArrayLike], bins: int = 10) -> bytes:
    """PNG: reliability diagram (observed share of partisan posts per score bin) for one or
    more score sets (e.g. before and after calibration), with the bin counts below."""
    y_arr = np.asarray(y, dtype=int)
    fig, (a, b) = plt.subplots(2, 1, figsize=(5.5, 6.5), height_ratios=[3, 1], sharex=True)
    a.plot([0, 1], [0, 1], ls=":", color="black", label="perfect calibration")
    for name, s in scores.items():
        s_arr = np.asarray(s, dtype=float)
        frac, mean = calibration_curve(y_arr, s_arr, n_bins=bins, strategy="uniform")
        a.plot(mean, frac, "o-", label=name)
        b.hist(s_arr, bins=np.linspace(0, 1, bins + 1), histtype="step", lw=2, label=name)
    a.set(ylabel="observed share partisan", title="reliability diagram", xlim=(0, 1), ylim=(0, 1))
    a.grid(alpha=0.3)
    a.legend(fontsize=8)
    b.set(xlabel="score", ylabel="posts", yscale="log")
    return _png(fig)


def save(png: bytes, path: str | Path) -> Path:
    """Write PNG bytes to ``path`` (parents created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(png)
    return p
