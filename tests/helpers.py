"""Helpers the tests import: running the CLI in-process or through its real entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from screening.cli.app import _app_for
from screening.data import realdata

REALDATA = realdata.REALDATA_DIR


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``screening ARGS`` in this process and capture its exit code, stdout and stderr.

    The app maps errors to exit codes and one-line messages itself
    (:mod:`screening.cli.exit_codes`), so this gives what the entry point gives, without
    starting an interpreter. Stop signals, imports and the entry point itself need
    :func:`run_entry`. An exception the app lets through (a bug) is raised here.
    """
    argv = list(args)
    before = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        r = CliRunner().invoke(_app_for(argv), argv, env=env, catch_exceptions=False)
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["screening", *argv], r.exit_code, r.stdout, r.stderr)


def run_entry(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real entry point (``python -m screening ARGS``) in a new interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "screening", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
