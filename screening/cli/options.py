"""Options shared by several verbs, so they are spelled and explained the same everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from screening import paths
from screening.data import realdata
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import Bundle, load_bundle

ModelDir = Annotated[
    Path | None,
    typer.Option(
        "--model",
        "-m",
        help="Model bundle (default: $SCREENING_MODEL, models/current, or models/default).",
        show_default=False,
    ),
]
Candidates = Annotated[
    Path | None,
    typer.Option(
        "--candidates",
        "-c",
        help="Candidate lexicon (YAML) of the election being monitored: names, nicknames, "
        "taglines, hashtags, parties (default: $SCREENING_CANDIDATES, else none).",
        show_default=False,
    ),
]
Threshold = Annotated[
    float | None,
    typer.Option(
        "--threshold",
        "-t",
        min=0.0,
        max=1.0,
        help="Flag when score >= this, for this run only (default: the model card's threshold).",
        show_default=False,
    ),
]
TextCol = Annotated[
    str | None,
    typer.Option(
        "--text-col",
        help="Column with the post text [default: text, else detected: full_text, message, "
        "Tweet, Comment, content, caption, ...].",
        show_default=False,
    ),
]
Force = Annotated[bool, typer.Option("--force", "-f", help="Overwrite existing output files.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Worker processes that score in parallel [default: all cores]. The output is "
        "the same for any number.",
        show_default=False,
    ),
]


class Lang(StrEnum):
    """Languages of what reviewers read."""

    id = "id"
    en = "en"


LangOption = Annotated[
    Lang,
    typer.Option("--lang", help="Language of what reviewers read: id (Indonesian) or en."),
]


def open_model(model_dir: Path | None, *, lazy: bool = False) -> Bundle:
    """The bundle (checked); ``lazy``: its model is unpickled on first use."""
    return load_bundle(model_dir or paths.default_model_dir(), lazy=lazy)


def _lexicon_path(path: Path | None) -> Path | None:
    """``--candidates``, else the configured default (``$SCREENING_CANDIDATES``), else None."""
    return path or paths.default_candidates()


def open_lexicon(path: Path | None) -> CandidateLexicon | None:
    chosen = _lexicon_path(path)
    return CandidateLexicon.from_yaml(chosen) if chosen else None


def lexicon_for_data(
    data: Path, path: Path | None, files: Sequence[str] = ()
) -> CandidateLexicon | dict[str, CandidateLexicon | None] | None:
    """The lexicon to score labelled ``data`` with: as :func:`one_lexicon_for_data`, except
    that labels of real posts by reference (``files``: their real-data files) without
    ``--candidates`` get each file's committed lexicon (data/lexicons/)."""
    if files and not _lexicon_path(path):  # decided without reading the lexicon twice
        return {
            f: CandidateLexicon.from_yaml(lx) if (lx := realdata.lexicon_for(f)) else None
            for f in files
        }
    return one_lexicon_for_data(data, path)


def one_lexicon_for_data(data: Path, path: Path | None) -> CandidateLexicon | None:
    """``--candidates`` or the configured default, else the bundled eval lexicon when
    ``data`` is the bundled data/eval.csv, else None."""
    lexicon = open_lexicon(path)
    if (
        lexicon is None
        and data.resolve() == paths.EVAL_CSV.resolve()
        and paths.EVAL_LEXICON.is_file()
    ):
        lexicon = CandidateLexicon.from_yaml(paths.EVAL_LEXICON)
    return lexicon
