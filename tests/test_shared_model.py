"""Local workers share one preloaded model (screening.shared_model) and score as before."""

from __future__ import annotations

import gc
import json
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from screening import shared_model
from screening.bundle import load_bundle
from screening.errors import ScreeningError
from screening.heap import release_free_memory
from screening.scoring import PostScorer
from screening.shared_model import ModelFile

POSTS = [
    "Ayo coblos nomor 2, pilihan kita semua!",
    "Rapat koordinasi dinas hari ini jam 9 pagi.",
    "dukung terus paslon 01 sampai menang",
]
REPO = Path(__file__).resolve().parents[1]


def _ref(model_dir: Path) -> ModelFile:
    bundle = load_bundle(model_dir)
    return ModelFile(str(bundle.model_file.resolve()), str(bundle.card["model_sha256"]))


def test_a_scorer_for_workers_pickles_a_reference_and_scores_the_same(small_model: Path) -> None:
    bundle = load_bundle(small_model)
    scorer = PostScorer(bundle.model, None, bundle.threshold)
    ref = _ref(small_model)
    whole = pickle.dumps(scorer)
    light = pickle.dumps(scorer.for_workers(ref))
    assert len(light) * 10 < len(whole)  # the model is not in the pickle
    shared_model._LOADED.pop(ref, None)
    again = pickle.loads(light)  # resolves the reference: loads the file in this process
    assert again.model is not bundle.model
    a, b = scorer.score(POSTS), again.score(POSTS)
    assert np.array_equal(a.score, b.score)
    assert list(a.reasons) == list(b.reasons)
    # a second worker state in the same process reuses the loaded model
    assert pickle.loads(light).model is again.model


def test_a_model_file_changed_after_loading_is_refused(small_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(small_model, copy)
    bundle = load_bundle(copy)
    light = pickle.dumps(PostScorer(bundle.model, None, 0.5).for_workers(_ref(copy)))
    with bundle.model_file.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ScreeningError, match="changed while scoring"):
        pickle.loads(light)


def test_preloading_loads_the_named_model_and_freezes_the_collector(
    small_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _ref(small_model)
    shared_model._LOADED.pop(ref, None)
    monkeypatch.setenv(shared_model.ENV, ref.to_env())
    try:
        shared_model.preload_from_env()
        assert ref in shared_model._LOADED
        # built before the workers fork, so that they share it
        assert "_fast" in vars(shared_model._LOADED[ref])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    # a broken reference leaves loading to the workers instead of stopping the forkserver
    monkeypatch.setenv(shared_model.ENV, json.dumps({"path": str(small_model), "sha256": "0"}))
    shared_model._LOADED.clear()
    try:
        shared_model.preload_from_env()
        assert shared_model._LOADED == {}
    finally:
        gc.unfreeze()


def worker_view(state: ModelFile, payload: int) -> tuple[bool, bool]:
    """Run in a worker: was the model loaded before any scorer reached this process, and
    are the forkserver's objects frozen?"""
    return state in shared_model._LOADED, gc.get_freeze_count() > 0


@pytest.mark.parametrize("preload", [True, False])
def test_workers_fork_from_a_forkserver_that_preloaded_the_model(
    small_model: Path, preload: bool
) -> None:
    # a fresh interpreter: this test process's forkserver may already be running
    ref = _ref(small_model)
    script = textwrap.dedent(
        f"""
        import json
        from screening.parallel import ordered_map
        from screening.shared_model import ENV, ModelFile
        from tests.test_shared_model import worker_view

        ref = ModelFile({ref.path!r}, {ref.sha256!r})
        env = {{ENV: ref.to_env()}} if {preload!r} else {{}}
        got = ordered_map(
            worker_view, ref, ((i, i) for i in range(6)), jobs=2,
            preload=("screening.scoring", "screening.forkserver_preload"), preload_env=env,
        )
        print(json.dumps([r for _, r in got]))
        """
    )
    r = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    views = json.loads(r.stdout)
    assert len(views) == 6
    assert all(loaded == preload and frozen for loaded, frozen in views)


def test_releasing_free_memory_works_on_glibc() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("malloc_trim is glibc's (Linux)")
    assert release_free_memory() is True
