"""`screening evaluate`: figures of a model on labelled posts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from screening import paths
from screening.bundle import write_json_atomic
from screening.cli.options import Candidates, ModelDir, Threshold, lexicon_for_data, open_model
from screening.training import evaluate_model


def command(
    data: Annotated[
        Path, typer.Argument(help="Labelled CSV with text,label[,category].")
    ] = paths.EVAL_CSV,
    model: ModelDir = None,
    candidates: Candidates = None,
    threshold: Threshold = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Also write the figures to this JSON file.", show_default=False
        ),
    ] = None,
) -> None:
    """Evaluate a model on labelled posts: P/R/F1 at the threshold, AP, ROC AUC, Brier, ECE,
    confusion matrix and per-category recall and category accuracy.

    For the bundled data/eval.csv the bundled data/candidates_eval.yaml is used unless
    --candidates is given.

    Example:  screening evaluate data/eval.csv --model models/default --json eval.json
    """
    bundle = open_model(model)
    lexicon = lexicon_for_data(data, candidates)
    thr = bundle.threshold if threshold is None else threshold
    figures = evaluate_model(bundle.model, data, lexicon, thr)
    figures.update(
        {
            "data": str(data),
            "model": str(bundle.path),
            "lexicon": lexicon.source if lexicon else None,
        }
    )
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(json_out, figures)
    typer.echo(render(figures))


def _f(v: Any) -> str:
    return "  n/a" if v is None else f"{v:.3f}"


def render(m: dict[str, Any]) -> str:
    cm = m["confusion_matrix"]
    lines = [
        f"{m['data']}: {m['n']} posts, {m['positives']} partisan; model {m['model']}; "
        f"lexicon {m['lexicon'] or 'none'}",
        f"threshold {m['threshold']:.3f}: precision {_f(m['precision'])}  "
        f"recall {_f(m['recall'])}  "
        f"F1 {_f(m['f1'])}  flag rate {_f(m['flag_rate'])}",
        f"AP {_f(m['average_precision'])}  ROC AUC {_f(m['roc_auc'])}  "
        f"Brier {_f(m['brier'])}  ECE {_f(m['ece'])}",
        f"confusion: tn {cm['tn']}  fp {cm['fp']}  fn {cm['fn']}  tp {cm['tp']}",
        f"category accuracy on partisan posts: {_f(m.get('category_accuracy'))}",
        f"{'category':<11} {'n':>5} {'recall':>7} {'cat.acc':>8}",
    ]
    for cat, c in m.get("per_category", {}).items():
        lines.append(f"{cat:<11} {c['n']:>5} {_f(c['recall']):>7} {_f(c['category_accuracy']):>8}")
    return "\n".join(lines)
