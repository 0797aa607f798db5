"""Exit codes, and the one line on standard error that every error prints.

The mapping lives in the Typer app's group class (:class:`ScreeningGroup`), so the app gives
the same codes and lines however it is run: from the ``screening`` entry point, or in-process
with ``typer.testing.CliRunner``. Stop signals are :func:`screening.cli.app.main`'s job.

Exit codes: 0 success; 1 input error (one line on stderr, no traceback); 2 usage error
(unknown option, missing argument, bad value); 3 ``retrain`` kept the new model but did not
make it current; 130 interrupted (Ctrl-C, SIGINT). Every line goes through
:func:`screening.messages.one_line`: an error can echo a file name or a value taken from
hostile input.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, cast

import typer
from typer.core import TyperGroup

from screening.cli.metavars import shorten_metavars
from screening.errors import (
    ModelNotFoundError,
    OutputExistsError,
    PseudonymKeyError,
    ScreeningError,
    TextColumnError,
    WorkerDiedError,
)
from screening.messages import one_line, say

OK = 0
INPUT_ERROR = 1
USAGE_ERROR = 2
KEPT_NOT_CURRENT = 3
INTERRUPTED = 130


def exit_code_of(call: Callable[[], Any]) -> int:
    """Run ``call`` (a command line in Typer's non-standalone mode) and return its exit code,
    printing the one line that an error or an interruption deserves."""
    try:
        rv = call()
    except OutputExistsError as exc:  # the library says what; the CLI says which flag
        hint = exc.hint or "pass --force to overwrite it"
        say(f"error: {one_line(f'{exc}; {hint}')}")
        return INPUT_ERROR
    except ModelNotFoundError as exc:
        hint = f"train one with `screening train -o {exc.path}` (or pass --model DIR)"
        say(f"error: {one_line(f'{exc}: {hint}')}")
        return INPUT_ERROR
    except ScreeningError as exc:
        said = option_hint(exc)
        say(f"error: {one_line(str(exc) + (f'; {said}' if said else ''))}")
        return INPUT_ERROR
    except typer.Abort:  # a prompt answered with Ctrl-D / Ctrl-C
        say("interrupted")
        return INTERRUPTED
    except typer.Exit as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # typer's silent exit on Ctrl-C
            say("interrupted")
        return exc.exit_code
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument, ...
        # click's own code: 2 for a usage error, 1 for another ClickException
        code = int(getattr(exc, "exit_code", USAGE_ERROR))
        if type(exc).__name__ == "NoArgsIsHelpError":  # `screening` alone: show the help
            cast(Any, exc).show()  # a UsageError: click's, which typer's stub does not name
            return code
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        say(f"error: {one_line(exc.format_message() + hint)}")
        return code
    except OSError as exc:  # permissions, disk full, ...: the user's environment, not a bug
        message = f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
        say(f"error: {one_line(message)}")
        return INPUT_ERROR
    return rv if isinstance(rv, int) else OK


def option_hint(exc: ScreeningError) -> str | None:
    """What to type about a library error, in the CLI's options (None: nothing to add)."""
    if isinstance(exc, TextColumnError):
        return "check --text-col" if exc.requested is not None else "pass --text-col NAME"
    if isinstance(exc, PseudonymKeyError):
        return "give the key file with --pseudonym-key-file FILE"
    if isinstance(exc, WorkerDiedError):
        return "run again with fewer --jobs or a smaller --chunk-rows"
    return None


class ScreeningGroup(TyperGroup):
    """The app's top-level group: errors become exit codes and one line, in every mode;
    ``--help`` shows short metavars (:mod:`screening.cli.metavars`)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        def call() -> Any:
            shorten_metavars(self)
            return super(ScreeningGroup, self).main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )

        code = exit_code_of(call)
        if standalone_mode:
            sys.exit(code)
        return code
