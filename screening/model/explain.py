"""Readable reasons for a score: the terms that pushed it up, and the guidance they match."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import scipy.sparse as sp

from screening.data.guidance import Guidance
from screening.lexicon.candidates import PLACEHOLDERS
from screening.model.estimator import PartisanModel

_READABLE = {token: f"[{kind.replace('_', ' ')}]" for kind, token in PLACEHOLDERS.items()}
_READABLE.update({"xhashtagx": "#", "xmentionx": "@user", "xurlx": "[link]"})


@functools.lru_cache(maxsize=1 << 16)  # feature names repeat across flagged posts
def readable(feature: str) -> str | None:
    """``word__ayo xcalonx`` → ``ayo [name]``; ``char__ cobl`` → ``…cobl…``; None for a
    character n-gram that is only a piece of a placeholder token (``char__onx``)."""
    kind, _, gram = feature.partition("__")
    if kind == "context":
        return "[no election words]"
    if kind == "char":
        piece = gram.strip()
        if any(piece in token for token in _READABLE if token.startswith("x")) or not piece:
            return None
        return f"…{piece}…"
    return " ".join(_READABLE.get(w, w) for w in gram.split())


def reasons(
    model: PartisanModel,
    texts: Sequence[str],
    lexicon: object,
    *,
    k: int = 4,
    features: sp.csr_matrix | None = None,
) -> list[list[tuple[str, float]]]:
    """Per post, up to ``k`` distinct readable terms with their log-odds contributions.
    ``features``: the posts' already computed feature rows (see ``PartisanModel.explain``)."""
    out = []
    for feats in model.explain(texts, lexicon, k=3 * k, features=features):  # type: ignore[arg-type]
        seen: dict[str, float] = {}
        for name, w in feats:
            term = readable(name)
            if term is None:
                continue
            if term not in seen and not any(term.strip("…") in s for s in seen):
                seen[term] = w
            if len(seen) == k:
                break
        out.append(list(seen.items()))
    return out


def reason_text(terms: list[tuple[str, float]], category: str, guidance: Guidance) -> str:
    """One cell: the terms with weights, then the category and its guidance description."""
    shown = ", ".join(f"{t} (+{w:.2f})" for t, w in terms) or "no single strong term"
    return f"{shown} | {category}: {guidance.categories[category].text_id}"
