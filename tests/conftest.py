"""Shared fixtures: small data for fast CLI runs, and one full model trained per session."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from screening import paths
from screening.model.training import TrainConfig, train
from tests.helpers import run_cli


@pytest.fixture(scope="session")
def full_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained on the bundled data/train.csv, as `screening train` does."""
    out = tmp_path_factory.mktemp("models") / "full"
    train(TrainConfig(), out)
    return out


def _sample(source: Path, per_label: int, out: Path) -> Path:
    """``per_label`` rows of each label of ``source``, written to ``out``."""
    df = pd.read_csv(source, dtype=str, keep_default_na=False)
    pd.concat([g.sample(per_label, random_state=0) for _, g in df.groupby("label")]).to_csv(
        out, index=False
    )
    return out


@pytest.fixture(scope="session")
def small_train_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stratified 500-row sample of data/train.csv, for fast CLI round trips."""
    return _sample(paths.TRAIN_CSV, 250, tmp_path_factory.mktemp("data") / "small_train.csv")


@pytest.fixture(scope="session")
def small_eval_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stratified 200-row sample of data/eval.csv: the held-out set the small models'
    `screening train` evaluates on (their figures are not what the tests check)."""
    return _sample(paths.EVAL_CSV, 100, tmp_path_factory.mktemp("data") / "small_eval.csv")


@pytest.fixture(scope="session")
def small_model(
    small_train_csv: Path, small_eval_csv: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A model trained by `screening train` on the 500-row sample (seconds, for CLI tests)."""
    out = tmp_path_factory.mktemp("m") / "small"
    r = run_cli(
        "train",
        "--out",
        str(out),
        "--data",
        str(small_train_csv),
        "--eval",
        str(small_eval_csv),
        "--quiet",
    )
    assert r.returncode == 0, r.stderr
    return out


# tryfirst: xdist's own hook turns the xdist_group mark into the node id's "@full_model"
# suffix that --dist loadgroup schedules by; it must see the mark added here
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A test that needs the full model waits for it to train (about a minute on 2 cores)
    # and usually retrains or scores with it: `make test-fast` (-m "not slow") skips them.
    # Under `pytest -n` (make test) they all go to one worker (--dist loadgroup), so the full
    # model is trained once while the other workers run the rest.
    for item in items:
        if "full_model" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("full_model"))


# A test that needs ../shared/ skips with a reason naming the folder ("../shared/realdata is
# absent"). When that folder is there, such a skip is a broken path, not a missing folder,
# and the run fails instead of passing with the yardstick silently left out.
_SHARED = paths.ROOT.parent / "shared"
_SHARED_SKIPS: list[str] = []
# The workers that set up a test of the full model: one under --dist loadgroup. Two means the
# grouping broke (as with pytest 9.2 and pytest-xdist 3.8) and each trained the model, which
# passes but takes minutes longer, so the run fails and says so.
_FULL_MODEL_WORKERS: set[str] = set()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # under xdist the controller sees every worker's reports: it alone decides (below)
    node = getattr(report, "node", None)  # the worker that ran it, on the controller
    if node is not None and report.when == "setup" and "xdist_group" in report.keywords:
        _FULL_MODEL_WORKERS.add(str(node.gateway.id))
    if report.skipped:
        for name in re.findall(r"\.\./shared/(\w+)", str(report.longrepr)):
            if (_SHARED / name).exists():
                _SHARED_SKIPS.append(f"{report.nodeid} (../shared/{name} is there)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller decides
        return
    if _SHARED_SKIPS and exitstatus == 0:
        print("\nskipped although what they need is there:\n  " + "\n  ".join(_SHARED_SKIPS))
        session.exitstatus = 1
    if len(_FULL_MODEL_WORKERS) > 1 and session.config.getoption("dist", "no") == "loadgroup":
        print(
            f"\nthe full-model tests ran on {len(_FULL_MODEL_WORKERS)} workers, so each trained "
            "the model: --dist loadgroup did not group them (pytest and pytest-xdist versions?)"
        )
        session.exitstatus = 1
