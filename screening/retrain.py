"""Retraining with reviewers' labels, and the model versions kept in models/.

A retrain trains on the bundled data plus reviewer labels (a reviewer label replaces the
bundled label of the same text), keeps a stratified share of the reviewer labels out of
training to test on, compares the new and the current model on data/eval.csv and on that
held-out share, and moves the ``current`` pointer to the new bundle only when it is not worse
beyond noise (the 95% paired bootstrap interval of the AP difference lies wholly below 0), unless
forced. Every bundle is kept; its card names its parent and the label files used.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.model_selection import train_test_split

from screening import paths
from screening.bundle import Bundle, load_bundle, read_card, sha256_file
from screening.dataset import load_labelled
from screening.errors import ScreeningError
from screening.evaluate import paired_bootstrap_ap
from screening.io import atomic_write
from screening.lexicon import CandidateLexicon
from screening.review.store import text_hash
from screening.training import TrainConfig, evaluate_frame, train


@dataclass
class RetrainResult:
    new_dir: Path
    made_current: bool
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)
    reason: str = ""


def new_version_name() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def merge_labels(bundled: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """Bundled rows plus reviewer rows; a reviewer label replaces the bundled row of that text."""
    hashes = set(labels["text"].map(text_hash))
    keep = bundled[~bundled["text"].map(text_hash).isin(hashes)]
    cols = ["text", "label", "category"]
    return pd.concat([keep[cols], labels[cols]], ignore_index=True)


def retrain(
    labels_path: Path,
    current: Bundle,
    out_dir: Path,
    holdout: float = 0.2,
    labels_lexicon: CandidateLexicon | None = None,
    force: bool = False,
    seed: int = 0,
    progress: Any = lambda _: None,
) -> RetrainResult:
    """Train a new bundle in ``out_dir`` and decide whether it becomes current."""
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
    merged = merge_labels(bundled, train_labels)
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
                }
            ],
            "bundled_rows_replaced_by_labels": int(len(bundled) + len(train_labels) - len(merged)),
        }
        progress(f"training on {len(merged)} posts ({len(train_labels)} reviewer labels)")
        train(TrainConfig(train_csv=data), out_dir, progress, extra_card=extra)
    new = load_bundle(out_dir)
    result = RetrainResult(new_dir=out_dir, made_current=False)
    sets = {
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
    if worse and not force:
        result.reason = (
            "new model is worse beyond noise on " + "; ".join(worse) + " (use --force to override)"
        )
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
