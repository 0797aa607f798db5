"""`screening info`: print a model's card."""

from __future__ import annotations

import json

import typer

from screening import paths
from screening.bundle import read_card
from screening.cli.options import ModelDir


def command(model: ModelDir = None) -> None:
    """Print the model card (JSON): data and model hashes, metrics, threshold, intended use.

    Example:  screening info --model models/default
    """
    card = read_card(model or paths.default_model_dir())
    typer.echo(json.dumps(card, ensure_ascii=False, indent=2))
