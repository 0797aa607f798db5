"""Review queues: flagged posts for reviewers, and reading their decisions back.

A queue holds the flagged posts of a scored export ordered by score, plus a small random sample
of unflagged posts just below the threshold, so reviewers also estimate what the cut-off misses.
Reviewers fill ``decision`` (partisan / not_partisan / unsure), optionally
``reviewer_category`` and ``note``; :func:`read_decisions` turns the sheet back into
:class:`~screening.review.store.Decision` rows keyed by file hash + row, so re-importing the same
sheet adds nothing twice.

The scored input may be one file or the directory of Parquet part files the Dask engine writes;
rows it kept as rejected (a non-empty ``reject_reason``, no score) are skipped and counted, and
any other row whose ``score`` is not a number is an error naming its line. XLSX queues show
control characters XML cannot hold as their Unicode control pictures
(:func:`screening.io.cells.xlsx_text`); text comes back as written when the sheet is read.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from screening.data.guidance import CATEGORIES, Guidance
from screening.errors import ScreeningError
from screening.hashing import text_hash
from screening.i18n import t
from screening.io.cells import xlsx_text
from screening.io.files import atomic_write, now_iso, sha256_file
from screening.io.readers import LINE_COL, find_text_column, read_table
from screening.io.writers import write_table
from screening.review.learn import interleave, learn_sample
from screening.review.sheet import (
    COLUMNS,
    WIDTHS,
    decision_values,
    header,
    layout,
    normalise_sheet,
)
from screening.review.store import DECISIONS, Decision

ID_COLUMNS = ("post_id", "id", "id_str", "tweet_id", "comment_id", "Id", "ID")
CONTEXT_COLUMNS = (
    "tweet_url",
    "url",
    "link",
    "permalink",
    "username",
    "user",
    "author",
    "screen_name",
    "created_at",
    "date",
    "time",
    "timestamp",
    "platform",
)
REVIEW_COLUMNS = ("decision", "reviewer_category", "note")
PURPOSES = ("audit", "learn")
# where each row of a scored input came from (file name when reading a directory of parts),
# for error messages; never written to the queue
PART_COL = "_scored_part"


def _natural_key(path: Path) -> list[object]:
    # part.2.parquet before part.10.parquet
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def read_scored(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A scored table (as written by `screening score`), from one file or from a directory of
    Parquet part files (the Dask engine's output: every ``*.parquet`` in it, in name order,
    numbers compared as numbers).

    Returns the rows (columns as str, plus ``line``, the row's line in its file, and
    :data:`PART_COL`) and the rows that could not be read, as ``"FILE: line N: reason"``.
    """
    path = Path(path)
    parts = [path]
    if path.is_dir():
        parts = sorted((p for p in path.glob("*.parquet") if p.is_file()), key=_natural_key)
        if not parts:
            raise ScreeningError(f"{path} is a directory without *.parquet part files")
    frames, unreadable = [], []
    for part in parts:
        table = read_table(part)
        table.frame[PART_COL] = str(part)
        frames.append(table.frame)
        unreadable += [f"{part}: line {r.line}: {r.reason}" for r in table.rejects]
    if len(frames) == 1:
        return frames[0], unreadable
    columns = frames[0].columns
    for part, frame in zip(parts, frames, strict=True):
        if list(frame.columns) != list(columns):
            raise ScreeningError(f"{part}: its columns differ from those of {parts[0]}")
    return pd.concat(frames, ignore_index=True), unreadable


def _scores(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(scores as float, rejected-row mask): rows with a non-empty ``reject_reason`` are the
    rejected rows of a Dask output (no score); any other row must hold a finite number."""
    rejected = (
        df["reject_reason"].fillna("").astype(str).str.strip() != ""
        if "reject_reason" in df.columns
        else pd.Series(False, index=df.index)
    )
    score = pd.to_numeric(df["score"], errors="coerce")
    bad = ~rejected & ~np.isfinite(score.to_numpy(dtype=float))
    if bad.any():
        i = df.index[bad.to_numpy()][0]
        where = f"line {df.at[i, LINE_COL]}" if LINE_COL in df.columns else f"row {i + 1}"
        if PART_COL in df.columns:
            where = f"{df.at[i, PART_COL]}: {where}"
        value = str(df.at[i, "score"])
        raise ScreeningError(
            f"{where}: score {value[:40]!r} is not a number "
            f"({int(bad.sum())} such rows; is this the output of `screening score`?)"
        )
    return score, rejected


def build_queue(
    scored: pd.DataFrame,
    threshold: float,
    model_version: str,
    guidance: Guidance,
    *,
    near_share: float = 0.1,
    near_width: float = 0.25,
    seed: int = 0,
    purpose: str = "audit",
    size: int = 200,
    decided: Collection[str] = (),
    lang: str = "id",
) -> pd.DataFrame:
    """The review queue of a scored table (as written by `screening score`, or read by
    :func:`read_scored`).

    ``purpose="audit"``: flagged rows by score, with a random sample of unflagged rows within
    ``near_width`` below the threshold (``near_share`` of the flagged count, at least 10)
    spread evenly among them. ``purpose="learn"``: ``size`` posts chosen for what the model
    would learn from them (:func:`screening.review.learn.learn_sample`), leaving out repeated
    texts and texts whose sha256 is in ``decided``.

    Rejected rows (non-empty ``reject_reason``) are skipped; their count is in
    ``queue.attrs["rejected_skipped"]``. Raises :class:`ScreeningError` naming the first row
    whose score is not a number.
    """
    if purpose not in PURPOSES:
        raise ScreeningError(f"purpose must be one of {', '.join(PURPOSES)}, not {purpose!r}")
    for col in ("score", "flagged", "category"):
        if col not in scored.columns:
            raise ScreeningError(
                f"not a scored file: no '{col}' column (run `screening score` first)"
            )
    text_col = find_text_column(
        [c for c in scored.columns if c not in ("reasons", "category", PART_COL)]
    )
    id_col = next((c for c in ID_COLUMNS if c in scored.columns), "input_line")
    score, rejected = _scores(scored)
    df = scored[~rejected.to_numpy()].copy()
    df["score"] = score[~rejected.to_numpy()]
    is_flagged = df["flagged"].astype(str).str.lower().isin(["true", "1"])
    if purpose == "learn":
        queue = _learn_rows(df, is_flagged, text_col, threshold, size, decided, seed)
    else:
        flagged = df[is_flagged].sort_values("score", ascending=False).assign(sample="flagged")
        near_pool = df[~is_flagged & (df["score"] >= threshold - near_width)]
        n_near = min(len(near_pool), max(10, math.ceil(near_share * len(flagged))))
        near = near_pool.sample(n_near, random_state=seed).assign(sample="near_threshold")
        queue = interleave(flagged, near.sort_values("score", ascending=False))
    out = pd.DataFrame(
        {
            "post_id": queue[id_col].astype(str),
            "score": queue["score"].round(4),
            "sample": queue["sample"],
            "category": queue["category"],
            "reasons": queue.get("reasons", ""),
            "guidance": [
                (
                    getattr(guidance.categories[c], "text_en" if lang == "en" else "text_id")
                    if c in guidance.categories
                    else ""
                )
                for c in queue["category"]
            ],
            "text": queue[text_col].astype(str),
        }
    )
    for col in CONTEXT_COLUMNS:
        if col in queue.columns and col != id_col:
            out[col] = queue[col].astype(str)
    out["model_version"] = model_version
    out["threshold"] = threshold
    for col in REVIEW_COLUMNS:
        out[col] = ""
    out.attrs["rejected_skipped"] = int(rejected.sum())
    return out


def _learn_rows(
    df: pd.DataFrame,
    is_flagged: pd.Series,
    text_col: str,
    threshold: float,
    size: int,
    decided: Collection[str],
    seed: int,
) -> pd.DataFrame:
    """The rows :func:`learn_sample` picks: one row per distinct text, none already decided."""
    texts = df[text_col].astype(str)
    first = ~texts.duplicated()
    if decided:
        first &= ~texts.map(text_hash).isin(set(decided))
    pool = df[first.to_numpy()]
    cat_score = pd.to_numeric(pool.get("category_score", 1.0), errors="coerce")
    picks = learn_sample(
        pool["score"].to_numpy(dtype=float),
        is_flagged[first.to_numpy()].to_numpy(dtype=bool),
        pool["category"].astype(str).to_numpy(dtype=object),
        np.nan_to_num(np.asarray(cat_score, dtype=float), nan=1.0) * np.ones(len(pool)),
        pool[text_col].astype(str).tolist(),
        threshold,
        size=size,
        seed=seed,
    )
    rows = pool.iloc[[i for i, _ in picks]].copy()
    rows["sample"] = [name for _, name in picks]
    return rows.reset_index(drop=True)


def write_queue(
    queue: pd.DataFrame,
    path: Path,
    *,
    force: bool = False,
    lang: str = "id",
    accounts: pd.DataFrame | None = None,
) -> None:
    """The queue in reviewers' order and language (:func:`screening.review.sheet.layout`):
    XLSX with drop-down lists (and an input message) on the decision and category columns,
    clickable links, wrapped text, widths that show the text, a frozen header and an
    autofilter; or CSV (formulas neutralised). ``accounts`` (a table already in ``lang``, from
    :func:`screening.review.accounts.accounts`) becomes a second sheet, "akun"/"accounts"."""
    sheet = layout(queue, lang)
    if path.suffix.lower() != ".xlsx":
        write_table(sheet, path, force=force, formula_guard=True)
        return
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    names = {header(n, lang): n for n in COLUMNS}

    def write(tmp: Path) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = t("sheet.queue", lang)
        rows = [list(sheet.columns), *sheet.itertuples(index=False, name=None)]
        for row in rows:
            # XML cannot hold most control characters: show them as control pictures
            ws.append([xlsx_text(v) if isinstance(v, str) else v for v in row])
            for c in ws[ws.max_row]:
                if isinstance(c.value, str):
                    c.data_type = "s"  # text, never a formula
        n = len(sheet) + 1
        cols = {names.get(h, h): i + 1 for i, h in enumerate(sheet.columns)}
        lists = (("decision", decision_values(lang)), ("reviewer_category", list(CATEGORIES)))
        for name, options in lists:
            if name not in cols:
                continue
            letter = ws.cell(row=1, column=cols[name]).column_letter
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(options) + '"',
                allow_blank=True,
                showErrorMessage=True,
                showInputMessage=True,
                promptTitle=header(name, lang),
                prompt=", ".join(options),
                error=t("sheet.choose_one", lang) + ", ".join(options),
            )
            dv.add(f"{letter}2:{letter}{max(n, 2)}")
            ws.add_data_validation(dv)
        for c in ws[1]:
            c.font = Font(bold=True)
        for name, i in cols.items():
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = WIDTHS.get(name, 14)
            if name in WIDTHS:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        if "link" in cols:
            for cell in ws[ws.cell(row=1, column=cols["link"]).column_letter][1:]:
                url = str(cell.value or "")
                if url.startswith(("http://", "https://")):
                    cell.hyperlink = url
                    cell.style = "Hyperlink"
        ws.freeze_panes = "C2"  # the id and the text stay in view
        ws.auto_filter.ref = ws.dimensions
        if accounts is not None and len(accounts):
            acc = wb.create_sheet(t("sheet.accounts", lang))
            for row in [list(accounts.columns), *accounts.itertuples(index=False, name=None)]:
                acc.append([xlsx_text(v) if isinstance(v, str) else v for v in row])
                for c in acc[acc.max_row]:
                    if isinstance(c.value, str):
                        c.data_type = "s"
            for c in acc[1]:
                c.font = Font(bold=True)
            acc.freeze_panes = "B2"
            acc.auto_filter.ref = acc.dimensions
            acc.column_dimensions["A"].width = 20
        wb.save(tmp)

    atomic_write(path, write, force)


@dataclass
class ImportReport:
    rows: int = 0
    decisions: list[Decision] = field(default_factory=list)
    skipped_blank: int = 0
    invalid: list[str] = field(default_factory=list)


def read_decisions(path: Path, reviewer: str) -> ImportReport:
    """Decisions from a filled queue (XLSX or CSV); blank decisions skipped, bad ones listed."""
    if not reviewer.strip():
        raise ScreeningError("a reviewer name is required")
    table = read_table(path)
    df = normalise_sheet(table.frame)  # Indonesian or English headers and values
    missing = [c for c in ("post_id", "text", "decision") if c not in df.columns]
    if missing:
        raise ScreeningError(f"{path}: not a review queue (missing {missing})")
    file_hash = sha256_file(path)
    report = ImportReport(rows=len(df))
    report.invalid += [f"line {r.line}: {r.reason}" for r in table.rejects]
    now = now_iso()
    for row in df.to_dict(orient="records"):
        line = row[LINE_COL]
        decision = str(row.get("decision", "")).strip().lower().replace(" ", "_").replace("-", "_")
        if not decision:
            report.skipped_blank += 1
            continue
        if decision not in DECISIONS:
            report.invalid.append(
                f"line {line}: decision {row['decision']!r} is not one of {', '.join(DECISIONS)}"
            )
            continue
        category = str(row.get("reviewer_category", "") or "").strip().lower()
        if category and category not in CATEGORIES:
            report.invalid.append(f"line {line}: reviewer_category {category!r} is not a category")
            continue
        # the readers undo the CSV formula guard and the XLSX control pictures: the text is
        # stored exactly as it was scored
        text = str(row["text"])
        key = hashlib.sha256(f"{file_hash}|{line}|{reviewer.strip()}".encode()).hexdigest()
        report.decisions.append(
            Decision(
                post_id=str(row["post_id"]),
                text=text,
                reviewer=reviewer.strip(),
                decision=decision,
                decided_at=now,
                category=category
                or (str(row.get("category", "")) if decision == "partisan" else None),
                note=str(row.get("note", "") or "") or None,
                score=_float(row.get("score")),
                model_version=str(row.get("model_version", "")) or None,
                threshold=_float(row.get("threshold")),
                sample=str(row.get("sample", "")) or None,
                source=str(path),
                import_key=key,
            )
        )
    return report


def _float(v: object) -> float | None:
    try:
        f = float(str(v))
    except ValueError:
        return None
    return None if np.isnan(f) else f
