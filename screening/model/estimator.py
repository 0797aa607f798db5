"""The classifier: normalised text → word and character n-grams → calibrated linear models.

:class:`PartisanModel` is a scikit-learn estimator. ``fit(posts, labels, categories=...)``
learns two heads on one shared sparse feature space:

* a binary head, logistic regression on naive-Bayes-scaled features (:mod:`screening.model.nblr`)
  wrapped in sigmoid calibration (cross-validated), whose
  ``predict_proba`` gives the probability that a post shows partisan tendency;
* a category head, multinomial logistic regression fitted on the positive posts only, giving
  the guidance category a post most resembles (one of :data:`screening.data.guidance.CATEGORIES`).

Candidate mentions are typed by a :class:`~screening.lexicon.candidates.CandidateLexicon` before
featurisation. Every method types posts the same way, in one place (``_normalise``): each post
by its own lexicon when the posts are a table with a ``lexicon`` column, the others by the
lexicon the method is given. ``fit`` and ``predict_proba`` are given the ``lexicon`` parameter
(the fictional training election), so scikit-learn's tools (``cross_val_predict``) score posts
as they were trained; :meth:`PartisanModel.screen` and the explanation methods are given the
lexicon of the election being monitored as an argument.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias, cast

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_consistent_length, check_is_fitted

from screening.data.guidance import CATEGORIES
from screening.lexicon.candidates import CandidateLexicon
from screening.model.context import NoElectionContext
from screening.model.features import FastFeatures, Pieces
from screening.model.nblr import NBLogisticRegression
from screening.text.cues import has_cue_each
from screening.text.normalize import TOKEN_PATTERN, normalize_many

# n posts: raw texts, or a table with a ``text`` column and an optional ``lexicon`` column
# (a CandidateLexicon or None per row)
Posts: TypeAlias = Sequence[str] | pd.DataFrame


def build_features(
    *,
    word_ngrams: tuple[int, int] = (1, 2),
    char_ngrams: tuple[int, int] = (3, 5),
    min_df: int = 2,
    election_context: bool = True,
) -> FeatureUnion:
    """Word and character n-gram TF-IDF on already normalised text (no lower-casing here),
    plus the no-election-context indicator (see :mod:`screening.model.context`)."""
    common = {"min_df": min_df, "sublinear_tf": True, "lowercase": False, "dtype": np.float32}
    word = TfidfVectorizer(
        analyzer="word", token_pattern=TOKEN_PATTERN, ngram_range=word_ngrams, **common
    )
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, **common)
    parts = [("word", word), ("char", char)]
    if election_context:
        parts.append(("context", NoElectionContext()))
    return FeatureUnion(parts)


@dataclass(frozen=True)
class Screened:
    """Scores for n posts: ``score`` (n,) in [0, 1]; ``category`` (n,) str;
    ``category_score`` (n,) the category head's probability for that category;
    ``features`` the (n, n_features) sparse matrix they were computed from, for reuse by
    :meth:`PartisanModel.explain` and :meth:`PartisanModel.uncalibrated_score`."""

    score: np.ndarray
    category: np.ndarray
    category_score: np.ndarray
    features: sp.csr_matrix | None = None


class PartisanModel(ClassifierMixin, BaseEstimator):
    """Probability of partisan tendency and most likely category for Indonesian posts.

    Posts (``X``) are n raw texts, or a DataFrame with a ``text`` column and an optional
    ``lexicon`` column: a row whose entry is a lexicon has its candidates typed by that lexicon
    (reviewer labels of another election are typed by that election's lexicon, in ``fit`` as
    when they are scored).

    Parameters
    ----------
    lexicon : CandidateLexicon or None
        Candidate lexicon of the training election: types the posts of ``fit`` and of
        ``predict_proba`` (which scores posts as they were trained). :meth:`screen` takes the
        monitored election's lexicon instead.
    C : float
        Inverse regularisation strength of the binary logistic regression.
    category_C : float
        Inverse regularisation strength of the category head.
    category_class_weight : "balanced" or None
        Class weighting of the category head. None (the default) keeps the training mix of
        categories as its prior, in which support and attacks are the most common, as on real
        timelines; "balanced" gives every category the same prior (the README's design table:
        balanced was 0.8 points better out-of-writer, 2.7 points worse on real posts).
    word_ngrams, char_ngrams : (int, int)
        n-gram ranges of the word and character (``char_wb``) vectorisers.
    min_df : int
        Minimum number of training posts an n-gram must appear in.
    calibration_cv : int
        Folds of the sigmoid calibration of the binary head.
    class_weight : "balanced" or None
        Class weighting of the binary logistic regression (the calibration undoes its shift).
    lexicon_dropout : float in [0, 1]
        Share of training posts normalised without the lexicon, so the model also learns to
        read partisanship from context when a user scores without ``--candidates`` (or the
        lexicon misses a nickname). Entity-mask dropout, as in NER training.
    election_context : bool
        Add the no-election-vocabulary indicator feature (:mod:`screening.model.context`).
    context_gate : float in [0, 1]
        Factor applied to the probability of posts with no election vocabulary at all
        (:mod:`screening.model.context`). Partisan tendency is always about an electoral contest;
        the linear model alone still gave chatty posts with no election word 0.5-0.7
        ("kita" posts). 1.0 turns the gate off (bundles saved before it score that way).
    cue_gate : float in [0, 1]
        Factor for posts with broad election vocabulary ("lanjut", "pasangan", "program")
        but no election cue (:mod:`screening.text.cues`: a vote, candidacy, office or candidate
        placeholder). Chosen out-of-writer (see the README's design table).
    typed_mentions : bool
        Type candidate-like mentions (honorific + name) and ballot numbers in posts with an
        election cue (:mod:`screening.text.mentions`). Bundles saved before this option score as
        if it were False.
    nb_power : float
        Scale features by ``|naive-Bayes log-count ratio| ** nb_power`` in the binary head
        (:mod:`screening.model.nblr`); 0 is plain logistic regression. Chosen by out-of-writer AP,
        real-yardstick AP and everyday false flags together (the README's classifier
        table). Used only when fitting.
    random_state : int
        Seed for the calibration folds.
    """

    def __init__(
        self,
        lexicon: CandidateLexicon | None = None,
        *,
        C: float = 8.0,
        category_C: float = 4.0,
        category_class_weight: str | None = None,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        min_df: int = 2,
        calibration_cv: int = 5,
        class_weight: str | None = "balanced",
        lexicon_dropout: float = 0.0,
        election_context: bool = True,
        typed_mentions: bool = True,
        context_gate: float = 0.25,
        cue_gate: float = 0.85,
        nb_power: float = 0.5,
        random_state: int = 0,
    ) -> None:
        self.lexicon = lexicon
        self.C = C
        self.category_C = category_C
        self.category_class_weight = category_class_weight
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.calibration_cv = calibration_cv
        self.class_weight = class_weight
        self.lexicon_dropout = lexicon_dropout
        self.election_context = election_context
        self.typed_mentions = typed_mentions
        self.context_gate = context_gate
        self.cue_gate = cue_gate
        self.nb_power = nb_power
        self.random_state = random_state

    def fit(
        self,
        X: Posts,
        y: ArrayLike,
        *,
        categories: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> PartisanModel:
        """Fit both heads.

        X : n posts (raw, un-normalised; see the class docstring). y : n labels in {0, 1}.
        categories : n category names; required (a routed fit parameter, as ``sample_weight``
        is): the category head learns from the rows with label 1.
        sample_weight : n non-negative weights for the binary head, or None.
        groups : n writer ids, or None; with them the calibration folds keep each writer's
        posts together (the calibration is then fitted on writers the model did not see).
        """
        # checked before any work: a missing category head would only show at scoring time
        if categories is None:
            raise ValueError("categories are required to fit the category head")
        check_consistent_length(X, y, categories)
        y_arr = np.asarray(y, dtype=int)
        cats = np.asarray(categories, dtype=object)
        raw, texts = self._normalise(X, self.lexicon)
        if self.lexicon_dropout > 0 and self.lexicon is not None:
            rng = np.random.default_rng(self.random_state)
            drop = np.flatnonzero(rng.random(len(texts)) < self.lexicon_dropout)
            dropped = normalize_many([raw[k] for k in drop], typed=self.typed_mentions)
            for k, t in zip(drop, dropped, strict=True):
                texts[k] = t
        self.features_ = build_features(
            word_ngrams=self.word_ngrams,
            char_ngrams=self.char_ngrams,
            min_df=self.min_df,
            election_context=self.election_context,
        )
        Z = self.features_.fit_transform(texts)
        # nb_power=0 is plain logistic regression (tests/test_nblr.py pins it)
        base = NBLogisticRegression(C=self.C, power=self.nb_power, class_weight=self.class_weight)
        folds: Any = StratifiedKFold(
            self.calibration_cv, shuffle=True, random_state=self.random_state
        )
        if groups is not None and len(set(cast(Iterable[Any], groups))) >= self.calibration_cv:
            grouped = StratifiedGroupKFold(
                self.calibration_cv, shuffle=True, random_state=self.random_state
            )
            folds = list(grouped.split(Z, y_arr, np.asarray(groups, dtype=object)))
        self.classifier_ = CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(
            Z, y_arr, sample_weight=None if sample_weight is None else np.asarray(sample_weight)
        )
        self.classes_ = self.classifier_.classes_
        mask = (y_arr == 1) & np.isin(cats, CATEGORIES)
        self.category_model_ = LogisticRegression(
            C=self.category_C, max_iter=5000, class_weight=self.category_class_weight
        ).fit(Z[mask], cats[mask].astype(str))
        self.fast_features_ = FastFeatures(self.features_)
        return self

    def _normalise(self, X: Posts, lexicon: CandidateLexicon | None) -> tuple[list[str], list[str]]:
        """(raw texts, normalised texts) of n posts: each typed by its own lexicon when ``X``
        is a table that names one for it, else by ``lexicon`` (None: no candidate typing)."""
        if isinstance(X, pd.DataFrame):
            raw = [str(t) for t in X["text"].tolist()]
            own = X["lexicon"].tolist() if "lexicon" in X.columns else []
        else:
            raw, own = list(X), []
        typed = self.typed_mentions
        if not any(isinstance(lex, CandidateLexicon) for lex in own):
            return raw, normalize_many(raw, lexicon, typed=typed)
        # each row once, by the lexicon that types it: its own, else ``lexicon``
        by_lex: dict[int, tuple[CandidateLexicon | None, list[int]]] = {}
        for i in range(len(raw)):
            lex = own[i] if isinstance(own[i], CandidateLexicon) else lexicon
            by_lex.setdefault(id(lex), (lex, []))[1].append(i)
        texts = [""] * len(raw)
        for lex, rows in by_lex.values():
            done = normalize_many([raw[i] for i in rows], lex, typed=typed)
            for i, t in zip(rows, done, strict=True):
                texts[i] = t
        return raw, texts

    # The fast transformer is built from ``features_`` (in ``fit``, and here on loading), not
    # pickled: a bundle's bytes, and so its sha256, do not depend on whether it was used.
    # Bundles saved before an option existed score as they did without it.
    _OPTIONS_OF_OLD_BUNDLES: ClassVar[dict[str, Any]] = {
        "typed_mentions": False,
        "context_gate": 1.0,
        "cue_gate": 1.0,
    }

    def __getstate__(self) -> dict:
        # a copy: object.__getstate__ gives the instance's own __dict__, and pickling must
        # not take the transformer away from the live model
        state = dict(super().__getstate__())
        state.pop("fast_features_", None)
        return state

    def __setstate__(self, state: dict) -> None:
        for old in ("_fast", "_feature_names"):  # caches some old bundles were saved with
            state.pop(old, None)
        super().__setstate__(state)
        for name, value in self._OPTIONS_OF_OLD_BUNDLES.items():
            if name not in state:  # added after the rest, so a new bundle's state keeps its order
                setattr(self, name, value)
        if "features_" in state:
            self.fast_features_ = FastFeatures(self.features_)

    def featurize(self, X: Posts, lexicon: CandidateLexicon | None) -> sp.csr_matrix:
        """Sparse features (n, n_features) float32 of raw posts, with candidates typed by
        ``lexicon``. Equal to ``features_.transform`` on the normalised texts, computed by
        :class:`~screening.model.features.FastFeatures` (several times faster)."""
        return self._featurize(X, lexicon)[0]

    def _featurize(
        self, X: Posts, lexicon: CandidateLexicon | None
    ) -> tuple[sp.csr_matrix, list[str], Pieces]:
        check_is_fitted(self, "fast_features_")
        texts = self._normalise(X, lexicon)[1]
        pieces = Pieces(texts)  # cut at whitespace once: features and the gate read them
        return self.fast_features_.transform(texts, pieces), texts, pieces

    def feature_names(self) -> np.ndarray:
        """(n_features,) names: ``word__<n-gram>``, ``char__<n-gram>`` or ``context__...``."""
        check_is_fitted(self, "fast_features_")
        return self.fast_features_.names

    def _gated(
        self, Z: sp.csr_matrix, texts: Sequence[str], pieces: Pieces | None = None
    ) -> np.ndarray:
        """(n,) calibrated probability of label 1, scaled down for posts that do not speak
        of an election: ``context_gate`` when they have no election vocabulary at all,
        ``cue_gate`` when they have only broad vocabulary and no election cue (see the class
        docstring). ``texts``: the normalised posts of ``Z``'s rows."""
        score = self.classifier_.predict_proba(Z)[:, 1]
        gate, cue_gate = float(self.context_gate), float(self.cue_gate)
        if gate < 1.0 and self.election_context:
            # the indicator is the union's last column (build_features appends it)
            no_context = Z[:, Z.shape[1] - 1].toarray().ravel() > 0
            score = np.where(no_context, score * gate, score)
        else:
            no_context = np.zeros(len(score), dtype=bool)
        if cue_gate < 1.0:
            no_cue = ~has_cue_each(texts, Pieces(texts) if pieces is None else pieces)
            score = np.where(no_cue & ~no_context, score * cue_gate, score)
        return score

    def gate_factors(self, X: Posts, lexicon: CandidateLexicon | None) -> np.ndarray:
        """(n,) the factor the election-context gates applied to each post's probability:
        1.0 (none), ``cue_gate`` (election vocabulary but no cue) or ``context_gate`` (no
        election vocabulary at all)."""
        Z, texts, pieces = self._featurize(X, lexicon)
        raw = self.classifier_.predict_proba(Z)[:, 1]
        gated = self._gated(Z, texts, pieces)
        return np.divide(gated, raw, out=np.ones_like(raw), where=raw > 0)

    def predict_proba(self, X: Posts) -> np.ndarray:
        """(n, 2) probabilities of ``classes_`` (label 0, label 1), posts typed as in ``fit``
        (by the ``lexicon`` parameter, or a row's own lexicon)."""
        p1 = self._gated(*self._featurize(X, self.lexicon))
        return np.column_stack([1.0 - p1, p1])

    def predict(self, X: Posts) -> np.ndarray:
        """(n,) labels from ``classes_`` at probability 0.5; use a bundle's threshold for
        screening."""
        p1 = self.predict_proba(X)[:, 1]
        return self.classes_[(p1 >= 0.5).astype(int)]

    def coefficients(self) -> np.ndarray:
        """(n_features,) weights of the binary head: the mean over the calibration folds'
        logistic regressions (the calibration is monotone, so these rank the evidence)."""
        check_is_fitted(self, "classifier_")
        return np.mean(
            [c.estimator.coef_[0] for c in self.classifier_.calibrated_classifiers_], axis=0
        )

    def explain(
        self,
        X: Posts,
        lexicon: CandidateLexicon | None = None,
        *,
        k: int = 5,
        features: sp.csr_matrix | None = None,
    ) -> list[list[tuple[str, float]]]:
        """For each post, the ``k`` features that pushed its score up most, as
        (feature name, contribution) with contribution = TF-IDF value x weight (log-odds units).
        Feature names are ``word__<n-gram>``, ``char__<n-gram>`` or ``context__...``.
        ``features``: the posts' rows of a :class:`Screened` ``features`` matrix, to skip
        featurising them again."""
        Z = (self.featurize(X, lexicon) if features is None else features).tocsr()
        coef = self.coefficients()
        names = self.feature_names()
        contrib = Z.data * coef[Z.indices]
        out = []
        for a, b in zip(Z.indptr[:-1], Z.indptr[1:], strict=True):
            # slices of the CSR arrays: far cheaper than building a row matrix per post
            c, idx = contrib[a:b], Z.indices[a:b]
            order = np.argsort(-c)[:k]
            out.append([(str(names[idx[j]]), float(c[j])) for j in order if c[j] > 0])
        return out

    def uncalibrated_score(
        self,
        X: Posts,
        lexicon: CandidateLexicon | None = None,
        *,
        features: sp.csr_matrix | None = None,
    ) -> np.ndarray:
        """(n,) probability of the logistic regressions before sigmoid calibration (the mean
        over the calibration folds' models), to show what calibration changes. ``features``
        as in :meth:`explain`."""
        Z = self.featurize(X, lexicon) if features is None else features
        check_is_fitted(self, "classifier_")
        raw = [c.estimator.predict_proba(Z)[:, 1] for c in self.classifier_.calibrated_classifiers_]
        return np.mean(raw, axis=0)

    def screen(self, X: Posts, lexicon: CandidateLexicon | None = None) -> Screened:
        """Score posts for the election whose ``lexicon`` is given (None: no candidate typing;
        a row's own lexicon wins, as in ``fit``)."""
        Z, texts, pieces = self._featurize(X, lexicon)
        score = self._gated(Z, texts, pieces)
        cat_proba = self.category_model_.predict_proba(Z)
        best = cat_proba.argmax(axis=1)
        return Screened(
            score=score,
            category=self.category_model_.classes_[best],
            category_score=cat_proba[np.arange(len(best)), best],
            features=Z,
        )
