"""Shared fixtures: small data for fast CLI runs, and one full model trained per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from screening import paths, realdata
from screening.training import TrainConfig, train

REALDATA = realdata.REALDATA_DIR


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `screening` entry point (python -m screening) and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.fixture(scope="session")
def full_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on the bundled data/train.csv, as `screening train` does."""
    out = tmp_path_factory.mktemp("models") / "full"
    train(TrainConfig(), out)
    return out


@pytest.fixture(scope="session")
def small_train_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stratified 500-row sample of data/train.csv, for fast CLI round trips."""
    df = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False)
    sample = pd.concat([g.sample(250, random_state=0) for _, g in df.groupby("label")])
    out = tmp_path_factory.mktemp("data") / "small_train.csv"
    sample.to_csv(out, index=False)
    return out


@pytest.fixture(scope="session")
def small_model(small_train_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained by `screening train` on the 500-row sample (seconds, for CLI tests)."""
    out = tmp_path_factory.mktemp("m") / "small"
    r = run_cli("train", "--out", str(out), "--data", str(small_train_csv), "--quiet")
    assert r.returncode == 0, r.stderr
    return out
