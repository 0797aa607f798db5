"""Threshold review: table figures, recommendations, and applying a threshold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import precision_score, recall_score

from screening import paths
from screening.data.dataset import load_labelled
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import load_bundle
from screening.model.thresholds import per_category_recall, recommend, threshold_table
from tests.helpers import run_cli


@pytest.fixture(scope="module")
def eval_scores(full_model: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ev = load_labelled(paths.EVAL_CSV)
    s = load_bundle(full_model).model.screen(
        ev["text"].tolist(), CandidateLexicon.from_yaml(paths.EVAL_LEXICON)
    )
    return ev["label"].to_numpy(), np.round(s.score, 6), ev["category"].to_numpy(dtype=object)


def test_table_matches_sklearn(eval_scores: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    y, s, _ = eval_scores
    table = threshold_table(
        y, s, [0.1, 0.3, 0.5, 0.544, 0.7, 0.9], corpus_size=20_000, seconds_per_review=36
    )
    for row in table.itertuples():
        flag = (s >= row.threshold).astype(int)
        assert row.precision == pytest.approx(precision_score(y, flag))
        assert row.recall == pytest.approx(recall_score(y, flag))
        assert row.flag_rate == pytest.approx(flag.mean())
        assert row.review_hours == pytest.approx(flag.mean() * 20_000 * 36 / 3600)


@pytest.mark.parametrize(
    ("kind", "value"), [("precision", 0.98), ("recall", 0.9), ("flag_rate", 0.3)]
)
def test_recommendation_meets_its_target_and_is_the_extreme_one(
    eval_scores: tuple[np.ndarray, np.ndarray, np.ndarray], kind: str, value: float
) -> None:
    y, s, _ = eval_scores
    rec = recommend(
        y,
        s,
        **{
            {
                "precision": "target_precision",
                "recall": "target_recall",
                "flag_rate": "max_flag_rate",
            }[kind]: value
        },
    )
    assert rec.threshold is not None
    flag = s >= rec.threshold
    if kind == "precision":
        assert precision_score(y, flag) >= value
        lower = s[s < rec.threshold]
        assert all(precision_score(y, s >= t) < value for t in np.unique(lower)[-20:])
        lo, hi = rec.precision_ci
        assert lo <= rec.precision <= hi
    elif kind == "recall":
        assert recall_score(y, flag) >= value
        higher = np.unique(s[s > rec.threshold])[1:21]  # [0] is the lowest kept score
        assert all(recall_score(y, s >= t) < value for t in higher)
    else:
        assert flag.mean() <= value
        lower = np.unique(s[s < rec.threshold])[-20:]
        assert all((s >= t).mean() > value for t in lower)


def test_small_data_warns_and_impossible_target_says_so() -> None:
    y = np.array([1, 1, 1, 0, 0, 0, 0, 1])
    s = np.array([0.9, 0.8, 0.3, 0.2, 0.1, 0.85, 0.05, 0.7])
    rec = recommend(y, s, target_recall=0.5)
    assert rec.threshold is not None and any("too little labelled data" in w for w in rec.warnings)
    assert recommend(y, s, target_precision=1.01).threshold is None
    with pytest.raises(ValueError, match="exactly one"):
        recommend(y, s, target_precision=0.9, target_recall=0.9)


def test_per_category_recall() -> None:
    out = per_category_recall(
        [1, 1, 0, 1], [0.9, 0.2, 0.95, 0.6], ["simbol", "simbol", "", "serangan"], 0.5
    )
    got = (
        out.set_index("category")
        .loc[["simbol", "serangan"], ["positives", "found"]]
        .values.tolist()
    )
    assert got == [[2, 1], [1, 1]]


def test_cli_apply_records_history_and_score_uses_it(full_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(full_model, model)
    before = json.loads((model / "card.json").read_text())
    r = run_cli("thresholds", "--model", str(model), "--target-recall", "0.8", "--apply")
    assert r.returncode == 1 and "--reason" in r.stderr
    r = run_cli(
        "thresholds",
        "--model",
        str(model),
        "--target-recall",
        "0.8",
        "--apply",
        "--reason",
        "budget cut",
        "--json",
        str(tmp_path / "t.json"),
        "--plot",
        str(tmp_path / "pr.png"),
    )
    assert r.returncode == 0, r.stderr
    card = json.loads((model / "card.json").read_text())
    rec = json.loads((tmp_path / "t.json").read_text())["recommendation"]
    assert card["threshold"] == rec["threshold"] != before["threshold"]
    (entry,) = card["threshold_history"]
    assert entry["old"] == before["threshold"] and entry["reason"] == "budget cut"
    assert entry["target"] == {"recall": 0.8} and len(entry["data_sha256"]) == 64
    assert card["model_sha256"] == before["model_sha256"]
    assert (tmp_path / "pr.png").read_bytes()[:4] == b"\x89PNG"
    src = tmp_path / "p.csv"
    src.write_text("text\nhalo semua\n", encoding="utf-8")
    out = run_cli("score", str(src), "-o", str(tmp_path / "o.csv"), "--model", str(model), "--json")
    assert json.loads(out.stdout)["threshold"] == pytest.approx(rec["threshold"])
    again = run_cli(
        "thresholds",
        "--model",
        str(model),
        "--target-precision",
        "0.99",
        "--apply",
        "--reason",
        "x",
    )
    assert again.returncode == 0
    assert len(json.loads((model / "card.json").read_text())["threshold_history"]) == 2
