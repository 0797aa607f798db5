"""The `screening` command: verbs, and the error handling that makes exit codes trustworthy.

Exit codes: 0 success; 1 input error (one line on stderr, no traceback); 2 usage error;
3 ``retrain`` kept the new model but did not make it current; 130 interrupted (Ctrl-C,
SIGINT); 143 terminated (SIGTERM); 129 hung up (SIGHUP).

Every error is one line on standard error, passed through
:func:`screening.messages.one_line`: escape sequences removed, line breaks made spaces,
other control characters made visible, and at most 2,000 characters (an error can echo a
file name or a value taken from hostile input). The app's group class does that mapping
(:mod:`screening.cli.exit_codes`), so the app gives the same codes in-process.

Stopping: :func:`main` turns SIGINT, SIGTERM and SIGHUP into :class:`Stopped`, raised in the
main thread. It is a BaseException, so ``except Exception`` blocks let it through while the
atomic writers delete their temporary files on the way out (a stopped run leaves neither a
partial output nor a hidden ``.NAME.*.tmp``) and worker processes are stopped
(:mod:`screening.scoring.parallel`); then ``interrupted`` (or ``terminated``) is the one line
printed.
Further stop signals are ignored so that they cannot cut that cleanup short.

Importing this module is cheap: the verbs (pandas, scikit-learn: seconds of imports) load when
:data:`app` is first used, so :func:`main` has its signal handlers in place before anything
slow runs.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import TYPE_CHECKING, Any

from screening.messages import say

if TYPE_CHECKING:
    import typer


_STOP_WORDS = {"SIGINT": "interrupted", "SIGTERM": "terminated", "SIGHUP": "hung up"}
# SIGHUP does not exist on Windows
_STOPS = {getattr(signal, n): word for n, word in _STOP_WORDS.items() if hasattr(signal, n)}


class Stopped(BaseException):
    """A stop signal arrived; ``exit_code`` is 128 + the signal number, as shells report it.

    A BaseException, like KeyboardInterrupt, so that code catching Exception does not
    swallow it; not a KeyboardInterrupt, which typer would turn into a silent exit.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(_STOPS.get(signum, f"stopped by signal {signum}"))
        self.exit_code = 128 + signum


def _on_stop(signum: int, frame: FrameType | None) -> None:
    # one stop is enough: a second Ctrl-C must not interrupt the cleanup the first started
    for s in _STOPS:
        signal.signal(s, signal.SIG_IGN)
    raise Stopped(signum)


def _handle_stops() -> None:
    for s in _STOPS:
        if signal.getsignal(s) is not signal.SIG_IGN:  # ignored (nohup, &): keep ignoring
            signal.signal(s, _on_stop)


# Verbs whose modules import no scikit-learn. Run alone (`screening score ...`), such a verb
# is registered alone: the other verbs' modules import scikit-learn, which would cost the
# reading process of `score --jobs N` about 85 MB it never uses (its workers score).
_LIGHT_VERBS = {"score": "screening.cli.score"}


def _typer_app() -> typer.Typer:
    import typer

    from screening.cli.exit_codes import ScreeningGroup
    from screening.cli.root import root

    app = typer.Typer(
        name="screening",
        help="Screen Indonesian civil servants' (ASN) posts for partisan political tendency.\n\n"
        "A flag is a lead for a human neutrality reviewer, never an automated sanction.\n\n"
        "Typical run:  screening train  then  "
        "screening score posts.csv -o scored.csv --candidates pilkada.yaml",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        cls=ScreeningGroup,
    )
    app.callback()(root)  # --version; keeps an app of one verb a group
    return app


def _build(only: str | None = None) -> typer.Typer:
    """The app with every verb, or with the light verb ``only`` (see :data:`_LIGHT_VERBS`)."""
    import importlib

    if only is not None:
        app = _typer_app()
        app.command(only)(importlib.import_module(_LIGHT_VERBS[only]).command)
        return app

    from screening.cli import (
        accounts,
        audit_labels,
        build_data,
        check_data,
        evaluate,
        explain,
        info,
        lexicon,
        models,
        retrain,
        review,
        score,
        thresholds,
        train,
    )

    app = _typer_app()
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
    app.command("models")(models.command)
    app.command("accounts")(accounts.command)
    app.add_typer(review.app, name="review")
    app.add_typer(lexicon.app, name="lexicon")
    return app


def _app() -> typer.Typer:
    """The app, built on first use (see the module docstring) and kept as ``app``."""
    if "app" not in globals():
        globals()["app"] = _build()
    return globals()["app"]


def __getattr__(name: str) -> Any:
    # `from screening.cli.app import app` (PEP 562)
    if name == "app":
        return _app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Run the CLI and exit with its code; errors and stops print one line, never a traceback."""
    _handle_stops()
    try:
        code = _run()
    except Stopped as stop:
        say(str(stop))
        code = stop.exit_code
    for s in _STOPS:  # done: a late Ctrl-C must not raise in the interpreter's exit handlers
        signal.signal(s, signal.SIG_IGN)
    sys.exit(code)


def _app_for(args: list[str]) -> typer.Typer:
    """The app to run ``args`` (the command line after the program name): a light verb's
    own app when ``args`` starts with one, else the whole app."""
    if args and args[0] in _LIGHT_VERBS:
        return _build(only=args[0])
    if args == ["--version"]:
        # the root option is the same in every app: a light one answers without the
        # seconds of imports the other verbs cost
        return _build(only=next(iter(_LIGHT_VERBS)))
    return _app()


def _run() -> int:
    # the app's group class maps errors to exit codes (screening.cli.exit_codes)
    code = _app_for(sys.argv[1:])(standalone_mode=False)
    return code if isinstance(code, int) else 0
