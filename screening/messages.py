"""Text taken from input files, made safe to echo in a one-line error message.

Column names, sheet names and other strings from an input can be anything: megabytes long (a
10 MB header line is one "name" list), or carrying terminal escape sequences (which can clear
or rewrite what the reviewer's terminal shows) and line breaks (which break the promise of one
line on stderr). :func:`printable` cleans and shortens one string; :func:`name_list` joins many
with a cap on their number and total length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# ANSI/VT escape sequences: CSI (ESC [ ... final byte, or the 8-bit CSI U+009B), OSC (ESC ] ...
# ended by BEL or ESC \), and two-character ESC sequences. Removed whole, so that their
# parameters do not show up as noise.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[ -~]?"
)
# What is left that a terminal acts on or that breaks the line: C0 and C1 controls, DEL, the
# Unicode line/paragraph separators and the bidirectional overrides (which reorder the text
# shown around them).
_CONTROLS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# A name longer than this is cut before cleaning: the cleaned text is at most ``limit`` long,
# and an escape sequence cut in the middle loses its ESC to _CONTROLS anyway.
_WINDOW = 4


def printable(text: object, limit: int = 80) -> str:
    """``text`` (str() of it) without escape sequences and control characters, at most
    ``limit`` characters (a longer one ends in "…"). Controls become "?" so that their place
    stays visible."""
    s = str(text)
    s = s[: max(limit, 1) * _WINDOW + 64]
    s = _CONTROLS.sub("?", _ESCAPES.sub("", s))
    if len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def name_list(
    names: Sequence[object], max_names: int = 20, max_chars: int = 300, limit: int = 60
) -> str:
    """``names`` joined with ", " for a message: each through :func:`printable` (``limit``
    characters), at most ``max_names`` of them and about ``max_chars`` characters in all,
    then "... (N more)"."""
    shown: list[str] = []
    used = 0
    for name in names[:max_names]:
        p = printable(name, limit)
        if shown and used + len(p) + 2 > max_chars:
            break
        shown.append(p)
        used += len(p) + 2
    rest = len(names) - len(shown)
    return ", ".join(shown) + (f", ... ({rest} more)" if rest else "")
