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


MODELS_DIR = ROOT / "models"
CURRENT_FILE = "current"


def current_model(models_dir: Path = MODELS_DIR) -> Path | None:
    """The bundle named in ``models_dir/current`` (written by ``screening retrain``), if any."""
    pointer = models_dir / CURRENT_FILE
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        if name:
            return models_dir / name
    return None


def default_model_dir() -> Path:
    """``$SCREENING_MODEL`` if set, else the bundle ``models/current`` names, else
    ``models/default`` in the checkout."""
    env = os.environ.get("SCREENING_MODEL")
    if env:
        return Path(env)
    return current_model() or MODELS_DIR / "default"


def default_candidates() -> Path | None:
    """``$SCREENING_CANDIDATES`` if set (the monitored election's lexicon), else None."""
    env = os.environ.get("SCREENING_CANDIDATES")
    return Path(env) if env else None
