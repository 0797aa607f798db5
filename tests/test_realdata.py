"""Labels of real posts by reference: resolved against the real-data folder, never stored."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from screening.cli.app import app
from screening.data import realdata
from screening.data.dataset import load_labelled
from screening.errors import ScreeningError

POSTS = ["Ayo coblos nomor 2, Pak Zorvakin pasti menang!", "Hujan terus dari pagi", "Cuma nanya"]


def real_folder(tmp_path: Path) -> Path:
    root = tmp_path / "realdata"
    root.mkdir()
    pd.DataFrame({"Tweet": POSTS}).to_csv(root / "pemilu_fiktif.csv", index=False)
    return root


def references(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "real_labels.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def ref(line: int, label: object, text: str | None = None) -> dict:
    post = text if text is not None else POSTS[line - 2]
    return {
        "file": "pemilu_fiktif.csv",
        "line": line,
        "label": label,
        "category": "dukungan" if label == 1 else "",
        "agreement": "2/2" if label != "" else "1/2",
        "text_sha256": realdata.text_digest(post),
    }


def test_references_resolve_to_the_posts_they_name(tmp_path: Path) -> None:
    frame = pd.DataFrame([ref(2, 1), ref(3, 0)])
    out = realdata.resolve(frame, real_folder(tmp_path))
    assert out["text"].tolist() == POSTS[:2]


def test_a_changed_post_is_refused(tmp_path: Path) -> None:
    frame = pd.DataFrame([ref(2, 1, text="something else")])
    with pytest.raises(ScreeningError, match="not the post that was labelled"):
        realdata.resolve(frame, real_folder(tmp_path))


def test_a_missing_line_and_a_missing_folder_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ScreeningError, match="no post at line 9"):
        realdata.resolve(pd.DataFrame([ref(2, 1) | {"line": 9}]), real_folder(tmp_path))
    with pytest.raises(ScreeningError, match="real posts kept outside the repository"):
        realdata.resolve(pd.DataFrame([ref(2, 1)]), tmp_path / "absent")


def test_load_labelled_resolves_references_and_leaves_out_disputed_posts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(realdata, "REALDATA_DIR", real_folder(tmp_path))
    path = references(tmp_path, [ref(2, 1), ref(3, 0), ref(4, "")])
    df = load_labelled(path)
    assert df["text"].tolist() == POSTS[:2] and df["label"].tolist() == [1, 0]
    assert df.attrs["disputed_rows_left_out"] == 1


def test_evaluate_on_references(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_model: Path
) -> None:
    monkeypatch.setattr(realdata, "REALDATA_DIR", real_folder(tmp_path))
    path = references(tmp_path, [ref(2, 1), ref(3, 0), ref(4, 0)])
    out = tmp_path / "figures.json"
    result = CliRunner().invoke(
        app, ["evaluate", str(path), "--model", str(small_model), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["n"] == 3 and figures["positives"] == 1


def test_the_committed_yardstick_holds_no_text() -> None:
    for name in ("real_dev.csv", "real_everyday.csv"):
        table = pd.read_csv(Path(__file__).parents[1] / "data" / name)
        assert "text" not in table.columns
        assert set(table.columns) >= {"file", "line", "label", "text_sha256"}
