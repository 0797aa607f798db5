"""Peak PSS of a command's whole process tree, and its wall time.

    python -m bench.pss_peak -- screening score POSTS -o OUT --model M --jobs 2 --quiet --force

Polls the command and its descendants every 0.2 s and sums their PSS (``smaps_rollup``:
pages shared between processes are split among them, so the sum is the tree's real
footprint). Linux only. Used for before/after comparisons run back to back (issue 17), where
``make bench-rss`` would take minutes per variant.
"""

from __future__ import annotations

import argparse
import subprocess
import time

import psutil


def tree_pss_kb(root: psutil.Process) -> int:
    """Sum of PSS (kB) over ``root`` and its descendants; processes gone meanwhile count 0."""
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        try:
            with open(f"/proc/{proc.pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        ap.error("give the command to measure after --")
    start = time.perf_counter()
    proc = subprocess.Popen(command)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_pss_kb(root))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    print(f"peak PSS {peak / 1024:.0f} MB, {seconds:.1f} s, exit {proc.returncode}")
    raise SystemExit(proc.returncode)


if __name__ == "__main__":
    main()
