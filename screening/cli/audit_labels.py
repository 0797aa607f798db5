"""`screening audit-labels`: rank training rows whose labels the model disputes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.cli.options import Force
from screening.cli.steps import Steps
from screening.data.dataset import load_labelled
from screening.io.files import check_target
from screening.io.readers import detect_format
from screening.io.writers import write_table
from screening.lexicon.candidates import CandidateLexicon
from screening.model.audit import audit_labels


def command(
    data: Annotated[Path, typer.Argument(help="Labelled CSV to audit.")] = paths.TRAIN_CSV,
    candidates: Annotated[
        Path, typer.Option("--candidates", "-c", help="Lexicon of the candidates named in DATA.")
    ] = paths.TRAIN_LEXICON,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the full ranking (CSV/XLSX/...).", show_default=False
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Rows to print.")] = 20,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    force: Force = False,
) -> None:
    """Rank labelled rows by how strongly out-of-fold predictions disagree with their label,
    so maintainers can fix mislabelled examples (most suspicious first).

    Example:  screening audit-labels data/train.csv --top 30 -o audit.csv
    """
    if output is not None:  # refuse before the k-fold work, not after it
        detect_format(output)
        check_target(output, force)
    labelled, lexicon = load_labelled(data), CandidateLexicon.from_yaml(candidates)
    with Steps() as steps:
        ranked = audit_labels(labelled, lexicon, folds=folds, progress=steps)
    if output is not None:
        write_table(ranked, output, force=force, formula_guard=True)
    cols = [c for c in ("id", "label", "category", "rule", "oof_score") if c in ranked.columns]
    for row in ranked.head(top).itertuples(index=False):
        r = row._asdict()
        head = "  ".join(f"{c}={r[c]}" for c in cols)
        typer.echo(f"{head}\n    {str(r['text'])[:160]}")
    if output is not None:
        typer.echo(f"full ranking ({len(ranked)} rows) written to {output}")
