"""`screening build-data`: merge the writers' JSONL files into data/train.csv and data/eval.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.data.curation import build
from screening.data.guidance import load_guidance
from screening.io.writers import write_table
from screening.lexicon.everyday import write_everyday_words


def everyday_words_path(out: Path) -> Path:
    """The package's list when building into data/, else a file beside the tables."""
    if out.resolve() == paths.DATA_DIR.resolve():
        return paths.PACKAGE_DIR / "resources" / "everyday_words.txt"
    return out / "everyday_words.txt"


def command(
    raw: Annotated[
        Path, typer.Option(help="Folder of writers' files train_*.jsonl and eval_*.jsonl.")
    ] = paths.DATA_DIR / "raw",
    out: Annotated[
        Path, typer.Option(help="Folder to write train.csv and eval.csv.")
    ] = paths.DATA_DIR,
) -> None:
    """Rebuild train.csv and eval.csv from data/raw (for maintainers adding writers' batches).

    Drops malformed rows (listed with file and line), exact and near duplicates (character
    5-gram Jaccard > 0.8) and any train row that near-duplicates an eval row.

    Example:  screening build-data
    """
    g = load_guidance(paths.GUIDANCE)
    ev, ev_rep = build(sorted(raw.glob("eval_*.jsonl")), g, "ev")
    tr, tr_rep = build(
        sorted(raw.glob("train_*.jsonl")), g, "tr", exclude_texts=ev["text"].tolist()
    )
    for name, rep in (("eval", ev_rep), ("train", tr_rep)):
        typer.echo(
            f"{name}: read {rep.rows_read}, kept {rep.kept}; malformed {len(rep.malformed)}, "
            f"exact dup {rep.exact_duplicates}, near dup {rep.near_duplicates}, "
            f"overlap with eval {rep.overlap_with_other_split}"
        )
        for m in rep.malformed:
            typer.echo(f"  dropped {m}", err=True)
    write_table(ev, out / "eval.csv", force=True)
    write_table(tr, out / "train.csv", force=True)
    # the everyday-word list ships in the package: scoring must not need data/ at run time
    written = write_everyday_words(everyday_words_path(out), out / "train.csv")
    typer.echo(f"everyday words: {written}")
