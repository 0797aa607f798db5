"""The typed tokens that stand for candidates and ballot numbers in normalised text.

The model is trained on fictional candidates and must work on a real election, so names are
replaced by tokens of their kind before featurisation (see :mod:`screening.lexicon.candidates`): the
model learns "praise of a candidate", not a name.
"""

from __future__ import annotations

PLACEHOLDERS: dict[str, str] = {
    "hashtag": "xcalontagarx",
    "tagline": "xtaglinex",
    "name": "xcalonx",
    "party": "xpartaix",
    "tagline_part": "xtaglinepartx",
}
# A ballot number ("02", "no 2", "paslon 3", "✌ 2") in a post that speaks of the election.
BALLOT_TOKEN = "xnomorx"
PLACEHOLDER_TOKENS: frozenset[str] = frozenset(PLACEHOLDERS.values()) | {BALLOT_TOKEN}
