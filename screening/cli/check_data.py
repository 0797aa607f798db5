"""`screening check-data`: validate the annotated data against the guidance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from screening import paths
from screening.data.curation import agreement, check, datasheet_tables
from screening.data.dataset import load_labelled
from screening.data.guidance import load_guidance
from screening.lexicon.candidates import CandidateLexicon


def command(
    train: Annotated[Path, typer.Option(help="Training CSV.")] = paths.TRAIN_CSV,
    eval_data: Annotated[Path, typer.Option("--eval", help="Evaluation CSV.")] = paths.EVAL_CSV,
    guidance: Annotated[Path, typer.Option(help="Guidance YAML.")] = paths.GUIDANCE,
    relabel: Annotated[
        Path | None,
        typer.Option(
            "--relabel",
            help="Blind second annotation (JSONL id,label,category): "
            "print agreement with train+eval instead.",
            show_default=False,
        ),
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print count tables for data/README.md instead.")
    ] = False,
) -> None:
    """Validate train/eval: schema, labels, rule ids in the guidance, category consistency,
    exact and near duplicates, train/eval overlap. Exits 1 when there are errors.

    Example:  screening check-data
    """
    g = load_guidance(guidance)
    tr, ev = load_labelled(train), load_labelled(eval_data)
    if relabel is not None:
        typer.echo(json.dumps(agreement(pd.concat([tr, ev], ignore_index=True), relabel), indent=2))
        return
    if markdown:
        typer.echo(datasheet_tables({"train.csv": tr, "eval.csv": ev}, g))
        return
    res = check(
        g,
        tr,
        ev,
        train_lexicon=CandidateLexicon.from_yaml(paths.TRAIN_LEXICON),
        eval_lexicon=CandidateLexicon.from_yaml(paths.EVAL_LEXICON),
    )
    typer.echo(json.dumps(res.stats, indent=2))
    for w in res.warnings:
        typer.echo(f"warning: {w}", err=True)
    for e in res.errors:
        typer.echo(f"error: {e}", err=True)
    typer.echo(f"{len(res.errors)} error(s), {len(res.warnings)} warning(s)")
    if res.errors:
        raise typer.Exit(1)
