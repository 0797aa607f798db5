"""Accounts, not posts: reviewers follow up people, so the scored export is summarised per
author, in the order a follow-up team should read it.

Follow-up priority (documented in the README, pinned by tests):

* ``tinggi`` / high: at least :data:`STRONG_FLAGS_HIGH` strong flags (score >= :data:`STRONG`),
  or flags in at least two categories on at least two different days;
* ``sedang`` / medium: at least two flags;
* ``rendah`` / low: one flag;
* no flags: not listed unless asked for (``include_unflagged``).

Within a tier accounts are sorted by strong flags, then flags, then categories, then days with
flags, then the highest score (all descending), then the author name.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from screening.errors import ScreeningError
from screening.i18n import pairs, t
from screening.review.sheet import AUTHOR_COLUMNS, DATE_COLUMNS, LINK_COLUMNS

STRONG = 0.9
STRONG_FLAGS_HIGH = 3
TOP_LINKS = 3
PRIORITIES = ("tinggi", "sedang", "rendah", "-")
# English words of the priorities, and the table's headers in (Indonesian, English): from the
# string catalogue (screening/resources/i18n.yaml, keys priority.* and account.*)
PRIORITY_EN = {p: t(f"priority.{p}", "en") for p in PRIORITIES}
FIELDS = (
    "author",
    "priority",
    "posts",
    "flagged",
    "strong_flags",
    "max_score",
    "categories",
    "flag_days",
    "first_flagged",
    "last_flagged",
    "top_links",
)
HEADERS: dict[str, tuple[str, str]] = pairs("account", FIELDS)


def author_column(columns: Sequence[str], chosen: str | None = None) -> str:
    """The export's author column: ``chosen`` (must exist) or the first of
    :data:`AUTHOR_COLUMNS` present. Raises :class:`ScreeningError` when there is none."""
    if chosen is not None:
        if chosen not in columns:
            raise ScreeningError(f"no column {chosen!r} in the scored file")
        return chosen
    found = next((c for c in AUTHOR_COLUMNS if c in columns), None)
    if found is None:
        raise ScreeningError("no author column (looked for " + ", ".join(AUTHOR_COLUMNS) + ")")
    return found


def _is_true(values: pd.Series) -> pd.Series:
    return values.astype(str).str.strip().str.lower().isin(["true", "1"])


def accounts(
    scored: pd.DataFrame,
    *,
    author_col: str | None = None,
    include_unflagged: bool = False,
) -> pd.DataFrame:
    """One row per author of a scored export (rows with an empty author are left out):
    posts, flagged posts, strong flags, highest score, flagged categories with counts
    (``"dukungan 3, serangan 1"``), days with flags, first and last flag time (ISO, UTC, when
    the export has a date column that parses), links of the top flagged posts, and the
    follow-up priority; sorted as the module docstring says."""
    col = author_column(list(scored.columns), author_col)
    df = scored.copy()
    if "reject_reason" in df.columns:
        df = df[df["reject_reason"].fillna("").astype(str).str.strip() == ""]
    df["_author"] = df[col].fillna("").astype(str).str.strip()
    df = df[df["_author"] != ""]
    df["_score"] = pd.to_numeric(df["score"], errors="coerce").fillna(0.0)
    df["_flag"] = _is_true(df["flagged"])
    date_col = next((c for c in DATE_COLUMNS if c in df.columns), None)
    link_col = next((c for c in LINK_COLUMNS if c in df.columns), None)
    when = (
        pd.to_datetime(df[date_col], errors="coerce", utc=True, format="mixed")
        if date_col
        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    )
    df["_when"] = when
    rows = []
    for author, g in df.groupby("_author", sort=False):
        fl = g[g["_flag"]]
        if fl.empty and not include_unflagged:
            continue
        cats = fl["category"].astype(str).value_counts()
        cats = cats.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        days = fl["_when"].dropna().dt.date.nunique()
        strong = int((fl["_score"] >= STRONG).sum())
        top = fl.sort_values("_score", ascending=False, kind="stable")
        links = (
            [str(u) for u in top[link_col].head(TOP_LINKS) if str(u).strip()] if link_col else []
        )
        first, last = fl["_when"].min(), fl["_when"].max()
        rows.append(
            {
                "author": author,
                "priority": _priority(len(fl), strong, len(cats), days),
                "posts": len(g),
                "flagged": len(fl),
                "strong_flags": strong,
                "max_score": round(float(g["_score"].max()), 4),
                "categories": ", ".join(f"{c} {n}" for c, n in cats.items()),
                "flag_days": int(days),
                "first_flagged": "" if pd.isna(first) else first.isoformat(),
                "last_flagged": "" if pd.isna(last) else last.isoformat(),
                "top_links": " ".join(links),
            }
        )
    out = pd.DataFrame(rows, columns=list(HEADERS))
    if out.empty:
        return out
    out["_tier"] = out["priority"].map({p: i for i, p in enumerate(PRIORITIES)})
    out["_ncat"] = out["categories"].map(lambda s: len(s.split(", ")) if s else 0)
    out = out.sort_values(
        ["_tier", "strong_flags", "flagged", "_ncat", "flag_days", "max_score", "author"],
        ascending=[True, False, False, False, False, False, True],
        kind="stable",
    )
    return out.drop(columns=["_tier", "_ncat"]).reset_index(drop=True)


def _priority(flags: int, strong: int, categories: int, days: int) -> str:
    if strong >= STRONG_FLAGS_HIGH or (categories >= 2 and days >= 2):
        return "tinggi"
    if flags >= 2:
        return "sedang"
    if flags == 1:
        return "rendah"
    return "-"


def localise(table: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """Headers (and priority words) in ``lang``."""
    i = 0 if lang == "id" else 1
    out = table.copy()
    if lang == "en" and "priority" in out.columns:
        out["priority"] = out["priority"].map(PRIORITY_EN)
    return out.rename(columns={k: v[i] for k, v in HEADERS.items()})
