"""Hostile configuration and careless outputs (issue 11, items 15 and 17, and "Also").

Pins that:

* every YAML file the tool reads (candidate lexicons, the guidance) goes through one guarded
  loader that refuses aliases (``*name``, the "billion laughs" bomb), files over the size cap,
  runaway nesting and unconvertible scalars with a short ScreeningError whose text never echoes
  large content or terminal escape sequences;
* ``audit-labels``, ``thresholds`` and ``train`` check their outputs (exists without --force,
  parent not a writable folder, unknown format) before any model work;
* ``train`` never replaces an existing bundle without --force, never writes into the bundle
  ``models/current`` names by default, and its --help states its default output;
* a wheel install (not the checkout) carries the runtime data ``score`` needs;
* the threshold that ``thresholds`` recommends sits between two 6-decimal scores, so the
  target still holds when ``score`` rescores the same posts after ``--apply``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from screening import paths
from screening.data.guidance import load_guidance
from screening.errors import ScreeningError
from screening.lexicon.candidates import MAX_YAML_BYTES, CandidateLexicon
from screening.model.thresholds import recommend
from tests.helpers import run_cli

runner = CliRunner()
CHECKOUT = Path(__file__).resolve().parent.parent
# the longest error text a bad configuration file may produce (a few lines of context)
MAX_MESSAGE = 3000


def _alias_bomb(levels: int = 6) -> str:
    """A 'billion laughs' YAML document: each level lists the previous one nine times."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    lines.append(f"candidates: *l{levels - 1}")
    return "\n".join(lines) + "\n"


def _app():  # imported late: the CLI modules import the whole package
    from screening.cli.app import app

    return app


# -- item 15: one guarded YAML loader ------------------------------------------------------
def test_alias_bomb_as_lexicon_is_refused_with_a_short_message(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_alias_bomb(), encoding="utf-8")
    with pytest.raises(ScreeningError) as err:
        CandidateLexicon.from_yaml(bomb)
    msg = str(err.value)
    assert "alias" in msg and str(bomb) in msg
    assert len(msg) < MAX_MESSAGE


def test_alias_bomb_as_guidance_is_refused_with_a_short_message(tmp_path: Path) -> None:
    bomb = tmp_path / "g.yaml"
    bomb.write_text(_alias_bomb(), encoding="utf-8")
    with pytest.raises(ScreeningError) as err:
        load_guidance(bomb)
    assert "alias" in str(err.value) and len(str(err.value)) < MAX_MESSAGE


def test_alias_bomb_on_the_command_line_is_one_line_exit_1(
    small_model: Path, tmp_path: Path
) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_alias_bomb(7), encoding="utf-8")
    r = run_cli("explain", "ayo coblos", "--model", str(small_model), "--candidates", str(bomb))
    assert r.returncode == 1
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("error: ")
    assert "alias" in r.stderr and len(r.stderr) < MAX_MESSAGE


def test_oversized_yaml_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    # a valid lexicon padded with comments past the size cap
    big.write_text(
        "candidates: [{names: [Budi]}]\n" + ("# padding padding padding\n" * 250_000),
        encoding="utf-8",
    )
    assert big.stat().st_size > MAX_YAML_BYTES
    with pytest.raises(ScreeningError, match="MB"):
        CandidateLexicon.from_yaml(big)
    with pytest.raises(ScreeningError, match="MB"):
        load_guidance(big)


def test_runaway_nesting_is_an_error_not_a_recursion_traceback(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("candidates: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(ScreeningError, match="nest"):
        CandidateLexicon.from_yaml(deep)


def test_huge_integer_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    p = tmp_path / "int.yaml"
    p.write_text(f"candidates:\n  - number: {'9' * 5000}\n    names: [Budi]\n", encoding="utf-8")
    with pytest.raises(ScreeningError) as err:
        CandidateLexicon.from_yaml(p)
    assert len(str(err.value)) < MAX_MESSAGE


def test_bad_value_is_not_echoed_in_full(tmp_path: Path) -> None:
    p = tmp_path / "long.yaml"
    p.write_text(f'candidates: "{"x" * 200_000}"\n', encoding="utf-8")
    with pytest.raises(ScreeningError) as err:
        CandidateLexicon.from_yaml(p)
    msg = str(err.value)
    assert "candidates" in msg and len(msg) < MAX_MESSAGE


def test_terminal_escapes_are_not_echoed(tmp_path: Path) -> None:
    p = tmp_path / "esc.yaml"
    # a key is echoed raw by the schema check ("additional properties"); \e is YAML's ESC
    p.write_text(
        'version: 1\nlegal_basis: {}\ncategories: {}\nnegatives: []\n"\\e]0;owned\\a\\e[2J": 1\n',
        encoding="utf-8",
    )
    with pytest.raises(ScreeningError) as err:
        load_guidance(p)
    assert "\x1b" not in str(err.value) and "\x07" not in str(err.value)


def test_a_directory_or_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScreeningError, match="not found"):
        CandidateLexicon.from_yaml(tmp_path / "nope.yaml")
    with pytest.raises(ScreeningError, match="not found"):
        load_guidance(tmp_path / "nope.yaml")
    with pytest.raises(ScreeningError, match="directory"):
        load_guidance(tmp_path)


def test_bundled_yaml_files_still_load() -> None:
    for name in ("candidates.yaml", "candidates_eval.yaml", "candidates_sample.yaml"):
        assert len(CandidateLexicon.from_yaml(paths.DATA_DIR / name)) > 0
    assert load_guidance().version >= 1


def test_anchor_without_alias_is_fine(tmp_path: Path) -> None:
    p = tmp_path / "anchor.yaml"
    p.write_text("candidates:\n  - &c1\n    names: [Budi Santoso]\n", encoding="utf-8")
    assert len(CandidateLexicon.from_yaml(p)) == 1


def test_every_yaml_read_goes_through_the_guarded_loader() -> None:
    calls = []
    for py in (CHECKOUT / "screening").rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        for bad in ("yaml.safe_load(", "yaml.load(", "yaml.full_load(", "yaml.unsafe_load("):
            calls += [f"{py.relative_to(CHECKOUT)}: {bad}"] * text.count(bad)
    # the one load is the guarded loader's own
    assert calls == ["screening/lexicon/candidates.py: yaml.load("]


# -- item 17: outputs are checked before any work ------------------------------------------
class _NoWork:
    """Stands in for the expensive step and records whether it was reached."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        raise AssertionError("the expensive step ran before the output check")


def test_audit_labels_refuses_an_existing_output_before_the_folds(
    small_train_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screening.cli.audit_labels as cli

    work = _NoWork()
    monkeypatch.setattr(cli, "audit_labels", work)
    out = tmp_path / "audit.csv"
    out.write_text("keep me\n", encoding="utf-8")
    r = runner.invoke(_app(), ["audit-labels", str(small_train_csv), "-o", str(out)])
    assert r.exit_code == 1 and r.stderr.startswith("error: "), r.output
    assert "exists" in r.stderr and "--force" in r.stderr
    assert work.calls == 0
    assert out.read_text(encoding="utf-8") == "keep me\n"


@pytest.mark.parametrize("bad", ["file_as_folder", "unknown_format"])
def test_audit_labels_refuses_an_unwritable_output_before_the_folds(
    small_train_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    import screening.cli.audit_labels as cli

    work = _NoWork()
    monkeypatch.setattr(cli, "audit_labels", work)
    blocker = tmp_path / "plain.txt"
    blocker.write_text("x", encoding="utf-8")
    out = blocker / "audit.csv" if bad == "file_as_folder" else tmp_path / "audit.docx"
    r = runner.invoke(_app(), ["audit-labels", str(small_train_csv), "-o", str(out)])
    assert r.exit_code == 1 and r.stderr.startswith("error: "), r.output
    assert work.calls == 0


@pytest.mark.parametrize("option", ["--plot", "--json"])
def test_thresholds_refuses_an_existing_output_before_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    import screening.cli.thresholds as cli

    work = _NoWork()
    monkeypatch.setattr(cli, "open_model", work)
    out = tmp_path / ("pr.png" if option == "--plot" else "t.json")
    out.write_bytes(b"keep me")
    r = runner.invoke(_app(), ["thresholds", str(paths.EVAL_CSV), option, str(out)])
    assert r.exit_code == 1 and r.stderr.startswith("error: "), r.output
    assert "exists" in r.stderr and "--force" in r.stderr
    assert work.calls == 0 and out.read_bytes() == b"keep me"


def test_thresholds_refuses_an_output_under_a_file_before_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screening.cli.thresholds as cli

    work = _NoWork()
    monkeypatch.setattr(cli, "open_model", work)
    blocker = tmp_path / "plain.txt"
    blocker.write_text("x", encoding="utf-8")
    r = runner.invoke(
        _app(), ["thresholds", str(paths.EVAL_CSV), "--plot", str(blocker / "pr.png")]
    )
    assert r.exit_code == 1 and r.stderr.startswith("error: "), r.output
    assert work.calls == 0


def test_thresholds_force_overwrites_an_existing_plot(small_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "pr.png"
    out.write_bytes(b"old")
    r = runner.invoke(
        _app(),
        [
            "thresholds",
            str(paths.EVAL_CSV),
            "--model",
            str(small_model),
            "--plot",
            str(out),
            "--force",
        ],
    )
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:4] == b"\x89PNG"


# -- train never replaces a bundle without --force -----------------------------------------
def _fake_bundle(d: Path) -> Path:
    d.mkdir(parents=True)
    (d / "card.json").write_text('{"name": "precious"}\n', encoding="utf-8")
    (d / "model.joblib").write_bytes(b"precious")
    return d


def test_train_refuses_an_existing_bundle_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screening.cli.train as cli

    work = _NoWork()
    monkeypatch.setattr(cli, "train", work)
    bundle = _fake_bundle(tmp_path / "b")
    r = runner.invoke(_app(), ["train", "--out", str(bundle)])
    assert r.exit_code == 1 and r.stderr.startswith("error: "), r.output
    assert "--force" in r.stderr
    assert work.calls == 0
    assert (bundle / "model.joblib").read_bytes() == b"precious"


def test_train_default_output_is_not_the_bundle_models_current_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screening.cli.train as cli

    models = tmp_path / "models"
    retrained = _fake_bundle(models / "20240101T000000Z")
    (models / "current").write_text("20240101T000000Z\n", encoding="utf-8")
    monkeypatch.setattr(paths, "MODELS_DIR", models)
    monkeypatch.delenv("SCREENING_MODEL", raising=False)
    seen: list[Path] = []

    def fake_train(config: object, out_dir: Path, *a: object, **k: object) -> dict:
        seen.append(out_dir)
        raise ScreeningError("stop here")

    monkeypatch.setattr(cli, "train", fake_train)
    r = runner.invoke(_app(), ["train"])
    assert r.stderr.startswith("error: ") and seen == [models / "default"], r.output
    assert (retrained / "model.joblib").read_bytes() == b"precious"
    # and a bundle at the default is refused like any other
    _fake_bundle(models / "default")
    seen.clear()
    r = runner.invoke(_app(), ["train"])
    assert r.exit_code == 1 and "--force" in r.stderr and seen == []


def test_train_help_states_its_default_output() -> None:
    r = runner.invoke(_app(), ["train", "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0
    assert "models/default" in r.output and "SCREENING_MODEL" in r.output
    assert "--force" in r.output


def test_train_force_replaces_an_existing_bundle(
    small_train_csv: Path, small_eval_csv: Path, tmp_path: Path
) -> None:
    bundle = _fake_bundle(tmp_path / "b")
    argv = ["train", "--out", str(bundle), "--data", str(small_train_csv), "--quiet", "--force"]
    r = run_cli(*argv, "--eval", str(small_eval_csv))
    assert r.returncode == 0, r.stderr
    card = json.loads((bundle / "card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["rows"] == 500 and card["metrics"]["eval"]["n"] == 200


def test_library_train_refuses_an_existing_bundle(
    small_train_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import screening.model.training as training

    work = _NoWork()
    monkeypatch.setattr(training, "out_of_fold_scores", work)
    bundle = _fake_bundle(tmp_path / "b")
    with pytest.raises(ScreeningError, match="exists"):
        training.train(training.TrainConfig(train_csv=small_train_csv), bundle)
    assert work.calls == 0 and (bundle / "model.joblib").read_bytes() == b"precious"


# -- runtime data ships in the package -----------------------------------------------------
def test_runtime_guidance_lives_inside_the_package() -> None:
    pkg = Path(paths.__file__).resolve().parent
    assert paths.GUIDANCE.is_file() and pkg in paths.GUIDANCE.resolve().parents


def _build_wheel(dest: Path, tmp: Path) -> Path:
    """Build the project's wheel from a copy of its sources (never in the shared checkout)."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(CHECKOUT / name, src / name)
    shutil.copytree(
        CHECKOUT / "screening", src / "screening", ignore=shutil.ignore_patterns("__pycache__")
    )
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dest), str(src)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        offline = ("No matching distribution", "Could not find a version", "connection")
        if any(s in r.stdout + r.stderr for s in offline):
            pytest.skip("cannot build a wheel here: the build backend is not installable offline")
        raise AssertionError(f"wheel build failed:\n{r.stdout}\n{r.stderr}")
    (wheel,) = dest.glob("screening-*.whl")
    return wheel


@pytest.mark.processes
def test_wheel_install_scores_from_package_data(small_model: Path, tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist", tmp_path)
    target = tmp_path / "site"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = textwrap.dedent(
        f"""
        import json, sys
        from pathlib import Path
        import screening, screening.paths as p
        from screening.model.bundle import load_bundle
        from screening.scoring.post_scorer import PostScorer
        assert Path(screening.__file__).resolve().is_relative_to({str(target.resolve())!r}), \\
            screening.__file__
        assert p.GUIDANCE.is_file(), p.GUIDANCE
        bundle = load_bundle({str(small_model)!r})
        scorer = PostScorer(bundle.model, None, bundle.threshold)
        out = scorer.score(["Ayo coblos nomor 2, menang!", "Info resmi jadwal TPS"])
        print(json.dumps([float(s) for s in out.score]))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    r = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    scores = json.loads(r.stdout.strip().splitlines()[-1])
    assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores)
    # the command line too: score a file from the wheel, outside the checkout
    posts = elsewhere / "posts.csv"
    posts.write_text("id,text\n1,Ayo coblos nomor 2\n2,Info resmi jadwal TPS\n", encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "screening",
            "score",
            str(posts),
            "-o",
            str(elsewhere / "o.csv"),
            "--model",
            str(small_model),
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert len(pd.read_csv(elsewhere / "o.csv")) == 2


# -- the recommended cut survives rescoring -------------------------------------------------
def _precision(y: np.ndarray, s: np.ndarray, t: float) -> float:
    flag = s >= t
    return float(y[flag].mean())


def _tied_fixture() -> tuple[np.ndarray, np.ndarray]:
    """Eight positives, one negative, then the positive that makes 9/10 = 0.90 exactly, then
    negatives: the target 0.90 is met only by cutting exactly at that positive's score."""
    y = np.array([1] * 8 + [0] + [1] + [0] * 10)
    s = np.array(
        [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92, 0.91]
        + [0.80000004]  # unrounded, as the model computes it; the scorer writes 0.8
        + [0.5 - 0.01 * i for i in range(10)]
    )
    return y, s


def test_recommended_cut_holds_after_the_scorer_rounds() -> None:
    y, raw = _tied_fixture()
    rec = recommend(y, raw, target_precision=0.9, bootstrap=10)
    assert rec.threshold is not None
    rescored = np.round(raw, 6)  # what `score` writes (PostScorer.score)
    assert _precision(y, rescored, rec.threshold) >= 0.9
    assert int((rescored >= rec.threshold).sum()) == 10


def test_recommended_cut_holds_when_rescoring_differs_in_the_last_bits() -> None:
    y, raw = _tied_fixture()
    s = np.round(raw, 6)
    rec = recommend(y, s, target_precision=0.9, bootstrap=10)
    assert rec.threshold is not None
    for rescored in (np.nextafter(s, -np.inf), np.nextafter(s, np.inf), s.astype(np.float32)):
        assert _precision(y, rescored.astype(float), rec.threshold) >= 0.9
    # strictly between the lowest kept score (0.8) and the next lower one (0.5), on a half step
    assert 0.5 < rec.threshold < 0.8
    assert rec.threshold == round(rec.threshold, 7)


def test_cli_apply_then_score_keeps_the_target(small_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(small_model, model)
    data = tmp_path / "ev.csv"
    pd.read_csv(paths.EVAL_CSV, dtype=str, keep_default_na=False).head(400).to_csv(
        data, index=False
    )
    lex = str(paths.EVAL_LEXICON)
    r = run_cli(
        "thresholds",
        str(data),
        "--model",
        str(model),
        "--candidates",
        lex,
        "--target-precision",
        "0.9",
        "--apply",
        "--reason",
        "test",
    )
    assert r.returncode == 0, r.stderr
    out = tmp_path / "scored.csv"
    r = run_cli(
        "score",
        str(data),
        "-o",
        str(out),
        "--model",
        str(model),
        "--candidates",
        lex,
        "--jobs",
        "1",
    )
    assert r.returncode == 0, r.stderr
    scored = pd.read_csv(out, keep_default_na=False)
    flagged = scored[scored["flagged"].astype(str).str.lower().isin(["true", "1", "yes"])]
    assert len(flagged) > 0
    assert (flagged["label"].astype(int) == 1).mean() >= 0.9
