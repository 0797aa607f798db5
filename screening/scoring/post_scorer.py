"""Scoring posts with a loaded model: scores, flags, categories and reasons.

This is the code that runs where the model is (a worker process, a Dask worker, or the one
process of ``score --jobs 1``); :mod:`screening.scoring.local` reads and writes files around it
and imports it only when it scores in its own process: the reading process of
``score --jobs N`` needs neither the model nor this module.
"""

from __future__ import annotations

import numpy as np

from screening.data.guidance import Guidance, load_guidance
from screening.lexicon.candidates import CandidateLexicon
from screening.model.estimator import PartisanModel
from screening.model.explain import reason_text, reasons
from screening.paths import GUIDANCE
from screening.scoring.local import ScoredTexts


class PostScorer:
    """Everything one process needs to score posts: model, lexicon, threshold, guidance.

    Picklable, so Dask workers receive it once and keep it (local workers receive a
    :class:`~screening.scoring.shared_model.SharedScorer`, which makes one of these).
    """

    def __init__(
        self,
        model: PartisanModel,
        lexicon: CandidateLexicon | None,
        threshold: float,
        guidance: Guidance | None = None,
    ) -> None:
        self.model = model
        self.lexicon = lexicon
        self.threshold = float(threshold)
        self.guidance = guidance if guidance is not None else load_guidance(GUIDANCE)

    def score(self, texts: list[str]) -> ScoredTexts:
        """Score n texts (each scored on its own; pass distinct texts to save work)."""
        if not texts:
            empty = np.array([], dtype=object)
            return ScoredTexts(np.array([]), np.array([], dtype=bool), empty, np.array([]), empty)
        screened = self.model.screen(texts, self.lexicon)
        score = np.round(screened.score.astype(np.float64), 6)
        flagged = score >= self.threshold
        why = np.full(len(texts), "", dtype=object)
        rows = np.flatnonzero(flagged)
        if len(rows):
            assert screened.features is not None
            terms = reasons(
                self.model,
                [texts[i] for i in rows],
                self.lexicon,
                features=screened.features[rows],
            )
            why[rows] = [
                reason_text(t, c, self.guidance)
                for t, c in zip(terms, screened.category[rows], strict=True)
            ]
        return ScoredTexts(
            score,
            flagged,
            np.asarray(screened.category, dtype=object),
            np.round(screened.category_score.astype(np.float64), 4),
            why,
        )
