"""The Dask engine: score Parquet exports on a Dask cluster, one row group per partition.

``screening score 'exports/*.parquet' -o scored/ --engine dask [--scheduler ADDRESS]`` builds a
``dask.dataframe`` with one partition per Parquet row group (read by :func:`_read_piece`, which
knows each row's line in its file), applies :func:`screening.scoring.local.score_partition` to every
partition with ``map_partitions`` and an explicit ``meta``, and writes partitioned Parquet to
the output directory. Without ``--scheduler`` it starts a ``LocalCluster`` on this machine;
with one it runs on that ``dask.distributed`` scheduler (its workers need ``screening``
installed, and the input and output paths must be visible to them, e.g. a shared disk).

The output holds every input row, in input order: scored rows as ``screening score`` writes
them, plus ``source_file`` and ``reject_reason`` ('' for scored rows; rejected rows have no
score). One difference from the single-machine engine: ``duplicate_of`` points only within a
partition, because finding the first copy of a text across a whole file would need a shuffle
of every text; identical texts still get identical scores.

Dask is an optional dependency: ``pip install 'screening[dask]'``.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from screening.errors import OutputExistsError, ScreeningError
from screening.io.files import check_target, same_file
from screening.io.readers import LINE_COL, PANDAS_INDEX, as_str, dedupe_names, find_text_column
from screening.lexicon.candidates import CandidateLexicon
from screening.lexicon.everyday import EverydayUse
from screening.model.bundle import Bundle
from screening.scoring.local import (
    lexicon_names,
    output_names,
    score_partition,
    unclash,
)
from screening.scoring.output_schema import OUTPUT_DTYPES
from screening.scoring.parallel import STOP_SIGNALS
from screening.scoring.provenance import Provenance, sidecar_for, write_sidecar
from screening.scoring.summary import ScoreSummary

if TYPE_CHECKING:
    from screening.scoring.post_scorer import PostScorer

SOURCE_COL = "source_file"
# the columns this engine adds to the scored rows (besides output_schema.OUTPUT_COLUMNS)
ENGINE_COLUMNS = (SOURCE_COL, "reject_reason")


@dataclass(frozen=True)
class Piece:
    """One partition: a row group of a Parquet file and the file line of its first row."""

    path: str
    row_group: int
    first_line: int


def require_dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ScreeningError(
            f"the Dask engine needs Dask: pip install 'screening[dask]' (missing: {exc.name})"
        ) from exc


def input_files(pattern: str) -> list[Path]:
    """Parquet files named by a glob pattern, a directory or one file, sorted by name."""
    p = Path(pattern)
    if p.is_dir():
        files = sorted(p.glob("*.parquet")) + sorted(p.glob("*.pq"))
    else:
        files = sorted(Path(f) for f in glob.glob(pattern))
    if not files:
        raise ScreeningError(f"no input files match {pattern!r}")
    wrong = [f for f in files if f.suffix.lower() not in (".parquet", ".pq")]
    if wrong:
        raise ScreeningError(
            f"the Dask engine reads Parquet (row groups are its partitions); {wrong[0]} is not "
            "Parquet. Score CSV/JSONL/XLSX with the local engine, or convert them first."
        )
    return files


def check_paths(inputs: str, output_dir: Path, force: bool = False) -> list[Path]:
    """The input files (:func:`input_files`), once the output directory is known to be
    writable: refused (ScreeningError) when it is, or holds, an input file or the input
    directory (even through a symlink or hard link: replacing it would delete the data being
    read), when it exists and ``force`` is False, or when it is a file."""
    files = input_files(inputs)
    out = Path(os.path.abspath(output_dir)).resolve()
    named = [*files, Path(inputs)] if Path(inputs).is_dir() else files
    for f in named:
        real = Path(os.path.abspath(f)).resolve()
        if same_file(output_dir, f) or out == real or out in real.parents:
            raise ScreeningError(
                f"the output {output_dir} is or holds the input {f}; write it to another directory"
            )
    if output_dir.exists() and not force:
        raise OutputExistsError(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise ScreeningError(f"{output_dir} is a file; the Dask engine writes a directory")
    check_target(sidecar_for(output_dir), force, inputs=named)
    return files


def plan(files: list[Path]) -> tuple[list[str], list[Piece]]:
    """The shared column names (input order, as the local reader names them) and one
    :class:`Piece` per row group. Raises ScreeningError when files differ in columns."""
    import pyarrow.parquet as pq

    columns: list[str] | None = None
    pieces: list[Piece] = []
    for f in files:
        try:
            meta = pq.ParquetFile(f).metadata
            names = [n for n in pq.read_schema(f).names if not PANDAS_INDEX.fullmatch(n)]
        except Exception as exc:
            raise ScreeningError(f"{f}: cannot read as parquet: {exc}") from exc
        # the engine adds these two columns; an input column of the same name is kept as
        # <name>_input (or <name>_input_2, ... when that name is taken) rather than overwritten
        names = dedupe_names([str(n).strip() for n in names])
        renames = unclash(names, ENGINE_COLUMNS)
        names = [renames.get(n, n) for n in names]
        if columns is None:
            columns = names
        elif names != columns:
            raise ScreeningError(
                f"{f} has columns {names}, but {files[0]} has {columns}; "
                "score files of different layouts in separate runs"
            )
        line = 1
        for rg in range(meta.num_row_groups):
            pieces.append(Piece(str(f), rg, line))
            line += meta.row_group(rg).num_rows
    assert columns is not None
    if not pieces:  # only empty files: one empty partition keeps the output's schema
        pieces.append(Piece(str(files[0]), -1, 1))
    return columns, pieces


def _read_piece(piece: Piece, columns: list[str]) -> pd.DataFrame:
    """One row group as str columns plus ``line`` and ``source_file``."""
    import pyarrow.parquet as pq

    if piece.row_group < 0:
        frame = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    else:
        pf = pq.ParquetFile(piece.path)
        stored = [n for n in pf.schema_arrow.names if not PANDAS_INDEX.fullmatch(n)]
        # integer_object_nulls: an int64 id with a null must not become a float
        table = pf.read_row_group(piece.row_group, columns=stored)
        frame = table.to_pandas(integer_object_nulls=True)
        frame = as_str(frame).astype(object)
        frame.columns = columns
    frame[LINE_COL] = np.arange(piece.first_line, piece.first_line + len(frame), dtype=np.int64)
    frame[SOURCE_COL] = piece.path
    return frame


def input_meta(columns: list[str]) -> pd.DataFrame:
    """Empty frame with the dtypes :func:`_read_piece` returns."""
    meta = pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    meta[LINE_COL] = pd.Series([], dtype=np.int64)
    meta[SOURCE_COL] = pd.Series([], dtype=object)
    return meta


def output_meta(columns: list[str], text_col: str) -> pd.DataFrame:
    """Empty frame with the columns and dtypes of :func:`_score_piece`'s result."""
    clash, _ = output_names(columns, text_col)
    dtypes: dict[str, Any] = {clash.get(c, c): object for c in columns}
    dtypes.update({**OUTPUT_DTYPES, SOURCE_COL: object, "reject_reason": object})
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in dtypes.items()})


def arrow_schema(meta: pd.DataFrame) -> Any:
    """The Parquet schema of the output: text columns as strings, the rest as typed."""
    import pyarrow as pa

    kinds = {np.dtype(np.float64): pa.float64(), np.dtype(bool): pa.bool_()}
    kinds[np.dtype(np.int64)] = pa.int64()
    return pa.schema([(c, kinds.get(np.dtype(t), pa.string())) for c, t in meta.dtypes.items()])


def _score_piece(
    frame: pd.DataFrame, scorer: PostScorer, text_col: str, dtypes: dict[str, Any]
) -> pd.DataFrame:
    """Score one partition; ``dtypes``: the output columns in order, with their dtypes."""
    source = frame[SOURCE_COL].iloc[0] if len(frame) else ""
    out = score_partition(frame.drop(columns=[SOURCE_COL]), scorer, text_col)
    out[SOURCE_COL] = source
    return out[list(dtypes)].astype(dtypes)


def _client(scheduler: str | None, workers: int) -> tuple[Any, Any]:
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    # Ctrl-C or a closed terminal signal the whole process group: worker processes started
    # with SIGINT and SIGHUP ignored (inherited, and kept by Python) leave the stop to this
    # process, which reports it once and closes the cluster (else each prints a traceback).
    # A stop signal that arrives while the cluster starts is ignored with them.
    terminal = [s for s in STOP_SIGNALS if s != signal.SIGTERM]
    if threading.current_thread() is not threading.main_thread():
        terminal = []  # only the main thread may set signal handlers
    handlers = {s: signal.signal(s, signal.SIG_IGN) for s in terminal}
    try:
        # one thread per worker process: scoring is Python code that holds the GIL. The
        # cluster's logs stay quiet: a task's error reaches this process as an exception, and
        # a stopped run's workers would log the closed connections
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        )
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
    return Client(cluster), cluster


def score_dask(
    inputs: str,
    output_dir: Path,
    bundle: Bundle,
    *,
    lexicon: CandidateLexicon | None = None,
    text_col: str | None = None,
    threshold: float | None = None,
    force: bool = False,
    scheduler: str | None = None,
    workers: int = 2,
) -> ScoreSummary:
    """Score Parquet ``inputs`` (glob, directory or file) into partitioned Parquet under
    ``output_dir``, written beside it first and renamed into place when complete. The output
    directory is checked before any work (:func:`check_paths`)."""
    require_dask()
    import dask
    import dask.dataframe as dd

    from screening.scoring.post_scorer import PostScorer

    start = time.perf_counter()
    files = check_paths(inputs, output_dir, force)
    columns, pieces = plan(files)
    col = find_text_column(columns, text_col)
    thr = bundle.threshold_for(threshold)
    scorer = PostScorer(bundle.model, lexicon, thr)
    meta = output_meta(columns, col)
    tmp = output_dir.with_name(f".{output_dir.name}.{os.getpid()}.tmp")
    client, cluster = _client(scheduler, workers)
    done = False
    try:
        ddf = dd.from_map(_read_piece, pieces, columns=columns, meta=input_meta(columns))
        # the scorer enters the graph once, as one delayed object every partition depends on
        dtypes = meta.dtypes.to_dict()
        scored = ddf.map_partitions(
            _score_piece, dask.delayed(scorer), col, dtypes, meta=meta, align_dataframes=False
        )
        scored.to_parquet(tmp, write_index=False, schema=arrow_schema(meta))
        terms = EverydayUse(lexicon_names(lexicon)).terms if lexicon else ()
        summary = _summarise(tmp, col, terms)
        done = True
    finally:
        try:
            client.close()
            if cluster is not None:
                cluster.close()
        finally:
            if not done:  # after the cluster stopped: a worker may write a part until then
                shutil.rmtree(tmp, ignore_errors=True)
    if output_dir.exists():
        shutil.rmtree(output_dir)
    os.replace(tmp, output_dir)
    record = Provenance.of_run(bundle, threshold, lexicon)
    summary["model"] = record.model_version
    summary["provenance"] = str(write_sidecar(output_dir, record))
    summary.update(
        input=inputs,
        output=str(output_dir),
        files=len(files),
        partitions=len(pieces),
        scheduler=scheduler or f"LocalCluster({workers} workers)",
        text_column=col,
        threshold=thr,
        lexicon=lexicon.source if lexicon else None,
        seconds=round(time.perf_counter() - start, 2),
    )
    return ScoreSummary(engine="dask", **summary)


_COUNTED = ["flagged", "category", "duplicate_of", "reject_reason"]


def _count(path: str, text_col: str, everyday_terms: tuple[str, ...]) -> dict[str, Any]:
    """Counts of one written part file (a few columns; the texts only when the lexicon has
    everyday-word terms whose plain uses are counted, see EverydayUse)."""
    columns = _COUNTED + ([text_col] if everyday_terms else [])
    frame = pd.read_parquet(path, columns=columns)
    rejected = frame["reject_reason"] != ""
    flagged = frame[frame["flagged"]]
    uses: dict[str, int] = {}
    if everyday_terms:
        texts = frame.loc[~rejected, text_col].tolist()
        uses = dict(EverydayUse(everyday_terms).count(t for t in texts if isinstance(t, str)))
    return {
        "everyday_use": uses,
        "rows_in": len(frame),
        "scored": int((~rejected).sum()),
        "rejected": int(rejected.sum()),
        "flagged": len(flagged),
        "duplicates": int((frame["duplicate_of"] != "").sum()),
        "by_category": flagged["category"].value_counts().to_dict(),
        "reject_reasons": frame.loc[rejected, "reject_reason"]
        .str.split(":")
        .str[0]
        .value_counts()
        .to_dict(),
    }


def _summarise(
    out: Path, text_col: str = "", everyday_terms: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Totals over the written part files, counted on the cluster, summed here."""
    import dask

    count = dask.delayed(_count)
    files = sorted(out.glob("*.parquet"))
    parts = dask.compute(*[count(str(f), text_col, everyday_terms) for f in files])
    total: dict[str, Any] = {k: 0 for k in ("rows_in", "scored", "rejected", "flagged")}
    total.update(
        duplicates=0, by_category=Counter(), reject_reasons=Counter(), everyday_use=Counter()
    )
    for part in parts:
        for k, v in part.items():
            total[k] = total[k] + (Counter(v) if isinstance(v, dict) else v)
    for k in ("by_category", "reject_reasons", "everyday_use"):
        total[k] = dict(total[k].most_common())
    return total
