"""Retraining with reviewers' labels, and the model versions kept in models/.

A retrain trains on the bundled data plus reviewer labels (a reviewer label replaces the
bundled label of the same text; its candidates are typed by the lexicon of its election). It
keeps a stratified share of the reviewer labels out of training to test on; chooses the weight
of a reviewer label against a bundled post on the rest (folds of whole elections when the
labels name them); stores a learning curve in the card; then compares the new and the current
model on data/eval.csv, on the held-out share and on the bundled everyday posts, and moves the
``current`` pointer to the new bundle only when it is not worse beyond noise on any of them
(AP: the 95% paired bootstrap interval of the difference lies wholly below 0; everyday posts: a
one-sided sign test on the posts only one model flags), unless forced. Every bundle is kept; its
card names its parent, the label files used and (by sha256 prefix) the label texts it trained on.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold, StratifiedKFold, train_test_split

from screening import paths
from screening.data.dataset import load_labelled
from screening.errors import ScreeningError
from screening.hashing import text_hash
from screening.io.files import atomic_write, sha256_file
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import Bundle, load_bundle, read_card
from screening.model.estimator import PartisanModel
from screening.model.evaluate import binary_metrics, evaluate_frame, paired_bootstrap_ap
from screening.model.training import TrainConfig, posts_table, train
from screening.text.normalize import remembering

GROUP_COLUMNS = ("election", "group", "file")
LABEL_WEIGHTS = (1.0, 3.0, 10.0)
CURVE_SHARES = (0.25, 0.5, 0.75, 1.0)
MIN_LABELS_TO_CHOOSE = 40
AP_TOLERANCE = 0.005
EVERYDAY_RULES = ("NEG-UMUM", "NEG-KATA")


@dataclass
class RetrainResult:
    new_dir: Path
    made_current: bool
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)
    reason: str = ""
    learning_curve: list[dict[str, Any]] = field(default_factory=list)
    everyday: dict[str, Any] = field(default_factory=dict)


def new_version_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def merge_labels(
    bundled: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    weight: float = 1.0,
    lexicon_path: str = "",
) -> pd.DataFrame:
    """Bundled rows plus reviewer rows; a reviewer label replaces the bundled row of that text.

    Columns text, label, category, writer, weight, lexicon: reviewer rows get ``weight`` and
    the lexicon file of their election (typing their candidates as they will be typed when
    scored), and a writer id per label group (``reviewers:<group>``), so out-of-writer folds
    keep one election's labels together."""
    hashes = set(labels["text"].map(text_hash))
    keep = bundled[~bundled["text"].map(text_hash).isin(hashes)]
    writer = keep["writer"] if "writer" in keep.columns else pd.Series("", index=keep.index)
    base = keep[["text", "label", "category"]].assign(writer=writer, weight=1.0, lexicon="")
    groups = label_groups(labels)
    label_writer = (
        "reviewers" if groups is None else pd.Series(groups, index=labels.index).radd("reviewers:")
    )
    extra = labels[["text", "label", "category"]].assign(
        writer=label_writer, weight=float(weight), lexicon=lexicon_path
    )
    return pd.concat([base, extra], ignore_index=True)


def label_groups(labels: pd.DataFrame) -> np.ndarray | None:
    """(n,) the election (or other group) of each reviewer label, from the first of the
    columns :data:`GROUP_COLUMNS` with at least two values; None when there is none."""
    for col in GROUP_COLUMNS:
        if col in labels.columns and labels[col].astype(str).nunique() >= 2:
            return labels[col].astype(str).to_numpy(dtype=object)
    return None


def _fit_with_labels(
    params: dict[str, Any],
    bundled: pd.DataFrame,
    labels: pd.DataFrame,
    weight: float,
    lexicon: CandidateLexicon | None,
) -> PartisanModel:
    """A model fitted on the bundled posts plus ``labels`` (weighted, typed by ``lexicon``)."""
    texts = [*bundled["text"], *labels["text"]]
    y = np.concatenate([bundled["label"].to_numpy(int), labels["label"].to_numpy(int)])
    cats = np.concatenate(
        [bundled["category"].to_numpy(object), labels["category"].to_numpy(object)]
    )
    weights = np.concatenate([np.ones(len(bundled)), np.full(len(labels), float(weight))])
    posts = posts_table(texts, [None] * len(bundled) + [lexicon] * len(labels))
    writers = [*bundled.get("writer", pd.Series("", index=bundled.index)).astype(str)]
    groups = writers + ["reviewers"] * len(labels) if all(writers) else None
    model = PartisanModel(lexicon=CandidateLexicon.from_yaml(paths.TRAIN_LEXICON), **params)
    return model.fit(posts, y, categories=cats, sample_weight=weights, groups=groups)


def _held_ap(model: PartisanModel, held: pd.DataFrame, lexicon: CandidateLexicon | None) -> float:
    return float(
        average_precision_score(held["label"], model.screen(held["text"].tolist(), lexicon).score)
    )


def choose_weight(
    bundled: pd.DataFrame,
    labels: pd.DataFrame,
    lexicon: CandidateLexicon | None,
    params: dict[str, Any],
    *,
    weights: Sequence[float] = LABEL_WEIGHTS,
    seed: int = 0,
    progress: Any = lambda _: None,
) -> tuple[float, dict[str, float]]:
    """The weight of a reviewer label against a bundled post, chosen by AP on held-out
    reviewer labels: folds of whole elections (:func:`label_groups`) when the labels name
    two or more, else 3 stratified folds; the smallest weight whose mean AP is within
    :data:`AP_TOLERANCE` of the best wins. Returns (weight, mean AP per weight); (first
    weight, {}) when the labels are too few to choose (fewer than :data:`MIN_LABELS_TO_CHOOSE`
    or a class with fewer than 5)."""
    y = labels["label"].to_numpy(int)
    if len(labels) < MIN_LABELS_TO_CHOOSE or min(y.sum(), (1 - y).sum()) < 5:
        return float(weights[0]), {}
    groups = label_groups(labels)
    if groups is not None:
        splits = list(GroupKFold(min(3, len(set(groups)))).split(labels, y, groups))
    else:
        splits = list(StratifiedKFold(3, shuffle=True, random_state=seed).split(labels, y))
    splits = [(a, b) for a, b in splits if len(set(y[b])) == 2]
    if not splits:
        return float(weights[0]), {}
    table: dict[str, float] = {}
    for w in weights:
        aps = []
        for fit_idx, hold_idx in splits:
            progress(f"label weight {w:g}: fold of {len(hold_idx)} held-out labels")
            m = _fit_with_labels(params, bundled, labels.iloc[fit_idx], w, lexicon)
            aps.append(_held_ap(m, labels.iloc[hold_idx], lexicon))
        table[f"{w:g}"] = round(float(np.mean(aps)), 4)
    # the smallest weight within AP_TOLERANCE of the best: a heavier weight buys little AP on
    # the labels' election and costs flags on everyday posts (`make adapt` measured it)
    top = max(table.values())
    best = min(w for w in weights if table[f"{w:g}"] >= top - AP_TOLERANCE)
    return float(best), table


def learning_curve(
    bundled: pd.DataFrame,
    train_labels: pd.DataFrame,
    held: pd.DataFrame,
    lexicon: CandidateLexicon | None,
    params: dict[str, Any],
    weight: float,
    threshold: float,
    *,
    shares: Sequence[float] = CURVE_SHARES,
    seed: int = 0,
    progress: Any = lambda _: None,
) -> list[dict[str, Any]]:
    """Held-out AP and F1 (at ``threshold``) of models trained with growing shares of the
    reviewer labels: does labelling more still help? Empty when ``held`` lacks a class."""
    if held.empty or held["label"].nunique() < 2 or train_labels.empty:
        return []
    order = train_labels.sample(frac=1.0, random_state=seed)
    out = []
    for share in shares:
        part = order.iloc[: max(1, math.ceil(share * len(order)))]
        progress(f"learning curve: {len(part)} labels")
        m = _fit_with_labels(params, bundled, part, weight, lexicon)
        score = m.screen(held["text"].tolist(), lexicon).score
        fig = binary_metrics(held["label"], score, threshold)
        out.append(
            {
                "share": share,
                "labels": len(part),
                "average_precision": round(float(fig["average_precision"]), 4),
                "f1": round(float(fig["f1"]), 4),
            }
        )
    return out


def everyday_check(current: Bundle, new: Bundle) -> dict[str, Any]:
    """Flags on the bundled everyday posts (data/eval.csv, label 0, rules
    :data:`EVERYDAY_RULES`) by each model at its own threshold, and whether the new model
    flags more beyond noise: an exact one-sided sign test on the posts only one model flags
    (``more_beyond_noise`` when p < 0.05)."""
    ev = load_labelled(paths.EVAL_CSV)
    rows = ev[
        (ev["label"] == 0) & ev.get("rule", pd.Series("", index=ev.index)).isin(EVERYDAY_RULES)
    ]
    texts = rows["text"].tolist()
    lex = CandidateLexicon.from_yaml(paths.EVAL_LEXICON) if paths.EVAL_LEXICON.is_file() else None
    a = current.model.screen(texts, lex).score >= current.threshold
    b = new.model.screen(texts, lex).score >= new.threshold
    only_new, only_old = int((b & ~a).sum()), int((a & ~b).sum())
    p = (
        float(binomtest(only_new, only_new + only_old, 0.5, alternative="greater").pvalue)
        if only_new
        else 1.0
    )
    return {
        "posts": len(texts),
        "current_flagged": int(a.sum()),
        "new_flagged": int(b.sum()),
        "only_new": only_new,
        "only_current": only_old,
        "p_value": round(p, 4),
        "more_beyond_noise": bool(only_new > only_old and p < 0.05),
    }


@remembering()  # the weight folds, the curve and the training normalise the same posts
def retrain(
    labels_path: Path,
    current: Bundle,
    out_dir: Path,
    *,
    holdout: float = 0.2,
    labels_lexicon: CandidateLexicon | None = None,
    force: bool = False,
    seed: int = 0,
    progress: Any = lambda _: None,
    weights: Sequence[float] = LABEL_WEIGHTS,
    curve: bool = True,
) -> RetrainResult:
    """Train a new bundle in ``out_dir`` and decide whether it becomes current.

    Reviewer labels are split into a held-out share (stratified; ``holdout``) and the rest;
    the weight of a reviewer label is chosen among ``weights`` on the rest
    (:func:`choose_weight`); a learning curve on the held-out share is stored in the card
    when ``curve``; then the bundle is trained and compared with ``current``. It becomes
    current unless it is worse beyond noise on data/eval.csv AP, on held-out labels' AP, or
    flags more bundled everyday posts (:func:`everyday_check`), or ``force``.
    """
    labels = load_labelled(labels_path)
    if labels.empty:
        raise ScreeningError(f"{labels_path}: no labels")
    held = pd.DataFrame(columns=labels.columns)
    train_labels = labels
    if len(labels) >= 10 and labels["label"].nunique() == 2 and holdout > 0:
        train_labels, held = train_test_split(
            labels, test_size=holdout, stratify=labels["label"], random_state=seed
        )
    bundled = load_labelled(paths.TRAIN_CSV)
    params = {k: v for k, v in current.model.get_params().items() if k != "lexicon"}
    weight, weight_table = choose_weight(
        bundled, train_labels, labels_lexicon, params, weights=weights, seed=seed, progress=progress
    )
    progress(
        f"reviewer label weight: {weight:g}"
        + (f" (held-out AP {weight_table})" if weight_table else "")
    )
    curve_rows = (
        learning_curve(
            bundled,
            train_labels,
            held,
            labels_lexicon,
            params,
            weight,
            current.threshold,
            seed=seed,
            progress=progress,
        )
        if curve
        else []
    )
    lex_path = ""
    if labels_lexicon is not None and Path(labels_lexicon.source).is_file():
        lex_path = str(Path(labels_lexicon.source).resolve())
    merged = merge_labels(bundled, train_labels, weight=weight, lexicon_path=lex_path)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "train_plus_labels.csv"
        merged.to_csv(data, index=False)
        extra = {
            "parent": {"path": str(current.path), "model_sha256": current.card["model_sha256"]},
            "label_files": [
                {
                    "path": str(labels_path),
                    "sha256": sha256_file(labels_path),
                    "rows": len(labels),
                    "used_for_training": len(train_labels),
                    "held_out": len(held),
                    "lexicon": lex_path or None,
                }
            ],
            "bundled_rows_replaced_by_labels": int(len(bundled) + len(train_labels) - len(merged)),
            "label_weight": {"chosen": weight, "held_out_ap_by_weight": weight_table},
            "learning_curve": curve_rows,
            # which texts trained this model, so `thresholds` can leave them out
            "training_label_sha256": sorted(train_labels["text"].map(text_hash).str[:16]),
        }
        progress(f"training on {len(merged)} posts ({len(train_labels)} reviewer labels)")
        train(
            TrainConfig(train_csv=data, allow_uncategorised=True),
            out_dir,
            progress=progress,
            extra_card=extra,
        )
    new = load_bundle(out_dir)
    result = RetrainResult(new_dir=out_dir, made_current=False, learning_curve=curve_rows)
    sets: dict[str, tuple[pd.DataFrame, CandidateLexicon | None]] = {
        "eval.csv": (load_labelled(paths.EVAL_CSV), CandidateLexicon.from_yaml(paths.EVAL_LEXICON))
    }
    if len(held) and held["label"].nunique() == 2:
        sets["held-out reviewer labels"] = (held.reset_index(drop=True), labels_lexicon)
    worse = []
    for name, (df, lex) in sets.items():
        a = evaluate_frame(current.model, df, lex, current.threshold)
        b = evaluate_frame(new.model, df, lex, new.threshold)
        cmp = paired_bootstrap_ap(df["label"].to_numpy(), a.score, b.score, seed=seed)
        result.comparisons[name] = {"current": a.figures, "new": b.figures, "ap": cmp}
        if cmp["ci_high"] < 0:
            worse.append(
                f"{name}: AP {cmp['ap_difference']:+.4f} "
                f"(95% CI {cmp['ci_low']:+.4f} to {cmp['ci_high']:+.4f})"
            )
    result.everyday = everyday_check(current, new)
    if result.everyday["more_beyond_noise"]:
        e = result.everyday
        worse.append(
            f"bundled everyday posts: flags {e['current_flagged']} -> {e['new_flagged']} of "
            f"{e['posts']} (sign test p = {e['p_value']:.3f})"
        )
    if worse and not force:
        result.reason = "new model is worse beyond noise on " + "; ".join(worse)
        return result
    set_current(out_dir)
    result.made_current = True
    result.reason = "forced" if worse else "not worse beyond noise"
    return result


def set_current(bundle_dir: Path) -> None:
    """Point ``<models dir>/current`` at ``bundle_dir`` (atomically)."""
    pointer = bundle_dir.parent / paths.CURRENT_FILE
    atomic_write(pointer, lambda tmp: tmp.write_text(bundle_dir.name + "\n", encoding="utf-8"))


def list_models(models_dir: Path) -> list[dict[str, Any]]:
    """Every bundle under ``models_dir`` with its key card fields; ``current`` marks the
    active one."""
    current = paths.current_model(models_dir)
    out = []
    for d in sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            card = read_card(d)
        except ScreeningError:
            continue
        ev = card.get("metrics", {}).get("eval", {})
        out.append(
            {
                "name": d.name,
                "created": card.get("created"),
                "threshold": card.get("threshold"),
                "rows": card.get("training_data", {}).get("rows"),
                "eval_ap": ev.get("average_precision"),
                "eval_f1": ev.get("f1"),
                "parent": Path(card["parent"]["path"]).name if card.get("parent") else None,
                "labels": [Path(f["path"]).name for f in card.get("label_files", [])],
                "current": current is not None and d.resolve() == current.resolve(),
            }
        )
    return out
