"""Where scoring time goes, per stage and per post (issue 17, item 1).

    python -m bench.profile [--n 50000] [--real pemilu2024_anies.csv]

Times each stage of `screening score`'s path on one process, over the bench posts
(bench/results/posts-200000-seed0.csv, written by `make bench`) and, when present, one real
export from ../shared/realdata (evaluation only: nothing is stored but the timings):
reading (the streaming reader), normalisation (with the demo lexicon), featurisation, the
binary head with its gates, the category head, reasons for flagged posts, and writing. The
first half of the rows warms the per-word caches (as a long run does); the second half is
timed, in chunks of 5,000 rows as `score` reads them. Prints a markdown table of
microseconds per post. It runs on the code of the checkout it is started from, so the same
file measures an older commit (a `git worktree` of it) for a before/after table.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from screening import paths
from screening.data import realdata
from screening.io.readers import DEFAULT_CHUNK_ROWS, open_table
from screening.io.writers import write_table
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import load_bundle
from screening.model.explain import reasons
from screening.text.normalize import normalize_many

HERE = Path(__file__).resolve().parent


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def profile(
    path: Path, n: int, lexicon: CandidateLexicon | None, chunk: int = DEFAULT_CHUNK_ROWS
) -> dict[str, float]:
    """Seconds per stage for the first ``n`` rows of ``path``, ``chunk`` rows at a time."""
    bundle = load_bundle(paths.MODELS_DIR / "default")
    model = bundle.model
    stages: dict[str, float] = {}

    def read() -> list[str]:
        texts: list[str] = []
        stream = open_table(path, 20_000)
        from screening.io.readers import find_text_column

        col = find_text_column(stream.columns)
        for chunk in stream:
            texts += chunk.frame[col].astype(str).tolist()
            if len(texts) >= n:
                break
        return texts[:n]

    stages["read"], texts = _time(read)
    # the per-word caches are warm in a long run: fill them with the first half, time the
    # second half (reading is timed over all rows)
    half = len(texts) // 2
    stages["read"] *= (len(texts) - half) / len(texts)
    model.screen(texts[:half], lexicon)
    texts = texts[half:]
    typed = bool(model.__dict__.get("typed_mentions", False))
    fast = model.__dict__.get("_fast")
    assert fast is not None
    from screening.model import features

    cut = getattr(features, "Pieces", None)  # absent before issue 17: each part cuts alone
    names = ["normalise", "featurise", "binary head + gates", "category head", "reasons"]
    for name in names:
        stages[name] = 0.0
    scores = []
    # chunk by chunk, as `score` works (large batches allocate differently)
    clock = time.perf_counter
    for at in range(0, len(texts), chunk):
        part = texts[at : at + chunk]
        t0 = clock()
        norm = normalize_many(part, lexicon, typed=typed)
        t1 = clock()
        pieces = cut(norm) if cut is not None else None
        Z = fast.transform(norm, pieces) if cut is not None else fast.transform(norm)
        t2 = clock()
        score = model._gated(Z, norm, pieces) if cut is not None else model._gated(Z, norm)
        t3 = clock()
        model.category_model_.predict_proba(Z)
        t4 = clock()
        hit = np.flatnonzero(score >= bundle.threshold)
        reasons(model, [part[i] for i in hit], lexicon, features=Z[hit])
        t5 = clock()
        for name, secs in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            stages[name] += secs
        scores.append(score)
    stages["reasons (flagged only)"] = stages.pop("reasons")
    score = np.concatenate(scores) if scores else np.zeros(0)
    flagged = np.flatnonzero(score >= bundle.threshold)
    import pandas as pd

    frame = pd.DataFrame({"text": texts, "score": np.round(score, 6)})
    with tempfile.TemporaryDirectory() as tmp:
        stages["write"], _ = _time(lambda: write_table(frame, Path(tmp) / "o.csv"))
    stages["posts"] = float(len(texts))
    stages["flagged share"] = float(len(flagged) / max(len(texts), 1))
    return stages


def _profile_file(path: Path, n: int, lexicon: Path | None) -> dict[str, float]:
    return profile(path, n, CandidateLexicon.from_yaml(lexicon) if lexicon else None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--real", default="pemilu2024_anies.csv")
    args = ap.parse_args(argv)
    bench_posts = HERE / "results" / "posts-200000-seed0.csv"
    runs = {}
    # each file in a process of its own, as `score` runs: one file's caches (and the heap
    # they leave) would otherwise slow the next file's stages
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn, max_tasks_per_child=1) as pool:
        if bench_posts.is_file():
            lex = paths.DATA_DIR / "candidates_sample.yaml"
            runs["bench posts"] = pool.submit(_profile_file, bench_posts, args.n, lex).result()
        else:
            print(f"note: {bench_posts} missing; run `make bench` first")
        real = realdata.REALDATA_DIR / args.real
        if real.is_file():
            lx = realdata.lexicon_for(args.real)
            runs[args.real] = pool.submit(_profile_file, real, args.n, lx).result()
        else:
            print(f"note: {real} not available; real export not profiled")
    if not runs:
        return 0
    names = [k for k in next(iter(runs.values())) if k not in ("posts", "flagged share")]
    print("| stage | " + " | ".join(f"{k} (µs/post)" for k in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    for stage in [*names, "total"]:
        cells = []
        for r in runs.values():
            secs = sum(r[k] for k in names) if stage == "total" else r[stage]
            cells.append(f"{1e6 * secs / r['posts']:.1f}")
        print(f"| {stage} | " + " | ".join(cells) + " |")
    print(
        "| posts (flagged share) | "
        + " | ".join(f"{int(r['posts'])} ({100 * r['flagged share']:.0f}%)" for r in runs.values())
        + " |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
