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

from screening.model.context import (
    CONTEXT_FOUND,
    CONTEXT_MAYBE,
    NoElectionContext,
    has_election_context,
    piece_level,
)
from screening.text.piece_table import PieceTable

# Distinct words kept in a character cache; past this the cache restarts, so memory stays flat
# on endless streams of new spellings (about 150 bytes a word, 8 MB when full).
WORD_CACHE_LIMIT = 50_000


class Pieces:
    """A batch of n documents cut at whitespace, shared by the counters below.

    ``lengths`` (n,) pieces per document; ``codes`` (total pieces,) each piece's index in
    ``distinct`` (the batch's distinct pieces, in order of first appearance).
    """

    def __init__(self, docs: Sequence[str]) -> None:
        per_doc = [d.split() for d in docs]
        self.n_docs = len(per_doc)
        self.lengths = np.fromiter(map(len, per_doc), dtype=np.int64, count=self.n_docs)
        flat = np.array(list(chain.from_iterable(per_doc)), dtype=object)
        if len(flat):
            codes, distinct = pd.factorize(flat)
            self.codes, self.distinct = codes.astype(np.int64), list(distinct)
        else:
            self.codes, self.distinct = np.zeros(0, np.int64), []

    def per_doc(self, values: np.ndarray, ufunc: np.ufunc, empty: object) -> np.ndarray:
        """(n,) ``ufunc`` reduced over each document's pieces, of ``values`` given per
        distinct piece (``values[k]`` for ``distinct[k]``); ``empty`` for a document
        without pieces. E.g. ``np.logical_or`` of a flag: does any piece have it."""
        of_piece = values[self.codes]
        out = np.full(self.n_docs, empty, dtype=of_piece.dtype)
        has = self.lengths > 0
        if len(of_piece):
            out[has] = ufunc.reduceat(of_piece, (np.cumsum(self.lengths) - self.lengths)[has])
        return out


def _tfidf(counts: sp.csr_matrix, vec: TfidfVectorizer) -> sp.csr_matrix:
    """Apply the fitted vectoriser's tf-idf weighting to a count matrix, as scikit-learn does."""
    X = counts.astype(vec.dtype)
    X.sort_indices()
    if vec.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if vec.use_idf:
        X.data *= vec.idf_[X.indices]
    if vec.norm is not None and X.shape[0]:
        X = normalize(X, norm=vec.norm, copy=False)
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

    def counts(self, docs: Sequence[str] | Pieces) -> sp.csr_matrix:
        pieces = docs if isinstance(docs, Pieces) else Pieces(docs)
        lengths, codes, distinct = pieces.lengths, pieces.codes, pieces.distinct
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
            shape=(pieces.n_docs, len(ids)),
        )
        return sp.csr_matrix(D @ W)

    def transform(self, docs: Sequence[str] | Pieces) -> sp.csr_matrix:
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
        self._ids = PieceTable(self._piece_ids, WORD_CACHE_LIMIT)  # piece -> its tokens' ids
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

    def _piece_ids(self, piece: str) -> np.ndarray:
        get = self.token_id.get
        return np.array([get(t, -1) for t in self._findall(piece)], dtype=np.int64)

    def _token_ids(self, pieces: Pieces) -> tuple[np.ndarray, np.ndarray]:
        """(token ids, document of each token) of the batch, in order. A token never
        crosses whitespace, so a document's tokens are its pieces' tokens one after another:
        each distinct piece is tokenised once (cached), and the batch's sequence is gathered
        with NumPy."""
        per_piece = self._ids.lookup(pieces.distinct)
        size = np.fromiter(map(len, per_piece), dtype=np.int64, count=len(per_piece))
        flat = np.concatenate(per_piece) if per_piece else np.zeros(0, np.int64)
        offset = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
        occ_size = size[pieces.codes]
        total = int(occ_size.sum())
        # position k of the batch's tokens: its piece occurrence's offset in `flat` plus its
        # place within that piece
        first_of_occ = np.cumsum(occ_size) - occ_size
        at = np.repeat(offset[pieces.codes] - first_of_occ, occ_size) + np.arange(total)
        docs_of_piece = np.repeat(np.arange(pieces.n_docs, dtype=np.int64), pieces.lengths)
        return flat[at], np.repeat(docs_of_piece, occ_size)

    def counts(self, docs: Sequence[str] | Pieces) -> sp.csr_matrix:
        pieces = docs if isinstance(docs, Pieces) else Pieces(docs)
        n_docs = pieces.n_docs
        tid, doc_of = self._token_ids(pieces)
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
            (np.ones(len(r), dtype=np.float32), (r, c)), shape=(n_docs, self.n_features)
        )

    def transform(self, docs: Sequence[str] | Pieces) -> sp.csr_matrix:
        return _tfidf(self.counts(docs), self.vec)


class FastContext:
    """The no-election-context column of a fitted :class:`NoElectionContext`, read piece by
    piece with a cache (see :func:`screening.model.context.piece_level`); equal to its
    ``transform``."""

    def __init__(self, part: NoElectionContext) -> None:
        self.weight = part.weight
        self._levels = PieceTable(piece_level, WORD_CACHE_LIMIT)

    def transform(self, docs: Sequence[str], pieces: Pieces) -> sp.csr_matrix:
        known = np.array(self._levels.lookup(pieces.distinct), dtype=np.int8)
        best = pieces.per_doc(known, np.maximum, 0)  # FOUND beats NONE, MAYBE beats both
        context = best == CONTEXT_FOUND
        for i in np.flatnonzero(best == CONTEXT_MAYBE):
            context[i] = has_election_context(docs[int(i)])
        col = np.where(context, 0.0, self.weight).astype(np.float32)
        return sp.csr_matrix(col.reshape(-1, 1))


def _fast_part(transformer: object) -> object:
    if isinstance(transformer, NoElectionContext):
        return FastContext(transformer)
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
    (n, n_features) float32, equal to ``union.transform(docs)``. ``names``: (n_features,)
    the union's ``get_feature_names_out()``, kept for the reasons of every scored chunk.
    """

    def __init__(self, union: FeatureUnion) -> None:
        if union.transformer_weights:
            raise ValueError("FastFeatures does not support transformer weights")
        self.parts = [_fast_part(t) for _, t in union.transformer_list if t != "drop"]
        self.names: np.ndarray = union.get_feature_names_out()

    def transform(self, docs: Sequence[str], pieces: Pieces | None = None) -> sp.csr_matrix:
        """``pieces``: ``Pieces(docs)`` when the caller has them (they are cut once)."""
        docs = list(docs)
        if pieces is None:
            pieces = Pieces(docs)
        return hstack_rows([_transform(p, docs, pieces) for p in self.parts])


def hstack_rows(blocks: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """``scipy.sparse.hstack(blocks, format="csr")`` for CSR blocks of the same rows, with
    the same arrays (each row: the blocks' entries one block after another), without the
    round trip through COO that cost scipy 5 µs a post."""
    n = blocks[0].shape[0]
    lengths = [np.diff(b.indptr) for b in blocks]
    row_len = np.sum(lengths, axis=0) if n else np.zeros(0, np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(row_len, out=indptr[1:])
    nnz = int(indptr[-1])
    data = np.empty(nnz, dtype=np.result_type(*[b.dtype for b in blocks]))
    indices = np.empty(nnz, dtype=np.int64)
    before = indptr[:-1].copy()  # where each row's next block goes
    col = 0
    for b, length in zip(blocks, lengths, strict=True):
        rows = np.repeat(np.arange(n), length)
        dest = before[rows] + (np.arange(len(rows)) - b.indptr[:-1][rows])
        data[dest] = b.data
        indices[dest] = b.indices + col
        before += length
        col += b.shape[1]
    # scipy's choice: 32-bit indices while they fit
    index_dtype = np.int32 if max(col, nnz) <= np.iinfo(np.int32).max else np.int64
    return sp.csr_matrix(
        (data, indices.astype(index_dtype), indptr.astype(index_dtype)), shape=(n, col)
    )


def _transform(part: object, docs: list[str], pieces: Pieces) -> sp.csr_matrix:
    if isinstance(part, CharNgramCounter | WordNgramCounter):
        return part.transform(pieces)
    if isinstance(part, FastContext):
        return part.transform(docs, pieces)
    return part.transform(docs)  # type: ignore[attr-defined]
