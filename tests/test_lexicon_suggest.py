"""`screening lexicon suggest`: drafting a lexicon from an export (issue 13, item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from screening import paths
from screening.cli.exit_codes import ScreeningGroup
from screening.cli.lexicon_suggest import command
from screening.lexicon.candidates import CandidateLexicon, term_key
from screening.lexicon.suggest import ballot_numbers, recovered, suggest

SAMPLE = paths.DATA_DIR / "sample_posts.csv"
SAMPLE_LEXICON = paths.DATA_DIR / "candidates_sample.yaml"

# Hand-written posts about a fictional election (never real data). Pair 1 is Budi
# Santoso-Sari Wulan ("BUSA"), pair 2 Dedi Kurnia-Eka Putri ("DEKA").
POSTS = [
    "Ayo coblos nomor 1, Budi Santoso-Sari Wulan untuk Kota Contoh! #BUSAMenang",
    "Pak Budi hadir di posko relawan malam ini, ramai nian. no 1 pasti menang",
    "Relawan BUSA siap door to door, coblos no 1 ya kawan #BUSAMenang",
    "Dedi Kurnia-Eka Putri nomor urut 2 kampanye di pasar, pilih DEKA 02!",
    "Budi Santoso paling jujur, coblos no 1",
    "Dukung DEKA 2 nomor urut 2, Bu Eka paling peduli ibu2 #DEKAJuara",
    "Bu Eka blusukan lagi ke pasar, pilih paslon 2 #DEKAJuara",
    "Besok pagi kerja bakti di kantor, bawa cangkul ya",
    "besok hujan lagi kata BMKG, jangan lupa payung",
    "Pegawai ASN wajib netral di pilkada, ingat ya #asnnetral",
    "ASN harus netral saat pilkada, jangan ikut kampanye",
]


def _reference_terms() -> list[tuple[str, str | None]]:
    """(term, ballot number) of every name and hashtag of the demo lexicon."""
    lex = CandidateLexicon.from_yaml(SAMPLE_LEXICON)
    return [(t, c.number) for c in lex.candidates for t in (*c.names, *c.hashtags)]


def _app() -> typer.Typer:
    """The command as `lexicon suggest` is registered (errors mapped to exit codes and one
    line, as in the app), without the rest of the CLI."""
    app = typer.Typer(add_completion=False, cls=ScreeningGroup)
    app.command("suggest")(command)

    @app.callback()
    def _lexicon() -> None:
        """Lexicon verbs (stand-in group so the command keeps its name)."""

    return app


@pytest.fixture()
def posts_csv(tmp_path: Path) -> Path:
    path = tmp_path / "posts.csv"
    pd.DataFrame({"id": range(len(POSTS)), "text": POSTS}).to_csv(path, index=False)
    return path


def test_demo_export_recovers_most_of_its_lexicon() -> None:
    result = suggest(SAMPLE)
    reference = _reference_terms()
    found = recovered(result, [t for t, _ in reference])
    # measured: 21 of the 21 names, nicknames, pair acronyms and hashtags
    assert len(found) >= 19, sorted({t for t, _ in reference} - set(found))
    by_key = {term_key(s.term): s.number for s in result.suggestions}
    right = [t for t, n in reference if by_key.get(term_key(t)) == n]
    wrong = [t for t, n in reference if by_key.get(term_key(t)) not in (n, None)]
    # measured: 16 filed under their own ballot number, the other 5 left ungrouped
    assert len(right) >= 14, right
    assert wrong == []


def test_hand_written_posts(posts_csv: Path) -> None:
    result = suggest(posts_csv)
    got = {(s.kind, s.term): s for s in result.suggestions}
    assert got[("name", "Budi Santoso")].number == "1"
    assert got[("name", "Budi Santoso")].count == 2
    assert got[("acronym", "DEKA")].number == "2"
    assert got[("hashtag", "#BUSAMenang")].number == "1"
    assert got[("hashtag", "#DEKAJuara")].number == "2"
    assert got[("name", "Bu Eka")].number == "2"
    assert got[("name", "Bu Eka")].count == 2
    assert "Bu Eka" in got[("name", "Bu Eka")].example
    # a sentence-initial everyday word, a common abbreviation and a lower-case tag are not
    # candidates' names
    terms = {s.term for s in result.suggestions}
    assert not terms & {"Besok", "ASN", "#asnnetral", "Pegawai", "Dukung"}
    assert result.ballot_numbers == {"1": 4, "2": 3}
    # a term in one post is proposed only with --min-count 1
    assert "BUSA" not in terms
    assert ("acronym", "BUSA") in {
        (s.kind, s.term) for s in suggest(posts_csv, min_count=1).suggestions
    }


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("no 2 pokoknya", {"2"}),
        ("nomor urut 1 paling amanah", {"1"}),
        ("nomer 3 ya", {"3"}),
        ("paslon 3 menang", {"3"}),
        ("#02 menang", {"2"}),
        ("ayo pilih 01!", {"1"}),
        ("coblos BUSA 2", {"2"}),
        ("tetap nomor DUA di hati", {"2"}),
        ("#DEKA2 💪", {"2"}),
        # not ballot numbers: a polling station, a time, a regulation, a quantity, and a
        # padded number in a post that is not about the election
        ("TPS 04 pindah, jangan lupa coblos", set()),
        ("kampanye mulai jam 07 pagi", set()),
        ("itu PP 94/2021 soal kampanye", set()),
        ("beras SPHP 5 kg murah", set()),
        ("antrian 01 sampai 09 di puskesmas", set()),
    ],
)
def test_ballot_numbers(text: str, numbers: set[str]) -> None:
    assert ballot_numbers(text) == numbers


def test_cli_writes_a_draft_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    r = CliRunner().invoke(_app(), ["suggest", str(SAMPLE), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output
    text = out.read_text(encoding="utf-8")
    # the header says it is a draft, in Indonesian first, then in English
    assert text.startswith("# DRAF leksikon")
    assert text.index("# DRAF leksikon") < text.index("# DRAFT candidate lexicon")
    lex = CandidateLexicon.from_yaml(out)
    numbers = {c.number: c for c in lex.candidates}
    assert {"1", "2", "3"} <= set(numbers)
    assert "ZULHEN" in numbers["2"].names and "#ZULHEN2" in numbers["2"].hashtags
    # counts and examples are comments on each term's line
    line = next(x for x in text.splitlines() if x.strip().startswith('- "Ratna-Amir"'))
    assert "posts; e.g." in line
    # RAJA is never written beside a number: it is grouped through the posts it shares
    # with Ratna-Amir (pass 3)
    assert "RAJA" in numbers["3"].names
    # ungrouped suggestions are commented out, so they do not load
    assert '\n# - "Jambi"  # 41 posts' in text
    assert "Jambi" not in {n for c in lex.candidates for n in c.names}


def test_cli_refuses_existing_output_without_force(posts_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text("precious\n", encoding="utf-8")
    r = CliRunner().invoke(_app(), ["suggest", str(posts_csv), "-o", str(out)])
    assert r.exit_code != 0 and r.stderr.startswith("error: ")
    assert "--force" in r.stderr
    assert out.read_text(encoding="utf-8") == "precious\n"
    r = CliRunner().invoke(_app(), ["suggest", str(posts_csv), "-o", str(out), "--force"])
    assert r.exit_code == 0, r.output
    assert "Bu Eka" in out.read_text(encoding="utf-8")


def test_cli_json_and_options(posts_csv: Path) -> None:
    r = CliRunner().invoke(_app(), ["suggest", str(posts_csv), "--json", "--top", "1"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    kinds = [s["kind"] for s in data["suggestions"]]
    assert sorted(kinds) == sorted(set(kinds))  # --top 1: one term per kind
    assert all({"term", "count", "number", "example"} <= set(s) for s in data["suggestions"])
    r = CliRunner().invoke(_app(), ["suggest", str(posts_csv), "--text-col", "nope"])
    assert r.stderr.startswith("error: ") and "nope" in r.stderr


def test_cli_prints_the_draft_without_output(posts_csv: Path) -> None:
    r = CliRunner().invoke(_app(), ["suggest", str(posts_csv)])
    assert r.exit_code == 0, r.output
    draft = yaml.safe_load(r.stdout)
    assert [c["number"] for c in draft["candidates"]] == [1, 2]


def test_help_fits_80_columns_and_has_an_example() -> None:
    r = CliRunner().invoke(_app(), ["suggest", "--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert r.exit_code == 0
    assert "Example:  screening lexicon suggest" in r.output
    assert max(len(x) for x in r.output.splitlines()) <= 80


def test_lower_case_export_falls_back_to_honorific_names(tmp_path: Path) -> None:
    # a cleaned, lower-cased export: capitals cannot mark names, honorifics still can
    path = tmp_path / "lower.csv"
    posts = [
        "ayo dukung pak budiono jadi gubernur",
        "pak budiono paling jujur, pilih dia",
        "bu wulandari kampanye di pasar tadi",
        "kampanye bu wulandari ramai sekali",
        "pak guru hari ini libur, pilih main bola saja",
        "pak guru bilang besok ujian, semangat",
    ]
    pd.DataFrame({"text": posts}).to_csv(path, index=False)
    terms = {s.term for s in suggest(path).suggestions}
    assert {"pak budiono", "bu wulandari"} <= terms
    assert "pak guru" not in terms  # an everyday word after the honorific
