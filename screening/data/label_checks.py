"""Checks on labelled data before it judges a model: overlap with the model's own training
labels, and the bias of labels that come from a review queue.

A threshold recommended on posts the model was trained on is too optimistic, and one
recommended on a review queue (nearly all flagged posts) answers the wrong question: such a
sample has few unflagged posts, so recall and the flag rate it implies say little about an
export. `screening thresholds` leaves the overlap out and warns about both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from screening import paths
from screening.hashing import text_hash

QUEUE_COLUMNS = ("sample", "basis", "reviewer", "decided_at")
HIGH_FLAG_SHARE = 0.8


def training_hashes(card: dict[str, Any]) -> set[str]:
    """16-hex-digit sha256 prefixes of the texts a bundle was trained on, as far as the card
    says: reviewer labels a retrain used, plus the bundled data/train.csv when the model (or
    the model it was retrained from) trained on it."""
    out = set(card.get("training_label_sha256", []))
    source = str(card.get("training_data", {}).get("path", ""))
    bundled = source == "data/train.csv" or "parent" in card
    if bundled and paths.TRAIN_CSV.is_file():
        texts = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False)["text"]
        out |= {text_hash(t)[:16] for t in texts}
    return out


def training_overlap(texts: list[str], card: dict[str, Any]) -> np.ndarray:
    """(n,) True where a text is one the bundle was trained on (:func:`training_hashes`)."""
    known = training_hashes(card)
    return np.array([text_hash(t)[:16] in known for t in texts], dtype=bool)


def queue_bias(df: pd.DataFrame, flagged: np.ndarray) -> str | None:
    """Why these labels look like a review queue's (biased to flagged posts), or None.
    ``flagged`` (n,): whether the model flags each post at its threshold."""
    reasons = []
    if "sample" in df.columns:
        share = float((df["sample"].astype(str) == "flagged").mean())
        if share >= 0.5:
            reasons.append(f"{share:.0%} of them come from an audit queue's flagged posts")
    elif any(c in df.columns for c in QUEUE_COLUMNS[1:]):
        reasons.append("they are reviewers' labels and do not say how they were sampled")
    if len(flagged) and flagged.mean() >= HIGH_FLAG_SHARE:
        reasons.append(f"the model flags {flagged.mean():.0%} of them")
    return "; ".join(reasons) or None
