"""Robustness and security: real exports accounted for, outputs protected, faults survived."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from screening import paths
from screening.io.privacy import guard_cell, pseudonym, unguard_cell
from screening.io.readers import decode_bytes, read_table, sniff_delimiter
from tests.helpers import REALDATA, run_cli

REAL_FILES = sorted(REALDATA.glob("*.[ct]sv")) if REALDATA.is_dir() else []


def independent_count(path: Path) -> int:
    """Records in a delimited file, counted by pandas' python parser (not our reader)."""
    text, _, _ = decode_bytes(path.read_bytes())
    bad = []
    df = pd.read_csv(
        io.StringIO(text),
        sep=sniff_delimiter(text[:65536], path.suffix.lower()),
        dtype=str,
        engine="python",
        on_bad_lines=lambda fields: bad.append(fields),
        skip_blank_lines=True,
        keep_default_na=False,
        quoting=csv.QUOTE_MINIMAL,
    )
    return len(df) + len(bad)


@pytest.mark.skipif(not REAL_FILES, reason="../shared/realdata is absent (evaluation data)")
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.name)
def test_every_real_export_is_accounted_for(full_model: Path, tmp_path: Path, path: Path) -> None:
    before = path.read_bytes()
    out = tmp_path / "o.csv"
    r = run_cli("score", str(path), "-o", str(out), "--model", str(full_model), "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["rows_in"] == s["scored"] + s["rejected"]
    assert s["rows_in"] == independent_count(path)
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    rejects = pd.read_csv(str(out) + ".rejects.csv")
    assert len(scored) == s["scored"] and len(rejects) == s["rejected"]
    assert not set(scored["input_line"].astype(int)) & set(rejects["line"])
    assert path.read_bytes() == before  # the input is never modified


def test_formula_cells_are_neutralised_and_recoverable(small_model: Path, tmp_path: Path) -> None:
    evil = [
        '=HYPERLINK("http://x.example","klik")',
        "+1+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "biasa",
    ]
    src = tmp_path / "p.csv"
    pd.DataFrame({"text": evil, "n": ["-1", "2", "3", "4", "5"]}).to_csv(src, index=False)
    guarded, raw = tmp_path / "g.csv", tmp_path / "r.csv"
    assert (
        run_cli("score", str(src), "-o", str(guarded), "--model", str(small_model)).returncode == 0
    )
    assert (
        run_cli(
            "score", str(src), "-o", str(raw), "--model", str(small_model), "--no-formula-guard"
        ).returncode
        == 0
    )
    g = pd.read_csv(guarded, dtype=str, keep_default_na=False)
    assert [t[0] for t in g["text"][:4]] == ["'"] * 4 and g["text"][4] == "biasa"
    assert g["n"].tolist() == ["-1", "2", "3", "4", "5"]  # plain numbers are not touched
    assert [unguard_cell(t) for t in g["text"]] == evil
    assert pd.read_csv(raw, dtype=str)["text"].tolist() == evil


@pytest.mark.parametrize(
    "value", ["=1", "'", "''=", "@", "\t\t", "x", "", "'hello", "-", "+62 812"]
)
def test_guard_round_trip(value: str) -> None:
    assert unguard_cell(guard_cell(value)) == value


def test_pseudonymize_replaces_authors_consistently(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text(
        "username,user_id_str,tweet_url,full_text\n"
        "budi_asn,111,https://x.com/budi_asn/status/1,Ayo coblos nomor 2 ✌\n"
        "budi_asn,111,https://x.com/budi_asn/status/2,selamat pagi\n"
        "sari,222,https://x.com/sari/status/3,hujan deras\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    key = "a-secret-key-of-enough-length"
    r = run_cli(
        "score",
        str(src),
        "-o",
        str(out),
        "--model",
        str(small_model),
        "--pseudonymize",
        env={"SCREENING_PSEUDONYM_KEY": key},
    )
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "budi_asn" not in text and "sari" not in text and "111" not in text.split("\n", 1)[1]
    df = pd.read_csv(out, dtype=str)
    assert df["username"].tolist() == [pseudonym("budi_asn", key.encode())] * 2 + [
        pseudonym("sari", key.encode())
    ]
    assert df["tweet_url"][0] == (
        f"https://x.com/{pseudonym('budi_asn', key.encode())}/status/{pseudonym('1', key.encode())}"
    )
    no_key = run_cli(
        "score",
        str(src),
        "-o",
        str(tmp_path / "x.csv"),
        "--model",
        str(small_model),
        "--pseudonymize",
        env={"SCREENING_PSEUDONYM_KEY": ""},
    )
    assert no_key.returncode == 1 and "secret key" in no_key.stderr


@pytest.mark.processes
def test_sigkill_midway_leaves_no_output_under_the_final_name(
    small_model: Path, tmp_path: Path
) -> None:
    base = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False)["text"]
    big = tmp_path / "big.csv"
    texts = [f"{t} #{i}" for i, t in enumerate(base.tolist() * 25)]  # ~130k distinct posts
    pd.DataFrame({"text": texts}).to_csv(big, index=False)
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "screening",
            "score",
            str(big),
            "-o",
            str(out),
            "--model",
            str(small_model),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # kill while the output is being written: the moment its temporary file appears
    deadline = time.monotonic() + 300
    while (
        not list(tmp_path.glob(".out.csv.*.tmp"))
        and proc.poll() is None
        and time.monotonic() < deadline
    ):
        time.sleep(0.005)
    assert proc.poll() is None, "scoring finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert list(tmp_path.glob(".out.csv.*.tmp")), "killed before writing began"
    assert not out.exists()
    assert not Path(str(out) + ".rejects.csv").exists()


def test_huge_field_and_mixed_line_endings(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    huge = "kata " * 30_000
    p.write_bytes(b"id,text\r\n1,halo\n2," + f'"{huge}"'.encode() + b'\r\n3,"a\r\nb"\n')
    t = read_table(p)
    assert t.frame["id"].tolist() == ["1", "2", "3"]
    assert t.frame["text"][2] == "a\r\nb" and len(t.frame["text"][1]) == len(huge)
    assert t.frame["line"].tolist() == [2, 3, 4]
