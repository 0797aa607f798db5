"""The `screening` command: verbs, and the error handling that makes exit codes trustworthy.

Exit codes: 0 success; 1 usage or input error (one line on stderr, no traceback);
130 interrupted.
"""

from __future__ import annotations

import sys

import typer

from screening.cli import (
    audit_labels,
    build_data,
    check_data,
    evaluate,
    explain,
    info,
    retrain,
    review,
    score,
    thresholds,
    train,
)
from screening.errors import ScreeningError

app = typer.Typer(
    name="screening",
    help="Screen Indonesian civil servants' (ASN) posts for partisan political tendency.\n\n"
    "A flag is a lead for a human neutrality reviewer, never an automated sanction.\n\n"
    "Typical run:  screening train  then  "
    "screening score posts.csv -o scored.csv --candidates pilkada.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
app.command("train")(train.command)
app.command("score")(score.command)
app.command("evaluate")(evaluate.command)
app.command("thresholds")(thresholds.command)
app.command("explain")(explain.command)
app.command("info")(info.command)
app.command("check-data")(check_data.command)
app.command("build-data")(build_data.command)
app.command("audit-labels")(audit_labels.command)
app.command("retrain")(retrain.retrain_command)
app.command("models")(retrain.models_command)
app.add_typer(review.app, name="review")


def main() -> None:
    try:
        rv = app(standalone_mode=False)
    except ScreeningError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument, ...
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            typer.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(1)
    except OSError as exc:  # permissions, disk full, ...: the user's environment, not a bug
        typer.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    sys.exit(rv if isinstance(rv, int) else 0)
