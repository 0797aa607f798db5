"""Adversarial use of the review loop (issue 11, items 6, 9, 11, 14 and 17).

Pins: control characters in post text survive an XLSX queue (no IllegalCharacterError, original
text back on import); formula-like texts (``=cmd|...``, ``'=x``) come back from queue -> import
-> export exactly, and the exported labels CSV is formula-guarded; the review page refuses
requests whose Host header is not the bound host and port (DNS rebinding) and form posts whose
Origin is not exactly ``http://HOST:PORT``; an empty store exports a header-only labels file;
``review queue`` names the first non-numeric score's line, skips (and counts) rejected rows of
Dask output and reads a Dask output directory of Parquet part files; ``review serve`` on a port
in use says so in one line (exit 1) before printing any URL; review verbs refuse an existing
output before doing any work.
"""

from __future__ import annotations

import csv
import http.client
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from screening.cli.app import app
from screening.review.store import Store
from tests.helpers import run_cli

runner = CliRunner()

CONTROL_TEXT = "tab\tkept, vt\x0bsoh\x01nul\x00 us\x1f end: coblos nomor 2"
FORMULA_TEXTS = ("=cmd|' /C calc'!A0", "'=x", "+62 812 dukung paslon 2", "@budi coblos 1")


def _scored(texts: list[str], scores: list[float] | None = None) -> pd.DataFrame:
    """A table as `screening score` writes it: every post flagged, scores falling."""
    n = len(texts)
    return pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "text": texts,
            "score": scores if scores is not None else [0.99 - 0.01 * i for i in range(n)],
            "flagged": [True] * n,
            "category": ["simbol"] * n,
            "category_score": [0.5] * n,
            "duplicate_of": [""] * n,
            "reasons": ["lexicon: nomor 2"] * n,
            "input_line": list(range(2, n + 2)),
        }
    )


def _queue(scored: Path, out: Path, model: Path, *extra: str) -> None:
    r = runner.invoke(
        app,
        ["review", "queue", str(scored), "-o", str(out), "-m", str(model), "--lang", "en", *extra],
    )
    assert r.exit_code == 0, (r.output, r.exception)


def _fill(queue: Path, decision: str = "partisan") -> None:
    """Set every row's decision as a reviewer would, leaving all other cells as they are."""
    if queue.suffix == ".xlsx":
        wb = openpyxl.load_workbook(queue)
        ws = wb.active
        col = [c.value for c in ws[1]].index("decision") + 1
        for row in range(2, ws.max_row + 1):
            ws.cell(row=row, column=col).value = decision
        wb.save(queue)
        return
    with open(queue, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("decision")
    for row in rows[1:]:
        row[col] = decision
    with open(queue, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(rows)


def _import(queue: Path, db: Path) -> None:
    r = runner.invoke(app, ["review", "import", str(queue), "--reviewer", "ani", "--db", str(db)])
    assert r.exit_code == 0, (r.output, r.exception)


def _stored_texts(db: Path) -> set[str]:
    with Store(db) as s:
        return {r["text"] for r in s.current()}


# --- item 6: control characters in an XLSX queue -------------------------------------------


def test_xlsx_queue_with_control_characters_is_written(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.parquet"
    _scored([CONTROL_TEXT, "biasa saja"]).to_parquet(scored, index=False)
    out = tmp_path / "queue.xlsx"
    _queue(scored, out, small_model)
    ws = openpyxl.load_workbook(out).active
    col = [c.value for c in ws[1]].index("text") + 1
    texts = [ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)]
    # the illegal controls are shown as control pictures; tab is legal and kept
    assert "tab\tkept, vt\u240bsoh\u2401nul\u2400 us\u241f end: coblos nomor 2" in texts


def test_xlsx_queue_round_trip_gives_back_control_characters(
    small_model: Path, tmp_path: Path
) -> None:
    scored = tmp_path / "scored.parquet"
    _scored([CONTROL_TEXT, "biasa saja"]).to_parquet(scored, index=False)
    out = tmp_path / "queue.xlsx"
    _queue(scored, out, small_model)
    _fill(out)
    _import(out, tmp_path / "r.db")
    assert _stored_texts(tmp_path / "r.db") == {CONTROL_TEXT, "biasa saja"}


# --- item 9: formula-like texts through queue -> import -> export ---------------------------


def _check_export(db: Path, tmp_path: Path) -> None:
    assert _stored_texts(db) == set(FORMULA_TEXTS)
    labels = tmp_path / "labels.csv"
    r = runner.invoke(app, ["review", "export", "--labels", str(labels), "--db", str(db)])
    assert r.exit_code == 0, (r.output, r.exception)
    with open(labels, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    raw = {row["text"] for row in rows}
    # every exported text cell that a spreadsheet would run is guarded by one quote; a plain
    # number-like '+62 ...' is text too, so it is guarded as well
    assert raw == {"'" + t for t in FORMULA_TEXTS}


def test_formula_texts_round_trip_through_an_xlsx_queue(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.parquet"  # Parquet: the texts stored exactly, no guard
    _scored(list(FORMULA_TEXTS)).to_parquet(scored, index=False)
    out = tmp_path / "queue.xlsx"
    _queue(scored, out, small_model)
    _fill(out)
    _import(out, tmp_path / "r.db")
    _check_export(tmp_path / "r.db", tmp_path)


def test_formula_texts_round_trip_through_a_csv_queue(small_model: Path, tmp_path: Path) -> None:
    from screening.io.writers import write_table

    scored = tmp_path / "scored.csv"  # guarded, as `screening score` writes it
    write_table(_scored(list(FORMULA_TEXTS)), scored, formula_guard=True)
    out = tmp_path / "queue.csv"
    _queue(scored, out, small_model)
    _fill(out)
    _import(out, tmp_path / "r.db")
    _check_export(tmp_path / "r.db", tmp_path)


# --- item 11: Host header and exact Origin on the review page ------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int, method: str, path: str, host: str, body: str = "", origin: str | None = None
) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": host, "Content-Type": "application/x-www-form-urlencoded"}
    if origin is not None:
        headers["Origin"] = origin
    try:
        conn.request(method, path, body=body.encode() or None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.fixture
def page(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """The review app served by uvicorn on 127.0.0.1:PORT, told its host and port."""
    import uvicorn

    from screening.data.guidance import load_guidance
    from screening.paths import GUIDANCE
    from screening.review.queue import build_queue
    from screening.review.web import create_app

    q = build_queue(_scored(["satu", "dua"]), 0.5, "test", load_guidance(GUIDANCE))
    db = tmp_path / "r.db"
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(
            create_app(q, str(db), host="127.0.0.1", port=port),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield port, db
    srv.should_exit = True
    t.join(timeout=10)


def _token(html: str) -> str:
    m = re.search(r'name="token" value="([^"]+)"', html)
    assert m, html
    return m.group(1)


def test_foreign_host_header_is_refused_before_any_handler(page: tuple[int, Path]) -> None:
    port, db = page
    status, html = _request(port, "GET", "/?reviewer=ani", f"127.0.0.1:{port}")
    assert status == 200
    token = _token(html)
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", ""):
        status, body = _request(port, "GET", "/?reviewer=ani", host)
        assert status in (400, 421) and token not in body, host
        form = f"reviewer=eve&post_id=p0&decision=partisan&category=simbol&token={token}"
        status, _ = _request(port, "POST", "/decide", host, form)
        assert status in (400, 421), host
    with Store(db) as s:
        assert s.count() == 0
    for host in (f"localhost:{port}", f"[::1]:{port}"):
        assert _request(port, "GET", "/", host)[0] == 200, host


def test_origin_must_match_scheme_host_and_port_exactly(page: tuple[int, Path]) -> None:
    port, db = page
    token = _token(_request(port, "GET", "/?reviewer=ani", f"127.0.0.1:{port}")[1])
    form = f"reviewer=ani&post_id=p0&decision=partisan&category=simbol&token={token}"
    host = f"127.0.0.1:{port}"
    for origin in (f"https://{host}", f"http://{host}.evil.example", "null", f"http://{host}/x"):
        assert _request(port, "POST", "/decide", host, form, origin)[0] == 403, origin
    with Store(db) as s:
        assert s.count() == 0
    assert _request(port, "POST", "/decide", host, form, f"http://{host}")[0] == 303
    with Store(db) as s:
        assert s.count() == 1


@pytest.mark.processes
def test_serve_refuses_a_foreign_host_header(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.parquet"
    _scored(["satu", "dua"]).to_parquet(scored, index=False)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "screening", "review", "serve", "--queue", str(scored),
         "--db", str(tmp_path / "r.db"), "--model", str(small_model), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                status, html = _request(port, "GET", "/?reviewer=ani", f"127.0.0.1:{port}")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr
                time.sleep(0.2)
        assert status == 200 and "token" in html
        status, body = _request(port, "GET", "/?reviewer=ani", f"evil.example:{port}")
        assert status in (400, 421) and _token(html) not in body
    finally:
        proc.terminate()
        proc.communicate(timeout=30)


# --- item 14: empty store, non-numeric scores, Dask output ---------------------------------


def test_export_from_an_empty_store_writes_a_header_only_file(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    r = runner.invoke(
        app, ["review", "export", "--labels", str(labels), "--db", str(tmp_path / "r.db")]
    )
    assert r.exit_code == 0, (r.output, r.exception)
    assert "0 labels" in r.output
    assert labels.read_text().splitlines()[0].replace('"', "").startswith("text,label,category")
    assert len(labels.read_text().splitlines()) == 1


def test_queue_names_the_first_non_numeric_score(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    frame = _scored(["satu", "dua", "tiga", "empat"]).astype({"score": object})
    frame.loc[2, "score"] = "abc"
    frame.loc[3, "score"] = "high"
    frame.to_csv(scored, index=False)
    r = run_cli("review", "queue", str(scored), "-o", str(tmp_path / "q.csv"),
                "--model", str(small_model))  # fmt: skip
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "line 4" in lines[0] and "score" in lines[0], r.stderr
    assert not (tmp_path / "q.csv").exists()


def _dask_output(out: Path) -> None:
    """A Dask engine output directory: Parquet part files, rejected rows kept with an empty
    score and a reject_reason."""
    out.mkdir()
    for i, texts in enumerate((["satu", "", "dua"], ["tiga", "empat"])):
        part = _scored(texts, scores=[0.9 - 0.1 * j for j in range(len(texts))])
        part["reject_reason"] = ["empty text" if not t else "" for t in texts]
        part.loc[part["reject_reason"] != "", ["score", "category_score"]] = float("nan")
        part.loc[part["reject_reason"] != "", ["flagged"]] = False
        part.loc[part["reject_reason"] != "", ["category", "reasons"]] = ""
        part["id"] = [f"f{i}-{j}" for j in range(len(texts))]
        part["source_file"] = f"in{i}.parquet"
        part.to_parquet(out / f"part.{i}.parquet", index=False)


def test_queue_reads_a_dask_output_directory_and_skips_rejected_rows(
    small_model: Path, tmp_path: Path
) -> None:
    scored = tmp_path / "scored"
    _dask_output(scored)
    out = tmp_path / "q.csv"
    r = runner.invoke(
        app,
        ["review", "queue", str(scored), "-o", str(out), "-m", str(small_model), "--lang", "en"],
    )
    assert r.exit_code == 0, (r.output, r.exception)
    assert "1 rejected row" in r.output
    q = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert sorted(q["text"]) == ["dua", "empat", "satu", "tiga"]
    assert set(q["post_id"]) == {"f0-0", "f0-2", "f1-0", "f1-1"}


# --- item 17: ports and outputs checked before work ---------------------------------------


def test_serve_on_a_port_in_use_is_one_line_and_exit_1(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.parquet"
    _scored(["satu"]).to_parquet(scored, index=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = run_cli("review", "serve", "--queue", str(scored), "--db", str(tmp_path / "r.db"),
                    "--model", str(small_model), "--port", str(port))  # fmt: skip
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [f"error: port {port} is in use"], r.stderr
    assert "http://" not in r.stdout


def test_queue_refuses_an_existing_output_before_reading_anything(tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    out.write_text("keep me")
    # neither the scored file nor the model exist: the output is checked first
    r = runner.invoke(
        app,
        ["review", "queue", str(tmp_path / "missing.csv"), "-o", str(out),
         "--model", str(tmp_path / "no-model")],
    )  # fmt: skip
    assert r.exit_code == 1
    assert "exists" in r.stderr and "--force" in r.stderr
    assert out.read_text() == "keep me"


def test_queue_refuses_to_overwrite_its_input(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "scored.csv"
    _scored(["satu"]).to_csv(scored, index=False)
    before = scored.read_bytes()
    r = runner.invoke(
        app,
        ["review", "queue", str(scored), "-o", str(scored), "--model", str(small_model),
         "--force"],
    )  # fmt: skip
    assert r.exit_code == 1 and "input" in r.stderr
    assert scored.read_bytes() == before


def test_export_refuses_an_existing_output_before_opening_the_store(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("keep me")
    bad_db = tmp_path / "db-is-a-dir"
    bad_db.mkdir()
    r = runner.invoke(app, ["review", "export", "--labels", str(labels), "--db", str(bad_db)])
    assert r.exit_code == 1
    assert "exists" in r.stderr and "--force" in r.stderr
    assert labels.read_text() == "keep me"
