"""Adversarial reproductions for `screening score` (issue 11, items 5-8 and 16, and --jobs).

Pins: input columns named like output columns are renamed without collisions (local and Dask
engines); control characters reach XLSX cells as visible control pictures and CSV, JSONL and
Parquet as they are; an output or rejects file that is the input (same path, symlink, hard
link, or a Dask output directory holding the inputs) is refused; an existing OUT.rejects.csv
is refused without --force before any work; Ctrl-C, SIGTERM and kill -9 leave no process and
(except kill -9, which cannot clean up) no temporary file, and print one line; --jobs is capped
at the cores available; every error line the CLI prints is one sanitised, length-capped line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from screening import paths
from screening.cli.app import app
from screening.errors import ScreeningError
from screening.io.writers import write_table
from screening.scoring.local import output_names
from screening.scoring.output_schema import OUTPUT_COLUMNS
from screening.scoring.parallel import available_cores
from tests.helpers import run_cli

runner = CliRunner()

POSTS = [
    "Ayo coblos nomor 2, Pak Budi lanjutkan!",
    "Selamat pagi semua, rapat jam 9",
    "Dukung terus paslon kita di pilkada",
]


def score(*args: str) -> object:
    """Run `screening score ARGS` in this process; the result of CliRunner.invoke."""
    return runner.invoke(app, ["score", *args])


def tmp_files(folder: Path) -> list[Path]:
    """Hidden temporary files the atomic writers leave when they are not cleaned up."""
    return sorted(folder.glob(".*.tmp"))


# --- item 5: renaming of input columns that clash with output columns -------------------------


def test_input_with_score_and_score_input_columns_is_scored(
    small_model: Path, tmp_path: Path
) -> None:
    src = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "text": POSTS,
            "score": ["s1", "s2", "s3"],
            "score_input": ["i1", "i2", "i3"],
            "flagged": ["f1", "f2", "f3"],
        }
    ).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    r = score(str(src), "-o", str(out), "--model", str(small_model), "--quiet")
    assert r.exit_code == 0, (r.output, r.exception)
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(set(df.columns)) == len(df.columns)
    assert df.columns[:4].tolist() == ["text", "score_input_2", "score_input", "flagged_input"]
    assert df["score_input_2"].tolist() == ["s1", "s2", "s3"]  # the input's own values, kept
    assert df["score_input"].tolist() == ["i1", "i2", "i3"]
    assert df["flagged_input"].tolist() == ["f1", "f2", "f3"]
    assert df["score"].astype(float).between(0, 1).all()


def test_output_names_are_collision_free() -> None:
    columns = ["score", "score_input", "score_input_2", "text", "input_line", "reasons_input"]
    clash, col = output_names(columns, "text")
    renamed = [clash.get(c, c) for c in columns]
    assert len(set(renamed)) == len(renamed)
    assert not set(renamed) & set(OUTPUT_COLUMNS)
    assert clash == {"score": "score_input_3", "input_line": "input_line_input"}
    assert col == "text"
    clash, col = output_names(["score", "score_input"], "score")
    assert col == "score_input_2"


def test_dask_engine_columns_never_collide(small_model: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    import pyarrow as pa
    import pyarrow.parquet as pq

    from screening.model.bundle import load_bundle
    from screening.scoring.distributed import _read_piece, _score_piece, output_meta, plan
    from screening.scoring.post_scorer import PostScorer

    frame = pd.DataFrame(
        {
            "text": POSTS,
            "reject_reason": ["r"] * 3,
            "reject_reason_input": ["ri"] * 3,
            "source_file": ["s"] * 3,
            "source_file_input": ["si"] * 3,
            "score": ["x"] * 3,
            "score_input": ["xi"] * 3,
        }
    )
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "p.parquet")
    columns, pieces = plan([tmp_path / "p.parquet"])
    assert len(set(columns)) == len(columns)
    assert not {"reject_reason", "source_file"} & set(columns)
    meta = output_meta(columns, "text")
    assert len(set(meta.columns)) == len(meta.columns)
    bundle = load_bundle(small_model)
    scorer = PostScorer(bundle.model, None, bundle.threshold)
    got = _score_piece(_read_piece(pieces[0], columns), scorer, "text", meta.dtypes.to_dict())
    assert got.columns.tolist() == meta.columns.tolist()
    kept = {c: got[c].iloc[0] for c in got.columns if c.endswith(("_input", "_input_2"))}
    assert sorted(kept.values()) == ["r", "ri", "s", "si", "x", "xi"]


# --- item 6: control characters in XLSX cells -------------------------------------------------

CONTROL_TEXT = "a\x0bb\x01c\x00d coblos nomor 2"


@pytest.mark.parametrize("ext", ["xlsx", "csv", "jsonl", "parquet"])
def test_control_characters_fit_every_output_format(tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"o.{ext}"
    frame = pd.DataFrame({"te\x01xt": [CONTROL_TEXT], "n": [1]})
    write_table(frame, out)
    assert tmp_files(tmp_path) == []
    if ext == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(out, read_only=True).active.iter_rows(values_only=True))
        assert rows == [("te\u2401xt", "n"), ("a\u240bb\u2401c\u2400d coblos nomor 2", 1)]
        return
    if ext == "csv":
        back = pd.read_csv(out, dtype=str, keep_default_na=False)
    elif ext == "jsonl":
        back = pd.read_json(out, lines=True, dtype=False)
    else:
        back = pd.read_parquet(out)
    assert back.columns.tolist() == ["te\x01xt", "n"]
    assert back["te\x01xt"].tolist() == [CONTROL_TEXT]  # kept raw outside XLSX


def test_score_writes_control_characters_to_xlsx(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.jsonl"
    src.write_text(
        "".join(
            json.dumps({"id": str(i), "text": t}) + "\n"
            for i, t in enumerate([CONTROL_TEXT, "tab\tand\nnewline stay", *POSTS])
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.xlsx"
    r = score(str(src), "-o", str(out), "--model", str(small_model), "--quiet")
    assert r.exit_code == 0, (r.output, r.exception)
    back = pd.read_excel(out, dtype=str)
    assert back["text"].tolist()[:2] == [
        "a\u240bb\u2401c\u2400d coblos nomor 2",
        "tab\tand\nnewline stay",
    ]


# --- item 7: the output or its rejects file is the input -------------------------------------


def _posts_csv(path: Path) -> bytes:
    pd.DataFrame({"text": POSTS}).to_csv(path, index=False)
    return path.read_bytes()


@pytest.mark.parametrize(
    "make_output",
    [
        pytest.param(lambda src: src, id="same-path"),
        pytest.param(lambda src: _link(src, os.symlink, "sym.csv"), id="symlink"),
        pytest.param(lambda src: _link(src, os.link, "hard.csv"), id="hard-link"),
        pytest.param(
            lambda src: src.parent / "sub" / ".." / src.name,
            id="dotdot",
        ),
    ],
)
def test_output_that_is_the_input_is_refused(
    small_model: Path, tmp_path: Path, make_output: Callable[[Path], Path]
) -> None:
    src = tmp_path / "posts.csv"
    before = _posts_csv(src)
    (tmp_path / "sub").mkdir()
    out = make_output(src)
    r = score(str(src), "-o", str(out), "--model", str(small_model), "--force")
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ") and "is the input" in r.stderr
    assert src.read_bytes() == before
    assert not Path(str(out) + ".rejects.csv").exists()
    assert tmp_files(tmp_path) == []


def _link(src: Path, make: Callable[[Path, Path], None], name: str) -> Path:
    link = src.parent / name
    make(src, link)
    return link


def test_rejects_file_that_is_the_input_is_refused(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "x.csv.rejects.csv"
    before = _posts_csv(src)
    r = run_cli("score", str(src), "-o", str(tmp_path / "x.csv"), "-m", str(small_model), "-f")
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "is the input" in lines[0] and "Traceback" not in r.stderr
    assert src.read_bytes() == before
    assert not (tmp_path / "x.csv").exists() and tmp_files(tmp_path) == []


def test_dask_output_directory_holding_the_inputs_is_refused(
    small_model: Path, tmp_path: Path
) -> None:
    pytest.importorskip("dask.dataframe")
    from screening.model.bundle import load_bundle
    from screening.scoring.distributed import score_dask

    folder = tmp_path / "exports"
    folder.mkdir()
    pd.DataFrame({"text": POSTS}).to_parquet(folder / "a.parquet", index=False)
    before = (folder / "a.parquet").read_bytes()
    bundle = load_bundle(small_model)
    for inputs, out in (
        (str(folder / "*.parquet"), folder),
        (str(folder), folder),
        (str(folder / "a.parquet"), folder / "a.parquet"),
        (str(folder / "a.parquet"), _link(folder, os.symlink, "exports-link")),
    ):
        with pytest.raises(ScreeningError, match="input"):
            score_dask(inputs, out, bundle, force=True)
        assert (folder / "a.parquet").read_bytes() == before


# --- item 8: an existing OUT.rejects.csv --------------------------------------------------------


def test_existing_rejects_file_is_refused_before_any_work(
    small_model: Path, tmp_path: Path
) -> None:
    src = tmp_path / "posts.csv"
    src.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)  # unreadable: reading it would fail
    out = tmp_path / "out.csv"
    rejects = tmp_path / "out.csv.rejects.csv"
    rejects.write_text("line,reason\n7,precious\n")
    # a model directory that does not exist: loading it first would fail with another message
    r = score(str(src), "-o", str(out), "--model", str(tmp_path / "no-model"))
    assert r.exit_code == 1
    assert r.stderr.startswith("error: "), r.exception
    assert str(rejects) in r.stderr and "exists" in r.stderr
    assert rejects.read_text() == "line,reason\n7,precious\n"
    assert not out.exists() and tmp_files(tmp_path) == []


def test_existing_rejects_file_is_replaced_with_force(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    pd.DataFrame({"text": [*POSTS, " "]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    rejects = tmp_path / "out.csv.rejects.csv"
    rejects.write_text("line,reason\n7,old\n")
    r = score(str(src), "-o", str(out), "--model", str(small_model), "--force", "--quiet")
    assert r.exit_code == 0, (r.output, r.exception)
    assert rejects.read_text() == "line,reason\n5,empty text\n"


# --- --jobs above the core count ---------------------------------------------------------------


def test_cap_jobs_is_pure() -> None:
    from screening.scoring.parallel import cap_jobs

    assert cap_jobs(None, 4) == 4
    assert cap_jobs(3, 4) == 3
    assert cap_jobs(64, 4) == 4
    assert cap_jobs(1, 1) == 1


def test_jobs_above_the_cores_are_capped_with_a_note(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    _posts_csv(src)
    cores = available_cores()
    r = score(str(src), "-o", str(tmp_path / "o.csv"), "-m", str(small_model), "--jobs", "10000")
    assert r.exit_code == 0, (r.output, r.exception)
    assert r.stderr.strip().splitlines() == [
        f"note: --jobs 10000 is more than the {cores} available cores; using {cores}"
    ]
    quiet = score(
        str(src), "-o", str(tmp_path / "q.csv"), "-m", str(small_model), "-j", "10000", "--json"
    )
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["jobs"] == cores


# --- item 15's safety net: every error line is one sanitised, capped line -----------------------


def test_one_line_strips_escapes_and_control_characters() -> None:
    from screening.messages import one_line

    evil = "bad \x1b[31mred\x1b[0m \x1b]0;title\x07name\nsecond\r\nthird\tx\x00y\x9b2Jz\u202eq"
    got = one_line(evil)
    assert got == "bad red name second third x\u2400yzq"
    assert "\x1b" not in got and "\n" not in got


def test_one_line_caps_the_length() -> None:
    from screening.messages import one_line

    got = one_line("x" * 5000)
    assert got == "x" * 2000 + "… (3000 more characters)"
    assert one_line("short") == "short"


def test_cli_error_with_escape_sequences_and_newlines_is_one_clean_line(
    small_model: Path, tmp_path: Path
) -> None:
    evil = tmp_path / "a\x1b[2J\x1b]0;owned\x07\nb.csv"
    r = run_cli("score", str(evil), "-o", str(tmp_path / "o.csv"), "-m", str(small_model))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr


def test_cli_usage_error_is_one_line(tmp_path: Path) -> None:
    r = run_cli("score", "x.csv", "-o", str(tmp_path / "o.csv"), "--bogus\x1b[31m")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--bogus" in lines[0], r.stderr
    assert "\x1b" not in r.stderr


# --- item 16: stopping a run: Ctrl-C, SIGTERM, kill -9 -----------------------------------------

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 140,000 distinct posts: tens of seconds of scoring, so a run can be stopped."""
    base = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False)["text"].tolist()
    texts = [f"{t} #{i}" for i, t in enumerate(base * 25)]
    out = tmp_path_factory.mktemp("big") / "big.csv"
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(out, index=False)
    return out


def _session(sid: int) -> list[int]:
    """Live (not zombie) processes of session ``sid``: the run and everything it started."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # after the parenthesised command name: state ppid pgrp session ...
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] not in "ZX":
            pids.append(int(entry))
    return pids


def _catches(pid: int, signum: int) -> bool:
    """Whether process ``pid`` has a handler installed for ``signum`` (/proc SigCgt mask)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 240
    while not condition():
        assert proc.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _start(big: Path, out: Path, err: Path, model: Path) -> subprocess.Popen[bytes]:
    args = [
        sys.executable, "-m", "screening", "score", str(big), "-o", str(out),
        "--model", str(model), "--jobs", "2", "--chunk-rows", "1000",
    ]  # fmt: skip
    with err.open("wb") as fh:
        return subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=fh,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )


def _workers_running(proc: subprocess.Popen[bytes], out_dir: Path) -> Callable[[], bool]:
    """True once workers score chunks: main, resource tracker, forkserver and 2 workers exist,
    and scored rows reach the output's temporary file."""

    def check() -> bool:
        return len(_session(proc.pid)) >= 5 and any(
            f.stat().st_size > 0 for f in out_dir.glob(".o.csv.*.tmp")
        )

    return check


def _stop(proc: subprocess.Popen[bytes], signum: int, group: bool) -> int:
    if group:
        os.killpg(proc.pid, signum)  # Ctrl-C at a terminal: every process of the group
    else:
        os.kill(proc.pid, signum)
    try:
        return proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()


def _assert_nothing_left(sid: int, out_dir: Path, temp_files: bool = False) -> None:
    deadline = time.monotonic() + 60
    while _session(sid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _session(sid)
    for pid in left:  # do not leak them into the rest of the test run
        os.kill(pid, signal.SIGKILL)
    assert left == [], "processes left behind"
    assert not (out_dir / "o.csv").exists()
    assert not (out_dir / "o.csv.rejects.csv").exists()
    if not temp_files:
        assert tmp_files(out_dir) == []


@pytest.mark.processes
@needs_proc
def test_ctrl_c_soon_after_start_prints_one_line(
    big_csv: Path, small_model: Path, tmp_path: Path
) -> None:
    err = tmp_path / "stderr.txt"
    proc = _start(big_csv, tmp_path / "o.csv", err, small_model)
    # the CLI's handlers are in place (SIGTERM caught), typically while it is still importing
    _wait_for(lambda: _catches(proc.pid, signal.SIGTERM), proc, "the CLI started")
    code = _stop(proc, signal.SIGINT, group=True)
    assert (code, err.read_text().splitlines()) == (130, ["interrupted"])
    _assert_nothing_left(proc.pid, tmp_path)


@pytest.mark.processes
@needs_proc
@pytest.mark.parametrize(
    ("signum", "group", "code", "message"),
    [
        pytest.param(signal.SIGINT, True, 130, "interrupted", id="ctrl-c"),
        pytest.param(signal.SIGINT, False, 130, "interrupted", id="sigint-main-only"),
        pytest.param(signal.SIGTERM, False, 143, "terminated", id="sigterm"),
    ],
)
def test_stopping_a_parallel_run_leaves_no_process_and_no_temp_file(
    big_csv: Path,
    small_model: Path,
    tmp_path: Path,
    signum: int,
    group: bool,
    code: int,
    message: str,
) -> None:
    err = tmp_path / "stderr.txt"
    proc = _start(big_csv, tmp_path / "o.csv", err, small_model)
    _wait_for(_workers_running(proc, tmp_path), proc, "workers were scoring")
    assert _stop(proc, signum, group) == code, err.read_text()[-3000:]
    assert err.read_text().splitlines() == [message]
    _assert_nothing_left(proc.pid, tmp_path)


STOP_WHILE_SENDING = """
import sys
from screening.scoring.parallel import ordered_map

def big(state, payload):
    return b"x" * 30_000_000  # workers spend most of their time sending this back

if __name__ == "__main__":
    for attempt in range(5):
        results = ordered_map(big, None, ((i, i) for i in range(8)), jobs=2)
        next(results)
        results.close()  # a stop: the workers are killed, likely half-way through a send
    print("stopped")
"""


@pytest.mark.processes
def test_stopping_while_workers_send_results_does_not_hang(tmp_path: Path) -> None:
    script = tmp_path / "stop.py"
    script.write_text(STOP_WHILE_SENDING)
    # a hang is the failure; the timeout only bounds it
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.split() == ["stopped"], r.stderr[-3000:]


@pytest.mark.processes
@needs_proc
def test_kill_9_of_the_main_process_takes_the_workers_with_it(
    big_csv: Path, small_model: Path, tmp_path: Path
) -> None:
    err = tmp_path / "stderr.txt"
    proc = _start(big_csv, tmp_path / "o.csv", err, small_model)
    _wait_for(_workers_running(proc, tmp_path), proc, "workers were scoring")
    assert _stop(proc, signal.SIGKILL, group=False) == -signal.SIGKILL
    # kill -9 cannot clean up: its hidden temporary file may stay, never a partial output
    _assert_nothing_left(proc.pid, tmp_path, temp_files=True)


# --- what the readers report reaches the score summary and the rejects -----------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def test_several_sheets_are_named_in_the_summary_and_the_rejects(
    small_model: Path, tmp_path: Path
) -> None:
    src = tmp_path / "export.xlsx"
    _workbook(
        src,
        {
            "januari": [["id", "text"], ["1", POSTS[0]], ["2", None]],
            "februari": [["id", "text"], ["3", None], ["4", POSTS[1]]],
            "catatan": [["keterangan"], ["bukan postingan"]],
        },
    )
    out = tmp_path / "scored.csv"
    r = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(small_model)])
    assert r.exit_code == 0, (r.output, r.exception)
    assert "sheets read: januari, februari" in r.output
    assert "not read: catatan" in r.output
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert scored["sheet"].tolist() == ["januari", "februari"]
    rejects = pd.read_csv(str(out) + ".rejects.csv", dtype=str)
    # row 3 of januari and row 2 of februari: line numbers alone would not say which sheet
    assert sorted(zip(rejects["line"], rejects["reason"], strict=True)) == [
        ("2", "empty text (sheet februari)"),
        ("3", "empty text (sheet januari)"),
    ]
    one = tmp_path / "one.csv"
    r = runner.invoke(
        app, ["score", str(src), "-o", str(one), "--model", str(small_model), "--sheet", "februari"]
    )
    assert r.exit_code == 0, (r.output, r.exception)
    assert pd.read_csv(one, dtype=str)["id"].tolist() == ["4"]


def test_mixed_encoding_lines_are_counted_in_the_summary(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "mixed.csv"
    body = "id,text\n1,caf\xe9 pagi ini ramai\n2,semangat pagi\n".encode("cp1252")
    src.write_bytes(body + "3,mantap \U0001f44d sekali\n".encode())
    r = runner.invoke(
        app, ["score", str(src), "-o", str(tmp_path / "o.csv"), "--model", str(small_model)]
    )
    assert r.exit_code == 0, (r.output, r.exception)
    assert "(1 lines in another encoding)" in r.output
    texts = pd.read_csv(tmp_path / "o.csv", dtype=str)["text"].tolist()
    assert texts[0] == "café pagi ini ramai" and texts[2] == "mantap \U0001f44d sekali"


def test_pseudonymize_warns_about_author_like_columns_it_left(
    small_model: Path, tmp_path: Path
) -> None:
    src = tmp_path / "p.csv"
    pd.DataFrame(
        {"username": ["budi", "sari"], "user_location": ["Serang", "Cilegon"], "text": POSTS[:2]}
    ).to_csv(src, index=False)
    r = runner.invoke(
        app,
        [
            "score",
            str(src),
            "-o",
            str(tmp_path / "o.csv"),
            "--model",
            str(small_model),
            "--pseudonymize",
        ],
        env={"SCREENING_PSEUDONYM_KEY": "k" * 32},
    )
    assert r.exit_code == 0, (r.output, r.exception)
    assert "pseudonymised columns: username" in r.output
    assert "warning: author-like columns left" in r.output and "user_location" in r.output


def test_dask_engine_keeps_integer_ids_with_nulls_exact(small_model: Path, tmp_path: Path) -> None:
    pytest.importorskip("dask.dataframe")
    import pyarrow as pa
    import pyarrow.parquet as pq

    from screening.scoring.distributed import _read_piece, plan

    ids = pa.array([1850985128734428161, None, 1850985128734428163], type=pa.int64())
    pq.write_table(pa.table({"id_str": ids, "text": POSTS[:3]}), tmp_path / "p.parquet")
    columns, pieces = plan([tmp_path / "p.parquet"])
    frame = _read_piece(pieces[0], columns)
    assert frame["id_str"].tolist() == ["1850985128734428161", "", "1850985128734428163"]
