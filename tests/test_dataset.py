"""Building and checking the annotated data."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening import paths
from screening.data.curation import build, check, post_id
from screening.data.dataset import _shingles, load_labelled, near_duplicate_pairs
from screening.data.guidance import load_guidance
from screening.errors import ScreeningError
from tests.helpers import run_cli

G = load_guidance(paths.GUIDANCE)


def test_near_duplicates_found_and_distinct_posts_not() -> None:
    texts = [
        "Ayo semua warga datang ke TPS tanggal 27 November, gunakan hak pilih kalian!",
        "Ayo semua warga datang ke TPS tanggal 27 November, gunakan hak pilih kalian!!",
        "Mantap pak, lanjutkan dua periode, kami di belakang bapak ✌",
    ]
    pairs = near_duplicate_pairs(texts)
    assert [(i, j) for i, j, _ in pairs] == [(0, 1)]
    assert near_duplicate_pairs(texts[2:], texts[:1]) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abcdefghij klm", min_size=0, max_size=60),
            st.lists(st.floats(0.6, 1.0), max_size=3),
        ),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([0.0, 0.3, 0.5, 0.7, 0.8, 0.9]),
    st.booleans(),
)
def test_near_duplicates_compare_only_close_sizes_and_miss_nothing(
    bases: list[tuple[str, list[float]]], threshold: float, across: bool
) -> None:
    # posts and cut copies of them: pairs of every size ratio, near the threshold's too
    texts = [t[: round(len(t) * cut)] for t, cuts in bases for cut in [1.0, *cuts]]
    # every pair of the whole product, as the function computed them before it compared
    # only posts of close sizes (in blocks), or of shared rare 5-grams (the prefix filter,
    # from 0.7): the same pairs and values, sorted
    others = texts[::-1] if across else None
    A = _shingles(texts)
    B = A if others is None else _shingles(others)
    inter = (A @ B.T).tocoo()
    size_a, size_b = np.asarray(A.sum(axis=1)).ravel(), np.asarray(B.sum(axis=1)).ravel()
    want = []
    for i, j, v in zip(inter.row, inter.col, inter.data, strict=True):
        union = size_a[i] + size_b[j] - v
        jac = float(v / union) if union else 1.0
        if jac > threshold and (others is not None or i < j):
            want.append((int(i), int(j), jac))
    # many blocks, and many batches of candidates, on small inputs
    with (
        patch("screening.data.dataset._BLOCK_ROWS", 4),
        patch("screening.data.dataset._VERIFY_PAIRS", 3),
    ):
        assert near_duplicate_pairs(texts, others, threshold=threshold) == sorted(want)


def _jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8"
    )
    return path


def test_build_reports_malformed_rows_with_line(tmp_path: Path) -> None:
    ok = {
        "text": "Salam dua jari buat calon kita ✌",
        "label": 1,
        "category": "simbol",
        "rule": "SIM-JARI",
        "platform": "x",
    }
    neg = {
        "text": "Jangan lupa cek DPT online ya",
        "label": 0,
        "category": "",
        "rule": "NEG-INFO",
        "platform": "X",
    }
    wrong = {"text": "hmm", "label": 1, "category": "dukungan", "rule": "SIM-JARI", "platform": "x"}
    f = _jsonl(tmp_path / "train_W1.jsonl", [ok, "{broken", wrong, neg, ok])
    df, rep = build([f], G, "tr")
    assert df["id"].tolist() == [post_id("tr", ok["text"]), post_id("tr", neg["text"])]
    # ids depend on the text only: another writer's file added in front changes none of them
    other = _jsonl(
        tmp_path / "train_A0.jsonl", [{**neg, "text": "Info TPS 12 pindah ke balai desa"}]
    )
    df2, _ = build([other, f], G, "tr")
    assert set(df["id"]) <= set(df2["id"])
    assert df["writer"].tolist() == ["W1", "W1"]
    assert df["platform"].tolist() == ["x", "x"]
    assert rep.exact_duplicates == 1
    assert [m.split(":")[1] for m in rep.malformed] == ["2", "3"]
    assert "does not fit" in rep.malformed[1]


def test_build_excludes_the_other_split(tmp_path: Path) -> None:
    row = {
        "text": "Info resmi KPU: pencoblosan 27 November pukul 07.00-13.00 WIB",
        "label": 0,
        "category": "",
        "rule": "NEG-INFO",
        "platform": "x",
    }
    f = _jsonl(tmp_path / "train_W1.jsonl", [row])
    df, rep = build([f], G, "tr", exclude_texts=[row["text"] + "!"])
    assert len(df) == 0 and rep.overlap_with_other_split == 1


def test_check_catches_errors() -> None:
    base = {"platform": "x", "region": "", "persona": "", "writer": "w"}
    train = pd.DataFrame(
        [
            {
                "id": "a",
                "text": "satu dua tiga empat lima",
                "label": 1,
                "category": "simbol",
                "rule": "SIM-JARI",
                **base,
            },
            {
                "id": "a",
                "text": "ini teks yang lain sama sekali",
                "label": 0,
                "category": "dukungan",
                "rule": "NEG-INFO",
                **base,
            },
            {
                "id": "c",
                "text": "ada rule asing",
                "label": 1,
                "category": "simbol",
                "rule": "XYZ-NOPE",
                **base,
            },
        ]
    )
    eval_ = pd.DataFrame(
        [
            {
                "id": "e",
                "text": "satu dua tiga empat lima",
                "label": 1,
                "category": "simbol",
                "rule": "SIM-JARI",
                **base,
            }
        ]
    )
    res = check(G, train, eval_)
    text = "\n".join(res.errors)
    assert "duplicate id" in text
    assert "label 0 must have an empty category" in text
    assert "XYZ-NOPE" in text
    assert "appear in both" in text


def test_bundled_data_passes_check_data() -> None:
    # through the CLI, as `make check-data` runs it (with both lexicons): the stats are the
    # JSON object it prints first, then a count line
    r = run_cli("check-data")
    assert r.returncode == 0, r.stderr[-2000:]
    stats, end = json.JSONDecoder().raw_decode(r.stdout)
    assert r.stdout[end:].strip().startswith("0 error(s)")
    t = stats["train.csv"]
    assert t["rows"] >= 3000 and t["label_1"] >= 1200 and t["label_0"] >= 1800
    assert t["hard_negatives"] >= 900
    assert min(t["per_category"].values()) >= 120
    assert t["writers"] >= 10
    assert stats["eval.csv"]["rows"] >= 600


def test_load_labelled_rejects_bad_labels(tmp_path: Path) -> None:
    p = tmp_path / "l.csv"
    p.write_text("text,label\na,1\nb,yes\n", encoding="utf-8")
    with pytest.raises(ScreeningError, match=r"line\(s\) \[3\]"):
        load_labelled(p)
