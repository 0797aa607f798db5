"""Training choices made out-of-writer (issue 14): grouped folds and what the card reports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from screening.model.training import writer_groups


def test_writer_groups_need_as_many_writers_as_folds() -> None:
    df = pd.DataFrame({"writer": ["a", "a", "b", "c", ""]})
    assert writer_groups(df, 3) is not None
    assert writer_groups(df, 4) is None  # three named writers cannot fill four folds
    assert writer_groups(pd.DataFrame({"text": ["x"]}), 2) is None


def test_the_card_reports_random_and_out_of_writer_folds(full_model: Path) -> None:
    card = json.loads((full_model / "card.json").read_text(encoding="utf-8"))
    metrics = card["metrics"]
    assert {"out_of_fold_train", "out_of_writer_train"} <= set(metrics)
    assert "grouped by writer" in card["threshold_source"]
    # the threshold is the out-of-writer one: both tables are computed at it
    assert np.isclose(metrics["out_of_writer_train"]["threshold"], card["threshold"])
