"""Scoring an export file: read, find the text column, score each distinct text once, write."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from screening.bundle import Bundle
from screening.explain import reason_text, reasons
from screening.guidance import load_guidance
from screening.io import (
    LINE_COL,
    MAX_TEXT_CHARS,
    Reject,
    find_text_column,
    read_table,
    write_rejects,
    write_table,
)
from screening.lexicon import CandidateLexicon
from screening.paths import GUIDANCE
from screening.privacy import pseudonymize

OUTPUT_COLUMNS = (
    "score",
    "flagged",
    "category",
    "category_score",
    "duplicate_of",
    "reasons",
    "input_line",
)


@dataclass
class ScoreSummary:
    """What a scoring run did; rows_in == scored + rejected always holds."""

    input: str
    output: str
    rejects_path: str
    text_column: str
    encoding: str
    replaced_chars: int
    rows_in: int
    scored: int
    rejected: int
    flagged: int
    duplicates: int
    threshold: float
    lexicon: str | None
    pseudonymized: list[str] = field(default_factory=list)
    by_category: dict[str, int] = field(default_factory=dict)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def rejects_path_for(output: Path) -> Path:
    return output.with_name(output.name + ".rejects.csv")


def score_file(
    input_path: Path,
    output_path: Path,
    bundle: Bundle,
    lexicon: CandidateLexicon | None = None,
    text_col: str | None = None,
    threshold: float | None = None,
    force: bool = False,
    formula_guard: bool = True,
    pseudonym_key: bytes | None = None,
) -> ScoreSummary:
    """Score every row of ``input_path`` into ``output_path`` (plus ``OUTPUT.rejects.csv``).

    The output keeps every input column (an input column named like an output column is
    renamed ``<name>_input``) and adds ``score`` (0..1), ``flagged`` (score >= threshold),
    ``category``, ``category_score``, ``duplicate_of`` (input line of the first identical
    text), ``reasons`` (for flagged rows: the terms that raised the score and the guidance
    category they match) and ``input_line``.
    """
    start = time.perf_counter()
    thr = bundle.threshold if threshold is None else float(threshold)
    table = read_table(input_path)
    col = find_text_column(list(table.frame.columns), text_col)
    frame = table.frame.rename(columns={LINE_COL: "input_line"})
    clash = {c: f"{c}_input" for c in frame.columns if c in OUTPUT_COLUMNS and c != "input_line"}
    frame = frame.rename(columns=clash)
    col = clash.get(col, col)

    texts = frame[col].astype(str)
    empty = texts.str.strip() == ""
    too_long = texts.str.len() > MAX_TEXT_CHARS
    rejects = list(table.rejects)
    rejects += [Reject(int(n), "empty text") for n in frame.loc[empty, "input_line"]]
    rejects += [
        Reject(int(n), f"text longer than {MAX_TEXT_CHARS} characters")
        for n in frame.loc[too_long & ~empty, "input_line"]
    ]
    keep = ~(empty | too_long)
    out = frame[keep].reset_index(drop=True)
    texts = out[col].astype(str)

    first_line = out.groupby(texts, sort=False)["input_line"].transform("first")
    is_dup = first_line != out["input_line"]
    unique_texts = texts[~is_dup]
    screened = bundle.model.screen(unique_texts.tolist(), lexicon)
    by_text = pd.DataFrame(
        {
            "score": screened.score,
            "category": screened.category,
            "category_score": screened.category_score,
        },
        index=unique_texts.to_numpy(),
    )
    looked_up = by_text.loc[texts.to_numpy()]
    out["score"] = np.round(looked_up["score"].to_numpy(), 6)
    out["flagged"] = out["score"] >= thr
    out["category"] = looked_up["category"].to_numpy()
    out["category_score"] = np.round(looked_up["category_score"].to_numpy(), 4)
    out["duplicate_of"] = np.where(is_dup, first_line.astype(str), "")
    out["reasons"] = ""
    flagged_rows = np.flatnonzero(out["flagged"].to_numpy())
    if len(flagged_rows):
        guidance = load_guidance(GUIDANCE)
        terms = reasons(bundle.model, texts.iloc[flagged_rows].tolist(), lexicon)
        cats = out["category"].to_numpy()[flagged_rows]
        out.loc[flagged_rows, "reasons"] = [
            reason_text(t, c, guidance) for t, c in zip(terms, cats, strict=True)
        ]
    cols = [c for c in out.columns if c != "input_line"] + ["input_line"]
    out = out[cols]

    rejects.sort(key=lambda r: r.line)
    rej_path = rejects_path_for(output_path)
    pseudonymized: list[str] = []
    if pseudonym_key is not None:
        out, pseudonymized = pseudonymize(out, pseudonym_key)
    write_table(out, output_path, force=force, formula_guard=formula_guard)
    write_rejects(rejects, rej_path, force=True)
    flagged = out[out["flagged"]]
    return ScoreSummary(
        input=str(input_path),
        output=str(output_path),
        rejects_path=str(rej_path),
        text_column=col,
        encoding=table.encoding,
        replaced_chars=table.replaced_chars,
        rows_in=table.rows_in,
        scored=len(out),
        rejected=len(rejects),
        flagged=len(flagged),
        duplicates=int(is_dup.sum()),
        threshold=thr,
        lexicon=lexicon.source if lexicon else None,
        pseudonymized=pseudonymized,
        by_category=dict(Counter(flagged["category"]).most_common()),
        reject_reasons=dict(Counter(r.reason.split(":")[0] for r in rejects).most_common()),
        seconds=round(time.perf_counter() - start, 2),
    )
