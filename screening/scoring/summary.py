"""What a scoring run did, on either engine: one type, so one renderer and one JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ScoreSummary:
    """Counts and settings of a ``score`` run; ``rows_in == scored + rejected`` always holds.

    The first fields are common to both engines. ``rejects_path`` to ``chunks`` describe the
    local engine's single input (its encoding, its XLSX sheets, the pseudonymised columns,
    the worker processes); ``files`` to ``scheduler`` the Dask engine's inputs and cluster.
    A field that does not apply to the engine that ran keeps its empty default.
    ``seconds``: wall-clock time of the run.
    """

    engine: str  # "local" or "dask"
    input: str
    output: str
    text_column: str
    threshold: float
    lexicon: str | None
    rows_in: int = 0
    scored: int = 0
    rejected: int = 0
    flagged: int = 0
    duplicates: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    everyday_use: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    model: str = ""
    provenance: str = ""
    # the local engine
    rejects_path: str = ""
    encoding: str = ""
    replaced_chars: int = 0
    mixed_lines: int = 0
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    pseudonymized: list[str] = field(default_factory=list)
    author_like_left: list[str] = field(default_factory=list)
    jobs: int = 1
    chunks: int = 0
    # the Dask engine
    files: int = 0
    partitions: int = 0
    scheduler: str = ""
