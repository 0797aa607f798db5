"""`screening lexicon init/check` and the everyday-word rule (screening.lexicon.everyday)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from screening import paths
from screening.cli.app import app
from screening.lexicon.candidates import CandidateLexicon
from screening.lexicon.check import TEMPLATE, check_lexicon, count_hits
from screening.lexicon.everyday import describe, everyday_posts, everyday_words_text, is_everyday
from screening.model.bundle import load_bundle

runner = CliRunner()

# a fictional election; RAJA, AMAN and BISA are pair acronyms that are everyday words
LEXICON = """\
election: Pilkada Uji
candidates:
  - number: 1
    names: [Zorvakin Taluhe, Pak Zorvakin, RAJA]
    hashtags: ["#ZorvakinMenang"]
  - number: 2
    names: [Welmintar Gosara, AMAN, BISA]
parties: [Partai Uji Coba]
"""


def write(tmp_path: Path, text: str, name: str = "lex.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["lexicon", "check", "--json", *args])
    return result.exit_code, json.loads(result.stdout)


# -- everyday rule ------------------------------------------------------------------------


def test_everyday_acronyms_and_made_up_names() -> None:
    for word in ("RAJA", "AMAN", "BISA", "AMIN", "pas"):
        assert is_everyday(word), word
    for name in ("Zorvakin", "ZULHEN", "#RAJAMenang", "Welmintar Gosara"):
        assert not is_everyday(name), name


def test_names_frequent_only_as_names_are_not_everyday_words() -> None:
    # wordfreq ranks them high (prabowo 4.44, anies 4.15) but they are not dictionary words
    for name in ("Prabowo", "Anies", "Gibran", "Ahok"):
        assert not is_everyday(name), name
    # a name that is also a word people write is everyday ("ganjar", to reward)
    assert is_everyday("Ganjar")
    assert describe("Ganjar").dictionary


def test_the_shipped_everyday_list_matches_the_bundled_posts() -> None:
    if not everyday_posts():
        pytest.skip("data/train.csv not in this checkout")
    shipped = (paths.PACKAGE_DIR / "resources" / "everyday_words.txt").read_text(encoding="utf-8")
    assert shipped == everyday_words_text(everyday_posts()), "run `screening build-data`"


def test_honorific_and_name_is_judged_by_the_name() -> None:
    assert is_everyday("Pak Budi")  # any Budi: a common given name
    assert not is_everyday("Pak Zorvakin")  # "pak" is common, the name is not
    assert describe("Pak Zorvakin").reason.startswith("zorvakin")


def test_several_words_are_everyday_only_as_a_phrase_of_everyday_posts() -> None:
    # every word is common, but the whole phrase is what the matcher needs
    assert not is_everyday("Bersama Membangun Negeri")
    assert not is_everyday("Budi Santoso")
    if not everyday_posts():
        pytest.skip("data/train.csv not in this checkout")
    assert is_everyday("selamat pagi")  # a phrase everyday posts do use


def test_bundled_everyday_posts_make_a_regional_word_everyday() -> None:
    if not everyday_posts():
        pytest.skip("data/train.csv not in this checkout")
    # "acil" (aunt, Banjar) is missing from wordfreq's list but frequent in everyday posts
    status = describe("acil")
    assert status.zipf < 1 and status.posts >= 3 and status.everyday


# -- init ---------------------------------------------------------------------------------


def test_init_writes_a_template_that_loads_and_checks_clean(tmp_path: Path) -> None:
    out = tmp_path / "pilkada.yaml"
    result = runner.invoke(app, ["lexicon", "init", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == TEMPLATE
    lexicon = CandidateLexicon.from_yaml(out)
    assert [c.number for c in lexicon.candidates] == ["1", "2"]
    assert lexicon.mentions("coblos Pak Budi!") == ["Pak Budi"]
    # Indonesian comments come before the English ones
    assert TEMPLATE.index("Leksikon kandidat") < TEMPLATE.index("Candidate lexicon")
    code, report = check_json(str(out))
    assert code == 0 and report["errors"] == []


def test_init_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    out = write(tmp_path, "mine: keep\n", "pilkada.yaml")
    result = runner.invoke(app, ["lexicon", "init", "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "mine: keep\n"
    result = runner.invoke(app, ["lexicon", "init", "-o", str(out), "--force"])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8") == TEMPLATE


# -- check: errors and warnings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        (LEXICON.replace("hashtags:", "tagline:"), "candidates[0].tagline", "taglines"),
        (LEXICON.replace("parties:", "partys:"), "partys", "parties"),
    ],
)
def test_unknown_key_is_an_error_naming_it(
    tmp_path: Path, text: str, where: str, hint: str
) -> None:
    code, report = check_json(str(write(tmp_path, text)))
    assert code == 1
    [error] = report["errors"]
    assert error["where"] == where and f"did you mean '{hint}'" in error["message"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ('[Zorvakin, ""]', "empty term"),
        ("[Zorvakin, Z]", "one-letter term 'Z'"),
        ("[Zorvakin, Pak Zorvakin, pak  zorvakin]", "duplicated term"),
    ],
)
def test_bad_terms_are_errors(tmp_path: Path, names: str, message: str) -> None:
    path = write(tmp_path, f"candidates:\n  - number: 1\n    names: {names}\n")
    code, report = check_json(str(path))
    assert code == 1
    [error] = report["errors"]
    assert error["where"].startswith("candidates[0].names[") and message in error["message"]
    result = runner.invoke(app, ["lexicon", "check", str(path)])
    assert result.exit_code == 1 and message in result.stdout


def test_term_under_two_candidates_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, LEXICON.replace("AMAN, BISA", "AMAN, BISA, Raja"))
    code, report = check_json(str(path))
    assert code == 0 and report["errors"] == []
    [warning] = report["warnings"]
    assert warning["where"] == "candidates[1].names[3]"
    assert "also listed as candidates[0].names[2]" in warning["message"]


def test_wrong_types_are_errors_not_crashes(tmp_path: Path) -> None:
    code, report = check_json(str(write(tmp_path, "candidates:\n  - names: Budi\n")))
    assert code == 1 and "candidates[0].names" in report["errors"][0]["message"]


def test_unreadable_lexicon_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lexicon", "check", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 1 and "not found" in result.stderr


# -- check: everyday status, hits, flag rates ---------------------------------------------


def test_everyday_acronyms_are_reported_first(tmp_path: Path) -> None:
    code, report = check_json(str(write(tmp_path, LEXICON)))
    assert code == 0
    status = {t["term"]: t["everyday"] for t in report["terms"]}
    assert status["RAJA"] and status["AMAN"] and status["BISA"]
    assert not status["Zorvakin Taluhe"] and not status["#ZorvakinMenang"]
    flags = [t["everyday"] for t in report["terms"]]
    assert flags == sorted(flags, reverse=True)  # every everyday term before the others
    if everyday_posts():  # BISA is in dozens of everyday posts, a made-up name in none
        hits = {t["term"]: t["everyday_hits"] for t in report["terms"]}
        assert hits["BISA"] >= 10 and hits["Zorvakin Taluhe"] == 0
        assert report["terms"][0]["term"] == "BISA"  # the worst offender


def test_count_hits_whole_words_and_hashtag_parts() -> None:
    lexicon = CandidateLexicon.from_dict(
        {"candidates": [{"number": 1, "names": ["RAJA", "Pak Zorvakin"]}]}
    )
    texts = [
        "Raja ampat indah sekali",  # whole word, any case; an everyday use (no cue)
        "kerajaan majapahit",  # inside a word: no hit
        "#RAJAMenang bersama rakyat",  # camel-case part of a hashtag
        "pak zorvakin dan RAJA",  # two terms, one post each; the name is RAJA's cue
        "pakzorvakin",  # separators are optional, as when scoring
    ]
    hits = count_hits(lexicon, texts)
    assert hits["raja"] == 2 and hits["pakzorvakin"] == 2
    words = count_hits(lexicon, texts, as_scored=False)
    assert words["raja"] == 3 and words["pakzorvakin"] == 2


def write_export(tmp_path: Path) -> Path:
    rows = [
        "Coblos RAJA nomor 1, Pak Zorvakin pasti menang! #ZorvakinMenang",
        "Ayo dukung RAJA, pilih nomor 1 di TPS besok",
        "raja ampat indah banget, liburan bareng keluarga",
        "Alhamdulillah panen padi tahun ini bagus",
        "Rapat dinas jam 9 di aula kantor bupati",
    ]
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "full_text"])
        writer.writerows([i, t] for i, t in enumerate(rows))
    return path


def test_check_with_an_export_counts_hits_and_flag_rates(tmp_path: Path, small_model: Path) -> None:
    lex, export = write(tmp_path, LEXICON), write_export(tmp_path)
    code, report = check_json(str(lex), str(export), "--model", str(small_model))
    assert code == 0
    hits = {t["term"]: t["export_hits"][str(export)] for t in report["terms"]}
    # "raja ampat indah banget" is an everyday use of RAJA: not typed, not counted
    assert hits["RAJA"] == 2 and hits["Pak Zorvakin"] == 1 and hits["#ZorvakinMenang"] == 1
    assert hits["AMAN"] == 0
    [exp] = report["exports"]
    assert exp["posts"] == 5 and exp["text_column"] == "full_text"
    # the same counts as scoring the posts directly, without and with the lexicon
    bundle = load_bundle(small_model)
    lines = export.read_text(encoding="utf-8").splitlines()
    texts = [r["full_text"] for r in csv.DictReader(lines)]
    lexicon = CandidateLexicon.from_yaml(lex)
    for key, lx in (("flagged_without", None), ("flagged_with", lexicon)):
        expected = int((bundle.model.screen(texts, lx).score >= bundle.threshold).sum())
        assert exp[key] == expected
    result = runner.invoke(app, ["lexicon", "check", str(lex), str(export), "-m", str(small_model)])
    assert result.exit_code == 0
    rates = f"flagged {exp['flagged_without'] / 5:.1%} without the lexicon, "
    rates += f"{exp['flagged_with'] / 5:.1%} with it"
    assert rates in result.stdout


def test_library_check_reports_the_lexicon_path(tmp_path: Path) -> None:
    report = check_lexicon(write(tmp_path, LEXICON))
    assert report.source.endswith("lex.yaml") and report.candidates == 2
    assert report.exports == [] and not report.errors


# -- score warns about everyday-word terms ---------------------------------------------------


def test_score_warns_when_an_everyday_term_is_written_as_a_word(
    small_model: Path, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "text": [
                "semoga sehat selalu bapak, amin ya allah",
                "terima kasih bu guru, amin",
                "amin, semoga lancar ujiannya nak",
                "AMIN menang! coblos nomor 1",
                "rapat jam sembilan di aula",
            ]
        }
    ).to_csv(posts, index=False)
    lexicon = tmp_path / "amin.yaml"
    lexicon.write_text(
        "candidates:\n  - number: 1\n    names: [AMIN, Welmintar Gosara]\n", encoding="utf-8"
    )
    args = ["score", str(posts), "-o", str(tmp_path / "o.csv"), "--model", str(small_model)]
    r = runner.invoke(app, [*args, "--candidates", str(lexicon)])
    assert r.exit_code == 0, (r.output, r.exception)
    # three lower-case uses; the all-caps campaign use is not counted
    assert "everyday words, written as words in posts: amin (3)" in r.output
    plain = tmp_path / "plain.yaml"
    plain.write_text(
        "candidates:\n  - number: 1\n    names: [Welmintar Gosara]\n", encoding="utf-8"
    )
    r = runner.invoke(app, [*args, "--candidates", str(plain), "--force"])
    assert r.exit_code == 0 and "everyday words" not in r.output
