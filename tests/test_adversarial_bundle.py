"""Hostile or careless model bundles (issue 11, items 12 and 13).

Pins two rules of :mod:`screening.model.bundle`:

* the model file a card names is a plain file name inside the bundle directory: no absolute
  path, no ``..``, no separator, and no symlink that resolves outside the bundle;
* card.json is validated against a schema on load: a threshold that is not a number in [0, 1]
  (null, a string, a boolean, NaN, Infinity, 5, -1), a missing required key or a key of the wrong
  type is refused with ONE line naming the key and the bundle, exit 1, never a traceback, by
  ``info`` and ``score`` alike.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from screening.errors import ScreeningError
from screening.model.bundle import load_bundle, read_card
from tests.helpers import run_cli


def _copy_bundle(small_model: Path, dest: Path) -> Path:
    """A private copy of the small model (card.json and model.joblib), safe to tamper with."""
    shutil.copytree(small_model, dest)
    return dest


def _edit_card(bundle: Path, **changes: Any) -> None:
    """Rewrite card.json with ``changes`` applied (the model file and its sha256 are kept).
    json.dumps writes float('nan') / float('inf') as NaN / Infinity, as a hand edit could."""
    card = json.loads((bundle / "card.json").read_text(encoding="utf-8"))
    card.update(changes)
    (bundle / "card.json").write_text(json.dumps(card), encoding="utf-8")


def _assert_one_line_error(r: Any, *needles: str) -> None:
    """Exit 1, exactly one stderr line starting with 'error:', containing every needle."""
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 1, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture()
def posts(tmp_path: Path) -> Path:
    src = tmp_path / "posts.csv"
    src.write_text("text\nhalo semua\n", encoding="utf-8")
    return src


# ---- item 13: the card is validated on load ----------------------------------------------


BAD_THRESHOLDS = {
    "null": None,
    "string": "abc",
    "bool": True,
    "nan": float("nan"),
    "infinity": float("inf"),
    "above_one": 5,
    "negative": -1,
}


@pytest.mark.parametrize("case", list(BAD_THRESHOLDS))
def test_bad_threshold_is_one_line_error_for_info_and_score(
    small_model: Path, tmp_path: Path, posts: Path, case: str
) -> None:
    bundle = _copy_bundle(small_model, tmp_path / "m")
    _edit_card(bundle, threshold=BAD_THRESHOLDS[case])
    out = tmp_path / "o.csv"
    _assert_one_line_error(run_cli("info", "--model", str(bundle)), "threshold", str(bundle))
    _assert_one_line_error(
        run_cli("score", str(posts), "-o", str(out), "--model", str(bundle)),
        "threshold",
        str(bundle),
    )
    assert not out.exists()


@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.37])
def test_thresholds_in_the_closed_unit_interval_are_accepted(
    small_model: Path, tmp_path: Path, value: float
) -> None:
    bundle = _copy_bundle(small_model, tmp_path / "m")
    _edit_card(bundle, threshold=value)
    assert load_bundle(bundle).threshold == float(value)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"model_sha256": 5}, "model_sha256"),
        ({"metrics": "good"}, "metrics"),
        ({"threshold_history": {"a": 1}}, "threshold_history"),
        ({"training_data": ["rows", 3]}, "training_data"),
        ({"parent": "models/v1"}, "parent"),
        ({"label_files": [{"path": 3}]}, "label_files"),
        ({"name": ["x"]}, "name"),
    ],
)
def test_wrongly_typed_card_keys_are_refused_naming_the_key(
    small_model: Path, tmp_path: Path, changes: dict[str, Any], key: str
) -> None:
    bundle = _copy_bundle(small_model, tmp_path / "m")
    _edit_card(bundle, **changes)
    with pytest.raises(ScreeningError) as err:
        read_card(bundle)
    message = str(err.value)
    assert "\n" not in message and key in message and str(bundle) in message


def test_missing_threshold_key_is_one_line_error(small_model: Path, tmp_path: Path) -> None:
    bundle = _copy_bundle(small_model, tmp_path / "m")
    card = json.loads((bundle / "card.json").read_text(encoding="utf-8"))
    del card["threshold"]
    (bundle / "card.json").write_text(json.dumps(card), encoding="utf-8")
    _assert_one_line_error(run_cli("info", "--model", str(bundle)), "threshold", str(bundle))


def test_huge_bad_value_gives_a_short_message(small_model: Path, tmp_path: Path) -> None:
    """A schema message echoes the offending value: it must not echo a megabyte of it, nor
    terminal escape sequences."""
    bundle = _copy_bundle(small_model, tmp_path / "m")
    _edit_card(bundle, threshold="\x1b[31m" + "9" * 1_000_000)
    with pytest.raises(ScreeningError) as err:
        read_card(bundle)
    message = str(err.value)
    assert len(message) < 1000 and "\x1b" not in message and "threshold" in message


# ---- item 12: the model file is a plain name inside the bundle -----------------------------


@pytest.mark.parametrize("kind", ["absolute", "parent", "subdir", "dotdot"])
def test_model_file_outside_the_bundle_is_refused(
    small_model: Path, tmp_path: Path, posts: Path, kind: str
) -> None:
    bundle = _copy_bundle(small_model, tmp_path / "m")
    # the real model, with a matching sha256, placed where a hostile card points: without the
    # rule it loads and scores
    elsewhere = tmp_path / "elsewhere.joblib"
    shutil.copyfile(bundle / "model.joblib", elsewhere)
    (bundle / "sub").mkdir()
    shutil.copyfile(bundle / "model.joblib", bundle / "sub" / "model.joblib")
    model_file = {
        "absolute": str(elsewhere),
        "parent": "../elsewhere.joblib",
        "subdir": "sub/model.joblib",
        "dotdot": "..",
    }[kind]
    _edit_card(bundle, model_file=model_file)
    out = tmp_path / "o.csv"
    r = run_cli("score", str(posts), "-o", str(out), "--model", str(bundle))
    _assert_one_line_error(r, "model_file", str(bundle))
    assert not out.exists()
    _assert_one_line_error(run_cli("info", "--model", str(bundle)), "model_file")


def test_model_file_symlink_pointing_outside_is_refused(
    small_model: Path, tmp_path: Path, posts: Path
) -> None:
    bundle = _copy_bundle(small_model, tmp_path / "m")
    elsewhere = tmp_path / "elsewhere.joblib"
    (bundle / "model.joblib").rename(elsewhere)
    (bundle / "model.joblib").symlink_to(elsewhere)
    out = tmp_path / "o.csv"
    r = run_cli("score", str(posts), "-o", str(out), "--model", str(bundle))
    _assert_one_line_error(r, "model.joblib", "outside")
    assert not out.exists()


def test_model_file_symlink_inside_the_bundle_and_symlinked_bundle_load(
    small_model: Path, tmp_path: Path
) -> None:
    """What stays allowed: a symlink to a file in the same bundle, and the bundle directory
    itself reached through a symlink (as models/current may be)."""
    bundle = _copy_bundle(small_model, tmp_path / "m")
    (bundle / "model.joblib").rename(bundle / "model-v1.joblib")
    (bundle / "model.joblib").symlink_to("model-v1.joblib")
    link = tmp_path / "current"
    link.symlink_to(bundle, target_is_directory=True)
    assert load_bundle(link).model is not None
    assert load_bundle(bundle).threshold == read_card(bundle)["threshold"]
