"""PartisanModel as a scikit-learn estimator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold

from screening import paths
from screening.data.guidance import CATEGORIES
from screening.lexicon.candidates import CandidateLexicon
from screening.model.estimator import PartisanModel
from screening.model.training import out_of_fold_scores

LEX = CandidateLexicon.from_yaml(paths.TRAIN_LEXICON)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    df = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False)
    df["label"] = df["label"].astype(int)
    return pd.concat([g.sample(200, random_state=1) for _, g in df.groupby("label")])


def test_fit_predict_shapes_and_probabilities(small: pd.DataFrame) -> None:
    m = PartisanModel(lexicon=LEX).fit(
        small["text"].tolist(), small["label"], categories=small["category"]
    )
    texts = ["Ayo coblos nomor 2 ✌", "resep sambal matah", ""]
    proba = m.predict_proba(texts)
    assert proba.shape == (3, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    s = m.screen(texts, LEX)
    assert s.score.shape == (3,) and set(s.category) <= set(CATEGORIES)
    assert ((s.category_score > 0) & (s.category_score <= 1)).all()
    assert m.predict(texts).tolist() == (proba[:, 1] >= 0.5).astype(int).tolist()


def test_clone_keeps_params_and_refits(small: pd.DataFrame) -> None:
    m = PartisanModel(lexicon=LEX, C=2.0, election_context=False)
    c = clone(m)
    assert c.get_params()["C"] == 2.0 and c.get_params()["election_context"] is False
    c.fit(small["text"].tolist(), small["label"], categories=small["category"])
    names = c.features_.get_feature_names_out()
    assert not any(n.startswith("context__") for n in names)


def test_lexicon_dropout_leaves_raw_names_in_the_vocabulary(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    # typed_mentions off: generic mention typing would put xcalonx back without the lexicon
    opts = {"min_df": 1, "typed_mentions": False}
    typed = PartisanModel(lexicon=LEX, **opts).fit(texts, y, categories=cats)
    dropped = PartisanModel(lexicon=LEX, lexicon_dropout=1.0, **opts).fit(texts, y, categories=cats)
    words = lambda m: set(m.features_.transformer_list[0][1].vocabulary_)  # noqa: E731
    assert "xcalonx" in words(typed) and "xcalonx" not in words(dropped)


def test_typed_mentions_type_honorific_names_without_the_lexicon(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    model = PartisanModel(lexicon=LEX, min_df=1, lexicon_dropout=1.0).fit(texts, y, categories=cats)
    assert "xcalonx" in set(model.features_.transformer_list[0][1].vocabulary_)


def test_categories_are_checked_before_any_work(
    small: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("normalised posts before checking the categories")

    monkeypatch.setattr("screening.model.estimator.normalize_many", no_work)
    texts, y = small["text"].tolist(), small["label"]
    model = PartisanModel(lexicon=LEX)
    with pytest.raises(ValueError, match="categories"):
        model.fit(texts, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        model.fit(texts, y, categories=small["category"].iloc[:-1])
    with pytest.raises(NotFittedError):
        model.screen(["Ayo coblos nomor 2"], LEX)


def test_every_inference_method_refuses_an_unfitted_model() -> None:
    model = PartisanModel(lexicon=LEX)
    for call in (
        lambda: model.predict_proba(["x"]),
        lambda: model.predict(["x"]),
        lambda: model.screen(["x"]),
        lambda: model.explain(["x"]),
        lambda: model.uncalibrated_score(["x"]),
        lambda: model.gate_factors(["x"], None),
        model.feature_names,
        model.coefficients,
    ):
        with pytest.raises(NotFittedError):
            call()


def test_a_rows_own_lexicon_types_it_in_every_method(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    model = PartisanModel(lexicon=LEX, calibration_cv=3).fit(texts, y, categories=cats)
    other = CandidateLexicon.from_yaml(paths.EVAL_LEXICON)
    posts = small["text"].tolist()[:20]
    table = pd.DataFrame({"text": posts, "lexicon": [other] * 10 + [None] * 10})
    # rows with their own lexicon: as if screened with it; the others: the lexicon given
    by_row = model.screen(table, None).score
    np.testing.assert_array_equal(by_row[:10], model.screen(posts[:10], other).score)
    np.testing.assert_array_equal(by_row[10:], model.screen(posts[10:], None).score)
    # predict_proba types the rest as fit did: with the training lexicon
    proba = model.predict_proba(table)[:, 1]
    np.testing.assert_array_equal(proba[:10], by_row[:10])
    np.testing.assert_array_equal(proba[10:], model.screen(posts[10:], LEX).score)


def test_out_of_fold_scores_are_a_fold_loop_with_categories_cut_to_each_fold(
    small: pd.DataFrame,
) -> None:
    texts, y = small["text"].tolist(), small["label"].to_numpy()
    cats = small["category"].to_numpy(dtype=object)
    model = PartisanModel(lexicon=LEX, calibration_cv=2)
    oof = out_of_fold_scores(model, texts, y, categories=cats, folds=3, seed=0)
    by_hand = np.zeros(len(texts))
    for fit, held in StratifiedKFold(3, shuffle=True, random_state=0).split(texts, y):
        m = clone(model).fit([texts[i] for i in fit], y[fit], categories=cats[fit])
        by_hand[held] = m.predict_proba([texts[i] for i in held])[:, 1]
    np.testing.assert_array_equal(oof, by_hand)


def test_a_loaded_model_is_ready_and_an_old_bundle_scores_as_it_did(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    model = PartisanModel(lexicon=LEX, calibration_cv=3).fit(texts, y, categories=cats)
    state = model.__getstate__()
    assert "fast_features_" not in state  # built from features_, not stored
    assert "fast_features_" in vars(model)  # and still there after pickling
    loaded = PartisanModel.__new__(PartisanModel)
    loaded.__setstate__(dict(state))
    posts = texts[:30]
    np.testing.assert_array_equal(loaded.screen(posts, LEX).score, model.screen(posts, LEX).score)
    # a bundle saved before the gates and mention typing existed, with the caches some old
    # bundles carried: it scores with them off, as it did
    old = {
        k: v for k, v in state.items() if k not in ("typed_mentions", "context_gate", "cue_gate")
    }
    old["_fast"] = "a cache"
    was = PartisanModel.__new__(PartisanModel)
    was.__setstate__(old)
    assert "_fast" not in vars(was)
    then = clone(model).set_params(typed_mentions=False, context_gate=1.0, cue_gate=1.0)
    for name in ("features_", "classifier_", "classes_", "category_model_", "fast_features_"):
        setattr(then, name, getattr(loaded, name))
    np.testing.assert_array_equal(was.screen(posts, LEX).score, then.screen(posts, LEX).score)


def test_posts_that_do_not_speak_of_an_election_are_scaled_down(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    gated = PartisanModel(lexicon=LEX, context_gate=0.25, cue_gate=0.8).fit(
        texts, y, categories=cats
    )
    open_ = clone(gated).set_params(context_gate=1.0, cue_gate=1.0).fit(texts, y, categories=cats)
    posts = [
        "kita ngumpul bareng yuk nanti malam",  # no election vocabulary at all
        "lanjut lembur sampai malam, program kerja numpuk",  # broad words, no election cue
        "Ayo coblos nomor 2 ✌",  # an election cue
    ]
    a, b = gated.screen(posts, LEX).score, open_.screen(posts, LEX).score
    np.testing.assert_allclose(a, [0.25 * b[0], 0.8 * b[1], b[2]])
    np.testing.assert_allclose(gated.predict_proba(posts)[:, 1], a)


def test_calibration_folds_keep_each_writer_together(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    groups = small["writer"].to_numpy()
    m = PartisanModel(lexicon=LEX, calibration_cv=3).fit(texts, y, categories=cats, groups=groups)
    assert len(m.classifier_.calibrated_classifiers_) == 3
    # the folds the calibration used: no writer on both sides of any of them
    folds = m.classifier_.cv
    assert len(folds) == 3
    for fit, held in folds:
        assert not set(groups[fit]) & set(groups[held])
    # without writers the folds are plain stratified folds (a splitter, not a list)
    plain = PartisanModel(lexicon=LEX, calibration_cv=3).fit(texts, y, categories=cats)
    assert not isinstance(plain.classifier_.cv, list)
