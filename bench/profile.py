"""Where scoring time goes, per stage and per post (issue 17, item 1).

    python -m bench.profile [--n 50000] [--real pemilu2024_anies.csv]

Times each stage of `screening score`'s path on one process, over the bench posts
(bench/results/posts-200000-seed0.csv, written by `make bench`) and, when present, one real
export from ../shared/realdata (evaluation only: nothing is stored but the timings):
reading (the streaming reader), normalisation (with the demo lexicon), featurisation, the
binary head with its gates, the category head, reasons for flagged posts, and writing. The
first half of the rows warms the per-word caches (as a long run does); the second half is
timed. Prints a markdown table of microseconds per post.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from screening import paths, realdata
from screening.bundle import load_bundle
from screening.explain import reasons
from screening.lexicon import CandidateLexicon
from screening.readers import open_table
from screening.text import normalize_many
from screening.writers import write_table

HERE = Path(__file__).resolve().parent


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def profile(path: Path, n: int, lexicon: CandidateLexicon | None) -> dict[str, float]:
    """Seconds per stage for the first ``n`` rows of ``path``."""
    bundle = load_bundle(paths.MODELS_DIR / "default")
    model = bundle.model
    stages: dict[str, float] = {}

    def read() -> list[str]:
        texts: list[str] = []
        stream = open_table(path, 20_000)
        from screening.readers import find_text_column

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
    stages["normalise"], norm = _time(lambda: normalize_many(texts, lexicon, typed=typed))
    fast = model.__dict__.get("_fast")
    assert fast is not None
    stages["featurise"], Z = _time(lambda: fast.transform(norm))
    stages["binary head + gates"], score = _time(lambda: model._gated(Z, norm))
    stages["category head"], _ = _time(lambda: model.category_model_.predict_proba(Z))
    flagged = np.flatnonzero(score >= bundle.threshold)
    stages["reasons (flagged only)"], _ = _time(
        lambda: reasons(model, [texts[i] for i in flagged], lexicon, features=Z[flagged])
    )
    import pandas as pd

    frame = pd.DataFrame({"text": texts, "score": np.round(score, 6)})
    with tempfile.TemporaryDirectory() as tmp:
        stages["write"], _ = _time(lambda: write_table(frame, Path(tmp) / "o.csv"))
    stages["posts"] = float(len(texts))
    stages["flagged share"] = float(len(flagged) / max(len(texts), 1))
    return stages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--real", default="pemilu2024_anies.csv")
    args = ap.parse_args(argv)
    bench_posts = HERE / "results" / "posts-200000-seed0.csv"
    runs = {}
    if bench_posts.is_file():
        lex = CandidateLexicon.from_yaml(paths.DATA_DIR / "candidates_sample.yaml")
        runs["bench posts"] = profile(bench_posts, args.n, lex)
    else:
        print(f"note: {bench_posts} missing; run `make bench` first")
    real = realdata.REALDATA_DIR / args.real
    if real.is_file():
        lx = realdata.lexicon_for(args.real)
        runs[args.real] = profile(real, args.n, CandidateLexicon.from_yaml(lx) if lx else None)
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
