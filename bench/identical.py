"""Are scoring outputs byte-identical to a recorded run? (issue 17's equality target)

    python -m bench.identical --record     # before a speed change: score and keep the hashes
    python -m bench.identical              # after it: score again, compare, exit 1 on a change

Scores, with ``models/default``, the bench posts (``bench/results/posts-N-seed0.csv``, written
by ``make bench``) with the demo lexicon, and every file of ``../shared/realdata/`` three ways:
without a lexicon, with the demo lexicon, and with its own election's lexicon where
``data/lexicons/`` has one. It keeps the sha256 of each output and rejects file (not the
``.meta.json`` sidecar, which holds the time) in ``bench/results/identical.json``, and the
eval AP. Real posts are only scored; outputs go to a temporary folder that is deleted.
On a difference it names the file and the first differing line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from screening import paths
from screening.data import realdata

HERE = Path(__file__).resolve().parent
RECORD = HERE / "results" / "identical.json"
ROOT = HERE.parent


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def runs(n: int) -> list[tuple[str, Path, Path | None, int]]:
    """(name, input, lexicon or None, jobs) of every scoring run compared."""
    sample = ROOT / "data" / "candidates_sample.yaml"
    out: list[tuple[str, Path, Path | None, int]] = []
    bench = HERE / "results" / f"posts-{n}-seed0.csv"
    if bench.exists():
        out.append((f"bench-{n}/jobs2", bench, sample, 2))
        out.append((f"bench-{n}/jobs1", bench, sample, 1))
    folder = realdata.REALDATA_DIR
    if folder.is_dir():
        for f in sorted(folder.iterdir()):
            if f.suffix not in (".csv", ".tsv"):
                continue
            out.append((f"{f.name}/none", f, None, 1))
            out.append((f"{f.name}/sample", f, sample, 1))
            own = realdata.lexicon_for(f.name)
            if own is not None:
                out.append((f"{f.name}/own", f, own, 1))
    return out


def score(src: Path, lexicon: Path | None, jobs: int, out: Path) -> None:
    cmd = [sys.executable, "-m", "screening", "score", str(src), "-o", str(out)]
    cmd += ["--model", str(paths.MODELS_DIR / "default"), "--jobs", str(jobs), "--quiet"]
    cmd += ["--force"] + (["--candidates", str(lexicon)] if lexicon else [])
    subprocess.run(cmd, check=True, cwd=ROOT)


def eval_ap() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        js = Path(tmp) / "eval.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "screening",
                "evaluate",
                "data/eval.csv",
                "--model",
                str(paths.MODELS_DIR / "default"),
                "--json",
                str(js),
            ],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        return float(json.loads(js.read_text())["average_precision"])


def first_difference(a: Path, b: Path) -> str:
    with a.open("rb") as fa, b.open("rb") as fb:
        for i, (x, y) in enumerate(zip(fa, fb, strict=False), start=1):
            if x != y:
                return f"line {i}:\n  was {x[:300]!r}\n  now {y[:300]!r}"
    return "one file is longer"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--record", action="store_true", help="record the hashes (the 'before')")
    ap.add_argument("--n", type=int, default=200_000, help="bench posts file size")
    ap.add_argument(
        "--outputs", type=Path, help="with --record: keep the outputs here; else: diff against them"
    )
    args = ap.parse_args()
    before = {} if args.record else json.loads(RECORD.read_text())
    now: dict[str, object] = {"eval_ap": eval_ap()}
    changed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, src, lex, jobs in runs(args.n):
            out = Path(tmp) / (name.replace("/", "__") + ".csv")
            score(src, lex, jobs, out)
            rej = out.with_name(out.name + ".rejects.csv")
            now[name] = [_sha(out), _sha(rej)]
            if args.record and args.outputs is not None:
                args.outputs.mkdir(parents=True, exist_ok=True)
                for f in (out, rej):
                    (args.outputs / f.name).write_bytes(f.read_bytes())
            if not args.record:
                if before.get(name) is None:
                    print(f"{name}: not in the record")
                elif before[name] != now[name]:
                    changed += 1
                    old = (args.outputs or Path("/nonexistent")) / out.name
                    hint = first_difference(old, out) if old.exists() else ""
                    print(f"{name}: CHANGED {hint}")
                else:
                    print(f"{name}: identical")
    if args.record:
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_text(json.dumps(now, indent=1) + "\n")
        print(f"recorded {len(now) - 1} runs and eval AP {now['eval_ap']:.6f} in {RECORD}")
        return 0
    same_ap = before.get("eval_ap") == now["eval_ap"]
    print(f"eval AP {now['eval_ap']:.6f} ({'unchanged' if same_ap else 'CHANGED'})")
    return 1 if changed or not same_ap else 0


if __name__ == "__main__":
    sys.exit(main())
