"""PartisanModel as a scikit-learn estimator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from screening import paths
from screening.guidance import CATEGORIES
from screening.lexicon import CandidateLexicon
from screening.model import PartisanModel

LEX = CandidateLexicon.from_yaml(paths.TRAIN_LEXICON)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    df = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False)
    df["label"] = df["label"].astype(int)
    return pd.concat([g.sample(200, random_state=1) for _, g in df.groupby("label")])


def test_fit_predict_shapes_and_probabilities(small: pd.DataFrame) -> None:
    m = PartisanModel(lexicon=LEX).fit(small["text"].tolist(), small["label"], small["category"])
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
    c.fit(small["text"].tolist(), small["label"], small["category"])
    names = c.features_.get_feature_names_out()
    assert not any(n.startswith("context__") for n in names)


def test_lexicon_dropout_leaves_raw_names_in_the_vocabulary(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    # typed_mentions off: generic mention typing would put xcalonx back without the lexicon
    opts = {"min_df": 1, "typed_mentions": False}
    typed = PartisanModel(lexicon=LEX, **opts).fit(texts, y, cats)
    dropped = PartisanModel(lexicon=LEX, lexicon_dropout=1.0, **opts).fit(texts, y, cats)
    words = lambda m: set(m.features_.transformer_list[0][1].vocabulary_)  # noqa: E731
    assert "xcalonx" in words(typed) and "xcalonx" not in words(dropped)


def test_typed_mentions_type_honorific_names_without_the_lexicon(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    model = PartisanModel(lexicon=LEX, min_df=1, lexicon_dropout=1.0).fit(texts, y, cats)
    assert "xcalonx" in set(model.features_.transformer_list[0][1].vocabulary_)


def test_category_head_needs_categories(small: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="categories"):
        PartisanModel(lexicon=LEX).fit(small["text"].tolist(), small["label"])


def test_posts_that_do_not_speak_of_an_election_are_scaled_down(small: pd.DataFrame) -> None:
    texts, y, cats = small["text"].tolist(), small["label"], small["category"]
    gated = PartisanModel(lexicon=LEX, context_gate=0.25, cue_gate=0.8).fit(texts, y, cats)
    open_ = clone(gated).set_params(context_gate=1.0, cue_gate=1.0).fit(texts, y, cats)
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
    m = PartisanModel(lexicon=LEX, calibration_cv=3).fit(texts, y, cats, groups=groups)
    assert len(m.classifier_.calibrated_classifiers_) == 3
    # the folds the calibration used: no writer on both sides of any of them
    folds = m.classifier_.cv
    assert len(folds) == 3
    for fit, held in folds:
        assert not set(groups[fit]) & set(groups[held])
    # without writers the folds are plain stratified folds (a splitter, not a list)
    plain = PartisanModel(lexicon=LEX, calibration_cv=3).fit(texts, y, cats)
    assert not isinstance(plain.classifier_.cv, list)
