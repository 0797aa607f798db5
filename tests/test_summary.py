"""One summary type and one renderer for both scoring engines."""

from __future__ import annotations

from screening.cli.score import render
from screening.scoring.summary import ScoreSummary


def _summary(engine: str, **kw: object) -> ScoreSummary:
    common = {"input": "in", "output": "out", "text_column": "full_text", "threshold": 0.5}
    return ScoreSummary(engine=engine, lexicon=None, **common, **kw)  # type: ignore[arg-type]


def test_each_engine_shows_its_own_settings_and_the_same_counts() -> None:
    counts = {"rows_in": 10, "scored": 8, "rejected": 2, "flagged": 4, "seconds": 2.0}
    local = render(_summary("local", encoding="utf-8", rejects_path="out.rejects.csv", **counts))
    dask = render(
        _summary("dask", files=3, partitions=8, scheduler="LocalCluster(2 workers)", **counts)
    )
    assert local.splitlines()[0] == "scored in -> out"
    assert (
        dask.splitlines()[0]
        == "scored in (3 file(s), 8 partitions) -> out on LocalCluster(2 workers)"
    )
    assert "encoding: utf-8" in local and "encoding" not in dask
    assert "(reasons in out.rejects.csv)" in local and "(reject_reason column)" in dask
    for text in (local, dask):
        assert "rows in: 10 = scored 8 + rejected 2" in text and "flagged: 4 (50.0%)" in text
    assert local.splitlines()[-1].endswith("(5 rows/s, 1 job)")
    assert dask.splitlines()[-1].endswith("(5 rows/s, LocalCluster(2 workers))")
