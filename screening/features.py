"""Fast transform for the fitted n-gram TF-IDF features, equal to scikit-learn's output.

Profiling ``score`` (``python -m cProfile``; figures in the README) showed scikit-learn's
``TfidfVectorizer.transform`` spending most of its time in Python: it builds every character
n-gram of every word of every post as a new string and looks each one up in the vocabulary.
Words repeat (Zipf), so the work can be done once per distinct word instead of once per
occurrence:

* character n-grams (``char_wb``): a word's n-grams never cross a space, so a post's counts
  are the sum of its words' counts. Each distinct word is mapped once to the vocabulary ids of
  its n-grams (cached across chunks); the counts of a batch are then one sparse product
  ``(posts x words) @ (words x n-grams)``, done in C;
* word n-grams: each token is mapped once to an integer, and n-grams of consecutive tokens are
  looked up as integer keys with NumPy, not as joined strings.

TF-IDF weighting (sublinear tf, idf, l2 norm) is then applied exactly as scikit-learn does, in
the same dtype and on sorted indices, so the matrix equals the vectoriser's own transform (a
test checks this on the training data and on random text). Fitting is unchanged: the model is
still fitted by scikit-learn, and old bundles get the fast path too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

# Distinct words kept in a character cache; past this the cache restarts, so memory stays flat
# on endless streams of new spellings (about 150 bytes a word, 8 MB when full).
WORD_CACHE_LIMIT = 50_000


def _tfidf(counts: sp.csr_matrix, vec: TfidfVectorizer) -> sp.csr_matrix:
    """Apply the fitted vectoriser's tf-idf weighting to a count matrix, as scikit-learn does."""
    X = counts.astype(vec.dtype)
    X.sort_indices()
    tfidf = vec._tfidf  # the fitted TfidfTransformer: its idf_ and options
    if tfidf.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if hasattr(tfidf, "idf_"):
        X.data *= tfidf.idf_[X.indices]
    if tfidf.norm is not None and X.shape[0]:
        X = normalize(X, norm=tfidf.norm, copy=False)
    return X


class CharNgramCounter:
    """Counts of a fitted ``char_wb`` vectoriser's n-grams, computed per distinct word.

    ``transform(docs)``: list of n strings -> CSR (n, n_features), equal to ``vec.transform``.
    """

    def __init__(self, vec: TfidfVectorizer) -> None:
        self.vec = vec
        self.vocabulary = vec.vocabulary_
        self.n_features = len(vec.vocabulary_)
        self._analyze = vec.build_analyzer()
        # word -> its n-grams' vocabulary ids as int32 bytes (compact: ~150 bytes a word)
        self._cache: dict[str, bytes] = {}

    def _word_ids(self, word: str) -> bytes:
        vocab = self.vocabulary
        ids = [vocab[g] for g in self._analyze(word) if g in vocab]
        return np.array(ids, dtype=np.int32).tobytes()

    def counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        words_per_doc = [d.split() for d in docs]
        lengths = np.fromiter(map(len, words_per_doc), dtype=np.int64, count=len(docs))
        flat = np.array(list(chain.from_iterable(words_per_doc)), dtype=object)
        codes, distinct = pd.factorize(flat) if len(flat) else (np.zeros(0, np.int64), [])
        cache = self._cache
        if len(cache) > WORD_CACHE_LIMIT:
            cache.clear()
        ids = []
        for w in distinct:
            got = cache.get(w)
            if got is None:
                got = cache[w] = self._word_ids(w)
            ids.append(got)
        word_len = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids)) // 4
        W = sp.csr_matrix(
            (
                np.ones(int(word_len.sum()), dtype=np.float32),
                np.frombuffer(b"".join(ids), dtype=np.int32),
                np.concatenate([[0], np.cumsum(word_len)]),
            ),
            shape=(len(ids), self.n_features),
        )
        D = sp.csr_matrix(
            (
                np.ones(len(codes), dtype=np.float32),
                codes,
                np.concatenate([[0], np.cumsum(lengths)]),
            ),
            shape=(len(docs), len(ids)),
        )
        return sp.csr_matrix(D @ W)

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return _tfidf(self.counts(docs), self.vec)


class WordNgramCounter:
    """Counts of a fitted word vectoriser's n-grams via integer token keys.

    ``transform(docs)``: list of n strings -> CSR (n, n_features), equal to ``vec.transform``.
    Requires ``vec.token_pattern`` tokens to contain no space (true of any pattern that does
    not match spaces), because vocabulary n-grams are split on spaces to recover their tokens.
    """

    def __init__(self, vec: TfidfVectorizer) -> None:
        self.vec = vec
        self.n_features = len(vec.vocabulary_)
        self.min_n, self.max_n = vec.ngram_range
        self._findall = re.compile(vec.token_pattern).findall
        tokens = sorted({t for g in vec.vocabulary_ for t in g.split(" ")})
        self.token_id = {t: i for i, t in enumerate(tokens)}
        self.n_tokens = max(len(tokens), 1)
        # n -> (sorted integer keys of the vocabulary's n-grams, their feature ids)
        self.keys: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        by_n: dict[int, list[tuple[int, int]]] = {}
        for gram, fid in vec.vocabulary_.items():
            parts = gram.split(" ")
            by_n.setdefault(len(parts), []).append((self._key(parts), fid))
        for n, pairs in by_n.items():
            arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
            order = np.argsort(arr[:, 0])
            self.keys[n] = (arr[order, 0], arr[order, 1])

    def _key(self, parts: list[str]) -> int:
        key = 0
        for p in parts:
            key = key * self.n_tokens + self.token_id[p]
        return key

    @staticmethod
    def supports(vec: TfidfVectorizer) -> bool:
        """Integer keys fit in int64 and the tokens contain no spaces."""
        if vec.analyzer != "word" or vec.stop_words is not None or vec.tokenizer is not None:
            return False
        n_tokens = len({t for g in vec.vocabulary_ for t in g.split(" ")}) + 1
        return float(n_tokens) ** vec.ngram_range[1] < 2**62

    def counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        toks = [self._findall(d) for d in docs]
        lengths = np.fromiter(map(len, toks), dtype=np.int64, count=len(docs))
        get = self.token_id.get
        tid = np.fromiter(
            (get(t, -1) for t in chain.from_iterable(toks)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        doc_of = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for n in range(self.min_n, self.max_n + 1):
            if n not in self.keys or len(tid) < n:
                continue
            m = len(tid) - n + 1
            ok = doc_of[:m] == doc_of[n - 1 :]
            key = np.zeros(m, dtype=np.int64)
            for k in range(n):
                part = tid[k : k + m]
                ok &= part >= 0
                key = key * self.n_tokens + part
            pos = np.flatnonzero(ok)
            sorted_keys, fids = self.keys[n]
            at = np.searchsorted(sorted_keys, key[pos])
            at[at == len(sorted_keys)] = 0
            hit = sorted_keys[at] == key[pos]
            rows.append(doc_of[pos[hit]])
            cols.append(fids[at[hit]])
        r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        return sp.csr_matrix(
            (np.ones(len(r), dtype=np.float32), (r, c)), shape=(len(docs), self.n_features)
        )

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return _tfidf(self.counts(docs), self.vec)


def _fast_part(transformer: object) -> object:
    if isinstance(transformer, TfidfVectorizer) and not transformer.lowercase:
        if transformer.analyzer == "char_wb" and transformer.preprocessor is None:
            return CharNgramCounter(transformer)
        if WordNgramCounter.supports(transformer) and transformer.preprocessor is None:
            return WordNgramCounter(transformer)
    return transformer


class FastFeatures:
    """Drop-in ``transform`` for a fitted :class:`~sklearn.pipeline.FeatureUnion`.

    Word and character TF-IDF parts use the counters above; any other part (the election
    context indicator) runs as it is. ``transform(docs)``: n normalised strings -> CSR
    (n, n_features) float32, equal to ``union.transform(docs)``.
    """

    def __init__(self, union: FeatureUnion) -> None:
        if union.transformer_weights:
            raise ValueError("FastFeatures does not support transformer weights")
        self.parts = [_fast_part(t) for _, t in union.transformer_list if t != "drop"]

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        docs = list(docs)
        return sp.hstack([p.transform(docs) for p in self.parts], format="csr")
