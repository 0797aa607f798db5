"""The model's life: the estimator (:mod:`.estimator`, with :mod:`.nblr`, :mod:`.features` and
:mod:`.context`), training (:mod:`.training`), the saved bundle (:mod:`.bundle`), evaluation
(:mod:`.evaluate`), thresholds (:mod:`.thresholds`), reasons (:mod:`.explain`), retraining with
reviewer labels (:mod:`.retrain`) and the label audit (:mod:`.audit`).

Importing this package imports nothing else: reading a card, or the reading process of
``score --jobs N``, needs no scikit-learn. The names of :mod:`.estimator`
(``screening.model.PartisanModel``, ...) still resolve here, lazily: bundles saved before this
package existed name the model's class by that path.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # classes only (capitalised): a lower-case name is a submodule, which the import system
    # looks up here too while it imports it
    if name[:1].isupper():
        module = importlib.import_module("screening.model.estimator")
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
