"""Default locations: bundled data, default model, default candidate lexicon.

Defaults resolve against the project checkout (the package's parent folder), so
``screening train`` and ``screening score posts.csv -o out.csv`` work from any directory.
Environment variables override them for deployments: ``SCREENING_MODEL`` (model bundle
directory) and ``SCREENING_CANDIDATES`` (lexicon of the election being monitored).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
TRAIN_CSV = DATA_DIR / "train.csv"
EVAL_CSV = DATA_DIR / "eval.csv"
TRAIN_LEXICON = DATA_DIR / "candidates.yaml"
EVAL_LEXICON = DATA_DIR / "candidates_eval.yaml"
GUIDANCE = DATA_DIR / "guidance.yaml"


def default_model_dir() -> Path:
    """``$SCREENING_MODEL`` if set, else ``models/default`` in the checkout."""
    env = os.environ.get("SCREENING_MODEL")
    return Path(env) if env else ROOT / "models" / "default"


def default_candidates() -> Path | None:
    """``$SCREENING_CANDIDATES`` if set (the monitored election's lexicon), else None."""
    env = os.environ.get("SCREENING_CANDIDATES")
    return Path(env) if env else None
