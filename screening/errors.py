"""The one exception type the CLI turns into a one-line message and exit code 1."""

from __future__ import annotations


class ScreeningError(Exception):
    """A user-facing error: bad input, bad option, unreadable file, invalid data or model.

    The CLI prints ``error: <message>`` on standard error and exits with code 1, never a
    traceback. Library callers can catch it like any other exception.
    """
