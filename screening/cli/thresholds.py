"""`screening thresholds`: review cut-offs on labelled posts and choose one by a target."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from screening import paths
from screening.cli.options import (
    Candidates,
    Force,
    ModelDir,
    TextCol,
    one_lexicon_for_data,
    open_model,
)
from screening.data.dataset import load_labelled
from screening.data.label_checks import queue_bias, training_overlap
from screening.errors import ScreeningError
from screening.io.files import atomic_write, check_target, write_json_atomic
from screening.model.bundle import apply_threshold
from screening.model.thresholds import (
    GRID,
    SCORE_DECIMALS,
    per_category_recall,
    recommend,
    threshold_table,
)


def command(
    data: Annotated[
        Path,
        typer.Argument(help="Labelled CSV (text,label[,category]): eval set or reviewers' labels."),
    ] = paths.EVAL_CSV,
    model: ModelDir = None,
    candidates: Candidates = None,
    target_precision: Annotated[
        float | None,
        typer.Option(
            "--target-precision",
            min=0.0,
            max=1.0,
            show_default=False,
            help="Recommend the lowest threshold with at least this precision.",
        ),
    ] = None,
    target_recall: Annotated[
        float | None,
        typer.Option(
            "--target-recall",
            min=0.0,
            max=1.0,
            show_default=False,
            help="Recommend the highest threshold (least work) with at least this recall.",
        ),
    ] = None,
    max_flag_rate: Annotated[
        float | None,
        typer.Option(
            "--max-flag-rate",
            min=0.0,
            max=1.0,
            show_default=False,
            help="Recommend the lowest threshold flagging at most this share of posts.",
        ),
    ] = None,
    corpus_size: Annotated[
        int,
        typer.Option(
            "--corpus-size",
            min=1,
            help="Posts in the corpus you will score, for the workload columns.",
        ),
    ] = 100_000,
    seconds_per_review: Annotated[
        float,
        typer.Option("--seconds-per-review", min=0.0, help="Reviewer seconds per flagged post."),
    ] = 30.0,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="Write a PR curve and score distributions (PNG).", show_default=False
        ),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            "--json",
            help="Write the table and recommendation to this JSON file (--json FILE: the "
            "older spelling).",
            show_default=False,
        ),
    ] = None,
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help="Record the recommended threshold in the model card (needs --reason)."
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why the threshold changes (kept in the card's history).",
            show_default=False,
        ),
    ] = None,
    text_col: TextCol = None,
    force: Force = False,
) -> None:
    """Show precision, recall, flag rate and reviewer workload for each cut-off on labelled
    posts, and recommend one for a target.

    With --apply the recommendation becomes the model's threshold (the card keeps the history:
    old and new value, target, data hash, reason, time); `screening score` uses it from then
    on, and `score --threshold` still overrides it for one run.

    Example:  screening thresholds data/eval.csv --target-precision 0.95 --plot pr.png
    """
    targets = [t for t in (target_precision, target_recall, max_flag_rate) if t is not None]
    if len(targets) > 1:
        raise ScreeningError(
            "give at most one of --target-precision, --target-recall, --max-flag-rate"
        )
    if apply and not targets:
        raise ScreeningError(
            "--apply needs a target (--target-precision, --target-recall or --max-flag-rate)"
        )
    if apply and not (reason and reason.strip()):
        raise ScreeningError("--apply needs --reason TEXT: say why the threshold changes")
    for out in (plot, json_out):  # refuse before loading and scoring, not after
        if out is not None:
            check_target(out, force)
    bundle = open_model(model)
    if apply:  # the card is rewritten in place: its folder must take the temporary file
        check_target(bundle.path / "card.json", force=True)
    df = load_labelled(data, text_col=text_col)
    overlap = training_overlap(df["text"].tolist(), bundle.card)
    if overlap.any():
        typer.echo(
            f"warning: {int(overlap.sum())} of {len(df)} posts in {data} trained this model; "
            "they are left out (a model looks better on its own training posts)",
            err=True,
        )
        df = df[~overlap].reset_index(drop=True)
    if df["label"].nunique() < 2:
        raise ScreeningError(f"{data}: needs posts of both labels to review thresholds")
    screened = bundle.model.screen(df["text"].tolist(), one_lexicon_for_data(data, candidates))
    # the scores `screening score` writes (rounded), so every figure here is what it will give
    y = df["label"].to_numpy()
    s = np.round(np.asarray(screened.score, dtype=np.float64), SCORE_DECIMALS)
    current = bundle.threshold
    biased = queue_bias(df, s >= current)
    if biased:
        typer.echo(
            f"warning: {data} looks like labels from a review queue ({biased}): they are "
            "biased to flagged posts, so recall and flag rates here do not hold for an export; "
            "recommend thresholds on a random or `review queue --purpose learn` sample",
            err=True,
        )

    rec = None
    if targets:
        rec = recommend(
            y,
            s,
            target_precision=target_precision,
            target_recall=target_recall,
            max_flag_rate=max_flag_rate,
        )
    points = [*GRID, current] + ([rec.threshold] if rec and rec.threshold is not None else [])
    table = threshold_table(
        y, s, points, corpus_size=corpus_size, seconds_per_review=seconds_per_review
    )
    chosen = rec.threshold if rec and rec.threshold is not None else current
    cats = per_category_recall(y, s, df["category"], chosen)

    typer.echo(
        f"{data}: {len(df)} posts, {int(y.sum())} partisan; model {bundle.path} "
        f"(current threshold {current:.3f}); workload for {corpus_size:,} posts "
        f"at {seconds_per_review:g} s per review"
    )
    typer.echo(render_table(table, current, rec.threshold if rec else None))
    typer.echo(
        f"(flags and hours assume the corpus has this data's mix, {y.mean():.0%} partisan; "
        "real timelines have far fewer, so expect fewer flags and lower precision)"
    )
    if rec is not None:
        typer.echo(render_recommendation(rec))
        for w in rec.warnings:
            typer.echo(f"warning: {w}", err=True)
    typer.echo(f"\nrecall by category at {chosen:.3f}:")
    typer.echo(cats.to_string(index=False, float_format=lambda v: f"{v:.3f}"))

    if plot is not None:
        from screening.plots import pr_figure  # matplotlib only when plotting

        marks = {"current": current}
        if rec and rec.threshold is not None:
            marks["recommended"] = rec.threshold
        png = pr_figure(y, s, marks, title=f"{Path(data).name}: precision-recall")
        atomic_write(plot, lambda tmp: tmp.write_bytes(png), force=force)
        typer.echo(f"plot written to {plot}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(json_out, _json(table, rec, cats, current, data))
    if apply:
        assert rec is not None
        if rec.threshold is None:
            raise ScreeningError("nothing applied: no threshold meets the target on this data")
        apply_threshold(bundle.path, rec.threshold, reason or "", rec.target, data)
        typer.echo(
            f"applied: threshold {current:.3f} -> {rec.threshold:.7g} in {bundle.path}/card.json"
        )


def _fmt(v: float) -> str:
    return "   n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:6.3f}"


def render_table(table: pd.DataFrame, current: float, recommended: float | None) -> str:
    head = (
        f"{'threshold':>10} {'prec':>6} {'recall':>6} {'F1':>6} {'flag%':>6} "
        f"{'per10k':>7} {'flags':>8} {'hours':>8}"
    )
    lines = [head]
    for r in table.itertuples():
        mark = ""
        if np.isclose(r.threshold, current):
            mark += " <- current"
        if recommended is not None and np.isclose(r.threshold, recommended):
            mark += " <- recommended"
        lines.append(
            f"{r.threshold:>10.3f} {_fmt(r.precision)} {_fmt(r.recall)} {_fmt(r.f1)} "
            f"{100 * r.flag_rate:>6.2f} {r.flagged_per_10k:>7.0f} {r.est_flagged:>8,} "
            f"{r.review_hours:>8.1f}{mark}"
        )
    return "\n".join(lines)


def render_recommendation(rec: Any) -> str:
    ((kind, value),) = rec.target.items()
    if rec.threshold is None:
        return f"\nno threshold meets {kind} {value} on this data"
    return (
        f"\nrecommended for {kind} {'<=' if kind == 'flag_rate' else '>='} {value}: threshold "
        f"{rec.threshold:.7g}\n  precision {rec.precision:.3f} (95% bootstrap "
        f"{rec.precision_ci[0]:.3f}-{rec.precision_ci[1]:.3f})  recall {rec.recall:.3f} "
        f"({rec.recall_ci[0]:.3f}-{rec.recall_ci[1]:.3f})  flag rate {rec.flag_rate:.3f}  "
        f"partisan posts above the cut {rec.positives_above_cut}"
    )


def _json(
    table: pd.DataFrame, rec: Any, cats: pd.DataFrame, current: float, data: Path
) -> dict[str, Any]:
    clean = table.astype(object).where(table.notna(), None)
    return {
        "data": str(data),
        "current_threshold": current,
        "table": clean.to_dict(orient="records"),
        "recommendation": None if rec is None else {k: v for k, v in rec.__dict__.items()},
        "per_category": cats.astype(object).where(cats.notna(), None).to_dict(orient="records"),
    }
