"""`screening accounts`: the scored export per author, in follow-up order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import Force, Lang, LangOption
from screening.io.files import check_target
from screening.io.writers import write_table
from screening.review.accounts import PRIORITY_EN, accounts, localise
from screening.review.queue import read_scored


def command(
    scored: Annotated[
        Path,
        typer.Argument(
            help="Output of `screening score` (file or Dask directory).", show_default=False
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="accounts.xlsx or .csv to write.", show_default=False),
    ] = None,
    author_col: Annotated[
        str | None,
        typer.Option(
            "--author-col",
            help="Author column [default: detected: username, screen_name, user, author, "
            "from.name].",
            show_default=False,
        ),
    ] = None,
    include_all: Annotated[
        bool, typer.Option("--all", help="Also list accounts with no flagged post.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    lang: LangOption = Lang.id,
    force: Force = False,
) -> None:
    """One row per author: posts, flags, strong flags, categories, days with flags, first
    and last flag, top links, and a follow-up priority (tinggi / sedang / rendah). Works on
    pseudonymised exports (the hashed author still groups).

    Example:  screening accounts scored.csv -o accounts.xlsx
    """
    if output is not None:
        check_target(output, force, inputs=(scored,))
    frame, _ = read_scored(scored)
    table = accounts(frame, author_col=author_col, include_unflagged=include_all)
    if output is not None:
        write_table(localise(table, lang.value), output, force=force, formula_guard=True)
    if as_json:
        for row in table.to_dict(orient="records"):
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    tiers = table["priority"].value_counts() if len(table) else {}
    word = (lambda p: PRIORITY_EN[p]) if lang is Lang.en else (lambda p: p)
    counts = ", ".join(f"{word(p)} {int(tiers.get(p, 0))}" for p in ("tinggi", "sedang", "rendah"))
    where = f"; written to {output}" if output is not None else ""
    typer.echo(f"{len(table)} accounts ({counts}){where}")
    if output is None:
        shown = localise(table.head(20), lang.value)
        typer.echo(shown.drop(columns=shown.columns[-1]).to_string(index=False))
