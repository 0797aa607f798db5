"""Local engine vs Dask engine on the same generated posts, as Parquet.

``python -m bench.engines --n 200000`` (``make bench-dask``) writes the generated CSV of
:mod:`bench.generate` as one Parquet file (for the local engine) and as 4 files of 5 row groups
(for the Dask engine's partitions), then times ``screening score`` end to end on each: the
local engine with ``--jobs`` = all cores, the Dask engine on a ``LocalCluster`` of as many
workers. Results go to ``bench/results/engines-N.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bench.generate import ensure_posts

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SCREENING = ROOT / ".venv" / "bin" / "screening"
LEXICON = ROOT / "data" / "candidates_sample.yaml"
FILES = 4
ROW_GROUP = 10_000


def to_parquet(csv_path: Path, work: Path) -> tuple[Path, Path]:
    """One Parquet file of everything, and a folder of FILES files; row groups of ROW_GROUP."""
    whole, parts = work / "all.parquet", work / "parts"
    if whole.exists() and parts.exists():
        return whole, parts
    parts.mkdir(parents=True, exist_ok=True)
    df = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), whole, row_group_size=ROW_GROUP)
    size = -(-len(df) // FILES)
    for i in range(FILES):
        part = pa.Table.from_pandas(df.iloc[i * size : (i + 1) * size], preserve_index=False)
        pq.write_table(part, parts / f"part-{i}.parquet", row_group_size=ROW_GROUP)
    return whole, parts


def timed(args: list[str], rows: int) -> dict[str, Any]:
    """Wall seconds and rows/s of one `screening score` run (interpreter start included)."""
    cmd = [str(SCREENING), "score", *args, "--candidates", str(LEXICON), "--force", "--json"]
    start = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{run.stderr[-2000:]}")
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    if summary["rows_in"] != rows:
        raise SystemExit(f"expected {rows} rows, the run reported {summary['rows_in']}")
    return {
        "command": " ".join(cmd[1:]),
        "wall_s": round(wall, 2),
        "rows_per_s": round(rows / wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    csv_path, _ = ensure_posts(args.n, args.seed)
    work = RESULTS / f"engines-{args.n}"
    whole, parts = to_parquet(csv_path, work)
    rows = pq.ParquetFile(whole).metadata.num_rows
    cores = len(os.sched_getaffinity(0))
    result = {
        "rows": rows,
        "cores": cores,
        "local": timed([str(whole), "-o", str(work / "local.parquet"), "--jobs", str(cores)], rows),
        "dask": timed(
            [
                str(parts / "*.parquet"),
                "-o",
                str(work / "dask_out"),
                "--engine",
                "dask",
                "--jobs",
                str(cores),
            ],
            rows,
        ),
    }
    out = RESULTS / f"engines-{args.n}.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{rows:,} posts, {cores} cores")
    for name in ("local", "dask"):
        r = result[name]
        print(f"{name:6s} {r['rows_per_s']:>8,} rows/s  {r['wall_s']:>7.2f} s   {r['command']}")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
