"""One copy of the model for all local worker processes, instead of one copy each.

``score --jobs N`` forks its workers from multiprocessing's forkserver. When the forkserver
is started, it imports :mod:`screening.forkserver_preload`, which loads the bundle's model
named by the :data:`ENV` variable (set only for that start), and then freezes the garbage
collector's view of everything loaded so far (``gc.freeze``). A worker forked afterwards
reads the code and the model through shared copy-on-write pages: the collector never walks
those objects, so it does not copy them into each worker (``make bench-rss`` measures the
tree). A scorer sent to workers carries only a :class:`ModelFile` reference
(:meth:`screening.scoring.PostScorer.for_workers`); :func:`model_for` resolves it to the
preloaded model, or, when the forkserver was started earlier for another model, loads the
file in that worker after checking its sha256.
"""

from __future__ import annotations

import gc
import json
import os
from dataclasses import dataclass
from pathlib import Path

import joblib

from screening.bundle import sha256_file
from screening.errors import ScreeningError
from screening.model import PartisanModel

ENV = "SCREENING_SHARED_MODEL"


@dataclass(frozen=True)
class ModelFile:
    """A bundle's model file and the sha256 its card records (checked before loading)."""

    path: str
    sha256: str

    def to_env(self) -> str:
        return json.dumps({"path": self.path, "sha256": self.sha256})

    @classmethod
    def from_env(cls, value: str) -> ModelFile:
        d = json.loads(value)
        return cls(path=str(d["path"]), sha256=str(d["sha256"]))


_LOADED: dict[ModelFile, PartisanModel] = {}


def model_for(ref: ModelFile) -> PartisanModel:
    """The model of ``ref``: the one this process (or the forkserver it was forked from)
    already loaded, else the file, refused (ScreeningError) unless its sha256 still matches."""
    got = _LOADED.get(ref)
    if got is None:
        digest = sha256_file(ref.path)
        if digest != ref.sha256:
            raise ScreeningError(f"{ref.path}: model file changed while scoring; run again")
        model = joblib.load(ref.path)
        if not isinstance(model, PartisanModel):
            raise ScreeningError(f"{ref.path}: not a screening model")
        got = _LOADED[ref] = model
    return got


def preload_from_env() -> None:
    """Load the model :data:`ENV` names, if any (errors are left to the workers), then
    freeze the collector's view of this process (see the module's docstring)."""
    value = os.environ.get(ENV)
    if value:
        try:
            ref = ModelFile.from_env(value)
            if Path(ref.path).is_file():
                model = model_for(ref)
                # what the model builds on first use (fast features, feature names for
                # reasons) is built here, so the workers share it too
                model.featurize(["siap"], None)
                model.feature_names()
        # the forkserver stops if an import raises anything but ImportError; a worker then
        # loads the model itself (and reports any problem with it)
        except Exception:
            _LOADED.clear()
    gc.freeze()
