"""Curating the annotated data: build it from writers' JSONL, validate it, describe it.

Writers (see ``data/briefs/``) each produce ``data/raw/<split>_<writer>.jsonl``. :func:`build`
merges one split's files, drops malformed rows (reported with file and line), exact and near
duplicates (character 5-gram Jaccard above 0.8, also against the other split) and writes the
CSV with stable ids. :func:`check` validates the CSVs against the guidance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from screening.data.dataset import (
    COLUMNS,
    near_duplicate_pairs,
)
from screening.data.guidance import CATEGORIES, Guidance
from screening.errors import ScreeningError
from screening.lexicon.candidates import CandidateLexicon

PLATFORMS = {"x", "facebook", "instagram", "tiktok", "whatsapp", "youtube"}


@dataclass
class BuildReport:
    rows_read: int = 0
    kept: int = 0
    malformed: list[str] = field(default_factory=list)
    exact_duplicates: int = 0
    near_duplicates: int = 0
    overlap_with_other_split: int = 0


def post_id(prefix: str, text: str) -> str:
    """Stable id of an annotated post: ``{prefix}-`` + 10 hex digits of the text's sha1, so ids
    survive rebuilds and added writers (files that refer to posts by id stay valid)."""
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:10]}"


def _valid_row(row: Any, guidance: Guidance) -> str | None:
    if not isinstance(row, dict):
        return "not a JSON object"
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return "empty text"
    if row.get("label") not in (0, 1):
        return f"label {row.get('label')!r} is not 0 or 1"
    rule = guidance.rules.get(str(row.get("rule", "")))
    if rule is None:
        return f"unknown rule {row.get('rule')!r}"
    category = str(row.get("category") or "")
    if rule.label != row["label"] or rule.category != category:
        return f"rule {rule.id} does not fit label {row['label']} / category {category!r}"
    return None


def build(
    raw_files: Sequence[Path],
    guidance: Guidance,
    id_prefix: str,
    exclude_texts: Sequence[str] = (),
) -> tuple[pd.DataFrame, BuildReport]:
    """Merge writers' JSONL files into one labelled table with stable ids (see :func:`post_id`).

    Rows near-duplicating ``exclude_texts`` (the other split) are dropped, so train and eval
    never share a post.
    """
    report = BuildReport()
    rows: list[dict[str, Any]] = []
    for path in sorted(raw_files):
        writer = path.stem.split("_", 1)[-1]
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            report.rows_read += 1
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                report.malformed.append(f"{path.name}:{lineno}: invalid JSON ({exc.msg})")
                continue
            problem = _valid_row(row, guidance)
            if problem:
                report.malformed.append(f"{path.name}:{lineno}: {problem}")
                continue
            platform = str(row.get("platform", "")).strip().lower()
            rows.append(
                {
                    "text": row["text"].strip(),
                    "label": int(row["label"]),
                    "category": str(row.get("category") or ""),
                    "rule": row["rule"],
                    "platform": platform if platform in PLATFORMS else "other",
                    "region": str(row.get("region", "")).strip(),
                    "persona": str(row.get("persona", "")).strip(),
                    "writer": writer,
                }
            )
    df = pd.DataFrame(rows, columns=COLUMNS[1:])
    before = len(df)
    df = df.drop_duplicates(subset="text", keep="first").reset_index(drop=True)
    report.exact_duplicates = before - len(df)
    drop: set[int] = {j for _, j, _ in near_duplicate_pairs(df["text"].tolist())}
    report.near_duplicates = len(drop)
    if len(exclude_texts):
        overlap = {i for i, _, _ in near_duplicate_pairs(df["text"].tolist(), list(exclude_texts))}
        report.overlap_with_other_split = len(overlap - drop)
        drop |= overlap
    df = df.drop(index=sorted(drop)).reset_index(drop=True)
    df.insert(0, "id", [post_id(id_prefix, t) for t in df["text"]])
    report.kept = len(df)
    return df, report


@dataclass
class CheckResult:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def _check_table(name: str, df: pd.DataFrame, guidance: Guidance, res: CheckResult) -> None:
    for col in ["id", "text", "label", "category", "rule", "platform"]:
        if col not in df.columns:
            res.errors.append(f"{name}: missing column '{col}'")
            return
    rules = guidance.rules
    for i, row in enumerate(df.itertuples(index=False), start=2):
        where = f"{name}:{i} ({row.id})"
        if not str(row.text).strip():
            res.errors.append(f"{where}: empty text")
        rule = rules.get(row.rule)
        if rule is None:
            res.errors.append(f"{where}: rule {row.rule!r} is not in the guidance")
            continue
        if rule.label != row.label:
            res.errors.append(
                f"{where}: rule {row.rule} is for label {rule.label}, row has {row.label}"
            )
        if row.label == 1 and row.category not in CATEGORIES:
            res.errors.append(f"{where}: label 1 needs a category, got {row.category!r}")
        if row.label == 0 and row.category:
            res.errors.append(f"{where}: label 0 must have an empty category")
        if rule.category != row.category:
            res.errors.append(f"{where}: rule {row.rule} belongs to {rule.category or 'label 0'!r}")
        if row.platform not in PLATFORMS:
            res.warnings.append(f"{where}: unknown platform {row.platform!r}")
    dup_ids = df["id"][df["id"].duplicated()].tolist()
    if dup_ids:
        res.errors.append(f"{name}: duplicate id(s) {dup_ids[:10]}")
    dup_text = int(df["text"].duplicated().sum())
    if dup_text:
        res.errors.append(f"{name}: {dup_text} exact duplicate text(s)")
    near = near_duplicate_pairs(df["text"].tolist())
    if near:
        ex = ", ".join(f"{df.id[i]}~{df.id[j]} ({s:.2f})" for i, j, s in near[:5])
        res.errors.append(
            f"{name}: {len(near)} near-duplicate pair(s) (5-gram Jaccard > 0.8): {ex}"
        )
    hard = df["rule"].isin(guidance.hard_negative_ids) & (df["label"] == 0)
    res.stats[name] = {
        "rows": len(df),
        "label_1": int((df["label"] == 1).sum()),
        "label_0": int((df["label"] == 0).sum()),
        "hard_negatives": int(hard.sum()),
        "per_category": {c: int((df["category"] == c).sum()) for c in CATEGORIES},
        "writers": int(df["writer"].nunique()) if "writer" in df.columns else None,
    }


def _lexicon_leaks(df: pd.DataFrame, lexicon: CandidateLexicon) -> int:
    """How many texts mention a term of ``lexicon`` (the other split's candidates)."""
    return int(sum(bool(lexicon.mentions(t)) for t in df["text"].astype(str)))


def check(
    guidance: Guidance,
    train: pd.DataFrame,
    eval_: pd.DataFrame,
    *,
    train_lexicon: CandidateLexicon | None = None,
    eval_lexicon: CandidateLexicon | None = None,
) -> CheckResult:
    """Validate train and eval tables: schema, labels, rule ids, duplicates, overlap, minimums."""
    res = CheckResult()
    _check_table("train.csv", train, guidance, res)
    _check_table("eval.csv", eval_, guidance, res)
    if res.errors and any("missing column" in e for e in res.errors):
        return res
    shared = set(train["text"]) & set(eval_["text"])
    if shared:
        res.errors.append(f"{len(shared)} text(s) appear in both train.csv and eval.csv")
    cross = near_duplicate_pairs(eval_["text"].tolist(), train["text"].tolist())
    if cross:
        ex = ", ".join(f"{eval_.id[i]}~{train.id[j]}" for i, j, _ in cross[:5])
        res.errors.append(f"{len(cross)} eval row(s) near-duplicate train rows: {ex}")
    if eval_lexicon is not None:
        n = _lexicon_leaks(train, eval_lexicon)
        if n:
            res.warnings.append(f"{n} train row(s) mention eval-lexicon candidates")
    if train_lexicon is not None:
        n = _lexicon_leaks(eval_, train_lexicon)
        if n:
            res.warnings.append(f"{n} eval row(s) mention train-lexicon candidates")
    t = res.stats.get("train.csv", {})
    minimums = [("rows", 3000), ("label_1", 1200), ("label_0", 1800), ("hard_negatives", 900)]
    for key, floor in minimums:
        if t.get(key, 0) < floor:
            res.warnings.append(f"train.csv: {key} = {t.get(key, 0)} is below the target {floor}")
    for cat, n in t.get("per_category", {}).items():
        if n < 120:
            res.warnings.append(f"train.csv: category {cat} has {n} rows, below the target 120")
    if res.stats.get("eval.csv", {}).get("rows", 0) < 600:
        res.warnings.append("eval.csv: fewer than the target 600 rows")
    return res


def _md_table(counts: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, counts.columns)) + " |"
    sep = "|" + "|".join("---" for _ in counts.columns) + "|"
    rows = ["| " + " | ".join(map(str, r)) + " |" for r in counts.itertuples(index=False)]
    return "\n".join([head, sep, *rows])


def datasheet_tables(tables: dict[str, pd.DataFrame], guidance: Guidance) -> str:
    """Markdown count tables for the datasheet: label/category, rule, platform, writer."""
    out = []
    for name, df in tables.items():
        hard = df["rule"].isin(guidance.hard_negative_ids)
        kind = np.where(
            df["label"] == 1, df["category"], np.where(hard, "0 (hard negative)", "0 (everyday)")
        )
        by_kind = (
            pd.Series(kind).value_counts().rename_axis("label / category").reset_index(name="rows")
        )
        by_rule = df["rule"].value_counts().rename_axis("rule").reset_index(name="rows")
        by_platform = pd.crosstab(df["platform"], df["label"]).reset_index()
        by_platform.columns = ["platform", "label 0", "label 1"]
        by_writer = (
            df.groupby("writer")
            .agg(
                rows=("id", "size"),
                label_1=("label", "sum"),
                regions=("region", lambda r: r.nunique()),
            )
            .reset_index()
        )
        # writers name places freely ("Kota Serang", "Serang, Banten"): group on the first word
        place = df["region"].str.split(r"[,/(]").str[0].str.strip().replace("", "(none)")
        by_region = pd.crosstab(place, df["label"]).reset_index()
        by_region.columns = ["region (as written)", "label 0", "label 1"]
        total = by_region["label 0"] + by_region["label 1"]
        by_region = by_region.loc[total.sort_values(ascending=False).index]
        top, rest = by_region.head(30), by_region.iloc[30:]
        if len(rest):
            others = ["others", int(rest["label 0"].sum()), int(rest["label 1"].sum())]
            top = pd.concat([top, pd.DataFrame([others], columns=top.columns)])
        out.append(f"### {name}: {len(df)} posts\n")
        out.append(f"**By region** ({len(by_region)} places; top 30)\n\n{_md_table(top)}\n")
        for title, t in (
            ("By label and category", by_kind),
            ("By rule", by_rule),
            ("By platform", by_platform),
            ("By writer", by_writer),
        ):
            out.append(f"**{title}**\n\n{_md_table(t)}\n")
    return "\n".join(out)


def agreement(original: pd.DataFrame, relabel_file: str | Path) -> dict[str, Any]:
    """Inter-annotator agreement between the data's labels and a blind second annotation.

    ``relabel_file`` is JSONL of {"id", "label", "category"}. Returns the number of posts
    compared, raw label agreement, Cohen's kappa on the label, category agreement where both
    said label 1, and the ids where the labels differ.
    """
    from sklearn.metrics import cohen_kappa_score

    second = pd.read_json(relabel_file, lines=True, dtype={"id": str})
    merged = original.merge(second, on="id", suffixes=("", "_2"))
    if merged.empty:
        raise ScreeningError(f"{relabel_file}: no ids in common with the data")
    both_pos = (merged["label"] == 1) & (merged["label_2"] == 1)
    differ = merged[merged["label"] != merged["label_2"]]
    return {
        "compared": len(merged),
        "label_agreement": float((merged["label"] == merged["label_2"]).mean()),
        "label_kappa": float(cohen_kappa_score(merged["label"], merged["label_2"])),
        "category_agreement_when_both_partisan": float(
            (merged.loc[both_pos, "category"] == merged.loc[both_pos, "category_2"]).mean()
        ),
        "both_partisan": int(both_pos.sum()),
        "original_1_second_0": differ.loc[differ["label"] == 1, "id"].tolist(),
        "original_0_second_1": differ.loc[differ["label"] == 0, "id"].tolist(),
    }
