"""The options of ``screening`` itself, before any verb: ``--version``."""

from __future__ import annotations

from typing import Annotated

import typer

import screening


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"screening {screening.__version__}")
        raise typer.Exit()


# The group's callback: it also keeps an app of one verb a group, so the verb's name stays on
# the command line and its help and usage errors read as in the whole app. No docstring: it
# would replace the app's help.
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    return None
