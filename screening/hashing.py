"""The one hash of a post's text: how decisions, labels and checks recognise a post."""

from __future__ import annotations

import hashlib


def text_hash(text: str) -> str:
    """Hex sha256 of ``text`` in UTF-8, exactly as given (no normalisation: two spellings of
    a post are two posts)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
