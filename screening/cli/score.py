"""`screening score`: score an export of posts and write it back with scores."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.options import (
    Candidates,
    Force,
    Jobs,
    ModelDir,
    Quiet,
    Threshold,
    open_lexicon,
    open_model,
)
from screening.errors import ScreeningError
from screening.io.privacy import KEY_ENV, load_key
from screening.io.readers import DEFAULT_CHUNK_ROWS
from screening.messages import name_list
from screening.scoring.distributed import check_paths as check_dask_paths
from screening.scoring.distributed import score_dask
from screening.scoring.local import check_paths, score_file
from screening.scoring.parallel import available_cores, cap_jobs
from screening.scoring.summary import ScoreSummary


class Engine(StrEnum):
    local = "local"
    dask = "dask"


def command(
    input: Annotated[
        Path,
        typer.Argument(
            help="Export to score: .csv .tsv .txt .jsonl .json .parquet .xlsx; with --engine "
            "dask, Parquet files: a quoted glob ('exports/*.parquet'), a directory or a file.",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Where to write the scored rows (format by extension); with --engine dask, "
            "a directory of Parquet part files.",
            show_default=False,
        ),
    ],
    model: ModelDir = None,
    candidates: Candidates = None,
    text_col: Annotated[
        str | None,
        typer.Option(
            "--text-col",
            help="Column with the post text [default: detected: text, full_text, "
            "message, Tweet, Comment, content, caption, ...].",
            show_default=False,
        ),
    ] = None,
    threshold: Threshold = None,
    force: Force = False,
    formula_guard: Annotated[
        bool,
        typer.Option(
            "--formula-guard/--no-formula-guard",
            help="Prefix CSV/TSV text cells that start with = + - @ tab CR with ' so "
            "spreadsheets never run them (undo: strip that one quote).",
        ),
    ] = True,
    pseudonymize: Annotated[
        bool,
        typer.Option(
            "--pseudonymize",
            help="Replace author names/ids (and the author in post URLs) "
            f"with keyed hashes; key from ${KEY_ENV} or --pseudonym-key-file.",
        ),
    ] = False,
    pseudonym_key_file: Annotated[
        Path | None,
        typer.Option(
            "--pseudonym-key-file",
            help="File holding the secret pseudonymisation key.",
            show_default=False,
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help="Read only this sheet of an .xlsx workbook [default: every sheet with a "
            "post-text column, named in a sheet column].",
            show_default=False,
        ),
    ] = None,
    jobs: Jobs = None,
    chunk_rows: Annotated[
        int,
        typer.Option(
            "--chunk-rows",
            min=1,
            help="Rows read, scored and written at a time; memory grows with it, the "
            "output does not change.",
        ),
    ] = DEFAULT_CHUNK_ROWS,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="local: stream the file through --jobs processes on this machine. dask: "
            "score Parquet row groups as partitions on a Dask cluster (pip install "
            "'screening[dask]').",
        ),
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="With --engine dask: address of a running dask.distributed scheduler "
            "(tcp://host:8786) [default: a local cluster of --jobs workers].",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as one JSON object.")
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Score every post of an export; keep its columns and add score, flagged, category.

    Every input row ends up either in OUTPUT or in OUTPUT.rejects.csv (line number and
    reason: unreadable row, empty text, ...). Identical texts are scored once and marked
    with duplicate_of. A flag is a lead for a human reviewer, never a finding.

    Large exports stream in chunks through --jobs processes; Parquet on a cluster:
    --engine dask.

    Example:  screening score posts.csv -o scored.csv --candidates pilgub.yaml

    Example:  screening score 'exports/*.parquet' -o scored/ -c pilgub.yaml --engine dask
    """
    if engine is Engine.dask:
        if pseudonymize or chunk_rows != DEFAULT_CHUNK_ROWS:
            raise ScreeningError("--pseudonymize and --chunk-rows work with --engine local only")
    elif scheduler:
        raise ScreeningError("--scheduler needs --engine dask")
    # outputs first: a refusal must not come after seconds of loading (the engines check again)
    if engine is Engine.dask:
        check_dask_paths(str(input), output, force)
    else:
        check_paths(input, output, force)
    # the card and the model file are checked now; the model is unpickled where it scores
    # (with --jobs N, only in the workers)
    bundle = open_model(model, lazy=True)
    lexicon = open_lexicon(candidates)
    # --jobs only sizes processes on this machine, not a --scheduler's cluster
    workers = jobs_for(jobs, quiet or as_json) if not scheduler else jobs or available_cores()
    if engine is Engine.dask:
        dsum = score_dask(
            str(input),
            output,
            bundle,
            lexicon=lexicon,
            text_col=text_col,
            threshold=threshold,
            force=force,
            scheduler=scheduler,
            workers=workers,
        )
        report(dsum, as_json, quiet)
        return
    key = load_key(pseudonym_key_file) if pseudonymize else None
    summary = score_file(
        input,
        output,
        bundle,
        lexicon=lexicon,
        text_col=text_col,
        threshold=threshold,
        force=force,
        formula_guard=formula_guard,
        pseudonym_key=key,
        jobs=workers,
        chunk_rows=chunk_rows,
        progress=not (quiet or as_json),
        sheet=sheet,
    )
    report(summary, as_json, quiet)


def jobs_for(requested: int | None, silent: bool) -> int:
    """Worker processes for ``--jobs`` (None: all cores), capped at the cores available with
    a one-line note on standard error unless ``silent``."""
    cores = available_cores()
    jobs = cap_jobs(requested, cores)
    if requested is not None and jobs < requested and not silent:
        typer.echo(
            f"note: --jobs {requested} is more than the {cores} available cores; using {jobs}",
            err=True,
        )
    return jobs


def report(summary: ScoreSummary, as_json: bool, quiet: bool) -> None:
    """Print a run's summary: one JSON object, the readable form, or nothing."""
    if as_json:
        typer.echo(json.dumps(asdict(summary), ensure_ascii=False))
    elif not quiet:
        typer.echo(render(summary))


def everyday_warning(s: ScoreSummary) -> list[str]:
    """A warning line when lexicon terms that are everyday words (AMIN, BISA) are written as
    plain words in at least 1% of the scored posts (and 3 posts): flags there may come from
    everyday speech, not from the campaign."""
    floor = max(3, 0.01 * s.scored)
    often = {t: n for t, n in s.everyday_use.items() if n >= floor}
    if not often:
        return []
    terms = name_list([f"{t} ({n})" for t, n in often.items()], max_names=8)
    return [
        f"  warning: lexicon terms that are everyday words, written as words in posts: {terms};"
        " they count as candidates only next to an election cue; check them: screening"
        " lexicon check LEXICON EXPORT"
    ]


def render(s: ScoreSummary) -> str:
    """The readable summary of a run on either engine: the lines of the other engine's
    settings are left out (their fields are empty)."""
    dask = s.engine == "dask"
    pct = 100 * s.flagged / s.scored if s.scored else 0.0
    where = f" on {s.scheduler}" if dask else ""
    parts = f" ({s.files} file(s), {s.partitions} partitions)" if dask else ""
    encoding = (
        f"   encoding: {s.encoding}"
        + (f" ({s.replaced_chars} characters replaced)" if s.replaced_chars else "")
        + (f" ({s.mixed_lines} lines in another encoding)" if s.mixed_lines else "")
        if s.encoding
        else ""
    )
    rejects_at = f"reasons in {s.rejects_path}" if s.rejects_path else "reject_reason column"
    lines = [
        f"scored {s.input}{parts} -> {s.output}{where}",
        f"  text column: {s.text_column}{encoding}",
        *([f"  sheets read: {name_list(s.sheets)}"] if len(s.sheets) > 1 else []),
        *(
            [f"  sheets without a post-text column, not read: {name_list(s.skipped_sheets)}"]
            if s.skipped_sheets
            else []
        ),
        f"  model: {s.model}   lexicon: {s.lexicon or 'none (candidate names not typed)'}   "
        f"threshold: {s.threshold:.3f}",
        f"  provenance (model, threshold, lexicon sha256): {s.provenance}",
        f"  rows in: {s.rows_in} = scored {s.scored} + rejected {s.rejected}"
        + (f"  ({rejects_at})" if s.rejected else ""),
        f"  duplicate texts (scored once): {s.duplicates}"
        + (" (within a partition)" if dask else ""),
        *([f"  pseudonymised columns: {name_list(s.pseudonymized)}"] if s.pseudonymized else []),
        *(
            [
                "  warning: author-like columns left as they are (check them before sharing): "
                + name_list(s.author_like_left)
            ]
            if s.author_like_left
            else []
        ),
        *everyday_warning(s),
        f"  flagged: {s.flagged} ({pct:.1f}%)",
    ]
    lines += [f"    {cat:<11} {n}" for cat, n in s.by_category.items()]
    rate = s.rows_in / s.seconds if s.seconds else 0.0
    ran_on = s.scheduler if dask else f"{s.jobs} job{'s' * (s.jobs > 1)}"
    lines.append(
        f"rows {s.rows_in}  flagged {s.flagged}  rejected {s.rejected}  "
        f"seconds {s.seconds:.1f}  ({rate:,.0f} rows/s, {ran_on})"
    )
    return "\n".join(lines)
