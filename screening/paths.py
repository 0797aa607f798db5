"""Default locations: runtime resources, bundled data, default model, candidate lexicon.

Files that ``score``, ``explain`` and ``review`` need at run time (the guidance) ship inside
the package (``screening/resources/``), so an installed wheel works without the checkout.
The training and evaluation data and the default model folder resolve against the project
checkout (the package's parent folder), so ``screening train`` works from any directory of a
checkout. Environment variables override them for deployments: ``SCREENING_MODEL`` (model
bundle directory) and ``SCREENING_CANDIDATES`` (lexicon of the election being monitored).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES = PACKAGE_DIR / "resources"
GUIDANCE = RESOURCES / "guidance.yaml"

ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
TRAIN_CSV = DATA_DIR / "train.csv"
EVAL_CSV = DATA_DIR / "eval.csv"
TRAIN_LEXICON = DATA_DIR / "candidates.yaml"
EVAL_LEXICON = DATA_DIR / "candidates_eval.yaml"


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


def default_train_out() -> Path:
    """Where ``screening train`` writes without ``--out``: ``$SCREENING_MODEL`` if set, else
    ``models/default`` in the checkout.

    Never the bundle ``models/current`` names: that is a retrained version with its own
    labels and history, which a model of the bundled data alone must not replace.
    """
    env = os.environ.get("SCREENING_MODEL")
    return Path(env) if env else MODELS_DIR / "default"
