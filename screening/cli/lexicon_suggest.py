"""`screening lexicon suggest`: draft a candidate lexicon from an export, for the analyst."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import Force
from screening.io.files import check_target
from screening.lexicon.suggest import draft_yaml, suggest, write_draft


def command(
    export: Annotated[
        Path,
        typer.Argument(
            help="Export to read: .csv .tsv .txt .jsonl .json .parquet .xlsx.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the draft lexicon (YAML); without it, it is printed.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the suggestions as JSON instead of the draft."),
    ] = False,
    text_col: Annotated[
        str | None,
        typer.Option(
            "--text-col",
            help="Column with the post text (default: detected: text, full_text, ...).",
            show_default=False,
        ),
    ] = None,
    min_count: Annotated[
        int, typer.Option("--min-count", min=1, help="Propose terms seen in this many posts.")
    ] = 2,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", min=1, help="Keep the N most frequent terms of each kind.", show_default=False
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Propose names, nicknames, pair acronyms, hashtags and ballot numbers found in
    EXPORT, grouped by ballot number, each with a count and an example post. The draft
    is for the analyst to check and correct before `score --candidates`.

    Example:  screening lexicon suggest posts.csv -o draft.yaml
    """
    if output is not None:
        # refuse before reading: an export can take minutes to read
        check_target(output, force, inputs=(export,))
    result = suggest(export, text_col=text_col, min_count=min_count, top=top)
    if output is not None:
        write_draft(result, output, force=force)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif output is None:
        typer.echo(draft_yaml(result), nl=False)
    if output is not None:
        grouped = sum(1 for s in result.suggestions if s.number is not None)
        numbers = len({s.number for s in result.suggestions if s.number is not None})
        typer.echo(
            f"wrote {output}: {len(result.suggestions)} terms from {result.rows} posts, "
            f"{grouped} grouped under {numbers} ballot numbers, "
            f"{len(result.suggestions) - grouped} left for you to place",
            err=as_json,  # keep stdout pure JSON
        )
