"""Keys under which names are compared: accents, case, separators and repeated letters removed.

One module so that the lexicon, its matcher and the everyday-word rule agree on what "the same
term" means.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

_SEP_SPLIT = re.compile(r"[\s\-_./&+]+")
_REPEATS = re.compile(r"(.)\1+")
# Spelling variants of Indonesian names, old spelling and sound-alikes: Soeharto/Suharto,
# Djarot/Jarot, Anies/Anis, Ridho/Rido, Khofifah/Kofifah, Syaiful/Saiful, Thamrin/Tamrin.
_VARIANTS = (
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("ie", "i"),
    ("th", "t"),
    ("dh", "d"),
    ("kh", "k"),
    ("sy", "s"),
    ("ph", "f"),
)


@functools.cache
def _nonspacing_marks() -> re.Pattern[str]:
    """A character class of every non-spacing mark (category Mn): one regex pass deletes
    them, several times faster than str.translate with a table."""
    marks = [cp for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Mn"]
    ranges: list[list[int]] = []
    for cp in marks:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])

    def charset(spans: list[list[int]]) -> str:
        return "".join(
            re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
            for a, b in spans
        )

    # the regex engine tests a class of BMP characters with a bitmap, but scans a list of
    # ranges once any range lies beyond U+FFFF: keep the two apart
    bmp = charset([r for r in ranges if r[1] <= 0xFFFF])
    astral = charset([r for r in ranges if r[1] > 0xFFFF])
    return re.compile(f"[{bmp}]|(?=[\U00010000-\U0010ffff])[{astral}]")


def strip_accents(text: str) -> str:
    """Remove combining marks (é → e) and variation selectors, keeping everything else."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", _nonspacing_marks().sub("", decomposed))


def term_key(term: str) -> str:
    """Canonical key of a term: no accents, case, separators, '#', or repeated letters."""
    flat = strip_accents(term).casefold().lstrip("#")
    flat = _SEP_SPLIT.sub("", flat)
    return _REPEATS.sub(r"\1", flat)


@functools.lru_cache(maxsize=1 << 16)
def variant_key(key: str) -> str:
    """A :func:`term_key` with spelling variants folded (oe→u, dj→j, ie→i, th→t, dh→d, kh→k,
    sy→s, ph→f, tj→c), so "Soeharto", "Anies" and "Ridho" meet "Suharto", "Anis", "Rido"."""
    for a, b in _VARIANTS:
        if a in key:
            key = key.replace(a, b)
    return _REPEATS.sub(r"\1", key)


def collapse_repeats(text: str) -> str:
    """Letter runs collapsed to one letter, as in every key ("aliilham" → "alilham")."""
    return _REPEATS.sub(r"\1", text)


def split_words(term: str) -> list[str]:
    """The words of a term as the matcher sees them: split on spaces, - _ . / & +."""
    return [w for w in _SEP_SPLIT.split(strip_accents(str(term)).strip().lstrip("#")) if w]
