"""The candidate lexicon: loading and validating it (:mod:`.candidates`), finding its terms in
posts (:mod:`.matcher`, :mod:`.keys`), telling everyday words from names (:mod:`.everyday`),
and the ``lexicon check`` and ``lexicon suggest`` verbs' work (:mod:`.check`, :mod:`.suggest`).

The names of :mod:`.candidates` (``screening.lexicon.CandidateLexicon``, ...) still resolve
here, lazily: bundles saved before this package existed name the lexicon's classes by that
path.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # classes only (capitalised): a lower-case name is a submodule, which the import system
    # looks up here too while it imports it
    if name[:1].isupper():
        module = importlib.import_module("screening.lexicon.candidates")
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
