"""`screening info`: a model's card, readable (or the raw JSON with --json)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Annotated, Any

import typer

from screening import paths
from screening.cli.options import ModelDir
from screening.model.bundle import read_card

WIDTH = 78


def command(
    model: ModelDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the raw card (JSON).")] = False,
) -> None:
    """Print the model card: intended use, uses to avoid, training data, figures, threshold
    and its history, parent and reviewer labels.

    Example:  screening info --model models/default
    """
    path = Path(model or paths.default_model_dir())
    card = read_card(path)
    if as_json:
        typer.echo(json.dumps(card, ensure_ascii=False, indent=2))
    else:
        typer.echo(render(card, path))


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def _fig(m: dict[str, Any]) -> str:
    return (
        f"P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
        f"AP {m['average_precision']:.3f}  (n={m.get('n', '?')})"
    )


def render(card: dict[str, Any], path: Path) -> str:
    """The card as a page of text (78 columns)."""
    lines = [
        f"model {card.get('name', path.name)} ({path})",
        f"  created {card.get('created', '?')}   sha256 {str(card['model_sha256'])[:12]}",
        "",
        "Intended use",
        *_wrap(str(card.get("intended_use", ""))),
        "Uses to avoid",
        *[line for u in card.get("uses_to_avoid", []) for line in _wrap(f"- {u}")],
        "",
        f"Threshold {float(card['threshold']):.3f}",
        *_wrap(str(card.get("threshold_source", ""))),
    ]
    for h in card.get("threshold_history", []):
        lines += _wrap(
            f"- {h.get('time', '?')}: {float(h.get('old', 'nan')):.3f} -> "
            f"{float(h.get('new', 'nan')):.3f} ({h.get('target', '')}; {h.get('reason', '')})"
        )
    data = card.get("training_data", {})
    cats = ", ".join(f"{k} {v}" for k, v in data.get("per_category", {}).items())
    lines += [
        "",
        "Training data",
        f"  {data.get('path', '?')}",
        f"  {data.get('rows', '?')} posts, {data.get('label_1', '?')} partisan, "
        f"{data.get('label_0', '?')} not ({data.get('hard_negatives', '?')} hard negatives)",
        *_wrap(f"categories: {cats}"),
    ]
    lex = card.get("training_lexicon")
    if lex:
        lines.append(f"  lexicon {lex.get('path')}: {lex.get('terms')} terms")
    names = {
        "eval": "eval (held-out writers)",
        "eval_without_lexicon": "eval without a lexicon",
        "out_of_writer_train": "train, folds of writers",
        "out_of_fold_train": "train, random folds",
    }
    metrics = card.get("metrics", {})
    lines += ["", "Figures at the threshold"]
    for key, label in names.items():
        if key in metrics:
            lines.append(f"  {label:<26} {_fig(metrics[key])}")
    if card.get("parent"):
        lines += ["", f"Retrained from {card['parent'].get('path')}"]
        for f in card.get("label_files", []):
            lines.append(
                f"  labels {f.get('path')}: {f.get('rows')} rows, "
                f"{f.get('used_for_training')} trained on, {f.get('held_out')} held out"
            )
        weight = card.get("label_weight", {})
        if weight:
            lines.append(f"  label weight {weight.get('chosen')}")
        for row in card.get("learning_curve", []):
            lines.append(
                f"  curve {row['labels']:>6} labels: AP {row['average_precision']:.3f}  "
                f"F1 {row['f1']:.3f}"
            )
    lines += ["", "(screening info --json prints the whole card)"]
    return "\n".join(lines)
