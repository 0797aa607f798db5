"""Label audit: which training rows do cross-validated predictions most disagree with?

Each row is scored by a model trained on the other folds (out-of-fold), so a row cannot vouch
for its own label. Rows are ranked by disagreement = |label - out-of-fold score|; the top of the
list is where a maintainer should look for mislabelled or ambiguous examples. (The same idea as
confident learning, without cleanlab, which is AGPL.)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from screening.lexicon.candidates import CandidateLexicon
from screening.model.estimator import PartisanModel
from screening.model.training import out_of_fold_scores
from screening.text.normalize import remembering


@remembering()  # each fold normalises the posts the others did
def audit_labels(
    df: pd.DataFrame,
    lexicon: CandidateLexicon | None,
    *,
    folds: int = 5,
    seed: int = 0,
    progress: Callable[[str], None] = lambda _: None,
) -> pd.DataFrame:
    """``df`` (id,text,label,category[,rule]) ranked by disagreement, most suspicious first.

    Adds ``oof_score`` (out-of-fold probability of label 1) and ``disagreement`` in [0, 1].
    ``progress`` is called with a line saying what starts.
    """
    y = df["label"].to_numpy(dtype=int)
    model = PartisanModel(lexicon=lexicon, random_state=seed)
    progress(f"cross-validating {len(df)} posts ({folds} folds: {folds} models fitted)")
    oof = out_of_fold_scores(
        model,
        df["text"].tolist(),
        y,
        categories=df["category"].to_numpy(dtype=object),
        folds=folds,
        seed=seed,
    )
    out = df.copy()
    out["oof_score"] = np.round(oof, 4)
    out["disagreement"] = np.round(np.abs(y - oof), 4)
    return out.sort_values("disagreement", ascending=False, kind="stable").reset_index(drop=True)
