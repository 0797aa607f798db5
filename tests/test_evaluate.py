"""The fast average precision of the paired bootstrap equals scikit-learn's, to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from screening.model.evaluate import average_precision, paired_bootstrap_ap


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0])),
        min_size=2,
        max_size=60,
    ),
    st.floats(0, 1),
)
def test_equal_to_scikit_learn_with_ties_and_any_order(pairs: list, jitter: float) -> None:
    y = np.array([p[0] for p in pairs])
    if y.min() == y.max():
        y[0] = 1 - y[0]  # both labels, as every resample the bootstrap keeps
    # coarse scores make many ties; the jitter moves some of them apart
    s = np.array([p[1] for p in pairs]) + jitter * (np.arange(len(pairs)) % 3 == 0) / 7
    assert average_precision(y, s) == average_precision_score(y, s)


def test_the_bootstrap_is_what_scikit_learn_resamples_give() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 80)
    a = np.round(rng.random(80), 2)
    b = np.round(a + rng.normal(0, 0.2, 80), 3)
    got = paired_bootstrap_ap(y, a, b, n=200, seed=5)
    draw = np.random.default_rng(5)
    diffs = []
    for _ in range(200):
        idx = draw.integers(0, 80, 80)
        if y[idx].min() != y[idx].max():
            diffs.append(
                average_precision_score(y[idx], b[idx]) - average_precision_score(y[idx], a[idx])
            )
    assert got["resamples"] == len(diffs)
    assert (got["ci_low"], got["ci_high"]) == (
        np.percentile(diffs, 2.5),
        np.percentile(diffs, 97.5),
    )
