"""A review queue for learning: which posts of a scored export reviewers should label next.

The audit queue (:func:`screening.review.queue.build_queue`) asks "are the flags right?". This
queue asks "which labels would teach the model most?", following the pool-based active-learning
practice of annotation tools such as Prodigy and Argilla:

* **uncertainty sampling**: posts whose score is closest to the threshold (the model could go
  either way), and flagged posts whose category the model is least sure of;
* **coverage**: a share of flagged posts of every category, and a random share of unflagged
  posts, so the queue also finds what the model misses (an audit of flags alone never does);
* **diversity**: a post is skipped when its character 5-grams overlap a post already picked
  by more than half (Jaccard), so one template shared by a hundred accounts is labelled once;
* posts already decided in the decisions store are left out, and the strata are interleaved
  (not appended), so a reviewer who stops after twenty posts still labelled a mix.

The ``sample`` column names each post's stratum, so `review stats` never mixes these posts
into the precision of flags.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd

from screening.data.dataset import near_duplicate_pairs
from screening.data.guidance import CATEGORIES

# shares of the queue; uncertainty first (most informative), then coverage
SHARES = {
    "learn_uncertain": 0.35,
    "learn_category_unsure": 0.10,
    "learn_category": 0.20,
    "learn_unflagged": 0.25,
    "learn_flagged": 0.10,
}
DIVERSITY_JACCARD = 0.5
POOL_FACTOR = 4  # candidates looked at per place in a stratum, before the diversity filter


def _diverse(texts: Sequence[str], order: Sequence[int], k: int, taken: list[str]) -> list[int]:
    """Up to ``k`` positions from ``order`` (in that order) whose text is not a near-duplicate
    of an earlier pick or of ``taken`` (texts already picked by other strata)."""
    cand = [texts[i] for i in order]
    if not cand or k <= 0:
        return []
    within = near_duplicate_pairs(cand, threshold=DIVERSITY_JACCARD)
    near: dict[int, set[int]] = {}
    for a, b, _ in within:
        near.setdefault(a, set()).add(b)
        near.setdefault(b, set()).add(a)
    clash = (
        {a for a, _, _ in near_duplicate_pairs(cand, taken, threshold=DIVERSITY_JACCARD)}
        if taken
        else set()
    )
    picked: list[int] = []
    chosen: set[int] = set()
    for pos, i in enumerate(order):
        if pos in clash or near.get(pos, set()) & chosen:
            continue
        picked.append(i)
        chosen.add(pos)
        if len(picked) == k:
            break
    return picked


def learn_sample(
    scores: np.ndarray,
    flagged: np.ndarray,
    categories: np.ndarray,
    category_scores: np.ndarray,
    texts: Sequence[str],
    threshold: float,
    *,
    size: int = 200,
    exclude: Collection[int] = (),
    seed: int = 0,
) -> list[tuple[int, str]]:
    """Positions of the posts to label next and their stratum, interleaved.

    ``scores``, ``flagged``, ``categories``, ``category_scores``, ``texts``: (n,) arrays of a
    scored export (one entry per distinct post); ``exclude``: positions not to offer (already
    decided). Returns at most ``size`` (position, stratum) pairs; a stratum with too few posts
    leaves its places to the others.
    """
    rng = np.random.default_rng(seed)
    n = len(scores)
    free = np.ones(n, dtype=bool)
    free[list(exclude)] = False
    idx = np.flatnonzero(free)
    quota = {s: round(share * size) for s, share in SHARES.items()}
    picked: dict[str, list[int]] = {}
    taken: list[str] = []

    def take(name: str, order: np.ndarray, k: int, pool: int | None = None) -> None:
        # candidates looked at: POOL_FACTOR per place, so diversity never reaches far down
        # the ranking; the refill below looks further (``pool``)
        limit = max(k, 1) * POOL_FACTOR if pool is None else pool
        order = np.asarray([i for i in order if free[i]], dtype=int)[:limit]
        got = _diverse(texts, order.tolist(), k, taken)
        free[got] = False
        taken.extend(texts[i] for i in got)
        picked.setdefault(name, []).extend(got)

    margin = np.abs(scores[idx] - threshold)
    take("learn_uncertain", idx[np.argsort(margin, kind="stable")], quota["learn_uncertain"])
    fl = idx[flagged[idx]]
    take(
        "learn_category_unsure",
        fl[np.argsort(category_scores[fl], kind="stable")],
        quota["learn_category_unsure"],
    )
    present = [c for c in CATEGORIES if (categories[fl] == c).any()]
    for c in present:
        pool = fl[categories[fl] == c]
        take("learn_category", rng.permutation(pool), quota["learn_category"] // len(present))
    take("learn_unflagged", rng.permutation(idx[~flagged[idx]]), quota["learn_unflagged"])
    take("learn_flagged", rng.permutation(fl), quota["learn_flagged"])
    # places a small stratum left empty go to the uncertain posts, the most informative
    short = size - sum(len(v) for v in picked.values())
    if short > 0:
        nearest = idx[np.argsort(np.abs(scores[idx] - threshold), kind="stable")]
        take("learn_uncertain", nearest, short, pool=max(short * 50, 5000))
    # round-robin over strata, so any prefix of the queue is a mix
    lanes = [[(i, name) for i in picked[name]] for name in SHARES if picked.get(name)]
    out: list[tuple[int, str]] = []
    while any(lanes):
        for lane in lanes:
            if lane:
                out.append(lane.pop(0))
    return out[:size]


def interleave(flagged: pd.DataFrame, near: pd.DataFrame) -> pd.DataFrame:
    """Flagged rows (in their order) with the near-threshold rows (in theirs) spread evenly
    among them, so a reviewer who stops early has still seen some of what the cut-off misses.
    With m near rows among n flagged, near row k comes after about (k+1)·n/(m+1) flagged rows.
    """
    nf, nn = len(flagged), len(near)
    key = np.concatenate([np.arange(nf, dtype=float), (np.arange(1, nn + 1) * nf / (nn + 1)) - 0.5])
    both = pd.concat([flagged, near], ignore_index=True)
    return both.iloc[np.argsort(key, kind="stable")].reset_index(drop=True)
