"""Local workers share one preloaded model (screening.scoring.shared_model) and score as before."""

from __future__ import annotations

import gc
import hashlib
import json
import pickle
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from screening.errors import ScreeningError
from screening.model.bundle import load_bundle
from screening.scoring import shared_model
from screening.scoring.heap import release_free_memory
from screening.scoring.post_scorer import PostScorer
from screening.scoring.shared_model import ModelFile, SharedScorer
from tests.helpers import run_cli

POSTS = [
    "Ayo coblos nomor 2, pilihan kita semua!",
    "Rapat koordinasi dinas hari ini jam 9 pagi.",
    "dukung terus paslon 01 sampai menang",
]
REPO = Path(__file__).resolve().parents[1]


def _ref(model_dir: Path) -> ModelFile:
    bundle = load_bundle(model_dir)
    return ModelFile(str(bundle.model_file.resolve()), str(bundle.card["model_sha256"]))


def test_a_shared_scorer_pickles_a_reference_and_scores_the_same(small_model: Path) -> None:
    bundle = load_bundle(small_model)
    scorer = PostScorer(bundle.model, None, bundle.threshold)
    ref = _ref(small_model)
    shared_model._LOADED.pop(ref, None)
    shared = SharedScorer(ref, None, bundle.threshold)
    a, b = scorer.score(POSTS), shared.score(POSTS)  # loads the file in this process
    assert np.array_equal(a.score, b.score)
    assert list(a.reasons) == list(b.reasons)
    assert shared.scorer is not None
    # what a worker receives: the reference, never the model it made
    light = pickle.dumps(shared)
    assert len(light) * 10 < len(pickle.dumps(scorer))
    again = pickle.loads(light)
    assert again.scorer is None
    again.score(POSTS[:1])  # a second scorer in the same process reuses the loaded model
    assert again.scorer is not None
    assert again.scorer.model is shared.scorer.model


def test_a_model_file_changed_after_loading_is_refused(small_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(small_model, copy)
    shared = SharedScorer(_ref(copy), None, 0.5)
    with load_bundle(copy, lazy=True).model_file.open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ScreeningError, match="does not match the card"):
        shared.score(POSTS)


@pytest.mark.processes
def test_a_model_that_cannot_be_unpickled_is_a_one_line_error_with_workers(
    small_model: Path, tmp_path: Path
) -> None:
    # the reading process of --jobs 2 checks the card and the sha256 but does not unpickle:
    # a bundle saved broken (its card matching the broken file) fails in the workers, and
    # that must still be one line and no output
    broken = tmp_path / "broken"
    shutil.copytree(small_model, broken)
    (broken / "model.joblib").write_bytes(b"not a pickle")
    card = json.loads((broken / "card.json").read_text())
    card["model_sha256"] = hashlib.sha256(b"not a pickle").hexdigest()
    (broken / "card.json").write_text(json.dumps(card))
    posts = tmp_path / "posts.csv"
    posts.write_text("text\n" + "\n".join(f"posting ke-{i} hari ini" for i in range(8)) + "\n")
    out = tmp_path / "out.csv"
    for jobs in ("1", "2"):
        r = run_cli(
            "score", str(posts), "-o", str(out), "--model", str(broken),
            "--jobs", jobs, "--chunk-rows", "2", "--quiet",
        )  # fmt: skip
        assert r.returncode == 1, (jobs, r.stderr)
        assert "cannot load model" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "Traceback" not in r.stderr
        assert not out.exists()


def test_preloading_loads_the_named_model_and_freezes_the_collector(
    small_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = _ref(small_model)
    shared_model._LOADED.pop(ref, None)
    monkeypatch.setenv(shared_model.ENV, ref.to_env())
    try:
        shared_model.preload_from_env()
        assert ref in shared_model._LOADED
        # used once before the workers fork, so that they share what first use builds
        char = shared_model._LOADED[ref].fast_features_.parts[1]
        assert "siap" in char._cache
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
    """Run in a worker: was the model loaded before any work reached this process, and are
    the forkserver's objects frozen?"""
    return state in shared_model._LOADED, gc.get_freeze_count() > 0


@pytest.mark.processes
@pytest.mark.parametrize("preload", [True, False])
def test_workers_fork_from_a_forkserver_that_preloaded_the_model(
    small_model: Path, preload: bool
) -> None:
    # a fresh interpreter: this test process's forkserver may already be running
    ref = _ref(small_model)
    script = textwrap.dedent(
        f"""
        import json
        from screening.scoring.parallel import ordered_map
        from screening.scoring.shared_model import ENV, ModelFile
        from tests.test_shared_model import worker_view

        ref = ModelFile({ref.path!r}, {ref.sha256!r})
        env = {{ENV: ref.to_env()}} if {preload!r} else {{}}
        got = ordered_map(
            worker_view, ref, ((i, i) for i in range(6)), jobs=2,
            preload=("screening.scoring.local", "screening.scoring.forkserver_preload"),
            preload_env=env,
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


@pytest.mark.processes
def test_the_reading_process_of_several_jobs_never_loads_the_model(
    small_model: Path, tmp_path: Path
) -> None:
    from screening.scoring.local import score_file

    posts = tmp_path / "posts.csv"
    posts.write_text("text\n" + "\n".join(f"posting ke-{i} coblos 2" for i in range(12)) + "\n")
    lazy = load_bundle(small_model, lazy=True)
    score_file(posts, tmp_path / "two.csv", lazy, jobs=2, chunk_rows=3)
    assert lazy.loaded is None  # the workers loaded it
    score_file(posts, tmp_path / "one.csv", lazy, jobs=1, chunk_rows=3)
    assert lazy.loaded is not None
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


@pytest.mark.processes
@pytest.mark.parametrize(("jobs", "imports_sklearn"), [("2", False), ("1", True)])
def test_the_reading_process_of_score_with_workers_imports_no_scikit_learn(
    small_model: Path, tmp_path: Path, jobs: str, imports_sklearn: bool
) -> None:
    posts = tmp_path / "posts.csv"
    posts.write_text("text\n" + "\n".join(f"posting ke-{i} coblos 2" for i in range(12)) + "\n")
    argv = ["screening", "score", str(posts), "-o", str(tmp_path / "out.csv")]
    argv += ["--model", str(small_model), "--jobs", jobs, "--chunk-rows", "3", "--quiet"]
    script = textwrap.dedent(
        f"""
        import sys
        from screening.cli.app import main

        sys.argv = {argv!r}
        try:
            main()
        except SystemExit as exc:
            print(exc.code, "sklearn" in sys.modules)
        """
    )
    r = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert r.stdout.split() == ["0", str(imports_sklearn)], r.stderr
