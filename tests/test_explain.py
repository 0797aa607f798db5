"""Why a post is flagged: readable reasons in score output and the explain verb."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from screening import paths
from screening.model.bundle import load_bundle
from screening.model.explain import readable
from tests.helpers import run_cli


def test_readable_feature_names() -> None:
    assert readable("word__ayo xcalonx") == "ayo [name]"
    assert readable("char__ cobl") == "…cobl…"
    assert readable("char__lonx ") is None  # a piece of a placeholder token
    assert readable("context__no_election_context") == "[no election words]"


def test_explanations_add_up_to_the_linear_score(full_model: Path) -> None:
    m = load_bundle(full_model).model
    text = "Ayo coblos nomor 2 ✌ lanjutkan"
    Z = m.featurize([text], None).toarray()[0]
    contrib = Z * m.coefficients()
    top = m.explain([text], None, k=3)[0]
    assert [round(w, 6) for _, w in top] == [
        round(w, 6) for w in sorted(contrib[contrib > 0])[::-1][:3]
    ]


def test_score_output_has_reasons_for_flagged_rows(full_model: Path, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    posts = ["Ayo coblos nomor 2, Koh Benny lanjutkan! ✌ #BEHINMenang", "resep sambal matah enak"]
    pd.DataFrame({"text": posts}).to_csv(src, index=False)
    out = tmp_path / "o.csv"
    lexicon = str(paths.EVAL_LEXICON)
    r = run_cli(
        "score", str(src), "-o", str(out), "--model", str(full_model), "--json", "-c", lexicon
    )
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    flagged = df["flagged"] == "true"
    assert flagged.tolist() == [True, False]
    assert "[name]" in df["reasons"][0] and f"| {df['category'][0]}:" in df["reasons"][0]
    assert df["reasons"][1] == ""
    assert json.loads(r.stdout)["flagged"] == 1


def test_explain_verb(full_model: Path, tmp_path: Path) -> None:
    r = run_cli("explain", "Salam dua jari ✌ buat paslon nomor 2", "--model", str(full_model))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("score ") and "legal basis:" in r.stdout and "guidance," in r.stdout
    src = tmp_path / "p.csv"
    src.write_text("id,text\nabc,Coblos nomor 1 ☝\n", encoding="utf-8")
    r = run_cli("explain", "--input", str(src), "--id", "abc", "--model", str(full_model))
    assert r.returncode == 0 and "score" in r.stdout
    bad = run_cli("explain", "--input", str(src), "--id", "zzz", "--model", str(full_model))
    assert bad.returncode == 1 and "no post with id" in bad.stderr
    # the score printed for the post read from the file is the model's score of its text
    model = load_bundle(full_model).model
    assert float(r.stdout.split()[1]) == pytest.approx(
        model.screen(["Coblos nomor 1 ☝"]).score[0], abs=1e-3
    )


def test_explain_shows_category_and_law_only_for_flagged_posts(small_model: Path) -> None:
    calm = run_cli("explain", "selamat pagi semua, hujan deras di Medan", "-m", str(small_model))
    assert calm.returncode == 0 and "not flagged" in calm.stdout
    assert not any(line.startswith("category ") for line in calm.stdout.splitlines())
    assert "legal basis" not in calm.stdout and "guidance," not in calm.stdout
    # the gate that lowered the score is named
    assert "election context: no election vocabulary" in calm.stdout
    empty = run_cli("explain", "   ", "-m", str(small_model))
    assert empty.returncode == 0 and empty.stdout.startswith("empty text")
