"""The CLI as users and the evaluation harness run it: train, score, evaluate, info."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from screening import paths
from screening.data.guidance import CATEGORIES
from tests.helpers import run_cli, run_entry


def test_train_writes_bundle_with_card(small_model: Path) -> None:
    card = json.loads((small_model / "card.json").read_text())
    assert (small_model / "model.joblib").is_file()
    assert card["training_data"]["rows"] == 500
    assert len(card["model_sha256"]) == 64
    assert 0 < card["threshold"] < 1
    assert "eval" in card["metrics"] and card["uses_to_avoid"]


def test_score_csv_keeps_columns_and_accounts_rows(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "posts.csv"
    src.write_text(
        "id_str,username,full_text\n"
        '1,a,"Ayo coblos nomor 2, Pak Budi lanjutkan! ✌"\n'
        "2,b,\n"
        "3,c,Selamat pagi semua\n"
        "4,d,Selamat pagi semua\n"
        "5,e,oops,extra\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    r = run_cli("score", str(src), "-o", str(out), "--model", str(small_model), "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert (s["rows_in"], s["scored"], s["rejected"], s["duplicates"]) == (5, 3, 2, 1)
    assert s["text_column"] == "full_text"
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(df.columns[:3]) == ["id_str", "username", "full_text"]
    assert {"score", "flagged", "category"} <= set(df.columns)
    assert set(df["flagged"]) <= {"true", "false"}
    assert df["score"].astype(float).between(0, 1).all()
    assert df.loc[df.id_str == "4", "duplicate_of"].item() == "4"  # line of the first copy
    rej = pd.read_csv(str(out) + ".rejects.csv")
    assert rej.values.tolist() == [[3, "empty text"], [6, "row has 4 fields, header has 3"]]


def test_score_refuses_to_overwrite_without_force(small_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("text\nhalo\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    out.write_text("precious\n")
    r = run_cli("score", str(src), "-o", str(out), "--model", str(small_model))
    assert r.returncode == 1 and "--force" in r.stderr and "Traceback" not in r.stderr
    assert out.read_text() == "precious\n"
    src_bytes = src.read_bytes()
    assert (
        run_cli(
            "score", str(src), "-o", str(out), "--model", str(small_model), "--force"
        ).returncode
        == 0
    )
    assert src.read_bytes() == src_bytes


@pytest.mark.parametrize("ext", ["jsonl", "parquet", "xlsx", "tsv"])
def test_score_other_formats(small_model: Path, tmp_path: Path, ext: str) -> None:
    df = pd.DataFrame({"message": ["Coblos nomor 1 ☝", "Hujan deras di Palu"], "n": ["1", "2"]})
    src = tmp_path / f"in.{ext}"
    {
        "jsonl": lambda: df.to_json(src, orient="records", lines=True),
        "parquet": lambda: df.to_parquet(src),
        "xlsx": lambda: df.to_excel(src, index=False),
        "tsv": lambda: df.to_csv(src, sep="\t", index=False),
    }[ext]()
    out = tmp_path / f"out.{ext}"
    r = run_cli("score", str(src), "-o", str(out), "--model", str(small_model), "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["scored"] == 2
    got = {
        "jsonl": lambda: pd.read_json(out, lines=True, dtype=False),
        "parquet": lambda: pd.read_parquet(out),
        "xlsx": lambda: pd.read_excel(out, dtype=str),
        "tsv": lambda: pd.read_csv(out, sep="\t", dtype=str),
    }[ext]()
    # the input's rows in order with its columns, and the scores a reviewer expects
    assert list(got["message"]) == list(df["message"]) and [str(n) for n in got["n"]] == ["1", "2"]
    scores = got["score"].astype(float)
    assert ((scores >= 0) & (scores <= 1)).all() and scores[0] > scores[1]


@pytest.mark.parametrize("spelling", ["--json", "-o", "--output"])
def test_evaluate_writes_json(small_model: Path, tmp_path: Path, spelling: str) -> None:
    # --json FILE is the spelling hidden harnesses use; -o/--output the one every verb shares
    out = tmp_path / "e.json"
    r = run_cli("evaluate", str(paths.EVAL_CSV), "--model", str(small_model), spelling, str(out))
    assert r.returncode == 0, r.stderr
    m = json.loads(out.read_text())
    assert m["n"] == len(pd.read_csv(paths.EVAL_CSV))
    cm = m["confusion_matrix"]
    assert cm["tp"] + cm["fn"] == m["positives"]
    assert tuple(m["per_category"]) == CATEGORIES
    assert m["lexicon"].endswith("candidates_eval.yaml")


def test_info_prints_card(small_model: Path) -> None:
    card = json.loads((small_model / "card.json").read_text())
    r = run_cli("info", "--model", str(small_model))
    assert r.returncode == 0
    # readable: the sections a maintainer looks for, in 80 columns, not raw JSON
    for section in ("Intended use", "Uses to avoid", "Threshold", "Training data", "Figures"):
        assert section in r.stdout
    assert card["model_sha256"][:12] in r.stdout and "{" not in r.stdout
    assert max(len(ln) for ln in r.stdout.splitlines() if str(small_model) not in ln) <= 80
    raw = run_cli("info", "--model", str(small_model), "--json")
    assert json.loads(raw.stdout)["model_sha256"] == card["model_sha256"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "nope.csv", "-o", "x.csv"], "input not found"),
        (["score", "{data}", "-o", "x.csv", "--model", "/nonexistent"], "no model at"),
        (["score", "{data}", "-o", "x.csv", "--text-col", "zzz"], "text column 'zzz' not found"),
        (
            ["score", "{data}", "-o", "x.csv", "--candidates", "missing.yaml"],
            "candidate lexicon not found",
        ),
        (["evaluate", "{data}", "--model", "/nonexistent"], "no model at"),
        (["info", "--model", "{data}"], "not a model directory"),
        (["train", "--data", "{data}", "--out", "x"], "missing column"),
    ],
)
def test_user_errors_exit_1_with_one_clear_message(
    small_model: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    argv = [a.replace("{data}", str(data)) for a in args]
    if "--model" not in argv and argv[0] in ("score", "evaluate"):
        argv += ["--model", str(small_model)]
    r = run_cli(*argv, cwd=tmp_path)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_corrupt_model_is_refused(small_model: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "card.json").write_text((small_model / "card.json").read_text())
    (bad / "model.joblib").write_bytes((small_model / "model.joblib").read_bytes()[:1000])
    r = run_cli("info", "--model", str(bad))
    assert r.returncode == 0  # the card alone is readable
    src = tmp_path / "p.csv"
    src.write_text("text\nhalo\n")
    r = run_cli("score", str(src), "-o", str(tmp_path / "o.csv"), "--model", str(bad))
    assert r.returncode == 1 and "does not match the card" in r.stderr


def _command_paths() -> list[list[str]]:
    import typer.main

    from screening.cli.app import _build

    def walk(cmd: Any, path: list[str]) -> list[list[str]]:
        subs = getattr(cmd, "commands", {})
        if not subs:
            return [path]
        return [p for name, sub in subs.items() for p in walk(sub, [*path, name])]

    return walk(typer.main.get_command(_build()), [])


@pytest.mark.parametrize("verb", _command_paths(), ids=" ".join)
def test_help_teaches_with_an_example_in_80_columns(verb: list[str]) -> None:
    r = run_cli(*verb, "--help")
    assert r.returncode == 0 and "Example:" in r.stdout, verb
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    # short metavars (PATH, FLOAT, [id|en]), not Python types
    options = r.stdout[r.stdout.index("Options:") :]
    assert not re.search(r"<[a-z]+(\[\w+\])?( range)?>", options), options


def test_bad_inputs_and_foreign_card_give_one_line_errors(
    small_model: Path, full_model: Path, tmp_path: Path
) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "card.json").write_text((small_model / "card.json").read_text())
    (foreign / "model.joblib").write_bytes((full_model / "model.joblib").read_bytes())
    cases = [
        (
            ["score", str(tmp_path), "-o", str(tmp_path / "o.csv"), "--model", str(small_model)],
            "is a directory",
        ),
        (
            ["score", str(binary), "-o", str(tmp_path / "o.csv"), "--model", str(small_model)],
            "binary",
        ),
        (
            ["score", str(binary), "-o", str(tmp_path / "o.csv"), "--model", str(foreign)],
            "does not match the card",
        ),
    ]
    for args, message in cases:
        r = run_cli(*args)
        assert r.returncode == 1 and message in r.stderr, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--help"],
        ["score", "--bogus"],
        ["score"],
        ["score", "posts.csv"],
        ["score", "no-such-file.csv", "-o", "out.csv"],
    ],
)
def test_a_verb_run_alone_reads_as_in_the_whole_app(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `screening score ...` registers score alone (its process then imports no scikit-learn);
    # its help, usage errors and exit codes must be the whole app's
    from typer.testing import CliRunner

    from screening.cli.app import _app_for, _build

    runner = CliRunner()
    alone = _app_for(args)
    assert [c.name for c in alone.registered_commands] == ["score"]
    monkeypatch.chdir(tmp_path)
    a = runner.invoke(_build(), args, terminal_width=80)
    b = runner.invoke(alone, args, terminal_width=80)
    assert (b.exit_code, b.output) == (a.exit_code, a.output)
    assert b.stderr == a.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--bogus"],
        ["score", "missing.csv", "-o", "out.csv"],
        ["info", "--model", "nowhere"],
        ["no-such-verb"],
        ["review", "stats", "--db", "."],
    ],
)
def test_in_process_runs_give_what_the_entry_point_gives(args: list[str], tmp_path: Path) -> None:
    # most CLI tests run in-process (run_cli); this pins that they see what users see
    inside = run_cli(*args, cwd=tmp_path)
    entry = run_entry(*args, cwd=tmp_path)
    assert inside.returncode != 0 and inside.stderr.startswith("error: ")
    seen = (
        entry.returncode,
        entry.stdout,
        entry.stderr.replace("python -m screening", "screening"),
    )
    assert seen == (inside.returncode, inside.stdout, inside.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "posts.csv"], "Missing option '--output'"),
        (["score", "posts.csv", "-o", "x.csv", "--jobs", "many"], "Invalid value for '--jobs'"),
        (["no-such-verb"], "No such command"),
        (["review", "import", "x.xlsx"], "Missing option '--reviewer'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    r = run_cli(*args, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert len(r.stderr.splitlines()) == 1 and "--help" in r.stderr


def test_no_verb_shows_the_help_and_exits_2() -> None:
    r = run_cli()
    assert r.returncode == 2 and "Commands" in r.stdout + r.stderr


def test_version_prints_the_package_version() -> None:
    import screening
    from screening.cli.app import _app_for

    for argv in (["--version"], ["--version", "score"], ["--version", "info"]):
        r = run_cli(*argv)
        assert (r.returncode, r.stdout) == (0, f"screening {screening.__version__}\n"), argv
    # answered by a light app (no scikit-learn to import: 0.6 s instead of 1.7 s)
    assert [c.name for c in _app_for(["--version"]).registered_commands] == ["score"]


@pytest.mark.parametrize("spelling", ["--out", "-o", "--output"])
def test_train_writes_the_bundle_where_any_output_spelling_says(
    small_train_csv: Path, tmp_path: Path, spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # which folder the option names is the CLI's job: the training itself is stubbed here
    # (the small_model fixture and test_train_force_replaces_an_existing_bundle train for real)
    import screening.cli.train as cli

    asked: list[tuple[Path, Path]] = []
    monkeypatch.setattr(
        cli, "train", lambda config, out_dir, **_: asked.append((config.train_csv, out_dir))
    )
    out = tmp_path / "bundle"
    r = run_cli("train", "--data", str(small_train_csv), spelling, str(out), "--quiet")
    assert r.returncode == 0, r.stderr
    assert asked == [(small_train_csv, out)]


def test_library_errors_name_no_flags_and_the_cli_adds_them(tmp_path: Path) -> None:
    # the library says what is wrong; which flag to pass is the CLI's to say
    from screening.errors import ModelNotFoundError
    from screening.model.bundle import read_card

    with pytest.raises(ModelNotFoundError) as caught:
        read_card(tmp_path / "nowhere")
    assert "--" not in str(caught.value) and "no model at" in str(caught.value)
    r = run_cli("info", "--model", str(tmp_path / "nowhere"))
    assert r.returncode == 1 and "train one with `screening train -o" in r.stderr
    assert "pass --model DIR" in r.stderr
    sheet = tmp_path / "q.csv"
    sheet.write_text("post_id,text,decision\n1,halo,partisan\n", encoding="utf-8")
    r = run_cli("review", "import", str(sheet), "--reviewer", "  ", "--db", str(tmp_path / "r.db"))
    assert r.returncode == 1 and "--reviewer NAME is required" in r.stderr


def test_no_error_the_library_raises_names_a_cli_option() -> None:
    # every raise outside screening/cli/: no "--flag" in its message's literal parts
    flag = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
    found = []
    for path in (paths.ROOT / "screening").rglob("*.py"):
        if "cli" in path.relative_to(paths.ROOT / "screening").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                found += [
                    f"{path.name}:{node.lineno}: {part.value}"
                    for part in ast.walk(node.exc)
                    if isinstance(part, ast.Constant)
                    and isinstance(part.value, str)
                    and flag.search(part.value)
                ]
    assert found == []


def test_the_cli_adds_the_option_to_a_library_error(
    tmp_path: Path, small_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screening.cli.exit_codes import option_hint
    from screening.errors import PseudonymKeyError, TextColumnError, WorkerDiedError
    from screening.io.privacy import KEY_ENV, load_key
    from screening.io.readers import find_text_column

    with pytest.raises(TextColumnError) as no_column:
        find_text_column(["nomor", "tanggal"], None)
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(PseudonymKeyError) as no_key:
        load_key(None)
    for exc in (no_column.value, no_key.value, WorkerDiedError("a worker process died")):
        assert "--" not in str(exc) and "--" in (option_hint(exc) or "")
    posts = tmp_path / "p.csv"
    posts.write_text("nomor,tanggal\n1,2024-01-01\n", encoding="utf-8")
    out = str(tmp_path / "o.csv")
    r = run_cli("score", str(posts), "-o", out, "--model", str(small_model))
    assert r.returncode == 1 and r.stderr.rstrip().endswith("; pass --text-col NAME"), r.stderr
    posts.write_text("text\nhalo\n", encoding="utf-8")
    r = run_cli("score", str(posts), "-o", out, "--model", str(small_model), "--pseudonymize")
    assert r.returncode == 1 and "with --pseudonym-key-file FILE" in r.stderr, r.stderr


def test_evaluate_refuses_existing_outputs_without_force(small_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "e.json"
    out.write_text("precious\n", encoding="utf-8")
    argv = ["evaluate", str(paths.EVAL_CSV), "--model", str(small_model), "--json", str(out)]
    r = run_cli(*argv)
    assert r.returncode == 1 and "exists; pass --force" in r.stderr
    assert out.read_text(encoding="utf-8") == "precious\n"
    r = run_cli(*argv, "--force")
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["n"] > 0


@pytest.mark.parametrize(
    ("column", "extra"),
    [("full_text", []), ("isi_postingan", ["--text-col", "isi_postingan"]), ("text", [])],
)
def test_evaluate_and_thresholds_find_the_text_column_as_score_does(
    small_model: Path, tmp_path: Path, column: str, extra: list[str]
) -> None:
    ev = pd.read_csv(paths.EVAL_CSV, dtype=str, keep_default_na=False).head(300)
    data = tmp_path / "labelled.csv"
    ev.rename(columns={"text": column}).to_csv(data, index=False)
    got = []
    for verb, out in (("evaluate", "e.json"), ("thresholds", "t.json")):
        r = run_cli(verb, str(data), "-m", str(small_model), *extra, "-o", str(tmp_path / out))
        assert r.returncode == 0, (verb, r.stderr)
        got.append(json.loads((tmp_path / out).read_text(encoding="utf-8")))
    # the same posts as when the column is called text: the same figures
    ev.to_csv(tmp_path / "plain.csv", index=False)
    r = run_cli(
        "evaluate",
        str(tmp_path / "plain.csv"),
        "-m",
        str(small_model),
        "-o",
        str(tmp_path / "p.json"),
    )
    assert r.returncode == 0, r.stderr
    plain = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert got[0]["average_precision"] == plain["average_precision"] and got[0]["n"] == 300


def test_a_labelled_file_without_a_text_column_is_refused(
    small_model: Path, tmp_path: Path
) -> None:
    data = tmp_path / "labelled.csv"
    data.write_text("isi,label\nhalo,0\n", encoding="utf-8")
    r = run_cli("evaluate", str(data), "-m", str(small_model), "--text-col", "teks")
    assert r.returncode == 1 and "text column 'teks' not found" in r.stderr
    assert r.stderr.rstrip().endswith("; check --text-col")
