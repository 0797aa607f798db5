"""Model bundle: a directory with the fitted model (``model.joblib``) and its ``card.json``.

The card records what a reviewer or auditor needs to trust a score: the model file's sha256,
the training data's sha256 and counts, library versions, evaluation figures, the threshold
and its history, and the intended use. Loading verifies the sha256 before unpickling, because
a joblib file executes code when loaded: only load bundles you produced.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.errors import ModelNotFoundError, ScreeningError
from screening.io.files import current_umask, now_iso, sha256_file, write_json_atomic
from screening.schema import check_card

if TYPE_CHECKING:
    # imported when a model is loaded or saved, so that reading a card needs no scikit-learn
    from screening.model.estimator import PartisanModel

MODEL_FILE = "model.joblib"
CARD_FILE = "card.json"
CARD_FORMAT = "screening-model/1"

INTENDED_USE = (
    "Ranks social-media posts by Indonesian civil servants (ASN) for review by neutrality "
    "supervisors (Bawaslu, BKN, BKD, inspectorates). A flag is a lead for a human reviewer "
    "to read in context, not a finding."
)
USES_TO_AVOID = [
    "Automated sanctions or any decision about a person without human review of the post.",
    "Judging posts by people who are not ASN, or outside an election period, without review.",
    "Treating a low score as proof of neutrality: the model misses veiled and offline conduct.",
    "Profiling people by religion, ethnicity or region: identity words are features, not targets.",
]


def library_versions() -> dict[str, str]:
    import joblib
    import numpy
    import pandas
    import scipy
    import sklearn

    import screening

    return {
        "python": platform.python_version(),
        "screening": screening.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "pandas": pandas.__version__,
        "joblib": joblib.__version__,
    }


@dataclass
class Bundle:
    """A model bundle's card (a dict, as stored in card.json) and its model, which is
    unpickled on first use of :attr:`model` (see :func:`load_bundle`)."""

    card: dict[str, Any]
    path: Path
    loaded: PartisanModel | None = field(default=None, repr=False, compare=False)

    @property
    def model(self) -> PartisanModel:
        """The fitted model; loading it checks the file's sha256 against the card again."""
        if self.loaded is None:
            self.loaded = load_model_file(self.model_file, str(self.card["model_sha256"]))
        return self.loaded

    @property
    def threshold(self) -> float:
        return float(self.card["threshold"])

    def threshold_for(self, override: float | None) -> float:
        """The threshold a run flags at: ``override`` (``--threshold``) if given, else the
        card's."""
        return self.threshold if override is None else float(override)

    @property
    def model_file(self) -> Path:
        """The model file the card names (``load_bundle`` checked it and its sha256)."""
        return self.path / str(self.card.get("model_file", MODEL_FILE))


def save_bundle(model: PartisanModel, card: dict[str, Any], out_dir: str | Path) -> Path:
    """Write ``model.joblib`` and ``card.json`` (with the model's sha256) to ``out_dir``.

    Both files are written in a temporary sibling directory that replaces ``out_dir`` only
    when complete, so an interrupted save never leaves a half-written bundle under the name.
    """
    out = Path(out_dir)
    import joblib

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    tmp.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; a bundle is meant to be shared
    try:
        joblib.dump(model, tmp / MODEL_FILE, compress=3)
        card = {
            "format": CARD_FORMAT,
            **card,
            "model_file": MODEL_FILE,
            "model_sha256": sha256_file(tmp / MODEL_FILE),
        }
        write_json_atomic(tmp / CARD_FILE, card)
        old = None
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def read_card(model_dir: str | Path) -> dict[str, Any]:
    """Read a bundle's card.json and validate it against :data:`screening.schema.CARD_SCHEMA`
    (threshold a finite number in [0, 1], model_file a plain name, required keys present, the
    keys the code reads of the right type); any violation is a one-line ScreeningError."""
    d = Path(model_dir)
    card_path = d / CARD_FILE
    if not d.exists():
        raise ModelNotFoundError(d)
    if not d.is_dir():
        raise ScreeningError(
            f"{d} is not a model directory (expected {CARD_FILE} and {MODEL_FILE})"
        )
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ScreeningError(f"{d}: no {CARD_FILE}; is this a model bundle?") from exc
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ScreeningError(f"{card_path}: corrupt card ({exc})") from exc
    if not isinstance(card, dict) or card.get("format") != CARD_FORMAT:
        raise ScreeningError(f"{card_path}: not a {CARD_FORMAT} card")
    check_card(card, str(card_path))
    return card


def _model_path(model_dir: Path, card: dict[str, Any]) -> Path:
    """The model file a (validated) card names, refused unless it is a file directly inside
    ``model_dir``: a card is data, and joblib runs code on load, so a card must not be able to
    point the loader at a file elsewhere (absolute path, ``..``, a symlink leading out)."""
    name = card.get("model_file", MODEL_FILE)
    # the schema already refuses separators and ".."; checked again here because loading
    # a file outside the bundle is the one thing this function exists to prevent
    if Path(name).name != name or name in ("", ".", ".."):
        raise ScreeningError(
            f"{model_dir}: card's model_file {name!r} is not a plain file name in the bundle"
        )
    path = model_dir / name
    if not path.is_file():
        raise ScreeningError(f"{model_dir}: model file {name} is missing")
    if path.resolve().parent != model_dir.resolve():
        raise ScreeningError(
            f"{model_dir}: model file {name} is a link to a file outside the bundle "
            f"({path.resolve()}); refusing to load it"
        )
    return path


def _check_digest(model_path: Path, expected: str) -> None:
    digest = sha256_file(model_path)
    if digest != expected:
        raise ScreeningError(
            f"{model_path}: sha256 {digest[:12]}... does not match the card "
            f"({expected[:12]}...); refusing to load a modified or foreign model"
        )


# Bundles saved before the modules were grouped into packages name these classes' modules by
# their old paths (``screening.model`` and ``screening.lexicon`` resolve through their packages).
MOVED_MODULES = {
    "screening.nblr": "screening.model.nblr",
    "screening.context": "screening.model.context",
    "screening.matcher": "screening.lexicon.matcher",
}


def _alias_moved_modules() -> None:
    """Let unpickling find a moved module under its old name."""
    for old, new in MOVED_MODULES.items():
        if old not in sys.modules:
            sys.modules[old] = importlib.import_module(new)


def load_model_file(model_path: Path, sha256: str) -> PartisanModel:
    """Unpickle a model file, refused (ScreeningError) unless its sha256 is ``sha256`` and it
    holds a screening model."""
    import joblib

    from screening.model.estimator import PartisanModel

    _check_digest(model_path, sha256)
    _alias_moved_modules()
    try:
        model = joblib.load(model_path)
    except Exception as exc:  # a corrupt pickle can raise almost anything
        raise ScreeningError(
            f"{model_path}: cannot load model ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(model, PartisanModel):
        raise ScreeningError(f"{model_path}: not a screening model")
    return model


def load_bundle(model_dir: str | Path, *, lazy: bool = False) -> Bundle:
    """Check the card, that its model file is a plain file in ``model_dir`` and that the
    file's sha256 matches the card, then load the model; with ``lazy``, the model is loaded
    on first use of ``Bundle.model`` instead (a process that only needs the card and the
    file's name, such as the reading process of ``score --jobs N``, never loads it)."""
    d = Path(model_dir)
    card = read_card(d)
    model_path = _model_path(d, card)
    bundle = Bundle(card=card, path=d)
    if lazy:
        _check_digest(model_path, str(card["model_sha256"]))
    else:
        bundle.loaded = load_model_file(model_path, str(card["model_sha256"]))
    return bundle


def apply_threshold(
    model_dir: str | Path,
    new: float,
    reason: str,
    target: dict[str, float],
    data: str | Path,
) -> dict[str, Any]:
    """Record a new threshold in the card, keeping the history; returns the updated card.

    Only card.json changes (atomically); the model file and its sha256 stay as they are.
    """
    d = Path(model_dir)
    card = read_card(d)
    if not reason.strip():
        raise ScreeningError("a reason is required: say why the threshold changes")
    entry = {
        "old": card["threshold"],
        "new": float(new),
        "target": target,
        "data": str(data),
        "data_sha256": sha256_file(data),
        "reason": reason.strip(),
        "time": now_iso(),
    }
    card["threshold_history"] = [*card.get("threshold_history", []), entry]
    card["threshold"] = float(new)
    target_text = ", ".join(f"{k} {v}" for k, v in target.items())
    card["threshold_source"] = f"screening thresholds --apply ({target_text} on {data})"
    write_json_atomic(d / CARD_FILE, card)
    return card
