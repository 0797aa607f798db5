"""Training a model bundle on the annotated data: fit, choose the threshold, evaluate, save."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from screening import paths
from screening.bundle import (
    INTENDED_USE,
    USES_TO_AVOID,
    library_versions,
    now_iso,
    save_bundle,
    sha256_file,
)
from screening.dataset import load_labelled
from screening.errors import ScreeningError
from screening.evaluate import binary_metrics, category_metrics
from screening.guidance import CATEGORIES, load_guidance
from screening.lexicon import CandidateLexicon
from screening.model import PartisanModel
from screening.thresholds import best_f1_threshold
from screening.writers import check_target

Progress = Callable[[str], None]


@dataclass
class TrainConfig:
    """Inputs of a training run; defaults are the bundled data."""

    train_csv: Path = paths.TRAIN_CSV
    lexicon: Path = paths.TRAIN_LEXICON
    eval_csv: Path | None = paths.EVAL_CSV
    eval_lexicon: Path | None = paths.EVAL_LEXICON
    folds: int = 5
    seed: int = 0
    C: float = 4.0
    # other PartisanModel parameters (lexicon_dropout, typed_mentions, ...), for comparisons
    model_params: dict[str, Any] = field(default_factory=dict)


def out_of_fold_scores(
    model: PartisanModel, texts: list[str], y: np.ndarray, cats: np.ndarray, folds: int, seed: int
) -> np.ndarray:
    """(n,) scores of each training post from a model that did not see it (k-fold)."""
    oof = np.zeros(len(texts))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    arr = np.asarray(texts, dtype=object)
    for fit_idx, hold_idx in splitter.split(arr, y):
        m = clone(model).fit(arr[fit_idx].tolist(), y[fit_idx], cats[fit_idx])
        oof[hold_idx] = m.predict_proba(arr[hold_idx].tolist())[:, 1]
    return oof


@dataclass
class Evaluation:
    """Figures of a model on labelled posts, and the per-post scores behind them."""

    figures: dict[str, Any]
    data: pd.DataFrame
    score: np.ndarray
    category: np.ndarray
    uncalibrated: np.ndarray


def evaluate_frame(
    model: PartisanModel, df: pd.DataFrame, lexicon: CandidateLexicon | None, threshold: float
) -> Evaluation:
    """Evaluate on a labelled table (text, label, category): binary figures at ``threshold``,
    per-category figures, and Brier/ECE/AP before calibration."""
    texts = df["text"].tolist()
    screened = model.screen(texts, lexicon)
    raw = model.uncalibrated_score(texts, lexicon, features=screened.features)
    out = binary_metrics(df["label"], screened.score, threshold)
    out.update(
        category_metrics(df["label"], screened.score, threshold, df["category"], screened.category)
    )
    before = binary_metrics(df["label"], raw, 0.5)
    out["before_calibration"] = {k: before[k] for k in ("brier", "ece", "average_precision")}
    return Evaluation(out, df, screened.score, screened.category, raw)


def evaluate_model(
    model: PartisanModel, data: Path, lexicon: CandidateLexicon | None, threshold: float
) -> dict[str, Any]:
    """Binary and per-category figures of ``model`` on a labelled CSV."""
    return evaluate_frame(model, load_labelled(data), lexicon, threshold).figures


def train(
    config: TrainConfig,
    out_dir: Path,
    progress: Progress = lambda _: None,
    extra_card: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Train on ``config.train_csv``, write the bundle to ``out_dir``; returns the card.

    ``extra_card`` entries are added to the card (e.g. a retrained model's parent and labels).
    An existing bundle at ``out_dir`` is replaced only with ``overwrite``; that, and a folder
    that cannot be written, are refused before any training work.
    """
    check_target(Path(out_dir), overwrite, bundle=True)
    start = time.perf_counter()
    guidance = load_guidance(paths.GUIDANCE)
    df = load_labelled(config.train_csv)
    if df["label"].nunique() < 2:
        raise ScreeningError(f"{config.train_csv}: needs posts of both labels")
    bad = df[(df["label"] == 1) & ~df["category"].isin(CATEGORIES)]
    if len(bad):
        raise ScreeningError(
            f"{config.train_csv}: {len(bad)} label-1 row(s) without a valid category "
            f"(first at CSV line {int(bad.index[0]) + 2}); categories are {', '.join(CATEGORIES)}"
        )
    # The training lexicon is matched by the scoring rules (everyday-word acronyms such as
    # DAMAI only near a cue): its writers used those words both as names and as plain words.
    lexicon = CandidateLexicon.from_yaml(config.lexicon)
    texts = df["text"].tolist()
    y = df["label"].to_numpy()
    cats = df["category"].to_numpy(dtype=object)
    model = PartisanModel(
        lexicon=lexicon, C=config.C, random_state=config.seed, **config.model_params
    )

    progress(f"cross-validating ({config.folds} folds) to choose the threshold")
    oof = out_of_fold_scores(model, texts, y, cats, config.folds, config.seed)
    threshold = best_f1_threshold(y, oof)
    progress(f"fitting on {len(df)} posts")
    model.fit(texts, y, cats)

    metrics: dict[str, Any] = {"out_of_fold_train": binary_metrics(y, oof, threshold)}
    if config.eval_csv is not None and Path(config.eval_csv).is_file():
        progress(f"evaluating on {config.eval_csv}")
        eval_lex = (
            CandidateLexicon.from_yaml(config.eval_lexicon)
            if config.eval_lexicon is not None and Path(config.eval_lexicon).is_file()
            else None
        )
        metrics["eval"] = evaluate_model(model, Path(config.eval_csv), eval_lex, threshold)
        metrics["eval"]["lexicon"] = str(config.eval_lexicon) if eval_lex else None
        metrics["eval_without_lexicon"] = evaluate_model(
            model, Path(config.eval_csv), None, threshold
        )

    card: dict[str, Any] = {
        "name": out_dir.name,
        "created": now_iso(),
        "intended_use": INTENDED_USE,
        "uses_to_avoid": USES_TO_AVOID,
        "threshold": threshold,
        "threshold_source": (
            f"maximum F1 on {config.folds}-fold out-of-fold scores of the training data"
        ),
        "threshold_history": [],
        "training_data": {
            "path": _rel(config.train_csv),
            "sha256": sha256_file(config.train_csv),
            "rows": len(df),
            "label_1": int(y.sum()),
            "label_0": int((y == 0).sum()),
            "per_category": {c: int((cats == c).sum()) for c in CATEGORIES},
            "hard_negatives": int(df["rule"].isin(guidance.hard_negative_ids).sum())
            if "rule" in df
            else None,
        },
        "training_lexicon": {
            "path": _rel(config.lexicon),
            "election": lexicon.election,
            "terms": len(lexicon),
        },
        "guidance_version": guidance.version,
        "parameters": {k: v for k, v in model.get_params().items() if k != "lexicon"},
        "metrics": metrics,
        "libraries": library_versions(),
        "training_seconds": round(time.perf_counter() - start, 1),
        **(extra_card or {}),
    }
    save_bundle(model, card, out_dir)
    return card


def _rel(p: Path) -> str:
    try:
        return str(Path(p).resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(p)
