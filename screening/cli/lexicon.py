"""`screening lexicon ...`: write a commented lexicon template, check a lexicon, draft one from
an export (`suggest`, in :mod:`screening.cli.lexicon_suggest`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from screening.cli import lexicon_suggest
from screening.cli.options import Force, ModelDir
from screening.lexicon.check import CheckReport, check_lexicon, write_template
from screening.messages import printable

app = typer.Typer(
    help="Write, check and draft the candidate lexicon of the election being monitored.",
    no_args_is_help=True,
)
app.command("suggest")(lexicon_suggest.command)

_TERM_WIDTH = 24
_EXPORT_WIDTH = 12


@app.command("init")
def init_command(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Lexicon file to write (YAML).", show_default=False),
    ],
    force: Force = False,
) -> None:
    """Write a commented lexicon template (comments in Indonesian, then English).

    Example:  screening lexicon init -o pilkada.yaml
    """
    write_template(output, force=force)
    typer.echo(f"wrote {output}; fill in the candidates, then check it:")
    typer.echo(f"  screening lexicon check {output} EXPORT")


@app.command("check")
def check_command(
    lexicon: Annotated[
        Path, typer.Argument(help="Lexicon file (YAML) to check.", show_default=False)
    ],
    exports: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Exports to count term hits in and to score with and without the lexicon.",
            show_default=False,
        ),
    ] = None,
    text_col: Annotated[
        str | None,
        typer.Option(
            "--text-col",
            help="Column with the post text [default: detected].",
            show_default=False,
        ),
    ] = None,
    model: ModelDir = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as one JSON object.")
    ] = False,
) -> None:
    """Check a lexicon: unknown keys, empty, one-letter and duplicated terms (errors), a
    term under two candidates (warning); then every term's everyday-word status and hits,
    worst offenders first, and each export's flag rate without and with the lexicon.

    Exit 0 when there are no errors (warnings allowed), 1 otherwise.

    Example:  screening lexicon check pilkada.yaml posts.csv
    """
    report = check_lexicon(lexicon, exports or [], text_col=text_col, model_dir=model)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        typer.echo("\n".join(render(report)))
    if report.errors:
        raise typer.Exit(1)


def _cut(text: str, width: int) -> str:
    text = printable(text, width)
    return text.ljust(width)


def render(report: CheckReport) -> list[str]:
    """The human report: summary, problems, term table, flag rates."""
    lines = [
        f"{report.source}: {report.candidates} candidates, {len(report.terms)} terms, "
        f"{len(report.errors)} errors, {len(report.warnings)} warnings"
    ]
    for p in report.problems:
        where = f"{p.where}: " if p.where else ""
        lines.append(f"{p.level}: {where}{p.message}")
    if report.terms:
        names = [f"E{i + 1}" for i in range(len(report.exports))]
        head = (
            f"{'TERM':<{_TERM_WIDTH}} {'KIND':<8} {'CAND':<5} {'EVERYDAY':<13} "
            f"{'EVERYDAY-POSTS':>14}" + "".join(f" {n:>6}" for n in names)
        )
        lines += ["", head]
        for t in report.terms:
            status = f"{'yes' if t.everyday else 'no'} ({t.zipf:.2f})"
            hits = "".join(f" {n:>6}" for n in t.export_hits.values())
            lines.append(
                f"{_cut(t.term, _TERM_WIDTH)} {t.kind:<8} {_cut(t.owner, 5)} {status:<13} "
                f"{t.everyday_hits:>14}{hits}"
            )
        lines += [
            "EVERYDAY: a common Indonesian word (wordfreq Zipf in brackets) or frequent in",
            f"the {report.everyday_posts} bundled everyday posts. Hit columns count posts.",
        ]
    for i, e in enumerate(report.exports):
        lines += [
            f"E{i + 1} {printable(e.path, 60)} ({e.posts} posts, column "
            f"{printable(e.text_column, 30)})",
            f"   flagged {e.rate_without:.1%} without the lexicon, {e.rate_with:.1%} with it "
            f"(threshold {report.threshold:.3f})",
        ]
    return lines
