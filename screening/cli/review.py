"""`screening review ...`: build review queues, import decisions, agreement stats, export labels."""

from __future__ import annotations

import errno
import json
import socket
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import Force, ModelDir, open_model
from screening.errors import ScreeningError
from screening.guidance import load_guidance
from screening.io import write_table
from screening.paths import GUIDANCE
from screening.review.queue import build_queue, read_decisions, read_scored, write_queue
from screening.review.stats import export_labels, stats
from screening.review.store import Store
from screening.writers import check_target

app = typer.Typer(
    help="Reviewer audit loop: queue -> decide -> import -> stats -> export labels.",
    no_args_is_help=True,
)
Db = Annotated[Path, typer.Option("--db", help="Decisions database (SQLite, append-only).")]
SHOWN_UNREADABLE = 5  # unreadable rows of a scored file listed on stderr; the rest counted


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` (port 0: any free one), so a busy port is a
    one-line error before the server prints its address or starts."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ScreeningError(f"cannot listen on {host!r}: not a usable address") from exc
    sock = socket.socket(family, kind, proto)
    # as uvicorn does: a port left in TIME_WAIT by a stopped server can be reused at once
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ScreeningError(f"port {port} is in use") from exc
        raise ScreeningError(f"cannot listen on {host} port {port}: {exc.strerror}") from exc
    return sock


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

    SCORED may also be the output directory of `score --engine dask` (its Parquet part
    files are read in name order); rows it kept as rejected are skipped and counted.

    Example:  screening review queue scored.csv -o queue.xlsx
    """
    check_target(output, force, inputs=(scored,))
    bundle = open_model(model)
    version = f"{bundle.card.get('name', bundle.path.name)}@{bundle.card['model_sha256'][:12]}"
    frame, unreadable = read_scored(scored)
    q = build_queue(
        frame, bundle.threshold, version, load_guidance(GUIDANCE), near_share, seed=seed
    )
    write_queue(q, output, force)
    n_flag = int((q["sample"] == "flagged").sum())
    skipped = q.attrs.get("rejected_skipped", 0)
    typer.echo(
        f"queue written to {output}: {n_flag} flagged + {len(q) - n_flag} near-threshold posts"
        + (f"; {skipped} rejected row{'s' * (skipped != 1)} (no score) skipped" if skipped else "")
    )
    _warn_unreadable(scored, unreadable)


def _warn_unreadable(scored: Path, unreadable: list[str]) -> None:
    if not unreadable:
        return
    typer.echo(
        f"warning: {len(unreadable)} rows of {scored} could not be read and are not in the queue:",
        err=True,
    )
    for line in unreadable[:SHOWN_UNREADABLE]:
        typer.echo(f"  {line}", err=True)
    if len(unreadable) > SHOWN_UNREADABLE:
        typer.echo(f"  ... and {len(unreadable) - SHOWN_UNREADABLE} more", err=True)


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
def stats_command(
    db: Db = Path("reviews.db"),
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object (the output today is JSON either way)."),
    ] = False,
) -> None:
    """Decisions per reviewer, Cohen's kappa on shared posts, precision of flags per model
    version and threshold, and the partisan share of the near-threshold sample (JSON).

    Example:  screening review stats --db reviews.db --json
    """
    # --json is the scripting contract; a readable default output is issue 16's work
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

    Text cells a spreadsheet would run as a formula are written with a leading ' (CSV); the
    tool's readers (retrain, review import) remove it again.

    Example:  screening review export --labels labels.csv
    """
    check_target(labels, force, inputs=(db,))
    with Store(db) as store:
        df = export_labels(store)
    write_table(df, labels, force=force, formula_guard=True)
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
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8765,
) -> None:
    """Serve a local review page: post, score, reasons, guidance; buttons and keys p / n / u
    (partisan / not / unsure) and 1-6 (category); each decision is saved at once.

    Example:  screening review serve --queue scored.csv --db reviews.db
    """
    import uvicorn

    from screening.review.web import create_app

    # bind first: a busy port is a one-line error before any work, and the URL printed below
    # is one this process really serves
    sock = listen(host, port)
    try:
        port = int(sock.getsockname()[1])
        bundle = open_model(model)
        version = f"{bundle.card.get('name', bundle.path.name)}@{bundle.card['model_sha256'][:12]}"
        frame, unreadable = read_scored(queue)
        q = build_queue(frame, bundle.threshold, version, load_guidance(GUIDANCE))
        _warn_unreadable(queue, unreadable)
        Store(db).close()  # create it now, so a bad path fails before the server starts
        if host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(
                f"warning: listening on {host}: anyone who can reach it can record decisions",
                err=True,
            )
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"reviewing {len(q)} posts at http://{shown}:{port}/  (Ctrl-C to stop)")
        web = create_app(q, str(db), host=host, port=port)
        uvicorn.Server(uvicorn.Config(web, log_level="warning")).run(sockets=[sock])
    finally:
        sock.close()
