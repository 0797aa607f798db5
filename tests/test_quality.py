"""Quality floors of the model trained on the bundled data (figures measured, not assumed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score

from screening import paths
from screening.data import realdata
from screening.data.dataset import load_labelled
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import load_bundle
from screening.model.evaluate import binary_metrics, category_metrics, evaluate_frame
from tests.helpers import REALDATA

# Everyday (non-election) real posts: flags there on posts that are not partisan are false flags.
EVERYDAY = realdata.EVERYDAY_FILES


def test_eval_f1_floor(full_model: Path) -> None:
    bundle = load_bundle(full_model)
    ev = load_labelled(paths.EVAL_CSV)
    s = bundle.model.screen(ev["text"].tolist(), CandidateLexicon.from_yaml(paths.EVAL_LEXICON))
    m = binary_metrics(ev["label"], s.score, bundle.threshold)
    assert m["f1"] >= 0.85, m
    c = category_metrics(ev["label"], s.score, bundle.threshold, ev["category"], s.category)
    assert c["category_accuracy"] >= 0.7, c


def test_card_records_eval_figures_that_match_a_recomputation(full_model: Path) -> None:
    bundle = load_bundle(full_model)
    ev = load_labelled(paths.EVAL_CSV)
    s = bundle.model.screen(ev["text"].tolist(), CandidateLexicon.from_yaml(paths.EVAL_LEXICON))
    # recomputed without screening.model.evaluate: scikit-learn's AP and a confusion count
    y = ev["label"].to_numpy().astype(int)
    flagged = np.asarray(s.score) >= bundle.threshold
    card = bundle.card["metrics"]["eval"]
    assert card["average_precision"] == pytest.approx(average_precision_score(y, s.score))
    counts = {
        "tp": int((flagged & (y == 1)).sum()),
        "fp": int((flagged & (y == 0)).sum()),
        "fn": int((~flagged & (y == 1)).sum()),
        "tn": int((~flagged & (y == 0)).sum()),
    }
    assert {k: card["confusion_matrix"][k] for k in counts} == counts


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is absent (evaluation data)")
def test_false_flags_on_everyday_real_posts(full_model: Path) -> None:
    """The everyday files hold some real partisan posts (the 2019 race): data/real_everyday.csv
    labels every post of theirs with election vocabulary; the others count as not partisan.
    A flag on a post that is not partisan is a false flag."""
    bundle = load_bundle(full_model)
    labels = pd.read_csv(paths.DATA_DIR / "real_everyday.csv")
    flagged = false_flags = clean = total = 0
    for name in EVERYDAY:
        posts = realdata.read_texts(name)
        mine = labels[labels["file"] == name]
        partisan = set(mine.loc[mine["label"] == 1, "line"])
        disputed = set(mine.loc[mine["label"].isna(), "line"])
        flag = bundle.model.screen(posts["text"].tolist()).score >= bundle.threshold
        not_partisan = ~posts["line"].isin(partisan | disputed).to_numpy()
        flagged += int(flag.sum())
        false_flags += int((flag & not_partisan).sum())
        clean += int(not_partisan.sum())
        total += len(posts)
    assert total > 15000 and clean > 14000
    # measured 0.52% (84 posts) when this bound was set; the target is 0.5%
    assert false_flags / clean < 0.008, f"{false_flags}/{clean} not-partisan everyday posts flagged"
    assert flagged / total < 0.02, f"{flagged}/{total} everyday posts flagged"


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is absent (evaluation data)")
def test_real_yardstick_floor(full_model: Path) -> None:
    """data/real_dev.csv (real election posts, two labellers) with each election's lexicon.
    Measured 0.805 F1 / 0.884 AP / category accuracy 0.769 when this floor was set; the
    issue's targets are 0.80 / 0.88 / 0.75. The floor sits below them: a retrain on new data
    may move a point, and a drop larger than that is what this test is for."""
    bundle = load_bundle(full_model)
    dev = load_labelled(paths.DATA_DIR / "real_dev.csv")
    lexicons = {
        f: CandidateLexicon.from_yaml(lx)
        for f in dev["file"].unique()
        if (lx := realdata.lexicon_for(f)) is not None
    }
    figures = evaluate_frame(bundle.model, dev, lexicons, bundle.threshold).figures
    assert figures["n"] >= 790
    assert figures["f1"] >= 0.78 and figures["average_precision"] >= 0.86, figures
    # the category reviewers see, on the agreed partisan posts
    assert figures["category_accuracy"] >= 0.73, figures
