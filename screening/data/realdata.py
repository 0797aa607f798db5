"""The real public posts kept outside the repository (evaluation only), and references to them.

``../shared/realdata/`` holds public data sets nobody here wrote. The repository never holds
their text: a labelled real yardstick (``data/real_dev.csv``) stores only references (file,
line, label, category, a short sha256 of the text) and this module resolves them when the
folder is there. Never train on these posts.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from screening import paths
from screening.errors import ScreeningError
from screening.hashing import text_hash
from screening.io.readers import LINE_COL, find_text_column, open_table

# SCREENING_REALDATA moves the folder (a CI cache, another checkout layout)
REALDATA_DIR = Path(os.environ.get("SCREENING_REALDATA", paths.ROOT.parent / "shared" / "realdata"))
# Files with almost no election content: their flag rate estimates the false-flag rate.
EVERYDAY_FILES = (
    "emotion_tweets.csv",
    "idsa_sentiment.tsv",
    "ig_cyberbullying.csv",
    "tv_tweets.csv",
    "cellular_tweets.csv",
    "film_tweets.csv",
)
# Election files and the lexicon (data/lexicons/) of the election each is about.
ELECTION_LEXICONS = {
    "pemilu2024_anies.csv": "real_dev_pilpres2024.yaml",
    "pemilu2024_ganjar.csv": "real_dev_pilpres2024.yaml",
    "pemilu2024_prabowo.csv": "real_dev_pilpres2024.yaml",
    "banten_2024_youtube.csv": "real_dev_banten2024.yaml",
    "pilkada_dki_2017.csv": "real_dev_dki2017.yaml",
}
REFERENCE_COLUMNS = ("file", "line")
HASH_CHARS = 12


def text_digest(text: str) -> str:
    """The short sha256 a reference keeps to check that it still points at the same post."""
    return text_hash(text)[:HASH_CHARS]


def lexicon_for(file: str) -> Path | None:
    """The committed lexicon of the election a real file is about, if any."""
    name = ELECTION_LEXICONS.get(file)
    return paths.DATA_DIR / "lexicons" / name if name else None


def read_texts(name: str, root: Path | None = None) -> pd.DataFrame:
    """Line numbers and non-empty texts of one real file: columns ``line``, ``text``."""
    path = (root or REALDATA_DIR) / name
    if not path.is_file():
        raise ScreeningError(
            f"{path}: real data file not found (evaluation data lives outside the repo)"
        )
    stream = open_table(path)
    col = find_text_column(stream.columns, None)
    frames = [chunk.frame[[LINE_COL, col]].rename(columns={col: "text"}) for chunk in stream]
    out = pd.concat(frames, ignore_index=True)
    keep = out["text"].map(lambda t: isinstance(t, str) and bool(t.strip()))
    return out[keep].reset_index(drop=True)


def is_reference_table(frame: pd.DataFrame) -> bool:
    """A labelled table that points at real posts instead of holding their text."""
    return "text" not in frame.columns and set(REFERENCE_COLUMNS) <= set(frame.columns)


def resolve(frame: pd.DataFrame, root: Path | None = None) -> pd.DataFrame:
    """``frame`` (columns file, line, ...) with each reference's ``text`` added, in order.

    Raises ScreeningError when the folder is absent, a file or line is missing, or a post's
    text no longer matches the reference's ``text_sha256``. ``root``: the real-data folder
    (default :data:`REALDATA_DIR`).
    """
    root = root or REALDATA_DIR
    if not root.is_dir():
        raise ScreeningError(
            f"{root}: not found; these labels refer to real posts kept outside the repository "
            "(set SCREENING_REALDATA to their folder)"
        )
    texts: dict[str, dict[int, str]] = {}
    for name in sorted(frame["file"].astype(str).unique()):
        table = read_texts(name, root)
        texts[name] = dict(zip(table[LINE_COL].astype(int), table["text"], strict=True))
    out = frame.copy()
    resolved = []
    for i, (name, line) in enumerate(zip(out["file"].astype(str), out["line"], strict=True)):
        text = texts[name].get(int(line))
        if text is None:
            raise ScreeningError(f"reference {i + 2}: {name} has no post at line {line}")
        if "text_sha256" in out.columns and text_digest(text) != str(out["text_sha256"].iloc[i]):
            raise ScreeningError(
                f"reference {i + 2}: {name} line {line} is not the post that was labelled "
                "(text_sha256 differs); the real data file changed"
            )
        resolved.append(text)
    out["text"] = resolved
    return out
