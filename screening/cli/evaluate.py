"""`screening evaluate`: figures of a model on labelled posts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from screening import paths
from screening.cli.options import (
    Candidates,
    Force,
    Lang,
    LangOption,
    TextCol,
    Threshold,
    lexicon_for_data,
    open_model,
)
from screening.data.dataset import load_labelled
from screening.errors import ScreeningError
from screening.io.files import check_target, write_json_atomic, write_text_atomic
from screening.model.evaluate import evaluate_frame, paired_bootstrap_ap, worst_errors
from screening.model.explain import reasons


def command(
    data: Annotated[
        Path, typer.Argument(help="Labelled CSV with text,label[,category].")
    ] = paths.EVAL_CSV,
    model: Annotated[
        list[Path] | None,
        typer.Option(
            "--model",
            "-m",
            show_default=False,
            help="Model bundle directory (default: $SCREENING_MODEL or models/default). "
            "Give it twice to compare two models on the same posts.",
        ),
    ] = None,
    candidates: Candidates = None,
    threshold: Threshold = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            "--json",
            help="Also write the figures to this JSON file (--json FILE: the older spelling).",
            show_default=False,
        ),
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write a reliability diagram (PNG), before and after calibration.",
            show_default=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            help="Write a self-contained HTML report (figures embedded).",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = Lang.id,
    text_col: TextCol = None,
    force: Force = False,
) -> None:
    """Evaluate a model on labelled posts: P/R/F1 at the threshold, AP, ROC AUC, Brier, ECE
    (before and after calibration), confusion matrix, per-category recall and category accuracy.

    For the bundled data/eval.csv the bundled data/candidates_eval.yaml is used unless
    --candidates is given. With two --model options both are evaluated on the same posts and
    the difference in AP is given with a paired bootstrap 95% interval.

    Example:  screening evaluate data/eval.csv --model models/default -o eval.json
    """
    for out in (json_out, plot, report):  # refuse before loading and scoring, not after
        if out is not None:
            check_target(out, force, inputs=(data,))
    chosen: list[Path | None] = list(model) if model else [None]
    bundles = [open_model(m) for m in chosen]
    if len(bundles) > 2:
        raise ScreeningError("compare at most two models at a time")
    df = load_labelled(data, text_col=text_col)
    files = sorted(df["file"].astype(str).unique()) if "file" in df.columns else []
    lexicon = lexicon_for_data(data, candidates, files if "line" in df.columns else [])
    if df.attrs.get("disputed_rows_left_out"):
        typer.echo(
            f"{data}: real posts by reference; {df.attrs['disputed_rows_left_out']} post(s) "
            "the labellers disagreed on are left out",
            err=True,
        )
    runs = []
    for bundle in bundles:
        thr = bundle.threshold_for(threshold)
        ev = evaluate_frame(bundle.model, df, lexicon, thr)
        ev.figures.update(
            {
                "data": str(data),
                "model": str(bundle.path),
                "lexicon": lexicon_name(lexicon),
            }
        )
        runs.append((bundle, ev))
    for _, ev in runs:
        typer.echo(render(ev.figures))
    result: dict[str, Any] = runs[0][1].figures
    if len(runs) == 2:
        y = df["label"].to_numpy()
        cmp = paired_bootstrap_ap(y, runs[0][1].score, runs[1][1].score)
        result = {"models": [ev.figures for _, ev in runs], "comparison": cmp}
        typer.echo(
            f"\nAP of {runs[1][0].path} minus AP of {runs[0][0].path}: {cmp['ap_difference']:+.4f} "
            f"(95% paired bootstrap {cmp['ci_low']:+.4f} to {cmp['ci_high']:+.4f})"
        )
    bundle, ev = runs[0]
    # matplotlib is imported only when a figure is asked for: it costs every other verb
    # (and every scoring worker) about 30 MB and a quarter of a second
    from screening.plots import pr_figure, reliability_figure, save
    from screening.report import render as render_report

    if plot is not None:
        save(
            reliability_figure(
                df["label"], {"before calibration": ev.uncalibrated, "after calibration": ev.score}
            ),
            plot,
        )
        typer.echo(f"reliability diagram written to {plot}")
    if report is not None:
        y = df["label"].to_numpy()
        errors = worst_errors(df["text"].tolist(), y, ev.score, ev.figures["threshold"])
        for item in errors["false_positives"] + errors["false_negatives"]:
            row = item["index"]
            lex = lexicon.get(str(df["file"].iloc[row])) if isinstance(lexicon, dict) else lexicon
            terms = reasons(bundle.model, [item["text"]], lex)[0]
            item["reasons"] = ", ".join(term for term, _ in terms)
        page = render_report(
            ev.figures,
            bundle.card,
            errors,
            pr_figure(y, ev.score, {"threshold": ev.figures["threshold"]}),
            reliability_figure(
                y, {"before calibration": ev.uncalibrated, "after calibration": ev.score}
            ),
            lang=lang.value,
        )
        write_text_atomic(report, page)
        typer.echo(f"report written to {report}")
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(json_out, result)


def lexicon_name(lexicon: Any) -> str | None:
    """One lexicon's file, or "per file: a.yaml, b.yaml" for labels of several elections."""
    if isinstance(lexicon, dict):
        names = sorted({Path(lx.source).name for lx in lexicon.values() if lx is not None})
        return "per file: " + ", ".join(names) if names else None
    return lexicon.source if lexicon else None


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
        f"before calibration: Brier {_f(m['before_calibration']['brier'])}  "
        f"ECE {_f(m['before_calibration']['ece'])}",
        f"{'category':<11} {'n':>5} {'recall':>7} {'cat.acc':>8}",
    ]
    for cat, c in m.get("per_category", {}).items():
        lines.append(f"{cat:<11} {c['n']:>5} {_f(c['recall']):>7} {_f(c['category_accuracy']):>8}")
    return "\n".join(lines)
