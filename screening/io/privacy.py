"""Protections for outputs that people open and share: spreadsheet formulas, author identities.

* **Formula injection** (OWASP "CSV injection"): a cell starting with ``=``, ``+``, ``-``, ``@``,
  tab or carriage return can run as a formula when a reviewer opens a CSV in a spreadsheet.
  :func:`guard_cell` prefixes such cells (and cells already starting with ``'``) with a single
  quote, which spreadsheets show as text; :func:`unguard_cell` removes exactly that prefix, so
  the original text is always recoverable. Plain numbers (``-1``, ``+62``) are left alone.
  XLSX outputs need no prefix: their text cells are written as typed strings, never formulas.
  Column names are guarded the same way: a header is a cell too.
* **Pseudonymisation**: :func:`pseudonymize` replaces author names and ids with keyed hashes
  (HMAC-SHA256 with a secret key), so the same author maps to the same pseudonym across files
  scored with the same key, and nobody without the key can reverse or recompute it. Columns
  are recognised by a normalised name (``Nama Akun``, ``User Name``, ``screenName`` and
  ``user_name`` are one name), post/status ids count as author data (on X a status id leads
  to its author), and profile/post URLs of X/Twitter, Instagram, TikTok, Facebook and YouTube
  lose their handle and post id with or without a scheme. :func:`author_like_left` names the
  author-like columns the heuristic leaves untouched, so callers can warn about them.
"""

from __future__ import annotations

import hashlib
import hmac
import operator
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from screening.errors import PseudonymKeyError, ScreeningError

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)*$")
KEY_ENV = "SCREENING_PSEUDONYM_KEY"
# Export columns that identify an author, as normalised by _normal_name (case-insensitive,
# spaces/dashes/dots as underscores, camelCase split).
AUTHOR_COLUMNS = {
    "username",
    "user_name",
    "screen_name",
    "user_screen_name",
    "author",
    "author_name",
    "user",
    "name",
    "user_id",
    "user_id_str",
    "author_id",
    "from_user",
    "in_reply_to_screen_name",
    "channel",
    "channel_name",
    "account",
    "akun",
    "nama",
    "handle",
    "owner_username",
    "owner_id",
    "profile_name",
    "nama_akun",
    "nama_pengguna",
    "pengguna",
    "penulis",
    "nama_penulis",
    "pemilik_akun",
    "display_name",
    "full_name",
    "nama_lengkap",
    "nickname",
    "nick",
    # Indonesian civil-servant and citizen numbers, contact details: they name the person
    "nip",
    "nik",
    "email",
    "e_mail",
    "surel",
    "phone",
    "telepon",
    "no_hp",
    "nomor_hp",
    "ponsel",
}
# A word saying whose value it is (first set) plus a word saying it is an identity (second)
# make an author column: user_id_str, channel_url, profile_image_url, in_reply_to_user_id.
_OWNER_WORDS = {
    "user", "author", "akun", "account", "owner", "penulis", "pengguna", "pemilik", "profile",
    "profil", "channel", "kanal", "creator", "uploader", "poster", "sender", "pengirim",
}  # fmt: skip
_IDENTITY_WORDS = {
    "name", "nama", "handle", "id", "nick", "nickname", "login", "slug", "username",
    "url", "urls", "link", "uri", "href", "tautan", "permalink",
}  # fmt: skip
# Post/status/media ids: on X a status id leads straight to its author, so they are author
# data too. An id column is "<one of these words>_..._id[_str]", or just "id" / "id_str".
_POST_WORDS = {
    "tweet", "status", "post", "conversation", "reply", "replied", "quoted", "quote",
    "retweet", "retweeted", "media", "video", "comment", "parent", "story", "reel", "item",
    "message", "thread", "aweme", "rest", "pin", "photo",
}  # fmt: skip
_POST_EXACT = {"id", "id_str", "idstr", "shortcode", "short_code", "pk"}
_URL_WORDS = {"url", "urls", "link", "links", "uri", "href", "tautan", "permalink", "website"}
# Words that make a column look like author data when the rules above did not pseudonymise
# it (substrings, so userLocation and akunnya count; "id", "name" and the like as whole words
# only, so "video" and "filename" do not).
_AUTHOR_LIKE_PARTS = (
    "user", "author", "akun", "handle", "account", "profil", "channel", "owner", "penulis",
    "pengguna", "pemilik", "creator", "uploader", "email", "phone", "telepon",
)  # fmt: skip
_AUTHOR_LIKE_WORDS = {"id", "name", "nama", "nip", "nik", "nick", "hp"}
# Columns the scorer adds: never pseudonymised, never warned about.
TOOL_COLUMNS = {
    "score", "flagged", "category", "category_score", "duplicate_of", "reasons",
    "input_line", "reject_reason", "sheet", "source_file",
}  # fmt: skip

# A profile or post URL of a platform whose paths name the author, with or without scheme,
# www./mobile./m. prefix; not inside a longer host (netflix.com) or an e-mail address.
_SOCIAL_URL = re.compile(
    r"(?i)(?<![\w.@/-])"
    r"(?P<head>(?:https?://)?(?:(?:www|mobile|m|web|mbasic|touch|vm|vt|music)\.)?"
    r"(?P<host>x\.com|twitter\.com|instagram\.com|tiktok\.com|facebook\.com|fb\.com"
    r"|youtube\.com|youtu\.be))"
    r"(?![\w.-])(?P<path>/[^\s\"'<>]*)?"
)
# First path segments that are site pages, not accounts (per platform family).
_NOT_ACCOUNTS = {
    "x": {
        "i", "hashtag", "search", "home", "explore", "intent", "share", "settings",
        "messages", "notifications", "compose", "login", "signup", "tos", "privacy",
        "download", "about",
    },
    "instagram": {"explore", "accounts", "direct", "about", "developer", "legal"},
    "facebook": {
        "profile.php", "permalink.php", "story.php", "photo.php", "photo", "watch", "groups",
        "events", "pages", "hashtag", "login", "help", "marketplace", "sharer",
        "sharer.php", "login.php", "reel", "gaming",
    },
}  # fmt: skip
# Query parameters that carry an author or post id.
_ID_PARAMS = {
    "id", "user_id", "screen_name", "story_fbid", "fbid", "v", "tweet_id", "status_id",
    "username", "video_id",
}  # fmt: skip


def guard_cell(value: object) -> object:
    """Neutralise one cell for CSV output (see the module docstring); non-strings pass through."""
    if isinstance(value, str) and value.startswith(_TRIGGERS) and not _NUMBER.match(value):
        return "'" + value
    return value


def unguard_cell(value: object) -> object:
    """Undo :func:`guard_cell`."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_TRIGGERS):
        return value[1:]
    return value


_FIRST = operator.itemgetter(slice(0, 1))
_TRIGGER_SET = frozenset(_TRIGGERS)


def _starts_with_trigger(column: pd.Series) -> np.ndarray:
    """(n,) bool: cells that are strings starting with a formula trigger. Each cell's first
    character is looked up in a set by C-level maps (a Python-level check of every cell, or
    a conversion to Arrow for its regex kernel, cost more than the rest of a write)."""
    values = column.to_numpy(dtype=object)
    try:
        firsts = map(_FIRST, values)
        return np.fromiter(map(_TRIGGER_SET.__contains__, firsts), dtype=bool, count=len(values))
    except TypeError:  # not all strings (missing values): check cell by cell
        return np.fromiter(
            (isinstance(v, str) and v.startswith(_TRIGGERS) for v in values),
            dtype=bool,
            count=len(values),
        )


def guard_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell, and every column name, passed through
    :func:`guard_cell` (the header row of a CSV is opened as cells too)."""
    out = frame.copy()
    out.columns = [guard_cell(c) for c in out.columns]
    for i in range(out.shape[1]):  # by position: guarded or input names may repeat
        column = out.iloc[:, i]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            # only cells that start with a trigger can change: find them in one vectorised
            # pass, then guard those few
            risky = _starts_with_trigger(column)
            if risky.any():
                column = column.copy()
                column[risky] = column[risky].map(guard_cell)
                out.isetitem(i, column)
    return out


def load_key(key_file: Path | None) -> bytes:
    """The pseudonymisation key: ``key_file``'s bytes, else ``$SCREENING_PSEUDONYM_KEY``."""
    if key_file is not None:
        try:
            key = key_file.read_bytes().strip()
        except OSError as exc:
            raise ScreeningError(
                f"cannot read pseudonym key file {key_file}: {exc.strerror}"
            ) from exc
    else:
        key = os.environ.get(KEY_ENV, "").encode()
    if len(key) < 16:
        raise PseudonymKeyError(
            f"pseudonymisation needs a secret key of 16+ characters, in ${KEY_ENV} or a key "
            "file (keep it secret; the same key gives the same pseudonyms)"
        )
    return key


def pseudonym(value: str, key: bytes) -> str:
    """``anon-`` + the first 16 hex digits of HMAC-SHA256(key, value); '' stays ''."""
    if not value:
        return value
    return (
        "anon-"
        + hmac.new(key, value.strip().lstrip("@").casefold().encode(), hashlib.sha256).hexdigest()[
            :16
        ]
    )


def _normal_name(column: object) -> str:
    """A column name for matching: camelCase split, casefolded, runs of anything but letters
    and digits (spaces, dashes, dots) as one underscore: 'Nama Akun', 'nama-akun',
    'namaAkun' -> 'nama_akun'."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(column))
    return re.sub(r"[\W_]+", "_", text.casefold()).strip("_")


def _is_author_column(name: str) -> bool:
    """True for a normalised column name that holds an author's name, handle, id or contact."""
    words = set(name.split("_"))
    compact = name.replace("_", "")
    return (
        name in AUTHOR_COLUMNS
        or re.search(r"user.*name|screenname|displayname", compact) is not None
        or bool(words & _OWNER_WORDS and words & _IDENTITY_WORDS)
        or re.fullmatch(r"(user|author|owner|channel|account|profile|akun)(id|idstr)", compact)
        is not None
    )


def _is_post_id_column(name: str) -> bool:
    """True for a normalised column name that holds a post/status/media id."""
    words = name.split("_")
    if words[-1] == "str":
        words = words[:-1]
    return (
        name in _POST_EXACT
        or (len(words) > 1 and words[-1] == "id" and bool(set(words[:-1]) & _POST_WORDS))
        or re.fullmatch(r"(tweet|status|post|conversation|comment|video|media)id(str)?", name)
        is not None
    )


def _is_url_column(name: str) -> bool:
    """True for a normalised column name that holds links (tweet_url, permalink, tautan)."""
    return bool(set(name.split("_")) & _URL_WORDS) or "url" in name or "link" in name


def _missing(value: object) -> bool:
    """True for None, NaN and pd.NA (kept as gaps: a pseudonym of 'nan' would be noise)."""
    if value is None or isinstance(value, str):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like cells are not missing
        return False


def _as_text(value: object) -> str:
    """A cell as the text its pseudonym is computed from: an integral float (an id read by a
    reader that knew no nullable integers) gives the same text as the integer."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _rewrite_url(match: re.Match[str], key: bytes) -> str:
    """One social URL with its handle and post id (path segments and id query parameters)
    replaced by pseudonyms; site pages (x.com/search, facebook.com/groups) keep their names."""
    head, host, path = match.group("head"), match.group("host").casefold(), match.group("path")
    if not path:
        return match.group(0)
    cut = min((i for i in (path.find("?"), path.find("#")) if i >= 0), default=len(path))
    segs, tail = path[:cut].split("/"), path[cut:]

    def anon(i: int) -> None:
        if i < len(segs) and segs[i]:
            at = "@" if segs[i].startswith("@") else ""
            segs[i] = at + pseudonym(segs[i], key)

    def after(*words: str) -> None:  # the segment after each of ``words`` is an id
        for i in range(1, len(segs) - 1):
            if segs[i].casefold() in words:
                anon(i + 1)

    first = segs[1].casefold() if len(segs) > 1 else ""
    sub = head.casefold().split("//")[-1].split(".")[0]
    if host in ("x.com", "twitter.com"):
        if first and first not in _NOT_ACCOUNTS["x"]:
            anon(1)
        after("status", "statuses", "user")
    elif host == "instagram.com":
        if first in ("p", "reel", "reels", "tv"):
            anon(2)
        elif first == "stories":
            anon(2)
            anon(3)
        elif first and first not in _NOT_ACCOUNTS["instagram"]:
            anon(1)
    elif host == "tiktok.com":
        if sub in ("vm", "vt") or first == "t":
            anon(1 if sub in ("vm", "vt") else 2)
        elif first.startswith("@"):
            anon(1)
        after("video", "photo")
    elif host in ("facebook.com", "fb.com"):
        if first == "people":
            anon(2)
            anon(3)
        elif first == "share":
            for i in range(2, len(segs)):
                if segs[i].casefold() not in ("p", "r", "v"):
                    anon(i)
        elif first and first not in _NOT_ACCOUNTS["facebook"]:
            anon(1)
        after("posts", "videos", "photos", "activity", "permalink", "reel")
    elif host == "youtube.com":
        if first.startswith("@"):
            anon(1)
        elif first in ("channel", "c", "user", "shorts", "live", "embed", "v"):
            anon(2)
    else:  # youtu.be/<video id>
        anon(1)
    if tail.startswith("?"):
        query, hash_, frag = tail[1:].partition("#")
        params = []
        for part in query.split("&"):
            name, eq, value = part.partition("=")
            if eq and value and name.casefold() in _ID_PARAMS:
                value = pseudonym(value, key)
            params.append(name + eq + value)
        tail = "?" + "&".join(params) + hash_ + frag
    return head + "/".join(segs) + tail


def pseudonymize(
    frame: pd.DataFrame, key: bytes, *, keep: Iterable[str] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """Replace author data with keyed pseudonyms (:func:`pseudonym`).

    * author columns (name, handle, user id, NIP, e-mail, ...: see :func:`_is_author_column`)
      and post/status id columns (``id``, ``id_str``, ``tweet_id``, ``conversation_id``, ...)
      are replaced cell by cell; missing cells stay missing, so the output keeps its gaps;
    * in link columns (``*url*``, ``*link*``, ``permalink``, ``tautan``) every profile/post URL
      of X/Twitter, Instagram, TikTok, Facebook and YouTube, with or without ``https://``,
      ``www.`` or ``mobile.``, loses its handle and post id; in any other column a cell that
      is nothing but such a URL is rewritten the same way;
    * ``keep`` (e.g. the post text column) and the scorer's own columns are never touched.

    The same handle or id gives the same pseudonym in every column and every file scored with
    the same key, so duplicates and joins still work. Returns the new frame (``frame`` is not
    modified) and the names of the columns pseudonymised: author and id columns always, link
    and other columns when a cell changed. :func:`author_like_left` names what was left.
    """
    kept = {str(c) for c in keep}
    out = frame.copy(deep=False)  # columns are replaced, never modified in place
    changed: list[str] = []

    def url_cell(value: object) -> object:
        if not isinstance(value, str) or "." not in value:
            return value
        return _SOCIAL_URL.sub(lambda m: _rewrite_url(m, key), value)

    def whole_url_cell(value: object) -> object:
        if not isinstance(value, str) or _SOCIAL_URL.fullmatch(value.strip()) is None:
            return value
        return url_cell(value)

    def author_cell(value: object) -> object:
        return value if _missing(value) else pseudonym(_as_text(value), key)

    def author_url_cell(value: object) -> object:  # a profile link: keep the site if known
        if _missing(value) or not isinstance(value, str):
            return author_cell(value)
        new = url_cell(value)
        return new if new != value else author_cell(value)

    for i, col in enumerate(frame.columns):
        if str(col) in kept or str(col) in TOOL_COLUMNS:
            continue
        name = _normal_name(col)
        column = frame.iloc[:, i]
        cell: Callable[[object], object]
        if _is_author_column(name) or _is_post_id_column(name):
            cell = author_url_cell if _is_url_column(name) else author_cell
            out.isetitem(i, pd.Series([cell(v) for v in column], index=column.index, dtype=object))
            changed.append(str(col))
            continue
        if column.dtype != object and not pd.api.types.is_string_dtype(column):
            continue  # numbers, booleans, dates hold no URL
        cell = url_cell if _is_url_column(name) else whole_url_cell
        values = column.tolist()
        new = [cell(v) for v in values]
        if new != values:
            out.isetitem(i, pd.Series(new, index=column.index, dtype=object))
            changed.append(str(col))
    return out, changed


def author_like_left(columns: Iterable[object], *, keep: Iterable[str] = ()) -> list[str]:
    """Names among ``columns`` that look like author data (user_location, author_bio,
    channel_title, record_id, ...: a name containing user/author/akun/handle/account/profile/
    channel/owner/penulis/pengguna/..., or the word id/name/nama/nip) but that
    :func:`pseudonymize` does not replace wholesale, in column order; ``keep`` and the
    scorer's own columns are not listed. For a warning: a human should check them."""
    kept = {str(c) for c in keep}
    left = []
    for col in columns:
        if str(col) in kept or str(col) in TOOL_COLUMNS:
            continue
        name = _normal_name(col)
        if _is_author_column(name) or _is_post_id_column(name):
            continue
        compact = name.replace("_", "")
        if any(p in compact for p in _AUTHOR_LIKE_PARTS) or set(name.split("_")) & (
            _AUTHOR_LIKE_WORDS
        ):
            left.append(str(col))
    return left
