"""`screening models`: the model bundles, their figures and lineage; * marks the current one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.model.retrain import list_models


def command(
    models_dir: Annotated[
        Path, typer.Option("--dir", help="Folder of model bundles.")
    ] = paths.MODELS_DIR,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the model bundles, their eval figures, parents and label files; * marks the current one.

    Example:  screening models
    """
    rows = list_models(models_dir)
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        ap = "n/a" if r["eval_ap"] is None else f"{r['eval_ap']:.4f}"
        typer.echo(
            f"{'*' if r['current'] else ' '} {r['name']:<22} created {r['created']}  "
            f"rows {r['rows']}  "
            f"eval AP {ap}  threshold {r['threshold']:.3f}  parent {r['parent'] or '-'}  "
            f"labels {', '.join(r['labels']) or '-'}"
        )
