"""Scoring an export: read it in chunks, score each chunk's distinct texts, append the output.

The flow, one chunk at a time (so memory does not grow with the file):

1. :func:`screening.io.readers.open_table` yields chunks of parsed rows and rejects;
2. :func:`prepare` drops rows with no scorable text into the rejects, and
   :class:`~screening.scoring.duplicates.DuplicateIndex` marks texts seen on an earlier line;
3. :class:`PostScorer` scores the chunk's distinct texts, in this process or in ``jobs``
   worker processes (:func:`screening.scoring.parallel.ordered_map`, results kept in input order);
4. :func:`assemble` builds the output rows, which :class:`~screening.io.writers.TableWriter`
   appends to a temporary file renamed into place at the end.

The same :class:`PostScorer` and :func:`score_partition` serve the Dask engine
(:mod:`screening.scoring.distributed`), so every engine gives the same scores.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
import pandas as pd

from screening.errors import ScreeningError
from screening.io.files import check_target
from screening.io.privacy import author_like_left, pseudonymize
from screening.io.readers import (
    DEFAULT_CHUNK_ROWS,
    LINE_COL,
    MAX_TEXT_CHARS,
    Reject,
    find_text_column,
    open_table,
)
from screening.io.writers import RejectsWriter, TableWriter
from screening.lexicon.candidates import CandidateLexicon
from screening.lexicon.everyday import EverydayUse
from screening.model.bundle import Bundle
from screening.scoring.duplicates import DuplicateIndex, TextCodes, encode_texts
from screening.scoring.heap import release_free_memory
from screening.scoring.output_schema import OUTPUT_COLUMNS, REJECTED_ROW
from screening.scoring.parallel import ordered_map
from screening.scoring.progress import RowProgress
from screening.scoring.provenance import Provenance, sidecar_for, write_sidecar
from screening.scoring.shared_model import ENV as SHARED_MODEL_ENV
from screening.scoring.shared_model import ModelFile, SharedScorer
from screening.scoring.summary import ScoreSummary

if TYPE_CHECKING:
    from screening.scoring.post_scorer import PostScorer

M = TypeVar("M")


class Scorer(Protocol):
    """What scores a chunk's distinct texts: a
    :class:`~screening.scoring.post_scorer.PostScorer`, or a
    :class:`~screening.scoring.shared_model.SharedScorer` that makes one where it runs."""

    def score(self, texts: list[str]) -> ScoredTexts: ...


def lexicon_names(lexicon: CandidateLexicon) -> list[str]:
    """The lexicon's names and parties: the terms whose everyday-word uses are counted."""
    return [t for k, t in lexicon.terms() if k in ("name", "party")]


@dataclass(frozen=True)
class ScoredTexts:
    """Results for n distinct texts: ``score`` (n,) rounded to 6 decimals, ``flagged`` (n,)
    bool (score >= threshold), ``category`` (n,) str, ``category_score`` (n,) rounded to 4
    decimals, ``reasons`` (n,) str, empty unless flagged. Defined here, not beside
    :class:`~screening.scoring.post_scorer.PostScorer`: the reading process unpickles these from its
    workers, and unpickling imports the module that defines them."""

    score: np.ndarray
    flagged: np.ndarray
    category: np.ndarray
    category_score: np.ndarray
    reasons: np.ndarray


def _score_texts(scorer: Scorer, texts: list[str]) -> ScoredTexts:
    scored = scorer.score(texts)
    release_free_memory()  # a worker lives for the whole run: keep it at its live size
    return scored


# what the workers' forkserver imports before forking them: the scoring code, then the model
# (screening.scoring.shared_model), so that the workers share both
_WORKER_PRELOAD = (
    "screening.scoring.local",
    "screening.scoring.post_scorer",
    "screening.scoring.forkserver_preload",
)


def _scored_chunks(
    bundle: Bundle,
    lexicon: CandidateLexicon | None,
    threshold: float,
    chunks: Iterator[tuple[M, list[str]]],
    jobs: int,
) -> Generator[tuple[M, ScoredTexts], None, None]:
    """``(meta, scores of texts)`` for each ``(meta, texts)`` of ``chunks``, in order, scored
    with ``bundle``'s model by ``jobs`` processes. With several, this process never loads the
    model: the workers share the copy their forkserver loaded."""
    scorer: Scorer
    if jobs > 1:
        shared = ModelFile(str(bundle.model_file.resolve()), str(bundle.card["model_sha256"]))
        scorer = SharedScorer(shared, lexicon, threshold)
        env = {SHARED_MODEL_ENV: shared.to_env()}
    else:
        from screening.scoring.post_scorer import PostScorer

        scorer, env = PostScorer(bundle.model, lexicon, threshold), {}
    return ordered_map(_score_texts, scorer, chunks, jobs, preload=_WORKER_PRELOAD, preload_env=env)


def unclash(columns: list[str], reserved: Collection[str]) -> dict[str, str]:
    """Renames for the ``columns`` named like a ``reserved`` (output) column: ``<name>_input``,
    or ``<name>_input_2``, ``_3``, ... when that is taken too, so that no two columns of the
    result share a name (the input's other columns and the reserved names are all taken)."""
    taken = set(columns) | set(reserved)
    renames: dict[str, str] = {}
    for c in columns:
        if c not in reserved:
            continue
        new, n = f"{c}_input", 1
        while new in taken:
            n += 1
            new = f"{c}_input_{n}"
        taken.add(new)
        renames[c] = new
    return renames


def output_names(
    columns: list[str], text_col: str, reserved: Collection[str] = OUTPUT_COLUMNS
) -> tuple[dict[str, str], str]:
    """Renames for input columns that clash with output columns (``score`` -> ``score_input``,
    ``score_input_2`` if the input has a ``score_input`` too; see :func:`unclash`), and the
    text column's name after them."""
    clash = unclash(columns, reserved)
    return clash, clash.get(text_col, text_col)


def prepare(
    frame: pd.DataFrame, text_col: str, clash: dict[str, str], *, sheet_col: str | None = None
) -> tuple[pd.DataFrame, list[Reject]]:
    """Rename columns for output and move rows without scorable text to rejects.

    frame: parsed rows (str columns plus ``line``); returns the rows to score (``line``
    renamed ``input_line``, index 0..n-1) and the rejects (empty or too long text).
    ``sheet_col``: the column naming each row's XLSX sheet when several were read; line
    numbers repeat across sheets, so each reject's reason then names its sheet.
    """
    frame = frame.rename(columns={**clash, LINE_COL: "input_line"})
    # plain loops over the str objects: pandas' .str methods cost several times more per cell
    texts = [t if isinstance(t, str) else str(t) for t in frame[text_col].tolist()]
    n = len(texts)
    # C-level maps: a Python-level generator per row cost the reading process 4 µs a post
    empty = np.fromiter(map(len, map(str.strip, texts)), dtype=np.int64, count=n) == 0
    too_long = np.fromiter(map(len, texts), dtype=np.int64, count=n) > MAX_TEXT_CHARS
    lines = frame["input_line"].to_numpy()
    long_only = too_long & ~empty
    where = [""] * n
    if sheet_col is not None and (empty.any() or long_only.any()):
        where = [f" (sheet {v})" for v in frame[sheet_col].tolist()]
    rejects = [Reject(int(lines[i]), "empty text" + where[i]) for i in np.flatnonzero(empty)]
    rejects += [
        Reject(int(lines[i]), f"text longer than {MAX_TEXT_CHARS} characters{where[i]}")
        for i in np.flatnonzero(long_only)
    ]
    keep = ~(empty | too_long)
    out = frame[keep].reset_index(drop=True)
    out[text_col] = pd.Series([t for t, k in zip(texts, keep, strict=True) if k], dtype=object)
    return out, rejects


def assemble(
    frame: pd.DataFrame, texts: TextCodes, scored: ScoredTexts, first_line: np.ndarray
) -> pd.DataFrame:
    """Output rows: the input columns, then score, flagged, category, category_score,
    duplicate_of (input line of the first identical text, '' for a first occurrence),
    reasons, and input_line last. ``scored`` holds the results of ``texts.distinct``;
    ``first_line`` (n,) each row's first line with the same text."""
    at = texts.codes
    out = frame.drop(columns=["input_line"])
    out["score"] = scored.score[at]
    out["flagged"] = scored.flagged[at]
    out["category"] = scored.category[at]
    out["category_score"] = scored.category_score[at]
    lines = frame["input_line"].to_numpy(dtype=np.int64)
    is_dup = first_line != lines
    out["duplicate_of"] = np.where(is_dup, first_line.astype(str), "").astype(object)
    out["reasons"] = scored.reasons[at]
    out["input_line"] = lines
    return out


def mark_duplicates(
    frame: pd.DataFrame, text_col: str, index: DuplicateIndex
) -> tuple[TextCodes, np.ndarray]:
    """The chunk's texts as codes, and (n,) the first input line of each row's text, in this
    chunk or (through ``index``) an earlier one."""
    texts = encode_texts(frame[text_col].tolist())
    lines = frame["input_line"].to_numpy(dtype=np.int64)
    first = index.first_lines(texts.distinct, lines[texts.first])
    return texts, first[texts.codes]


def score_partition(frame: pd.DataFrame, scorer: PostScorer, text_col: str) -> pd.DataFrame:
    """Score one self-contained partition (the Dask engine's unit of work).

    frame: input columns as str plus ``line``. Returns the scored rows as :func:`assemble`
    does, plus ``reject_reason`` ('' for scored rows) with the rejected rows kept, so a
    distributed run accounts for every row without a second pass. Duplicates are marked
    within the partition.
    """
    clash, col = output_names([c for c in frame.columns if c != LINE_COL], text_col)
    kept, rejects = prepare(frame, col, clash)
    texts, first = mark_duplicates(kept, col, DuplicateIndex())
    out = assemble(kept, texts, scorer.score(texts.distinct), first)
    out["reject_reason"] = ""
    if rejects:
        lines = {r.line: r.reason for r in rejects}
        dropped = frame.rename(columns={**clash, LINE_COL: "input_line"})
        dropped = dropped[dropped["input_line"].isin(lines)].reset_index(drop=True)
        extra = dropped.drop(columns=["input_line"])
        for c, value in REJECTED_ROW.items():
            extra[c] = value
        extra["input_line"] = dropped["input_line"].to_numpy(dtype=np.int64)
        extra["reject_reason"] = [lines[n] for n in extra["input_line"]]
        out = pd.concat([out, extra[out.columns]], ignore_index=True)
        out = out.sort_values("input_line", kind="stable").reset_index(drop=True)
    return out


def rejects_path_for(output: Path) -> Path:
    return output.with_name(output.name + ".rejects.csv")


def check_paths(input_path: Path, output_path: Path, force: bool = False) -> None:
    """Refuse, before any work, an output or rejects file (``OUTPUT.rejects.csv``) that is
    the input (same path, a symlink or a hard link to it: scoring would replace the data it
    reads) or that exists when ``force`` is False. Raises ScreeningError."""
    if Path(input_path).is_dir():  # the local engine reads one file (the reader says so too)
        raise ScreeningError(f"{input_path} is a directory, not a file")
    for path in (output_path, rejects_path_for(output_path), sidecar_for(output_path)):
        check_target(path, force, inputs=(input_path,))


@dataclass
class _Chunk:
    """A prepared chunk waiting for its scores (stays in the reading process)."""

    frame: pd.DataFrame
    rejects: list[Reject]
    rows_in: int
    texts: TextCodes
    first_line: np.ndarray
    position: int


def score_file(
    input_path: Path,
    output_path: Path,
    bundle: Bundle,
    *,
    lexicon: CandidateLexicon | None = None,
    text_col: str | None = None,
    threshold: float | None = None,
    force: bool = False,
    formula_guard: bool = True,
    pseudonym_key: bytes | None = None,
    jobs: int = 1,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    progress: bool = False,
    sheet: str | None = None,
) -> ScoreSummary:
    """Score every row of ``input_path`` into ``output_path`` (plus ``OUTPUT.rejects.csv``).

    The output keeps every input column (an input column named like an output column is
    renamed ``<name>_input``, or ``<name>_input_2``, ... if the input has that name too) and
    adds ``score`` (0..1), ``flagged`` (score >= threshold),
    ``category``, ``category_score``, ``duplicate_of`` (input line of the first identical
    text), ``reasons`` (for flagged rows: the terms that raised the score and the guidance
    category they match) and ``input_line``, in input order. ``chunk_rows`` rows are read,
    scored and written at a time; ``jobs`` worker processes score chunks in parallel. The
    output does not depend on either. Workers are started by multiprocessing's forkserver, so
    a script that calls this with ``jobs > 1`` must guard its entry point with
    ``if __name__ == "__main__":`` (the workers import the main module).

    Refused before any work (ScreeningError): an output or rejects file that is the input
    (also through a symlink or hard link), or that exists unless ``force``.
    """
    start = time.perf_counter()
    check_paths(input_path, output_path, force)
    thr = bundle.threshold_for(threshold)
    stream = open_table(input_path, chunk_rows, sheet=sheet, text_col=text_col)
    # several XLSX sheets: the reader puts the sheet name in the first column
    sheet_col = stream.columns[0] if len(stream.sheets) > 1 else None
    col = find_text_column(stream.columns, text_col)
    clash, col = output_names(stream.columns, col)
    duplicates = DuplicateIndex()
    rej_path = rejects_path_for(output_path)
    summary = ScoreSummary(
        engine="local",
        input=str(input_path),
        output=str(output_path),
        rejects_path=str(rej_path),
        text_column=col,
        encoding=stream.encoding,
        replaced_chars=stream.replaced_chars,
        rows_in=0,
        scored=0,
        rejected=0,
        flagged=0,
        duplicates=0,
        threshold=thr,
        lexicon=lexicon.source if lexicon else None,
        mixed_lines=stream.mixed_lines,
        sheets=list(stream.sheets),
        skipped_sheets=list(stream.skipped_sheets),
        jobs=jobs,
    )
    by_category: Counter[str] = Counter()
    # lexicon terms that are everyday words (AMIN, BISA): count their plain-word uses, so the
    # summary can warn that the lexicon fires on everyday posts
    everyday = EverydayUse(lexicon_names(lexicon)) if lexicon else None
    everyday_use: Counter[str] = Counter()
    reject_reasons: Counter[str] = Counter()

    def prepared() -> Iterator[tuple[_Chunk, list[str]]]:
        for chunk in stream:
            frame, rejects = prepare(chunk.frame, col, clash, sheet_col=sheet_col)
            if everyday is not None:
                everyday_use.update(everyday.count(frame[col].tolist()))
            texts, first = mark_duplicates(frame, col, duplicates)
            meta = _Chunk(
                frame, chunk.rejects + rejects, chunk.rows_in, texts, first, stream.position()
            )
            yield meta, texts.distinct

    with (
        TableWriter(output_path, force, formula_guard) as writer,
        RejectsWriter(rej_path, force) as rejects_out,
        RowProgress(stream.size, enabled=progress) as bar,
        # closed here, not when garbage-collected: a run that stops stops its workers first
        closing(_scored_chunks(bundle, lexicon, thr, prepared(), jobs)) as results,
    ):
        for meta, scored in results:
            out = assemble(meta.frame, meta.texts, scored, meta.first_line)
            if pseudonym_key is not None:
                # keep=[col]: a post that is only a link is post text, not an author column
                out, cols = pseudonymize(out, pseudonym_key, keep=[col])
                summary.pseudonymized = list(dict.fromkeys([*summary.pseudonymized, *cols]))
                summary.author_like_left = author_like_left(out.columns, keep=[col])
            writer.write(out)
            rejects = sorted(meta.rejects, key=lambda r: r.line)
            rejects_out.write(rejects)
            summary.chunks += 1
            summary.rows_in += meta.rows_in
            summary.scored += len(out)
            summary.rejected += len(rejects)
            summary.flagged += int(out["flagged"].sum())
            summary.duplicates += int((out["duplicate_of"] != "").sum())
            by_category.update(out.loc[out["flagged"], "category"])
            reject_reasons.update(r.reason.split(":")[0] for r in rejects)
            bar.update(meta.rows_in, meta.position)
            release_free_memory()
    summary.by_category = dict(by_category.most_common())
    summary.everyday_use = dict(everyday_use.most_common())
    summary.reject_reasons = dict(reject_reasons.most_common())
    # after the output is in place: a record never describes a file that was not written
    record = Provenance.of_run(bundle, threshold, lexicon)
    summary.model = record.model_version
    summary.provenance = str(write_sidecar(output_path, record))
    summary.seconds = round(time.perf_counter() - start, 2)
    return summary
