"""`screening review ...`: build review queues, import decisions, agreement stats, export labels."""

from __future__ import annotations

import errno
import json
import socket
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import Force, Lang, LangOption, ModelDir, open_model
from screening.data.guidance import load_guidance
from screening.errors import ScreeningError
from screening.hashing import text_hash
from screening.io.files import check_target
from screening.io.writers import write_table
from screening.paths import GUIDANCE
from screening.review.accounts import accounts, localise
from screening.review.labels import conflicts, export_labels
from screening.review.queue import build_queue, read_decisions, read_scored, write_queue
from screening.review.stats import render_stats, stats
from screening.review.store import Store
from screening.scoring.provenance import model_version, read_sidecar, sidecar_for

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


class Purpose(StrEnum):
    audit = "audit"
    learn = "learn"


def scoring_model(scored: Path, model: Path | None) -> tuple[str, float]:
    """(version, threshold) of the model that scored ``scored``: from its provenance record
    (``SCORED.meta.json``) when it has one, else from ``--model``; refused when neither says."""
    record = read_sidecar(scored)
    if record is not None:
        if model is not None and model_version(open_model(model)) != record.model_version:
            typer.echo(
                f"note: {scored} was scored by {record.model_version} (threshold "
                f"{record.threshold:.3f}); the queue uses that model's version and threshold, "
                f"not --model {model}",
                err=True,
            )
        return record.model_version, record.threshold
    if model is None:
        raise ScreeningError(
            f"{scored}: no provenance record ({sidecar_for(scored).name}), so the model that "
            "scored it is unknown; pass --model DIR, the model that scored it"
        )
    bundle = open_model(model)
    return model_version(bundle), bundle.threshold


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
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="The model that scored SCORED; needed only when SCORED has no "
            "SCORED.meta.json (files scored before provenance was recorded).",
            show_default=False,
        ),
    ] = None,
    purpose: Annotated[
        Purpose,
        typer.Option(
            "--purpose",
            help="audit: the flagged posts, with a near-threshold sample spread among them. "
            "learn: --size posts to label for retraining (uncertain ones, every category, "
            "the unflagged side; no near-duplicates; none already in --db).",
        ),
    ] = Purpose.audit,
    size: Annotated[int, typer.Option("--size", min=1, help="Posts in a learn queue.")] = 200,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Decisions database: a learn queue leaves out posts already decided in it.",
            show_default=False,
        ),
    ] = None,
    near_share: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Unflagged near-threshold posts "
            "to add, as a share of the flagged count (at least 10).",
        ),
    ] = 0.1,
    seed: Annotated[int, typer.Option(help="Seed of the random samples.")] = 0,
    lang: LangOption = Lang.id,
    force: Force = False,
) -> None:
    """Write a review queue: the flagged posts (by score) with a near-threshold sample spread
    among them, or (--purpose learn) the posts whose labels would teach the model most.

    The model's version and threshold come from SCORED.meta.json, written by `score`.
    SCORED may also be the output directory of `score --engine dask` (its Parquet part
    files are read in name order); rows it kept as rejected are skipped and counted.

    Example:  screening review queue scored.csv -o queue.xlsx

    Example:  screening review queue scored.csv -o learn.xlsx --purpose learn --db reviews.db
    """
    check_target(output, force, inputs=(scored,))
    version, threshold = scoring_model(scored, model)
    decided: set[str] = set()
    if db is not None and purpose is Purpose.learn:
        if not db.is_file():
            raise ScreeningError(f"{db}: no such decisions database")
        with Store(db) as store:
            decided = store.decided_hashes()
    frame, unreadable = read_scored(scored)
    q = build_queue(
        frame,
        threshold,
        version,
        load_guidance(GUIDANCE),
        near_share=near_share,
        seed=seed,
        purpose=purpose.value,
        size=size,
        decided=decided,
        lang=lang.value,
    )
    people = None
    if output.suffix.lower() == ".xlsx":
        try:  # the "akun" sheet: only when the export has an author column
            people = localise(accounts(frame), lang.value)
        except ScreeningError:
            people = None
    write_queue(q, output, force=force, lang=lang.value, accounts=people)
    skipped = q.attrs.get("rejected_skipped", 0)
    if purpose is Purpose.learn:
        kinds = q["sample"].value_counts()
        made = ", ".join(f"{n} {k.removeprefix('learn_')}" for k, n in kinds.items())
        head = f"learn queue written to {output}: {len(q)} posts ({made or 'none'})"
        if decided:
            head += f"; posts already decided in {db} left out"
    else:
        n_flag = int((q["sample"] == "flagged").sum())
        head = (
            f"queue written to {output}: {n_flag} flagged + {len(q) - n_flag} near-threshold "
            "posts spread among them"
        )
    typer.echo(
        head
        + f" (model {version}, threshold {threshold:.3f})"
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
    if not reviewer.strip():
        raise ScreeningError("--reviewer NAME is required")
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
        bool, typer.Option("--json", help="Print one JSON object (for scripts).")
    ] = False,
    lang: LangOption = Lang.id,
) -> None:
    """Decisions per reviewer, agreement (Cohen's kappa, with a reading of it), precision of
    flags per model version and threshold, and the partisan share of the near-threshold
    sample.

    Example:  screening review stats --db reviews.db
    """
    with Store(db) as store:
        st = stats(store)
    if as_json:
        typer.echo(json.dumps(st, indent=2, ensure_ascii=False))
    else:
        typer.echo(render_stats(st, lang.value))


class Policy(StrEnum):
    skip = "skip"
    latest = "latest"
    majority = "majority"


@app.command("export")
def export_command(
    labels: Annotated[
        Path,
        typer.Option(
            "--labels", help="CSV to write (text,label,category,...).", show_default=False
        ),
    ],
    db: Db = Path("reviews.db"),
    conflicts_policy: Annotated[
        Policy,
        typer.Option(
            "--conflicts",
            help="Posts reviewers disagree on and nobody adjudicated: skip them, or take the "
            "latest decision, or the majority (a tie is skipped).",
        ),
    ] = Policy.skip,
    force: Force = False,
) -> None:
    """Export training labels: posts whose reviewers agree, and adjudicated posts (the
    adjudication wins). Unsure decisions abstain. Conflicts are left out and counted unless
    --conflicts says otherwise; list them with `review conflicts`.

    Text cells a spreadsheet would run as a formula are written with a leading ' (CSV); the
    tool's readers (retrain, review import) remove it again.

    Example:  screening review export --labels labels.csv --db reviews.db
    """
    check_target(labels, force, inputs=(db,))
    with Store(db) as store:
        df, rep = export_labels(store, policy=conflicts_policy.value)
    write_table(df, labels, force=force, formula_guard=True)
    resolved = (
        f", {rep.conflicts_resolved} conflicts by {rep.policy}" if rep.conflicts_resolved else ""
    )
    typer.echo(
        f"{len(df)} labels written to {labels} ({int(df['label'].sum())} partisan): "
        f"{rep.agreed} agreed, {rep.adjudicated} adjudicated{resolved}"
    )
    if rep.conflicts_left_out:
        typer.echo(
            f"note: {rep.conflicts_left_out} posts with conflicting decisions left out; "
            "see `screening review conflicts`, then adjudicate them or pass --conflicts",
            err=True,
        )
    for note in rep.notes:
        typer.echo(f"note: {note}", err=True)


@app.command("conflicts")
def conflicts_command(
    db: Db = Path("reviews.db"),
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write an adjudication sheet (.xlsx or .csv) with decision, "
            "reviewer_category and note to fill, for `review adjudicate`.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list conflicts already adjudicated.")
    ] = False,
    lang: LangOption = Lang.id,
    force: Force = False,
) -> None:
    """List posts whose reviewers' current decisions disagree, with who said what.

    Example:  screening review conflicts --db reviews.db -o conflicts.xlsx
    """
    if output is not None:
        check_target(output, force, inputs=(db,))
    with Store(db) as store:
        df = conflicts(store, include_adjudicated=show_all)
    if output is not None:
        sheet = df.assign(decision="", reviewer_category="", note="")
        write_queue(sheet, output, force=force, lang=lang.value)
    if as_json:
        for row in df.to_dict(orient="records"):
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    for row in df.itertuples(index=False):
        text = " ".join(str(row.text).split())
        typer.echo(f"{row.post_id}\t{row.decisions}\t{text[:70]}")
    typer.echo(
        f"{len(df)} conflicting posts"
        + (f"; adjudication sheet written to {output}" if output is not None else ""),
        err=True,
    )


@app.command("adjudicate")
def adjudicate_command(
    sheet: Annotated[
        Path,
        typer.Argument(
            help="A filled sheet from `review conflicts -o` (decision per post).",
            show_default=False,
        ),
    ],
    adjudicator: Annotated[
        str,
        typer.Option("--adjudicator", help="Who makes the final decisions.", show_default=False),
    ],
    db: Db = Path("reviews.db"),
) -> None:
    """Record final decisions on disputed posts. Each is its own append-only row; the
    reviewers' decisions stay as they were. `review export` then uses the final decision.

    Example:  screening review adjudicate conflicts.xlsx --adjudicator ketua --db reviews.db
    """
    rep = read_decisions(sheet, adjudicator)
    with Store(db) as store:
        known = store.decided_hashes()
        final = [
            replace(d, role="adjudication") for d in rep.decisions if text_hash(d.text) in known
        ]
        unknown = len(rep.decisions) - len(final)
        added, already = store.add(final)
    typer.echo(
        f"{sheet}: {rep.rows} rows; adjudicated {added}, already in store {already}, "
        f"skipped (blank decision) {rep.skipped_blank}, invalid {len(rep.invalid) + unknown}"
    )
    for line in rep.invalid:
        typer.echo(f"  invalid {line}", err=True)
    if unknown:
        typer.echo(f"  invalid: {unknown} rows are not posts decided in {db}", err=True)


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
    lang: LangOption = Lang.id,
) -> None:
    """Serve a local review page (Indonesian; --lang en or the page's switch for English):
    post, link, author, date, score, reasons, guidance and legal basis on demand; buttons and
    keys p / n / u (partisan / not / unsure), 1-6 (category), b (previous); Enter in the note
    never decides; each decision is saved at once and can be changed from the page.

    Example:  screening review serve --queue scored.csv --db reviews.db
    """
    import uvicorn

    from screening.review.web import create_app

    # bind first: a busy port is a one-line error before any work, and the URL printed below
    # is one this process really serves
    sock = listen(host, port)
    try:
        port = int(sock.getsockname()[1])
        version, threshold = scoring_model(queue, model)
        frame, unreadable = read_scored(queue)
        q = build_queue(frame, threshold, version, load_guidance(GUIDANCE))
        _warn_unreadable(queue, unreadable)
        Store(db).close()  # create it now, so a bad path fails before the server starts
        if host not in ("127.0.0.1", "localhost", "::1"):
            typer.echo(
                f"warning: listening on {host}: anyone who can reach it can record decisions",
                err=True,
            )
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"reviewing {len(q)} posts at http://{shown}:{port}/  (Ctrl-C to stop)")
        web = create_app(q, str(db), host=host, port=port, lang=lang.value)
        uvicorn.Server(uvicorn.Config(web, log_level="warning")).run(sockets=[sock])
    finally:
        sock.close()
