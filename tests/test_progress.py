"""Progress on long work: the scoring bar, the steps of train, retrain and audit-labels."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from screening.cli.steps import Steps
from screening.scoring.progress import RowProgress


def _drawn(terminal: bool, *, rows: int = 50) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=120, color_system=None)
    with RowProgress(1000, console=console) as bar:
        if rows:
            bar.update(rows, 500)
        bar._progress.refresh()
    return out.getvalue()


def test_before_the_first_chunk_the_bar_pulses_instead_of_showing_0_percent() -> None:
    before = _drawn(terminal=True, rows=0)
    assert "elapsed" in before and "%" not in before, before


def test_each_time_is_followed_by_what_it_is() -> None:
    text = _drawn(terminal=True)
    assert "50 rows" in text and "50%" in text
    # "0:00:00 elapsed" then "-:--:-- left" (or a time), never "elapsed" unnamed
    assert re.search(r"\d+:\d\d:\d\d elapsed\s+(\d+:\d\d:\d\d|-:--:--) left", text), text


def test_nothing_is_drawn_outside_a_terminal() -> None:
    assert _drawn(terminal=False) == ""


def _steps(terminal: bool, *, quiet: bool = False) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=100, color_system=None)
    with Steps(quiet=quiet, console=console) as steps:
        steps("cross-validating")
        steps("fitting on 10 posts")
    return out.getvalue()


def test_at_a_terminal_each_finished_step_stays_with_its_time() -> None:
    text = _steps(terminal=True)
    assert re.search(r"\.\.\. cross-validating \(\d+ s\)", text), text
    assert re.search(r"\.\.\. fitting on 10 posts \(\d+ s\)", text), text


def test_steps_elsewhere_are_plain_lines_and_quiet_is_silent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _steps(terminal=False) == ""  # not drawn: written as lines instead
    assert capsys.readouterr().err == "... cross-validating\n... fitting on 10 posts\n"
    assert _steps(terminal=True, quiet=True) == "" and capsys.readouterr().err == ""
