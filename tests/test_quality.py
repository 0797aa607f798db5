"""Quality floors of the model trained on the bundled data (figures measured, not assumed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from screening import paths, realdata
from screening.bundle import load_bundle
from screening.dataset import load_labelled
from screening.evaluate import binary_metrics, category_metrics
from screening.io import find_text_column, read_table
from screening.lexicon import CandidateLexicon
from tests.conftest import REALDATA

# Everyday (non-election) real posts: the flag rate there estimates the false-flag rate.
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
    recomputed = binary_metrics(ev["label"], s.score, bundle.threshold)
    card = bundle.card["metrics"]["eval"]
    assert card["average_precision"] == pytest.approx(recomputed["average_precision"])
    assert card["confusion_matrix"] == recomputed["confusion_matrix"]


@pytest.mark.skipif(not REALDATA.is_dir(), reason="../shared/realdata is absent (evaluation data)")
def test_flag_rate_on_everyday_real_posts(full_model: Path) -> None:
    bundle = load_bundle(full_model)
    flagged = total = 0
    for name in EVERYDAY:
        table = read_table(REALDATA / name)
        texts = table.frame[find_text_column(list(table.frame.columns))]
        texts = [t for t in texts if t.strip()]
        score = bundle.model.screen(texts).score
        flagged += int(np.sum(score >= bundle.threshold))
        total += len(texts)
    assert total > 15000
    assert flagged / total < 0.01, f"{flagged}/{total} everyday posts flagged"
