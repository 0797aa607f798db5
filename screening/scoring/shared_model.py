"""One copy of the model for all local worker processes, instead of one copy each.

``score --jobs N`` forks its workers from multiprocessing's forkserver. When the forkserver
is started, it imports :mod:`screening.scoring.forkserver_preload`, which loads the bundle's model
named by the :data:`ENV` variable (set only for that start), and then freezes the garbage
collector's view of everything loaded so far (``gc.freeze``). A worker forked afterwards
reads the code and the model through shared copy-on-write pages: the collector never walks
those objects, so it does not copy them into each worker (``make bench-rss`` measures the
tree). The workers receive a :class:`SharedScorer`, which carries only a :class:`ModelFile`
reference; :func:`model_for` resolves it to the preloaded model, or, when the forkserver was
started earlier for another model, loads the file in that worker after checking its sha256.
The reading process never loads the model.
"""

from __future__ import annotations

import gc
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screening.model.bundle import load_model_file

if TYPE_CHECKING:
    from screening.lexicon.candidates import CandidateLexicon
    from screening.model.estimator import PartisanModel
    from screening.scoring.local import ScoredTexts
    from screening.scoring.post_scorer import PostScorer

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
        got = load_model_file(Path(ref.path), ref.sha256)
        # a process scores with one model at a time: a long-lived one (tests, a notebook)
        # must not keep every model it ever scored with
        _LOADED.clear()
        _LOADED[ref] = got
    return got


@dataclass
class SharedScorer:
    """Scores like a :class:`~screening.scoring.post_scorer.PostScorer` of ``model_file``'s model,
    made on first use in the process that scores; pickled, it is only the reference, the
    lexicon and the threshold (the state local workers receive)."""

    model_file: ModelFile
    lexicon: CandidateLexicon | None
    threshold: float
    scorer: PostScorer | None = field(default=None, repr=False, compare=False)

    def score(self, texts: list[str]) -> ScoredTexts:
        if self.scorer is None:
            from screening.scoring.post_scorer import PostScorer

            model = model_for(self.model_file)
            self.scorer = PostScorer(model, self.lexicon, self.threshold)
        return self.scorer.score(texts)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "scorer": None}


def preload_from_env() -> None:
    """Load the model :data:`ENV` names, if any (errors are left to the workers), then
    freeze the collector's view of this process (see the module's docstring)."""
    value = os.environ.get(ENV)
    if value:
        try:
            ref = ModelFile.from_env(value)
            if Path(ref.path).is_file():
                model = model_for(ref)
                # the normaliser's tables and the fast transformer's caches are built on
                # first use: one post here, so the workers share what it builds
                model.featurize(["siap"], None)
        # the forkserver stops if an import raises anything but ImportError; a worker then
        # loads the model itself (and reports any problem with it)
        except Exception:
            _LOADED.clear()
    gc.freeze()
