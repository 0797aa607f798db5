"""Reviewer loop: queue (XLSX with drop-downs), fill, import twice, stats, export labels."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from screening import paths
from tests.helpers import run_cli

# both tests retrain a model for real (on the 500-row sample): make test-fast skips them
pytestmark = pytest.mark.slow


@pytest.fixture
def small_bundled(monkeypatch: pytest.MonkeyPatch, small_train_csv: Path) -> Path:
    """`retrain` merges the labels into the bundled training table. Here that table is the
    500-row sample the small model was trained on, so a retrain takes seconds instead of the
    full data's minute and a half. These tests pin the loop, not the model's quality."""
    monkeypatch.setattr(paths, "TRAIN_CSV", small_train_csv)
    return small_train_csv


def test_queue_import_stats_export(small_model: Path, small_bundled: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    src = Path(__file__).resolve().parent.parent / "data" / "sample_posts.csv"
    assert (
        run_cli("score", str(src), "-o", str(scored), "--model", str(small_model)).returncode == 0
    )
    queue = tmp_path / "queue.xlsx"
    r = run_cli("review", "queue", str(scored), "-o", str(queue), "--model", str(small_model))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(queue)
    ws = wb.active
    header = [c.value for c in ws[1]]
    # reviewers' order, Indonesian by default: the post, what they fill, then the evidence
    assert header[:7] == [
        "id_pos",
        "teks",
        "keputusan",
        "kategori_peninjau",
        "catatan",
        "alasan",
        "tautan",
    ]
    assert {"akun", "tanggal", "skor", "kategori_model", "sampel", "pedoman"} <= set(header)
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"partisan,tidak_partisan,ragu"' in lists
    col = {h: i + 1 for i, h in enumerate(header)}
    cells = lambda name: [ws.cell(row=i, column=col[name]).value for i in range(2, ws.max_row + 1)]  # noqa: E731
    scores, samples = cells("skor"), cells("sampel")
    flagged_scores = [s for s, k in zip(scores, samples, strict=True) if k == "flagged"]
    assert flagged_scores == sorted(flagged_scores, reverse=True) and "near_threshold" in samples
    # links are clickable, reasons are terms only (no weights, no guidance text)
    link = ws.cell(row=2, column=col["tautan"])
    assert link.hyperlink is not None and link.hyperlink.target == link.value
    assert all("(+" not in (r or "") and " | " not in (r or "") for r in cells("alasan"))
    assert ws.auto_filter.ref and ws.freeze_panes == "C2"
    # the people to follow up, on their own sheet
    assert wb.sheetnames == ["antrean", "akun"]
    assert [c.value for c in wb["akun"][1]][:3] == ["akun", "prioritas", "pos"]
    # the English queue: English headers and drop-down values, guidance in English
    en = tmp_path / "queue_en.xlsx"
    r = run_cli(
        "review", "queue", str(scored), "-o", str(en), "-m", str(small_model), "--lang", "en"
    )
    ws_en = openpyxl.load_workbook(en).active
    assert [c.value for c in ws_en[1]][:5] == [
        "post_id",
        "text",
        "decision",
        "reviewer_category",
        "note",
    ]
    assert '"partisan,not_partisan,unsure"' in [
        dv.formula1 for dv in ws_en.data_validations.dataValidation
    ]

    dcol = header.index("keputusan") + 1
    for reviewer, pattern in (
        ("ani", ["partisan", "tidak_partisan", ""]),
        ("budi", ["partisan", "partisan", ""]),
    ):
        for i in range(2, 32):
            ws.cell(row=i, column=dcol).value = pattern[i % 3]
        ws.cell(row=33, column=dcol).value = "entah"
        filled = tmp_path / f"{reviewer}.xlsx"
        wb.save(filled)
        db = str(tmp_path / "reviews.db")
        first = run_cli("review", "import", str(filled), "--reviewer", reviewer, "--db", db)
        assert (
            first.returncode == 0 and "imported 20" in first.stdout and "invalid 1" in first.stdout
        )
        assert "line 33" in first.stderr
        again = run_cli("review", "import", str(filled), "--reviewer", reviewer, "--db", db)
        assert "imported 0, already in store 20" in again.stdout

    st = json.loads(run_cli("review", "stats", "--db", db, "--json").stdout)
    assert st["decisions_total"] == 40
    # without --json: a short readable table, Indonesian first, English on a switch
    table = run_cli("review", "stats", "--db", db).stdout
    assert "Kesepakatan antarpeninjau" in table and "ani × budi: 20 pos bersama" in table
    assert "sepakat 50.0%" in table and "{" not in table
    english = run_cli("review", "stats", "--db", db, "--lang", "en").stdout
    assert "Agreement between reviewers" in english and "20 shared posts" in english
    assert {"decisions_total", "precision_of_flags"} <= set(st)
    (pair,) = st["agreement"]
    assert pair["shared_posts"] == 20 and pair["agreement"] == 0.5
    labels = tmp_path / "labels.csv"
    # by default only agreed posts: the 10 both called partisan; the 10 conflicts are counted
    r = run_cli("review", "export", "--labels", str(labels), "--db", db)
    assert r.returncode == 0 and "10 posts with conflicting decisions left out" in r.stderr
    df = pd.read_csv(labels, keep_default_na=False)
    assert len(df) == 10 and set(df["label"]) == {1} and set(df["basis"]) == {"agreed"}
    r = run_cli(
        "review", "export", "--labels", str(labels), "--db", db, "--conflicts", "latest", "--force"
    )
    df = pd.read_csv(labels, keep_default_na=False)
    assert len(df) == 20 and set(df["label"]) == {1}  # budi decided last: all partisan

    # ... and the exported labels train a new model version that counts them in its card
    r = run_cli(
        "retrain",
        "--labels",
        str(labels),
        "--model",
        str(small_model),
        "--out",
        str(tmp_path / "models" / "v1"),
        "--no-curve",  # the curve is pinned by the next test
    )
    assert r.returncode == 0, r.stderr
    card = json.loads((tmp_path / "models" / "v1" / "card.json").read_text())
    assert card["label_files"][0]["rows"] == 20 and card["parent"]["path"] == str(small_model)

    # provenance after the retrain: the old scored file is still queued as the old model's
    old = tmp_path / "again.csv"
    r = run_cli(
        "review", "queue", str(scored), "-o", str(old), "--model", str(tmp_path / "models" / "v1")
    )
    assert r.returncode == 0, r.stderr
    parent = json.loads((small_model / "card.json").read_text())
    stamped = set(pd.read_csv(old, keep_default_na=False)["versi_model"])
    assert stamped == {f"{parent['name']}@{parent['model_sha256'][:12]}"}


def test_export_then_retrain_makes_a_new_version_with_the_labels_in_its_card(
    small_model: Path, small_bundled: Path, tmp_path: Path
) -> None:
    labels = tmp_path / "labels.csv"
    pd.DataFrame(
        {
            "text": [
                f"Bapak kadis minta kami hadir di deklarasi calon nomor {i % 3 + 1}, absen dicek"
                for i in range(12)
            ]
            + [f"Info resmi: pencoblosan di TPS {i} dibuka pukul 07.00" for i in range(12)],
            "label": [1] * 12 + [0] * 12,
            "category": ["mobilisasi"] * 12 + [""] * 12,
        }
    ).to_csv(labels, index=False)
    models = tmp_path / "models"
    r = run_cli(
        "retrain", "--labels", str(labels), "--model", str(small_model), "--out", str(models / "v2")
    )
    assert r.returncode == 0, r.stderr
    assert "eval.csv: current AP" in r.stdout and "held-out reviewer labels" in r.stdout
    card = json.loads((models / "v2" / "card.json").read_text())
    (used,) = card["label_files"]
    assert used["rows"] == 24 and used["used_for_training"] + used["held_out"] == 24
    assert (
        card["parent"]["model_sha256"]
        == json.loads((small_model / "card.json").read_text())["model_sha256"]
    )
    bundled = len(pd.read_csv(small_bundled))
    assert card["training_data"]["rows"] == bundled + used["used_for_training"]
    assert (models / "current").read_text().strip() == "v2"
    # the learning curve: held-out figures at 25/50/75/100% of the training labels
    assert [row["share"] for row in card["learning_curve"]] == [0.25, 0.5, 0.75, 1.0]
    assert [row["labels"] for row in card["learning_curve"]][-1] == used["used_for_training"]
    assert "learning curve" in r.stdout and card["label_weight"]["chosen"] == 1.0
    listed = json.loads(run_cli("models", "--dir", str(models), "--json").stdout)
    assert [(m["name"], m["current"], m["labels"]) for m in listed] == [
        ("v2", True, ["labels.csv"])
    ]
