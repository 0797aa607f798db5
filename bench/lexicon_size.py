"""Does a big lexicon slow scoring? ``python -m bench.lexicon_size [--n 20000]``

Writes a fictional lexicon of 1,000 candidates x 5 names (5,000 names: full names, nicknames,
"Pak" + name, pair names, acronyms, made of random syllables) under bench/results/, then times
``screening score FILE --jobs 1`` on the same generated posts with the demo lexicon and with
the big one (best of two runs each). Issue 13's target: at most 2x.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench.generate import ensure_posts
from screening import paths

RESULTS = Path(__file__).parent / "results"
SYLLABLES = "ka ri mu to la se na di wa ro be gu fi ha ja le mo pu sa te yo zu".split()


def big_lexicon(path: Path, candidates: int = 1000, seed: int = 0) -> Path:
    rng = random.Random(seed)

    def name() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    entries = []
    for i in range(candidates):
        a, b, c, d = name(), name(), name(), name()
        acronym = (a[:2] + c[:2]).upper()
        entries.append(
            {
                "number": i % 5 + 1,
                "names": [f"{a} {b}", f"{c} {d}", f"Pak {a}", f"{a}-{c}", acronym],
            }
        )
    doc = {"election": "fiktif, 5.000 nama", "candidates": entries}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def timed(posts: Path, lexicon: Path, model: str) -> float:
    out = RESULTS / "lexicon_size.scored.csv"
    cmd = [
        sys.executable,
        "-m",
        "screening",
        "score",
        str(posts),
        "-o",
        str(out),
        "--model",
        model,
        "--candidates",
        str(lexicon),
        "--jobs",
        "1",
        "--quiet",
        "--force",
    ]
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--model", default=str(paths.MODELS_DIR / "default"))
    args = ap.parse_args()
    RESULTS.mkdir(exist_ok=True)
    posts, _ = ensure_posts(args.n, 0, RESULTS)
    big = big_lexicon(RESULTS / "lexicon-5000-names.yaml")
    small = timed(posts, paths.DATA_DIR / "candidates_sample.yaml", args.model)
    large = timed(posts, big, args.model)
    print(
        f"{args.n} posts, score --jobs 1: demo lexicon {small:.1f} s, 5,000-name lexicon "
        f"{large:.1f} s, ratio {large / small:.2f}x (target <= 2x)"
    )


if __name__ == "__main__":
    main()
