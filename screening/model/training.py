"""Training a model bundle on the annotated data: fit, choose the threshold, evaluate, save."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_predict

from screening import paths
from screening.data.dataset import load_labelled
from screening.data.guidance import CATEGORIES, load_guidance
from screening.errors import ScreeningError
from screening.io.files import check_target, now_iso, sha256_file
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import INTENDED_USE, USES_TO_AVOID, library_versions, save_bundle
from screening.model.estimator import PartisanModel, Posts
from screening.model.evaluate import binary_metrics, evaluate_model
from screening.model.thresholds import best_f1_threshold
from screening.text.normalize import remembering

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
    # PartisanModel parameters other than its defaults (C, lexicon_dropout, ...)
    model_params: dict[str, Any] = field(default_factory=dict)
    # reviewer labels may say "partisan" without a category: the binary head learns from
    # them, the category head leaves them out (bundled data must always have one)
    allow_uncategorised: bool = False


def writer_groups(df: pd.DataFrame, folds: int) -> np.ndarray | None:
    """(n,) writer of each row when the table has a ``writer`` column with at least ``folds``
    writers (enough for grouped folds), else None."""
    if "writer" not in df.columns:
        return None
    writers = df["writer"].fillna("").astype(str).to_numpy(dtype=object)
    return writers if len(set(writers) - {""}) >= folds else None


def out_of_fold_scores(
    model: PartisanModel,
    X: Posts,
    y: np.ndarray,
    *,
    categories: np.ndarray,
    folds: int,
    seed: int,
    groups: np.ndarray | None = None,
    sample_weight: np.ndarray | None = None,
) -> np.ndarray:
    """(n,) scores of each training post from a model that did not see it (k-fold):
    ``cross_val_predict`` of ``model`` on posts ``X`` (see :class:`PartisanModel`).

    ``groups`` (n,): the writer of each post. With it the folds keep each writer's posts
    together (stratified group k-fold), so a post is scored by a model that never saw its
    writer's style, as real posts will be; the inner calibration is grouped the same way.
    """
    splitter: StratifiedKFold | StratifiedGroupKFold = (
        StratifiedKFold(folds, shuffle=True, random_state=seed)
        if groups is None
        else StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    )
    proba = cross_val_predict(
        model,
        X,  # type: ignore[arg-type]  # a list of texts or a table, both indexable by row
        y,
        groups=groups,
        cv=splitter,
        method="predict_proba",
        # fit parameters, cut to each fold's rows
        params={"categories": categories, "sample_weight": sample_weight, "groups": groups},
    )
    return np.asarray(proba)[:, 1]


def posts_table(texts: Sequence[str], lexicons: Sequence[CandidateLexicon | None] | None) -> Posts:
    """The posts as :class:`PartisanModel` takes them: the texts, or a table of texts and
    each row's own lexicon (None: the training lexicon) when some rows have one."""
    if lexicons is None:
        return list(texts)
    return pd.DataFrame({"text": list(texts), "lexicon": pd.Series(lexicons, dtype=object)})


def row_options(
    df: pd.DataFrame, source: Path
) -> tuple[np.ndarray | None, list[CandidateLexicon | None] | None]:
    """Optional per-row training options of a training table: ``weight`` (a non-negative
    number; blank is 1) and ``lexicon`` (a lexicon YAML typing that row's candidates; blank is
    the training lexicon). Paths are relative to the table's folder."""
    weights = None
    if "weight" in df.columns:
        w = pd.to_numeric(df["weight"].replace("", "1"), errors="coerce")
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
            raise ScreeningError(f"{source}: line {line}: weight must be a number >= 0")
        weights = w.to_numpy(dtype=float)
    lexicons = None
    if "lexicon" in df.columns and (df["lexicon"].astype(str).str.strip() != "").any():
        loaded: dict[str, CandidateLexicon] = {}
        lexicons = []
        for name in df["lexicon"].astype(str).str.strip():
            if name and name not in loaded:
                path = Path(name) if Path(name).is_absolute() else Path(source).parent / name
                loaded[name] = CandidateLexicon.from_yaml(path)
            lexicons.append(loaded[name] if name else None)
    return weights, lexicons


@remembering()  # every fold of both cross-validations normalises the same posts: once is enough
def train(
    config: TrainConfig,
    out_dir: Path,
    *,
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
    if config.allow_uncategorised:
        bad = bad[bad["category"] != ""]
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
    params: dict[str, Any] = {"random_state": config.seed}
    params.update(config.model_params)  # a comparison's options win over the defaults
    model = PartisanModel(lexicon=lexicon, **params)

    groups = writer_groups(df, config.folds)
    weights, row_lex = row_options(df, Path(config.train_csv))
    posts = posts_table(texts, row_lex)
    oof_of = partial(
        out_of_fold_scores,
        model,
        posts,
        y,
        categories=cats,
        folds=config.folds,
        seed=config.seed,
        sample_weight=weights,
    )
    progress(f"cross-validating ({config.folds} folds) to choose the threshold")
    oof = oof_of()
    writer_oof = None
    if groups is not None:
        progress(f"cross-validating out-of-writer ({config.folds} folds of writers)")
        writer_oof = oof_of(groups=groups)
    # the threshold is chosen where no writer's style is on both sides, when writers are known
    threshold = best_f1_threshold(y, oof if writer_oof is None else writer_oof)
    progress(f"fitting on {len(df)} posts")
    model.fit(posts, y, categories=cats, sample_weight=weights, groups=groups)

    metrics: dict[str, Any] = {"out_of_fold_train": binary_metrics(y, oof, threshold)}
    if writer_oof is not None:
        metrics["out_of_writer_train"] = binary_metrics(y, writer_oof, threshold)
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
            + (", folds grouped by writer" if writer_oof is not None else "")
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
