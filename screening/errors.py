"""The exception types the CLI turns into a one-line message and exit code 1.

Messages are worded for the library (what is wrong, with which file or value); the CLI adds
what to type about it, such as "pass --force" (:mod:`screening.cli.exit_codes`).
"""

from __future__ import annotations

from pathlib import Path


class ScreeningError(Exception):
    """A user-facing error: bad input, bad option, unreadable file, invalid data or model.

    The CLI prints ``error: <message>`` on standard error and exits with code 1, never a
    traceback. Library callers can catch it like any other exception.
    """


class OutputExistsError(ScreeningError):
    """An output is already there and the caller did not ask to overwrite it.

    ``path``: the output; ``hint``: what the caller suggests instead (None: the CLI says how
    to overwrite it).
    """

    def __init__(self, path: str | Path, hint: str | None = None) -> None:
        super().__init__(f"{path} exists")
        self.path = Path(path)
        self.hint = hint


class ModelNotFoundError(ScreeningError):
    """No model bundle at ``path``."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(f"no model at {path}")
        self.path = Path(path)


class TextColumnError(ScreeningError):
    """A table's post-text column cannot be found: the one asked for (``requested``), or,
    when none was asked for, none that looks like post text (``requested`` is None)."""

    def __init__(self, message: str, requested: str | None = None) -> None:
        super().__init__(message)
        self.requested = requested


class PseudonymKeyError(ScreeningError):
    """Pseudonymisation was asked for without a usable secret key."""


class WorkerDiedError(ScreeningError):
    """A worker process died (killed, or out of memory) before its work was done."""
