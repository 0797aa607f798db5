"""Format `screening score --json` summaries (one per line on stdin) as a Markdown table.

Used by `make realdata`:  ... | python -m bench.realdata_table
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    print(
        "| file | encoding | rows in | scored | rejected | replaced chars | flagged | flag rate |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for s in rows:
        rate = 100 * s["flagged"] / s["scored"] if s["scored"] else 0.0
        print(
            f"| {Path(s['input']).name} | {s['encoding']} | {s['rows_in']} | {s['scored']} | "
            f"{s['rejected']} | "
            f"{s['replaced_chars']} | {s['flagged']} | {rate:.2f}% |"
        )


if __name__ == "__main__":
    main()
