"""Learning from reviewers: provenance of scored files, conflicts and adjudication, the learn
queue, the retrain guard on everyday posts, and the label checks of `thresholds`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from screening import paths
from screening.cli.app import app
from screening.data.guidance import load_guidance
from screening.model.bundle import load_bundle, save_bundle
from screening.review.labels import conflicts, export_labels
from screening.review.learn import interleave, learn_sample
from screening.review.queue import build_queue
from screening.review.store import Decision, Store
from screening.scoring.provenance import model_version, read_sidecar, sidecar_for
from tests.helpers import run_cli

runner = CliRunner()
SAMPLE = paths.DATA_DIR / "sample_posts.csv"
WORDS = (
    "pagi ini hujan deras sekali di kampung kami; macet total di jalan raya; anak sekolah "
    "libur besok; harga cabai naik lagi; pasar ramai menjelang lebaran; kereta terlambat "
    "dua jam; listrik padam semalaman; panen padi melimpah tahun ini; banjir surut pelan; "
    "lomba tujuhbelasan seru; warung kopi baru buka; jembatan desa diperbaiki; gotong royong "
    "minggu pagi; bus kota penuh; sinyal hilang di gunung; sapi tetangga lepas; pengajian "
    "ibu-ibu; futsal antar kampung; nasi uduk enak; sepeda baru anak; kucing hilang; tukang "
    "parkir ramah; pameran buku; konser dangdut; puskesmas antre panjang"
).split("; ")


def _score(model: Path, out: Path, *extra: str) -> None:
    r = runner.invoke(app, ["score", str(SAMPLE), "-o", str(out), "--model", str(model), *extra])
    assert r.exit_code == 0, r.output


# --- provenance ----------------------------------------------------------------------------


def test_score_records_model_threshold_and_lexicon_beside_the_output(
    small_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "scored.csv"
    lexicon = paths.DATA_DIR / "candidates_sample.yaml"
    _score(small_model, out, "--candidates", str(lexicon), "--threshold", "0.42", "-j", "1")
    record = read_sidecar(out)
    assert record is not None
    assert record.model_version == model_version(load_bundle(small_model))
    assert record.threshold == 0.42 and record.threshold_source == "--threshold"
    import hashlib

    assert record.lexicon_sha256 == hashlib.sha256(lexicon.read_bytes()).hexdigest()
    # the summary names the model too
    r = runner.invoke(
        app, ["score", str(SAMPLE), "-o", str(out), "--model", str(small_model), "--force"]
    )
    assert model_version(load_bundle(small_model)) in r.output
    assert read_sidecar(out).threshold_source == "model card"  # type: ignore[union-attr]


def test_queue_of_an_old_scored_file_keeps_the_scoring_model_after_a_new_one_exists(
    small_model: Path, full_model: Path, tmp_path: Path
) -> None:
    """A file scored by model A, queued when model B is current (or named): the queue is
    stamped with A's version and threshold, as review stats must report them."""
    scored = tmp_path / "old_scored.csv"
    _score(small_model, scored)
    a = load_bundle(small_model)
    out = tmp_path / "q.csv"
    r = runner.invoke(
        app, ["review", "queue", str(scored), "-o", str(out), "--model", str(full_model)]
    )
    assert r.exit_code == 0, r.output
    q = pd.read_csv(out, keep_default_na=False)
    assert set(q["versi_model"]) == {model_version(a)}  # Indonesian headers by default
    assert np.allclose(q["ambang"].astype(float), a.threshold)
    assert "scored by" in r.output  # the note says --model was not used


def test_queue_refuses_a_scored_file_of_unknown_model(small_model: Path, tmp_path: Path) -> None:
    scored = tmp_path / "s.csv"
    _score(small_model, scored)
    bare = tmp_path / "bare.csv"
    shutil.copy(scored, bare)
    assert not sidecar_for(bare).exists()
    r = run_cli("review", "queue", str(bare), "-o", str(tmp_path / "q.csv"))
    assert r.returncode == 1 and r.stdout == ""
    assert "unknown" in r.stderr and "--model" in r.stderr and len(r.stderr.splitlines()) == 1
    ok = runner.invoke(
        app, ["review", "queue", str(bare), "-o", str(tmp_path / "q.csv"), "-m", str(small_model)]
    )
    assert ok.exit_code == 0, ok.output


# --- conflicts and adjudication --------------------------------------------------------------


def _d(post: str, who: str, decision: str, category: str | None = None, **kw: object) -> Decision:
    return Decision(
        post_id=post,
        text=f"teks {post}",
        reviewer=who,
        decision=decision,
        decided_at="2026-01-01T00:00:00Z",
        category=category,
        **kw,  # type: ignore[arg-type]
    )


def test_conflicts_listed_left_out_of_export_and_resolved_by_policy_or_adjudication(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "r.db") as s:
        s.add(
            [
                _d("1", "ani", "partisan", "dukungan"),
                _d("1", "budi", "partisan", "serangan"),
                _d("1", "cici", "partisan", "dukungan"),  # agreed; category by majority
                _d("2", "ani", "partisan", "dukungan"),
                _d("2", "budi", "not_partisan"),  # conflict, a tie
                _d("3", "ani", "partisan", "simbol"),
                _d("3", "budi", "not_partisan"),
                _d("3", "cici", "partisan", "simbol"),  # conflict, majority partisan
                _d("4", "ani", "unsure"),  # abstains only: not exported
            ]
        )
        c = conflicts(s)
        assert sorted(c["post_id"]) == ["2", "3"]
        assert "budi: not_partisan" in c.set_index("post_id").at["2", "decisions"]

        skip, rep = export_labels(s)
        assert list(skip["post_id"]) == ["1"] and rep.conflicts_left_out == 2
        assert skip.iloc[0]["category"] == "dukungan" and skip.iloc[0]["basis"] == "agreed"
        major, rep = export_labels(s, policy="majority")
        assert sorted(major["post_id"]) == ["1", "3"] and rep.conflicts_left_out == 1
        latest, _ = export_labels(s, policy="latest")
        assert dict(zip(latest["post_id"], latest["label"], strict=True)) == {
            "1": 1,
            "2": 0,
            "3": 1,
        }

        # an adjudication is its own row and wins over the reviews
        before = s.count()
        s.add([_d("2", "ketua", "not_partisan", role="adjudication")])
        assert s.count() == before + 1
        assert list(conflicts(s)["post_id"]) == ["3"]
        final, rep = export_labels(s)
        row = final.set_index("post_id").loc["2"]
        assert row["label"] == 0 and row["basis"] == "adjudicated" and rep.adjudicated == 1


def test_same_reviewer_in_another_case_is_one_reviewer(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as s:
        s.add([_d("1", "Ani", "partisan", "dukungan")])
        s.add([_d("1", " ani", "not_partisan")])  # Ani changed her mind: no conflict
        assert conflicts(s).empty
        labels, _ = export_labels(s)
        assert list(labels["label"]) == [0]


def test_conflicts_sheet_round_trip_through_adjudicate(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with Store(db) as s:
        s.add([_d("7", "ani", "partisan", "dukungan"), _d("7", "budi", "not_partisan")])
    sheet = tmp_path / "c.csv"
    r = runner.invoke(app, ["review", "conflicts", "--db", str(db), "-o", str(sheet)])
    assert r.exit_code == 0, r.output
    filled = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    assert list(filled.columns[:3]) == ["id_pos", "teks", "keputusan"]  # Indonesian first
    filled.loc[0, "keputusan"] = "partisan"
    filled.loc[0, "kategori_peninjau"] = "dukungan"
    filled.to_csv(sheet, index=False)
    for _ in range(2):  # the second import adds nothing
        r = runner.invoke(
            app, ["review", "adjudicate", str(sheet), "--adjudicator", "Ketua", "--db", str(db)]
        )
        assert r.exit_code == 0, r.output
    assert "already in store 1" in r.output
    out = tmp_path / "labels.csv"
    r = runner.invoke(app, ["review", "export", "--labels", str(out), "--db", str(db)])
    assert r.exit_code == 0 and "1 adjudicated" in r.output
    assert pd.read_csv(out)["label"].tolist() == [1]
    st = json.loads(runner.invoke(app, ["review", "stats", "--db", str(db), "--json"]).output)
    assert st["conflicts_open"] == 0 and st["adjudicated"] == 1


# --- the learn queue -------------------------------------------------------------------------


def _scored_frame(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    score = rng.random(n)
    cats = np.array(["dukungan", "serangan", "kampanye", "simbol", "identitas", "mobilisasi"])
    texts = [f"post nomor {i} tentang hal {rng.integers(1_000_000)} yang berbeda" for i in range(n)]
    # a template shared by 30 accounts, all near the threshold
    for i in range(30):
        texts[i] = f"AYO COBLOS NOMOR 2 BIAR MENANG SATU PUTARAN!!! {i}"
        score[i] = 0.5 + i / 1000
    return pd.DataFrame(
        {
            "post_id": [str(i) for i in range(n)],
            "text": texts,
            "score": score,
            "flagged": score >= 0.5,
            "category": cats[rng.integers(0, 6, n)],
            "category_score": rng.random(n),
            "reasons": "",
        }
    )


def test_learn_queue_mixes_uncertain_every_category_and_unflagged_without_duplicates() -> None:
    df = _scored_frame()
    q = build_queue(df, 0.5, "m@1", load_guidance(paths.GUIDANCE), purpose="learn", size=60)
    assert len(q) == 60 and q["post_id"].is_unique
    kinds = set(q["sample"])
    assert {"learn_uncertain", "learn_unflagged", "learn_category", "learn_flagged"} <= kinds
    assert (q["score"] < 0.5).sum() >= 15  # the unflagged side is there
    flagged_cats = set(q.loc[q["sample"] == "learn_category", "category"])
    assert flagged_cats == {"dukungan", "serangan", "kampanye", "simbol", "identitas", "mobilisasi"}
    # the 30 near-identical template posts sit nearest the threshold; one is enough
    assert q["text"].str.startswith("AYO COBLOS").sum() == 1
    # interleaved: the first ten rows already hold several strata
    assert q["sample"].head(10).nunique() >= 4


def test_learn_queue_leaves_out_decided_posts() -> None:
    from screening.hashing import text_hash

    df = _scored_frame()
    first = build_queue(df, 0.5, "m@1", load_guidance(paths.GUIDANCE), purpose="learn", size=40)
    decided = {text_hash(t) for t in first["text"]}
    second = build_queue(
        df, 0.5, "m@1", load_guidance(paths.GUIDANCE), purpose="learn", size=40, decided=decided
    )
    assert not set(first["text"]) & set(second["text"])


def test_learn_sample_gives_unused_places_to_uncertain_posts() -> None:
    n = 50
    scores = np.linspace(0, 1, n)
    flagged = scores >= 0.5
    picks = learn_sample(
        scores,
        flagged,
        np.array(["dukungan"] * n, dtype=object),
        np.ones(n),
        [f"{i} {w} {i * 7919 % 1000}" for i, w in enumerate(WORDS * 2)][:n],
        0.5,
        size=20,
    )
    assert len(picks) == 20 and len({i for i, _ in picks}) == 20


def test_audit_queue_spreads_near_threshold_posts_among_flags() -> None:
    flagged = pd.DataFrame({"k": ["f"] * 20})
    near = pd.DataFrame({"k": ["n"] * 4})
    order = interleave(flagged, near)["k"].tolist()
    positions = [i for i, k in enumerate(order) if k == "n"]
    assert len(order) == 24 and positions[0] < 6 and positions[-1] < 23
    assert np.diff(positions).min() >= 3  # spread, not bunched at the end


# --- the retrain guard on everyday posts -----------------------------------------------------


def test_retrain_refuses_a_model_that_floods_everyday_posts(
    small_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new model is the same model with a threshold that flags nearly everything: eval AP
    does not change, but bundled everyday posts are flooded, and the guard says no."""
    import screening.model.retrain as rt

    current = load_bundle(small_model)

    def flooding_train(config: object, out_dir: Path, *a: object, **k: object) -> dict:
        card = {**current.card, "threshold": 0.001}
        card.pop("model_sha256")
        save_bundle(current.model, card, out_dir)
        return card

    monkeypatch.setattr(rt, "train", flooding_train)
    labels = tmp_path / "labels.csv"
    pd.DataFrame(
        {
            "text": ["ayo coblos nomor 2", "selamat pagi semua"],
            "label": [1, 0],
            "category": ["dukungan", ""],
        }
    ).to_csv(labels, index=False)
    res = rt.retrain(labels, current, tmp_path / "models" / "v2", curve=False)
    assert not res.made_current
    assert "everyday" in res.reason and res.everyday["more_beyond_noise"]
    assert res.everyday["new_flagged"] > res.everyday["current_flagged"]
    assert not (tmp_path / "models" / paths.CURRENT_FILE).exists()


# --- thresholds: label checks ----------------------------------------------------------------


def test_thresholds_leaves_out_training_posts_and_warns_about_queue_labels(
    full_model: Path, tmp_path: Path
) -> None:
    train = pd.read_csv(paths.TRAIN_CSV, dtype=str, keep_default_na=False).head(30)
    ev = pd.read_csv(paths.EVAL_CSV, dtype=str, keep_default_na=False).head(200)
    data = pd.concat([train, ev])[["text", "label", "category"]].assign(sample="flagged")
    path = tmp_path / "labels.csv"
    data.to_csv(path, index=False)
    r = runner.invoke(
        app, ["thresholds", str(path), "--model", str(full_model), "--target-precision", "0.9"]
    )
    assert r.exit_code == 0, r.output
    assert "30 of 230 posts" in r.output and "left out" in r.output
    assert "review queue" in r.output and "flagged" in r.output
    assert f"{path}: 200 posts" in r.output


def test_kappa_reading_follows_landis_and_koch() -> None:
    from screening.review.stats import kappa_reading

    assert [kappa_reading(k) for k in (-0.1, 0.1, 0.3, 0.5, 0.7, 0.9, None)] == [
        "kappa.poor",
        "kappa.slight",
        "kappa.fair",
        "kappa.moderate",
        "kappa.substantial",
        "kappa.almost_perfect",
        "kappa.undefined",
    ]
    assert kappa_reading(0.2) == "kappa.slight" and kappa_reading(0.8) == "kappa.substantial"


# --- accounts --------------------------------------------------------------------------------


def test_accounts_match_an_independent_groupby_on_the_demo_export(
    small_model: Path, tmp_path: Path
) -> None:
    from screening.review.accounts import accounts

    scored = tmp_path / "scored.csv"
    _score(small_model, scored)
    df = pd.read_csv(scored, dtype=str, keep_default_na=False)
    table = accounts(df, include_unflagged=True)
    # the same figures by a plain groupby
    df["s"] = df["score"].astype(float)
    df["f"] = df["flagged"].str.lower() == "true"
    g = df[df["username"] != ""].groupby("username")
    expected = pd.DataFrame({"posts": g.size(), "flagged": g["f"].sum(), "max_score": g["s"].max()})
    got = table.set_index("author")[["posts", "flagged", "max_score"]]
    assert sorted(got.index) == sorted(expected.index)
    pd.testing.assert_frame_equal(
        got.loc[expected.index].astype(float),
        expected.astype(float),
        check_names=False,
        check_exact=False,
        atol=6e-5,  # accounts rounds the highest score to 4 decimals
        rtol=0,
    )
    # follow-up order: tiers first, and inside a tier more strong flags first
    tiers = table["priority"].tolist()
    order = {"tinggi": 0, "sedang": 1, "rendah": 2, "-": 3}
    assert [order[p] for p in tiers] == sorted(order[p] for p in tiers)
    high = table[table["priority"] == "tinggi"]
    assert high["strong_flags"].is_monotonic_decreasing
    assert (table.loc[table["flagged"] == 0, "priority"] == "-").all()
    # default: only accounts with a flag; the CLI writes the table with Indonesian headers
    out = tmp_path / "accounts.csv"
    r = runner.invoke(app, ["accounts", str(scored), "-o", str(out)])
    assert r.exit_code == 0, r.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(written.columns[:4]) == ["akun", "prioritas", "pos", "pos_ditandai"]
    assert len(written) == int((table["flagged"] > 0).sum())


def test_accounts_priority_rules() -> None:
    from screening.review.accounts import accounts

    rows = []
    # a: 3 strong flags -> tinggi; b: 2 categories on 2 days -> tinggi; c: 2 flags -> sedang
    for i in range(3):
        rows.append(("a", 0.95, True, "dukungan", f"2024-11-0{i + 1}"))
    rows += [("b", 0.6, True, "dukungan", "2024-11-01"), ("b", 0.6, True, "serangan", "2024-11-02")]
    rows += [("c", 0.7, True, "simbol", "2024-11-01"), ("c", 0.7, True, "simbol", "2024-11-01")]
    rows += [("d", 0.6, True, "simbol", "2024-11-01"), ("e", 0.1, False, "simbol", "2024-11-01")]
    df = pd.DataFrame(rows, columns=["username", "score", "flagged", "category", "created_at"])
    table = accounts(df, include_unflagged=True).set_index("author")["priority"]
    assert table.to_dict() == {"a": "tinggi", "b": "tinggi", "c": "sedang", "d": "rendah", "e": "-"}


@pytest.mark.parametrize(("made_current", "code"), [(True, 0), (False, 3)])
def test_retrain_exit_code_says_whether_the_new_model_was_made_current(
    small_model: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    made_current: bool,
    code: int,
) -> None:
    # a kept but not current model is not an input error: scripts tell the two apart
    import screening.cli.retrain as cli
    from screening.model.retrain import RetrainResult

    labels = tmp_path / "labels.csv"
    labels.write_text("text,label\nayo pilih nomor dua,1\n", encoding="utf-8")
    out = tmp_path / "v2"

    def fake_retrain(*args: object, **kwargs: object) -> RetrainResult:
        return RetrainResult(new_dir=out, made_current=made_current, reason="measured")

    monkeypatch.setattr(cli, "retrain", fake_retrain)
    r = run_cli("retrain", "--labels", str(labels), "--model", str(small_model), "--out", str(out))
    assert r.returncode == code, (r.stdout, r.stderr)
    assert ("NOT made current" in r.stdout) is (not made_current)
