"""The progress bar: what its times are called, and silence outside a terminal."""

from __future__ import annotations

import io
import re

from rich.console import Console

from screening.scoring.progress import RowProgress


def _drawn(terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=120, color_system=None)
    with RowProgress(1000, console=console) as bar:
        bar.update(50, 500)
        bar._progress.refresh()
    return out.getvalue()


def test_each_time_is_followed_by_what_it_is() -> None:
    text = _drawn(terminal=True)
    assert "50 rows" in text and "50%" in text
    # "0:00:00 elapsed" then "-:--:-- left" (or a time), never "elapsed" unnamed
    assert re.search(r"\d+:\d\d:\d\d elapsed\s+(\d+:\d\d:\d\d|-:--:--) left", text), text


def test_nothing_is_drawn_outside_a_terminal() -> None:
    assert _drawn(terminal=False) == ""
