"""`screening train`: fit a model on annotated posts and write a bundle."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.cli.steps import Steps
from screening.io.files import check_target
from screening.model.training import TrainConfig, train


def command(
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            "--out",
            help="Bundle directory to write (default: $SCREENING_MODEL if set, else "
            "models/default in the checkout; never the bundle models/current names). An "
            "existing bundle is replaced only with --force.",
            show_default=False,
        ),
    ] = None,
    data: Annotated[
        Path, typer.Option("--data", help="Training CSV (id,text,label,category,...).")
    ] = paths.TRAIN_CSV,
    candidates: Annotated[
        Path,
        typer.Option(
            "--candidates", "-c", help="Lexicon of the candidates named in the training data."
        ),
    ] = paths.TRAIN_LEXICON,
    eval_data: Annotated[
        Path,
        typer.Option(
            "--eval", help="Held-out CSV evaluated after training (figures go in the card)."
        ),
    ] = paths.EVAL_CSV,
    eval_candidates: Annotated[
        Path, typer.Option("--eval-candidates", help="Lexicon of the candidates named in --eval.")
    ] = paths.EVAL_LEXICON,
    seed: Annotated[int, typer.Option(help="Random seed of the cross-validation folds.")] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
    force: Annotated[
        bool, typer.Option("--force", "-f", help="Replace an existing bundle at the output.")
    ] = False,
) -> None:
    """Train a model on the bundled annotated posts and write a model bundle.

    Cross-validates on the training data to choose the flagging threshold (maximum F1 of
    out-of-fold scores), fits on all of it, evaluates on the held-out set, and writes
    model.joblib and card.json to --output (default: $SCREENING_MODEL, else models/default).
    An existing bundle is never replaced without --force, and the check comes before training.

    Example:  screening train --out models/default
    """
    out_dir = out or paths.default_train_out()
    check_target(out_dir, force, bundle=True, hint="pass --force to replace it")
    config = TrainConfig(data, candidates, eval_data, eval_candidates, seed=seed)
    with Steps(quiet=quiet) as steps:
        card = train(config, out_dir, progress=steps, overwrite=force)
    if quiet:
        return
    m = card["metrics"]
    typer.echo(
        f"model written to {out_dir} (threshold {card['threshold']:.3f}, "
        f"{card['training_data']['rows']} posts, {card['training_seconds']} s)"
    )
    if "eval" in m:
        e = m["eval"]
        typer.echo(
            f"eval: F1 {e['f1']:.3f}  precision {e['precision']:.3f}  recall {e['recall']:.3f}  "
            f"AP {e['average_precision']:.3f}  ROC AUC {e['roc_auc']:.3f}  (n={e['n']})"
        )
    used = paths.default_model_dir()
    if out is None and used.resolve() != out_dir.resolve():  # models/current names another
        typer.echo(f"note: commands without --model use {used}, not this bundle", err=True)
