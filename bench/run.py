"""Benchmark ``screening score`` against a fastText baseline on the same generated export.

One run measures, on the same file of N posts (bench/generate.py):

* ``screening score`` end to end (process start, imports, model load, reading, scoring,
  writing the output CSV and its rejects file) with ``--jobs 1`` and with all cores;
* fastText (fasttext-wheel, word bigrams + char 3-5-grams, 1 thread) end to end the same way
  (a subprocess that starts Python, loads the .bin, reads the CSV with pandas, lower-cases and
  collapses whitespace, predicts, writes a CSV with all columns + the probability), and its
  predict-only throughput (the ``predict`` call alone);
* peak RSS of each of those processes (polled every 0.05 s; main process and the sum over the
  process tree), the tree's peak PSS (every 0.5 s) and the kernel's RSS high-water mark of its
  largest single process;
* training time, model size on disk and average precision on data/eval.csv of both models.

Results go to bench/results/bench-N.json and a markdown table on stdout. Throughput is rows of
the input file per wall-clock second; RSS is in MB (10**6 bytes); times are in seconds.

    python -m bench.run --n 200000
    python -m bench.run --sizes 100000,1000000     # RSS growth with input size (screening only)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from itertools import pairwise
from pathlib import Path
from typing import Any

import psutil

from bench.generate import RESULTS, ROOT, ensure_posts

BIN = Path(sys.executable).parent
SCREENING = str(BIN / "screening")
POLL_SECONDS = 0.05
# reading smaps_rollup costs ~2 ms per process, so PSS is read on every 10th poll (0.5 s)
PSS_EVERY = 10
MB = 1_000_000
RSS_LIMIT_MB = 600.0
RSS_GROWTH_LIMIT = 0.10
SPEED_TARGET = 0.5
SPEED_STRETCH = 1.0
TRAIN_CSV = "data/train.csv"
EVAL_CSV = "data/eval.csv"
EVAL_LEXICON = "data/candidates_eval.yaml"
SCORE_LEXICON = "data/candidates_sample.yaml"
TEXT_COL = "full_text"
# dim/bucket below fastText's defaults (100 / 2M): in a probe eval AP was 0.9416 vs 0.9423 and
# prediction ~2.4x faster, so this is the harder baseline to beat
FASTTEXT_PARAMS: dict[str, Any] = {
    "epoch": 25,
    "lr": 0.5,
    "wordNgrams": 2,
    "minn": 3,
    "maxn": 5,
    "dim": 50,
    "bucket": 200_000,
    "loss": "softmax",
    "thread": 1,
    "seed": 0,
}
SCORE_COMMAND = (
    f"screening score FILE -o OUT.csv --model M --candidates {SCORE_LEXICON} [--jobs J] "
    "--quiet --force"
)
FT_STAGES = ("import_and_load", "read", "preprocess", "predict", "probability", "write")
FASTTEXT_PREPROCESSING = "lower-case, whitespace runs (incl. newlines) collapsed to one space"


DEFINITIONS = {
    "rows_per_s": "rows of the input file (incl. empty and duplicate texts) / wall seconds of "
    "the whole subprocess: interpreter start, imports, model load, reading, scoring, writing",
    "predict_rows_per_s": "rows / seconds of fastText's predict call alone "
    "(no I/O, no preprocessing)",
    "peak_rss_main_mb": "highest RSS of the main process seen by polling every 0.05 s; "
    "MB = 10**6 bytes",
    "peak_rss_tree_mb": "highest sum of RSS over the process and its descendants (polled); "
    "pages shared between forked workers count once per process, so an upper bound",
    "peak_pss_tree_mb": "highest sum of PSS (smaps_rollup) over the tree, read every 0.5 s; "
    "shared pages split between the processes sharing them",
    "max_rss_single_process_mb": "kernel high-water RSS (wait4 ru_maxrss) of the largest "
    "single process of the tree",
    "screening train wall_s": "whole `screening train` subprocess: 5-fold CV for the "
    "threshold, calibration, final fit, eval on data/eval.csv, writing the bundle",
    "fasttext train wall_s": "whole fastText train subprocess: start, writing its corpus, "
    "train_supervised, saving the .bin, eval on data/eval.csv",
    "fasttext train_supervised_s": "the train_supervised call alone (1 thread)",
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Measured:
    """One monitored subprocess: wall seconds and memory peaks in MB."""

    cmd: list[str]
    returncode: int
    wall_s: float
    peak_rss_main_mb: float
    peak_rss_tree_mb: float
    # PSS shares pages between the processes mapping them, so forked workers' shared model and
    # runtime pages are not counted once per worker as in the RSS sum; sampled less often
    peak_pss_tree_mb: float | None
    # kernel high-water mark (wait4 ru_maxrss): the largest single process, never missed
    # between polls, but not a sum over processes
    max_rss_single_process_mb: float
    samples: int
    stdout: str
    stderr: str

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        del out["stdout"], out["stderr"]
        return out


@dataclass
class Peaks:
    """Highest memory seen so far in a process tree, in bytes."""

    main_rss: int = 0
    tree_rss: int = 0
    tree_pss: int | None = None
    samples: int = 0

    def sample(self, proc: psutil.Process) -> None:
        try:
            main = proc.memory_info().rss
            children = proc.children(recursive=True)
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            return  # the main process is ending; the reaper thread takes over
        self.main_rss = max(self.main_rss, main)
        self.tree_rss = max(self.tree_rss, main + sum(map(_child_rss, children)))
        if self.samples % PSS_EVERY == 0:
            pss = sum(_pss(p.pid) for p in [proc, *children])
            self.tree_pss = max(self.tree_pss or 0, pss)
        self.samples += 1


def _child_rss(proc: psutil.Process) -> int:
    """RSS in bytes; 0 for a worker that ended between listing and reading."""
    try:
        return proc.memory_info().rss
    except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
        return 0


def _pss(pid: int) -> int:
    """Proportional set size in bytes from /proc/PID/smaps_rollup (0 if unreadable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_monitored(cmd: list[str]) -> Measured:
    """Run ``cmd`` in the checkout, polling its memory every POLL_SECONDS until it exits.

    A thread blocks in wait4 so the wall time ends when the process does, not at the next poll.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        done = threading.Event()
        result: dict[str, Any] = {}
        start = time.perf_counter()
        popen = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)

        def reap() -> None:
            _, status, usage = os.wait4(popen.pid, 0)
            result["wall"] = time.perf_counter() - start
            result["status"], result["usage"] = status, usage
            done.set()

        # before the reaper starts, so the pid cannot be gone yet
        proc = psutil.Process(popen.pid)
        threading.Thread(target=reap, daemon=True).start()
        peaks = Peaks()
        while not done.is_set():
            peaks.sample(proc)
            done.wait(POLL_SECONDS)
        popen.returncode = os.waitstatus_to_exitcode(result["status"])
        out.seek(0)
        err.seek(0)
        return Measured(
            cmd=cmd,
            returncode=popen.returncode,
            wall_s=round(result["wall"], 3),
            peak_rss_main_mb=round(peaks.main_rss / MB, 1),
            peak_rss_tree_mb=round(peaks.tree_rss / MB, 1),
            peak_pss_tree_mb=None if peaks.tree_pss is None else round(peaks.tree_pss / MB, 1),
            max_rss_single_process_mb=round(result["usage"].ru_maxrss * 1024 / MB, 1),
            samples=peaks.samples,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def checked(m: Measured, what: str) -> Measured:
    """``m`` if its process succeeded, else exit with its stderr."""
    if m.returncode != 0:
        sys.exit(f"{what} failed (exit {m.returncode}): {' '.join(m.cmd)}\n{m.stderr[-3000:]}")
    return m


def warm_cache(path: Path) -> None:
    """Read the file once so that no measured run pays for cold disk reads."""
    with open(path, "rb") as fh:
        while fh.read(1 << 23):
            pass


def count_csv_rows(path: Path) -> int:
    """Data rows of a CSV (quoted newlines handled), streaming: memory does not grow."""
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def rate(rows: int, seconds: float) -> float:
    """Rows per second."""
    return round(rows / seconds, 1) if seconds > 0 else float("nan")


# --------------------------------------------------------------------------- screening


def supports_jobs() -> bool:
    """Whether this checkout's ``screening score`` has a --jobs option (added concurrently)."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    text = subprocess.run(
        [SCREENING, "score", "--help"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    return "--jobs" in text


def jobs_settings() -> list[int | None]:
    """Job counts to measure: 1 and all cores, or [None] when --jobs does not exist yet."""
    if not supports_jobs():
        return [None]
    return sorted({1, os.cpu_count() or 1})


def jobs_label(jobs: int | None) -> str:
    return "unsupported" if jobs is None else str(jobs)


def train_screening(out_dir: Path) -> dict[str, Any]:
    """Train a bundle into ``out_dir`` (never models/default); wall seconds, size, RSS."""
    m = checked(
        run_monitored([SCREENING, "train", "--out", str(out_dir), "--quiet", "--force"]), "train"
    )
    size = (out_dir / "model.joblib").stat().st_size
    return {**m.summary(), "model_dir": str(out_dir), "model_bytes": size}


def choose_model(trained: Path | None) -> Path:
    """models/default when it has a card, else a bundle trained into bench/results/model."""
    default = ROOT / "models/default"
    if (default / "card.json").is_file():
        return default
    if trained is None:
        trained = RESULTS / "model"
        train_screening(trained)
    return trained


def model_info(model: Path) -> dict[str, Any]:
    """Where the scored model came from, and whether it was trained on today's train.csv."""
    from screening.io.files import sha256_file

    card = json.loads((model / "card.json").read_text(encoding="utf-8"))
    trained_on = card.get("training_data", {}).get("sha256")
    return {
        "path": str(model.relative_to(ROOT) if model.is_relative_to(ROOT) else model),
        "created": card.get("created"),
        "model_bytes": (model / "model.joblib").stat().st_size,
        "trained_on_current_train_csv": trained_on == sha256_file(ROOT / TRAIN_CSV),
    }


def screening_eval_ap(model: Path, work: Path) -> float:
    """Average precision on data/eval.csv, via ``screening evaluate --json``."""
    out = work / "screening-eval.json"
    cmd = [SCREENING, "evaluate", EVAL_CSV, "--model", str(model)]
    cmd += ["--force"]  # a bench run replaces the last one's figures
    checked(run_monitored([*cmd, "--candidates", EVAL_LEXICON, "--json", str(out)]), "evaluate")
    return float(json.loads(out.read_text(encoding="utf-8"))["average_precision"])


def score_screening(posts: Path, model: Path, jobs: int | None, work: Path) -> dict[str, Any]:
    """One end-to-end ``screening score`` run; checks every input row came out somewhere."""
    out = work / f"screening-jobs{jobs_label(jobs)}.csv"
    cmd = [SCREENING, "score", str(posts), "-o", str(out), "--model", str(model)]
    cmd += ["--candidates", SCORE_LEXICON, "--quiet", "--force"]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    m = checked(run_monitored(cmd), "screening score")
    rejects = Path(f"{out}.rejects.csv")
    scored = count_csv_rows(out)
    rejected = count_csv_rows(rejects) if rejects.is_file() else 0
    return {
        "jobs": jobs_label(jobs),
        **m.summary(),
        "rows_scored": scored,
        "rows_rejected": rejected,
    }


# --------------------------------------------------------------------------- fastText


def ft_preprocess(text: str) -> str:
    """fastText's only preprocessing here; its predict rejects newlines."""
    return " ".join(text.lower().split())


def ft_predict(model: Any, texts: list[str]) -> tuple[list[list[str]], Any]:
    """Top label and its probability per text. k=1 because with numpy 2 fastText's k=2 repeats
    the top probability; a list, because predict on one string fails under numpy 2."""
    return model.predict(texts, k=1)


def ft_p1(labels: list[list[str]], probs: Any) -> list[float]:
    """P(label 1) from each text's top label and its probability."""
    return [
        float(p[0]) if lab[0] == "__label__1" else 1.0 - float(p[0])
        for lab, p in zip(labels, probs, strict=True)
    ]


def ft_train(train_csv: Path, eval_csv: Path, out: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Train on the same rows as ``screening train`` and score data/eval.csv (seconds, bytes)."""
    import fasttext
    from sklearn.metrics import average_precision_score

    from screening.data.dataset import load_labelled

    train = load_labelled(train_csv)
    corpus = out.with_suffix(".train.txt")
    lines = (
        f"__label__{y} {ft_preprocess(t)}\n" for t, y in zip(train.text, train.label, strict=True)
    )
    corpus.write_text("".join(lines), encoding="utf-8")
    t0 = time.perf_counter()
    model = fasttext.train_supervised(str(corpus), verbose=0, **params)
    train_s = time.perf_counter() - t0
    model.save_model(str(out))
    ev = load_labelled(eval_csv)
    p = ft_p1(*ft_predict(model, [ft_preprocess(t) for t in ev.text]))
    return {
        "train_rows": len(train),
        "train_supervised_s": round(train_s, 3),
        "model_bytes": out.stat().st_size,
        "eval_rows": len(ev),
        "eval_average_precision": float(average_precision_score(ev.label, p)),
    }


def ft_score(model_path: Path, posts: Path, out: Path) -> dict[str, Any]:
    """Read, preprocess, predict, write all columns + p_partisan: the job ``screening score``
    does end to end. Returns seconds per stage."""
    t = [time.perf_counter()]
    import fasttext
    import pandas as pd

    model = fasttext.load_model(str(model_path))
    t.append(time.perf_counter())
    df = pd.read_csv(posts, dtype=str, keep_default_na=False)
    t.append(time.perf_counter())
    texts = [ft_preprocess(s) for s in df[TEXT_COL]]
    t.append(time.perf_counter())
    labels, probs = ft_predict(model, texts)
    t.append(time.perf_counter())
    df["p_partisan"] = ft_p1(labels, probs)
    t.append(time.perf_counter())
    df.to_csv(out, index=False)
    t.append(time.perf_counter())
    seconds = {f"{s}_s": round(b - a, 3) for s, (a, b) in zip(FT_STAGES, pairwise(t), strict=True)}
    return {"rows": len(df), **seconds}


def fasttext_worker(argv: list[str]) -> None:
    """``python -m bench.run fasttext-worker {train,score} ...``: one JSON object on stdout."""
    ap = argparse.ArgumentParser(prog="bench.run fasttext-worker")
    ap.add_argument("action", choices=["train", "score"])
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--input", type=Path)
    ap.add_argument("--output", type=Path)
    ap.add_argument("--params", default=json.dumps(FASTTEXT_PARAMS))
    args = ap.parse_args(argv)
    if args.action == "train":
        res = ft_train(ROOT / TRAIN_CSV, ROOT / EVAL_CSV, args.model, json.loads(args.params))
    else:
        res = ft_score(args.model, args.input, args.output)
    print(json.dumps(res))


def _worker_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "bench.run", "fasttext-worker", *args]


def train_fasttext(work: Path) -> tuple[Path, dict[str, Any]]:
    model = work / "fasttext.bin"
    m = checked(run_monitored(_worker_cmd("train", "--model", str(model))), "fastText train")
    return model, {**json.loads(m.stdout), **m.summary()}


def score_fasttext(model: Path, posts: Path, work: Path) -> dict[str, Any]:
    out = work / "fasttext-scored.csv"
    cmd = _worker_cmd("score", "--model", str(model), "--input", str(posts), "--output", str(out))
    m = checked(run_monitored(cmd), "fastText score")
    return {**json.loads(m.stdout), **m.summary()}


# --------------------------------------------------------------------------- reporting


def environment() -> dict[str, Any]:
    """Machine, library versions and the checkout's commit (read-only git calls)."""

    def git(*args: str) -> str:
        res = subprocess.run(
            ["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, text=True
        )
        return res.stdout.strip()

    versions = {}
    for dist in (
        "screening",
        "scikit-learn",
        "numpy",
        "scipy",
        "pandas",
        "fasttext-wheel",
        "psutil",
    ):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory_total_mb": round(psutil.virtual_memory().total / MB),
        "python": platform.python_version(),
        "versions": versions,
        "git_commit": git("rev-parse", "HEAD"),
        "git_uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
        # the machine is shared; a busy one makes every figure slower
        "loadavg_1_5_15_at_start": os.getloadavg(),
    }


def target(name: str, value: float, op: str, limit: float) -> dict[str, Any]:
    """A pass/fail line; ``op`` is ">=" (at least) or "<" (below)."""
    ok = value >= limit if op == ">=" else value < limit
    return {"name": name, "value": round(value, 3), "op": op, "limit": limit, "pass": bool(ok)}


def targets(runs: list[dict[str, Any]], ft_e2e: float) -> list[dict[str, Any]]:
    """Speed relative to fastText end to end (every job count; stretch: all cores) and peak RSS
    of the process tree of each run."""
    out = []
    for r in runs:
        ratio = r["rows_per_s"] / ft_e2e
        out.append(
            target(f"jobs {r['jobs']}: throughput / fastText e2e", ratio, ">=", SPEED_TARGET)
        )
        if r["jobs"] not in ("1", "unsupported"):
            name = f"stretch, jobs {r['jobs']}: throughput / fastText e2e"
            out.append(target(name, ratio, ">=", SPEED_STRETCH))
    for r in runs:
        name = f"jobs {r['jobs']}: peak RSS of process tree, MB"
        out.append(target(name, r["peak_rss_tree_mb"], "<", RSS_LIMIT_MB))
    return out


def print_targets(items: list[dict[str, Any]]) -> None:
    for t in items:
        verdict = "PASS" if t["pass"] else "FAIL"
        print(f"{verdict}  {t['name']}: {t['value']} (target {t['op']} {t['limit']})")


def md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def markdown_table(res: dict[str, Any]) -> str:
    """Throughput, RSS, eval AP, training wall seconds and model size of every measured run."""
    s, ft = res["screening"], res["fasttext"]
    head = ["run", "rows/s", "seconds", "peak RSS main MB", "peak RSS tree MB", "peak PSS tree MB"]
    head += ["eval AP", "train s (process)", "model MB"]
    lines = [md_row(head), md_row(["---"] * len(head))]
    train_s = f"{s['train']['wall_s']:.1f}" if s["train"] else "not run"
    quality = [f"{s['eval_average_precision']:.4f}", train_s]
    quality.append(f"{s['model']['model_bytes'] / MB:.1f}")
    for r in s["runs"]:
        jobs = "no --jobs option" if r["jobs"] == "unsupported" else f"--jobs {r['jobs']}"
        lines.append(md_row([f"screening score {jobs} (end to end)", *_speed_cells(r), *quality]))
    e2e, tr = ft["score"], ft["train"]
    quality = [f"{tr['eval_average_precision']:.4f}", f"{tr['wall_s']:.1f}"]
    quality.append(f"{tr['model_bytes'] / MB:.1f}")
    lines.append(md_row(["fastText, 1 thread (end to end)", *_speed_cells(e2e), *quality]))
    predict = [f"{e2e['predict_rows_per_s']:,.0f}", f"{e2e['predict_s']:.2f}"]
    lines.append(md_row(["fastText, 1 thread (predict call only)", *predict, *[""] * 6]))
    return "\n".join(lines)


def _speed_cells(r: dict[str, Any]) -> list[str]:
    return [
        f"{r['rows_per_s']:,.0f}",
        f"{r['wall_s']:.2f}",
        f"{r['peak_rss_main_mb']:.0f}",
        f"{r['peak_rss_tree_mb']:.0f}",
        _mb(r["peak_pss_tree_mb"]),
    ]


def _mb(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f}"


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- runs


def bench(n: int, seed: int, keep_outputs: bool, skip_train: bool) -> dict[str, Any]:
    """The full comparison on one generated file of ``n`` posts."""
    env = environment()
    posts, data_stats = ensure_posts(n, seed)
    work = RESULTS / f"work-{n}"
    work.mkdir(parents=True, exist_ok=True)
    screening = screening_models(work, skip_train)
    model = ROOT / screening["model"]["path"]
    print("training fastText (timed) ...", flush=True)
    ft_model, ft_train_res = train_fasttext(work)
    warm_cache(posts)
    runs = [screening_run(posts, model, jobs, work, n) for jobs in jobs_settings()]
    print("fastText score ...", flush=True)
    ft = score_fasttext(ft_model, posts, work)
    ft.update(rows_per_s=rate(n, ft["wall_s"]), predict_rows_per_s=rate(n, ft["predict_s"]))
    if not keep_outputs:
        _clean(work)
    env["loadavg_1_5_15_at_end"] = os.getloadavg()
    return {
        "n": n,
        "posts_file": str(posts.relative_to(ROOT)),
        "data": data_stats,
        "environment": env,
        "definitions": DEFINITIONS,
        "screening": {**screening, "score_command": SCORE_COMMAND, "runs": runs},
        "fasttext": {
            "params": FASTTEXT_PARAMS,
            "preprocessing": FASTTEXT_PREPROCESSING,
            "train": ft_train_res,
            "score": ft,
        },
        "ratios": ratios(runs, ft),
        "targets": targets(runs, ft["rows_per_s"]),
    }


def screening_models(work: Path, skip_train: bool) -> dict[str, Any]:
    """Timed training into bench/results/model, the model to score with, and its eval AP."""
    train = None
    if not skip_train:
        print("training screening (timed) ...", flush=True)
        train = train_screening(RESULTS / "model")
    model = choose_model(None if skip_train else RESULTS / "model")
    print(f"evaluating {model} on {EVAL_CSV} ...", flush=True)
    ap = screening_eval_ap(model, work)
    return {"model": model_info(model), "train": train, "eval_average_precision": ap}


def screening_run(posts: Path, model: Path, jobs: int | None, work: Path, n: int) -> dict[str, Any]:
    """One scored run with its throughput; warns when rows went missing."""
    print(f"screening score, {n} rows, jobs {jobs_label(jobs)} ...", flush=True)
    r = score_screening(posts, model, jobs, work)
    accounted = r["rows_scored"] + r["rows_rejected"] == n
    if not accounted:
        print(f"WARNING: {n} rows in, {r['rows_scored']} scored + {r['rows_rejected']} rejected")
    return {**r, "all_rows_accounted_for": accounted, "rows_per_s": rate(n, r["wall_s"])}


def _clean(work: Path) -> None:
    """Drop the scored outputs (hundreds of MB at 1M rows); keep the models."""
    for p in work.glob("*.csv"):
        p.unlink()


def ratios(runs: list[dict[str, Any]], ft: dict[str, Any]) -> dict[str, float]:
    out = {}
    for r in runs:
        out[f"jobs_{r['jobs']}_vs_fasttext_end_to_end"] = round(
            r["rows_per_s"] / ft["rows_per_s"], 3
        )
        out[f"jobs_{r['jobs']}_vs_fasttext_predict_only"] = round(
            r["rows_per_s"] / ft["predict_rows_per_s"], 3
        )
    return out


def main_report(res: dict[str, Any]) -> None:
    path = RESULTS / f"bench-{res['n']}.json"
    write_json(path, res)
    d = res["data"]
    print(
        f"\n{res['n']:,} posts, distinct non-empty texts {d['distinct_share']:.1%}, "
        f"{d['empty_texts']} empty; {res['environment']['cpu_count']} cores"
    )
    print(markdown_table(res))
    ft = res["fasttext"]
    stages = ", ".join(f"{k} {ft['score'][f'{k}_s']}" for k in FT_STAGES)
    print(f"fastText in-process stages (s): {stages}")
    print(f"fastText train_supervised call alone: {ft['train']['train_supervised_s']:.1f} s")
    for name, v in res["ratios"].items():
        print(f"ratio screening/fastText, {name.replace('_', ' ')}: {v:.2f}x")
    print_targets(res["targets"])
    print(f"results: {path}")


def rss_sizes(sizes: list[int], seed: int) -> dict[str, Any]:
    """Screening's peak RSS at each input size, per job count (fastText not run)."""
    model = choose_model(None)
    settings = jobs_settings()
    rows = []
    for n in sizes:
        posts, _ = ensure_posts(n, seed)
        work = RESULTS / f"work-{n}"
        work.mkdir(parents=True, exist_ok=True)
        warm_cache(posts)
        rows += [{"n": n, **screening_run(posts, model, j, work, n)} for j in settings]
        _clean(work)
    checks = []
    for jobs in map(jobs_label, settings):
        for key in ("peak_rss_main_mb", "peak_rss_tree_mb"):
            vals = [r[key] for r in rows if r["jobs"] == jobs]
            growth = max(vals) / min(vals) - 1
            checks.append(
                target(f"jobs {jobs}: {key} growth across sizes", growth, "<", RSS_GROWTH_LIMIT)
            )
    return {
        "sizes": sizes,
        "environment": environment(),
        "model": model_info(model),
        "runs": rows,
        "targets": checks,
    }


def rss_report(res: dict[str, Any]) -> None:
    path = RESULTS / f"bench-rss-{'-'.join(map(str, res['sizes']))}.json"
    write_json(path, res)
    head = ["rows", "jobs", "rows/s", "seconds", "peak RSS main MB", "peak RSS tree MB"]
    print("\n" + md_row([*head, "peak PSS tree MB"]))
    print(md_row(["---"] * (len(head) + 1)))
    for r in res["runs"]:
        print(md_row([f"{r['n']:,}", r["jobs"], *_speed_cells(r)]))
    for t in res["targets"]:
        verdict = "PASS" if t["pass"] else "FAIL"
        print(f"{verdict}  {t['name']}: {t['value']:+.1%} (target < {t['limit']:.0%})")
    print(f"results: {path}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["fasttext-worker"]:
        fasttext_worker(argv[1:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200_000, help="posts to generate and score")
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--sizes", help="comma-separated sizes: only compare screening's peak RSS")
    ap.add_argument("--keep-outputs", action="store_true", help="keep the scored CSVs")
    ap.add_argument(
        "--skip-train", action="store_true", help="do not time `screening train` (quick reruns)"
    )
    args = ap.parse_args(argv)
    if args.sizes:
        rss_report(rss_sizes([int(s) for s in args.sizes.split(",")], args.seed))
    else:
        main_report(bench(args.n, args.seed, args.keep_outputs, args.skip_train))


if __name__ == "__main__":
    main()
