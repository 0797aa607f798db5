"""NB-scaled logistic regression (screening.model.nblr): the folded weights score the unscaled
features exactly as the fitted model scores the scaled ones."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from screening.model.nblr import NBLogisticRegression, log_count_ratio


def _data(seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = sp.random(200, 30, density=0.2, random_state=seed, format="lil", dtype=np.float64)
    y = (rng.random(200) < 0.5).astype(int)
    X[np.flatnonzero(y == 1), 0] = 1.0  # feature 0 only in label 1 (and a few label 0)
    return sp.csr_matrix(X), y


def test_the_ratio_favours_features_of_label_1() -> None:
    X, y = _data()
    r = log_count_ratio(X, y)
    assert r.shape == (30,)
    assert r[0] > 1.0 and r[0] == r.max()


def test_sample_weights_count_like_repeated_posts() -> None:
    X, y = _data()
    w = np.ones(len(y))
    w[:10] = 2.0
    repeated = sp.vstack([X, X[:10]])
    assert log_count_ratio(X, y, sample_weight=w) == pytest.approx(
        log_count_ratio(repeated, np.concatenate([y, y[:10]]))
    )


def test_folded_weights_equal_the_model_on_scaled_features() -> None:
    X, y = _data()
    m = NBLogisticRegression(C=2.0, power=0.5).fit(X, y)
    scale = np.abs(log_count_ratio(X, y)) ** 0.5
    lr = LogisticRegression(C=2.0, max_iter=5000, class_weight="balanced")
    lr.fit(X @ sp.diags(scale), y)
    assert m.decision_function(X) == pytest.approx(lr.decision_function(X @ sp.diags(scale)))
    assert m.predict_proba(X)[:, 1] == pytest.approx(lr.predict_proba(X @ sp.diags(scale))[:, 1])
    assert set(m.predict(X)) <= {0, 1}


def test_power_zero_is_plain_logistic_regression() -> None:
    X, y = _data(1)
    m = NBLogisticRegression(C=2.0, power=0.0).fit(X, y)
    lr = LogisticRegression(C=2.0, max_iter=5000, class_weight="balanced").fit(X, y)
    assert m.coef_ == pytest.approx(lr.coef_, rel=1e-4, abs=1e-6)
