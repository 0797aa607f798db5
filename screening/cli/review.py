"""`screening review ...`: build review queues, import decisions, agreement stats, export labels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import Force, ModelDir, open_model
from screening.guidance import load_guidance
from screening.io import read_table, write_table
from screening.paths import GUIDANCE
from screening.review.queue import build_queue, read_decisions, write_queue
from screening.review.stats import export_labels, stats
from screening.review.store import Store

app = typer.Typer(
    help="Reviewer audit loop: queue -> decide -> import -> stats -> export labels.",
    no_args_is_help=True,
)
Db = Annotated[Path, typer.Option("--db", help="Decisions database (SQLite, append-only).")]


@app.command("queue")
def queue_command(
    scored: Annotated[
        Path, typer.Argument(help="Output of `screening score`.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="queue.xlsx (drop-downs) or queue.csv.", show_default=False
        ),
    ],
    model: ModelDir = None,
    near_share: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Unflagged near-threshold posts "
            "to add, as a share of the flagged count (at least 10).",
        ),
    ] = 0.1,
    seed: Annotated[int, typer.Option(help="Seed of the near-threshold sample.")] = 0,
    force: Force = False,
) -> None:
    """Write the flagged posts (by score) and a random near-threshold sample for review.

    Example:  screening review queue scored.csv -o queue.xlsx
    """
    bundle = open_model(model)
    version = f"{bundle.card.get('name', bundle.path.name)}@{bundle.card['model_sha256'][:12]}"
    frame = read_table(scored).frame
    q = build_queue(
        frame, bundle.threshold, version, load_guidance(GUIDANCE), near_share, seed=seed
    )
    write_queue(q, output, force)
    n_flag = int((q["sample"] == "flagged").sum())
    typer.echo(
        f"queue written to {output}: {n_flag} flagged + {len(q) - n_flag} near-threshold posts"
    )


@app.command("import")
def import_command(
    sheet: Annotated[
        Path, typer.Argument(help="A filled queue (.xlsx or .csv).", show_default=False)
    ],
    reviewer: Annotated[
        str, typer.Option("--reviewer", help="Who made these decisions.", show_default=False)
    ],
    db: Db = Path("reviews.db"),
) -> None:
    """Add a filled queue's decisions to the store. Re-importing the same file adds nothing twice;
    a changed decision is a new row (history is kept).

    Example:  screening review import queue.xlsx --reviewer ani
    """
    rep = read_decisions(sheet, reviewer)
    with Store(db) as store:
        added, already = store.add(rep.decisions)
    typer.echo(
        f"{sheet}: {rep.rows} rows; imported {added}, already in store {already}, "
        f"skipped (blank decision) {rep.skipped_blank}, invalid {len(rep.invalid)}"
    )
    for line in rep.invalid:
        typer.echo(f"  invalid {line}", err=True)


@app.command("stats")
def stats_command(db: Db = Path("reviews.db")) -> None:
    """Decisions per reviewer, Cohen's kappa on shared posts, precision of flags per model
    version and threshold, and the partisan share of the near-threshold sample (JSON).

    Example:  screening review stats --db reviews.db
    """
    with Store(db) as store:
        typer.echo(json.dumps(stats(store), indent=2, ensure_ascii=False))


@app.command("export")
def export_command(
    labels: Annotated[
        Path,
        typer.Option(
            "--labels", help="CSV to write (text,label,category,...).", show_default=False
        ),
    ],
    db: Db = Path("reviews.db"),
    force: Force = False,
) -> None:
    """Export current decisions as training labels (unsure left out).

    Example:  screening review export --labels labels.csv
    """
    with Store(db) as store:
        df = export_labels(store)
    write_table(df, labels, force=force)
    typer.echo(f"{len(df)} labels written to {labels} ({int(df['label'].sum())} partisan)")


@app.command("serve")
def serve_command(
    queue: Annotated[
        Path,
        typer.Option("--queue", help="Output of `screening score` to review.", show_default=False),
    ],
    db: Db = Path("reviews.db"),
    model: ModelDir = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (keep 127.0.0.1 unless you know why).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8765,
) -> None:
    """Serve a local review page: post, score, reasons, guidance; buttons and keys p / n / u
    (partisan / not / unsure) and 1-6 (category); each decision is saved at once.

    Example:  screening review serve --queue scored.csv --db reviews.db
    """
    import uvicorn

    from screening.review.web import create_app

    bundle = open_model(model)
    version = f"{bundle.card.get('name', bundle.path.name)}@{bundle.card['model_sha256'][:12]}"
    q = build_queue(read_table(queue).frame, bundle.threshold, version, load_guidance(GUIDANCE))
    Store(db).close()  # create it now, so a bad path fails before the server starts
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: listening on {host}: anyone who can reach it can record decisions", err=True
        )
    typer.echo(f"reviewing {len(q)} posts at http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run(create_app(q, str(db)), host=host, port=port, log_level="warning")
