"""Text taken from input files, made safe to echo in a one-line error message.

Column names, sheet names and other strings from an input can be anything: megabytes long (a
10 MB header line is one "name" list), or carrying terminal escape sequences (which can clear
or rewrite what the reviewer's terminal shows) and line breaks (which break the promise of one
line on stderr). :func:`printable` cleans and shortens one string; :func:`name_list` joins many
with a cap on their number and total length.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

# An error message longer than this is cut (a 350 MB message once came from a YAML bomb)
MAX_MESSAGE_CHARS = 2_000
# CSI sequences (colours, cursor moves, clearing the screen), 7- and 8-bit
_CSI = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
# OSC, DCS, SOS, PM and APC strings (window titles, hyperlinks, ...) up to their terminator
_STRING = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
_ESCAPES = rf"{_CSI}|{_STRING}|\x1b[ -/]*[0-~]?"
_BREAKS = r"\r\n|[\n\r\t\v\f\x85\u2028\u2029]"
# other C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown
_CONTROLS = r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def _visible(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # its control picture: ␀ for NUL
    return "\u2421" if code == 0x7F else ""


def _clean(text: str) -> str:
    """Escape sequences removed, line breaks and tabs made spaces, other C0 controls shown as
    control pictures, C1 controls and bidirectional overrides removed."""
    return re.sub(_CONTROLS, _visible, re.sub(_BREAKS, " ", re.sub(_ESCAPES, "", text)))


def one_line(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``message`` made safe to print as one terminal line: escape sequences removed, line
    breaks and tabs made spaces, other C0 controls shown as control pictures, C1 controls and
    bidirectional overrides removed; longer than ``limit`` characters, cut there and followed
    by ``… (N more characters)``."""
    head = message[: limit + 1_000]  # a 350 MB message must not be scanned whole
    text = _clean(head)
    more = len(message) - len(head) + max(0, len(text) - limit)
    return f"{text[:limit]}… ({more} more characters)" if more else text


# A name longer than this many times its limit is cut before cleaning: the cleaned text is at
# most ``limit`` long, and an escape sequence cut in the middle loses its ESC to _CONTROLS.
_WINDOW = 4


def printable(text: object, limit: int = 80) -> str:
    """``text`` (str() of it) without escape sequences and control characters, at most
    ``limit`` characters (a longer one ends in "…"); cleaned as :func:`one_line` cleans, so
    a control character's place stays visible as its control picture."""
    s = str(text)
    s = _clean(s[: max(limit, 1) * _WINDOW + 64])
    if len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def name_list(
    names: Sequence[object], *, max_names: int = 20, max_chars: int = 300, limit: int = 60
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


def say(line: str) -> None:
    """Write ``line`` to standard error; a closed stderr (a hung-up terminal) is ignored."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
