"""`screening retrain` and `screening models`: learn from reviewers' labels, keep every version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.cli.exit_codes import KEPT_NOT_CURRENT
from screening.cli.options import Candidates, ModelDir, open_lexicon, open_model
from screening.cli.steps import Steps
from screening.io.files import check_target
from screening.model.retrain import LABEL_WEIGHTS, new_version_name, retrain


def retrain_command(
    labels: Annotated[
        Path,
        typer.Option(
            "--labels",
            help="Reviewer labels (text,label[,category]), e.g. from `screening review export`.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            "--out",
            help="New bundle directory (default: models/<UTC time>).",
            show_default=False,
        ),
    ] = None,
    model: ModelDir = None,
    candidates: Candidates = None,
    holdout: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.9,
            help="Share of the labels kept out of training to compare the models on.",
        ),
    ] = 0.2,
    force: Annotated[
        bool, typer.Option("--force", help="Make the new model current even if worse.")
    ] = False,
    label_weight: Annotated[
        list[float] | None,
        typer.Option(
            "--label-weight",
            min=0.0,
            help="Weight of a reviewer label against a bundled post; repeat it to let the "
            "held-out labels choose [default: choose among 1, 3, 10].",
            show_default=False,
        ),
    ] = None,
    curve: Annotated[
        bool,
        typer.Option(
            "--curve/--no-curve",
            help="Measure a learning curve (held-out AP/F1 at 25/50/75/100% of the labels).",
        ),
    ] = True,
) -> None:
    """Train on the bundled data plus reviewer labels (a reviewer label replaces the bundled
    label of the same text; its candidates are typed by --candidates, the lexicon of the
    labels' election). The weight of a reviewer label is chosen on held-out labels (folds of
    whole elections when the labels have an election column). Compare new and current model
    on data/eval.csv, on held-out labels and on bundled everyday posts, and make the new model
    current unless it is worse beyond noise. Exits 3 when it was kept but not made current.

    Example:  screening retrain --labels labels.csv
    """
    out_dir = out or paths.MODELS_DIR / new_version_name()
    # refuse an occupied --output before loading the model or training anything
    check_target(out_dir, bundle=True, hint="choose another --output")
    current = open_model(model)
    lexicon = open_lexicon(candidates)
    with Steps() as steps:
        result = retrain(
            labels,
            current,
            out_dir,
            holdout=holdout,
            labels_lexicon=lexicon,
            force=force,
            progress=steps,
            weights=tuple(label_weight) if label_weight else LABEL_WEIGHTS,
            curve=curve,
        )
    if result.learning_curve:
        typer.echo("learning curve (held-out reviewer labels):")
        for row in result.learning_curve:
            typer.echo(
                f"  {row['share']:>4.0%} of labels ({row['labels']:>5}): "
                f"AP {row['average_precision']:.4f}  F1 {row['f1']:.3f}"
            )
    for name, c in result.comparisons.items():
        a, b, ap = c["current"], c["new"], c["ap"]
        typer.echo(
            f"{name}: current AP {a['average_precision']:.4f} F1 {a['f1']:.3f} | new AP "
            f"{b['average_precision']:.4f} F1 {b['f1']:.3f} | "
            f"difference {ap['ap_difference']:+.4f} "
            f"(95% CI {ap['ci_low']:+.4f} to {ap['ci_high']:+.4f})"
        )
    e = result.everyday
    if e:
        typer.echo(
            f"bundled everyday posts flagged: current {e['current_flagged']} | new "
            f"{e['new_flagged']} of {e['posts']} (sign test p = {e['p_value']:.3f})"
        )
    state = "made current" if result.made_current else "kept, NOT made current"
    hint = "" if result.made_current else " (use --force to override)"
    typer.echo(f"new model {result.new_dir}: {state} ({result.reason}){hint}")
    if not result.made_current:
        raise typer.Exit(KEPT_NOT_CURRENT)
