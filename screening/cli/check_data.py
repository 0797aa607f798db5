"""`screening check-data`: validate the annotated data against the guidance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.dataset import check, load_labelled
from screening.guidance import load_guidance
from screening.lexicon import CandidateLexicon


def command(
    train: Annotated[Path, typer.Option(help="Training CSV.")] = paths.TRAIN_CSV,
    eval_data: Annotated[Path, typer.Option("--eval", help="Evaluation CSV.")] = paths.EVAL_CSV,
    guidance: Annotated[Path, typer.Option(help="Guidance YAML.")] = paths.GUIDANCE,
) -> None:
    """Validate train/eval: schema, labels, rule ids in the guidance, category consistency,
    exact and near duplicates, train/eval overlap. Exits 1 when there are errors.

    Example:  screening check-data
    """
    g = load_guidance(guidance)
    res = check(
        g,
        load_labelled(train),
        load_labelled(eval_data),
        CandidateLexicon.from_yaml(paths.TRAIN_LEXICON),
        CandidateLexicon.from_yaml(paths.EVAL_LEXICON),
    )
    typer.echo(json.dumps(res.stats, indent=2))
    for w in res.warnings:
        typer.echo(f"warning: {w}", err=True)
    for e in res.errors:
        typer.echo(f"error: {e}", err=True)
    typer.echo(f"{len(res.errors)} error(s), {len(res.warnings)} warning(s)")
    if res.errors:
        raise typer.Exit(1)
