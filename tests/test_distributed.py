"""The Dask engine scores Parquet row groups on a cluster and agrees with local scoring."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from screening import paths
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import load_bundle
from screening.scoring.local import score_file
from screening.scoring.post_scorer import PostScorer
from tests.helpers import run_cli

pytest.importorskip("dask.dataframe", reason="Dask is an optional extra: pip install '.[dask]'")
pytest.importorskip("distributed", reason="Dask is an optional extra: pip install '.[dask]'")

from screening.scoring.distributed import (
    _read_piece,
    _score_piece,
    output_meta,
    plan,
    score_dask,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

LEXICON = paths.DATA_DIR / "candidates_sample.yaml"
GROUPS = {"a.parquet": 100, "b.parquet": 64}


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two Parquet exports in several row groups, with an empty text, a repeat inside one row
    group, and a third file with no rows (an empty partition)."""
    df = pd.read_csv(paths.DATA_DIR / "sample_posts.csv", dtype=str, keep_default_na=False)
    first = df.iloc[:300].copy()
    first.iloc[5, first.columns.get_loc("full_text")] = " "
    first.iloc[7, first.columns.get_loc("full_text")] = first.iloc[2]["full_text"]
    # "raja" as a plain word: an everyday use of the lexicon's RAJA, counted in the summary
    first.iloc[9, first.columns.get_loc("full_text")] = "raja ampat indah, liburan keluarga"
    d = tmp_path_factory.mktemp("exports")
    for name, part in (("a.parquet", first), ("b.parquet", df.iloc[300:])):
        table = pa.Table.from_pandas(part, preserve_index=False)
        pq.write_table(table, d / name, row_group_size=GROUPS[name])
    pq.write_table(pa.Table.from_pandas(df.iloc[:0], preserve_index=False), d / "c.parquet")
    return d


def test_partitions_of_any_size_match_the_declared_meta(exports: Path, small_model: Path) -> None:
    columns, pieces = plan(sorted(exports.glob("*.parquet")))
    scorer = PostScorer(load_bundle(small_model).model, None, 0.5)
    meta = output_meta(columns, "full_text")
    empty = [p for p in pieces if p.path.endswith("c.parquet")]
    assert len(empty) == 1
    for piece in (pieces[0], empty[0]):
        out = _score_piece(_read_piece(piece, columns), scorer, "full_text", meta.dtypes.to_dict())
        assert list(out.columns) == list(meta.columns)
        assert out.dtypes.to_dict() == meta.dtypes.to_dict()
    assert len(out) == 0


@pytest.mark.processes
def test_dask_on_a_two_worker_local_cluster_equals_local_scoring(
    exports: Path, small_model: Path, tmp_path: Path
) -> None:
    bundle = load_bundle(small_model)
    lexicon = CandidateLexicon.from_yaml(LEXICON)
    out = tmp_path / "scored"
    s = score_dask(str(exports / "*.parquet"), out, bundle, lexicon=lexicon, workers=2)
    assert s.scheduler == "LocalCluster(2 workers)"
    assert s.files == 3 and s.partitions == 3 + 4 + 1
    got = pd.read_parquet(out)
    assert s.rows_in == len(got) == 549 and s.rejected == 2  # the sample's own + ours

    uses: Counter[str] = Counter()
    for name, group in GROUPS.items():
        local = tmp_path / f"{name}.scored.parquet"
        uses.update(
            score_file(exports / name, local, bundle, lexicon=lexicon, force=True).everyday_use
        )
        want = pd.read_parquet(local)
        rows = got[got["source_file"] == str(exports / name)].reset_index(drop=True)
        scored = rows[rows["reject_reason"] == ""].reset_index(drop=True)
        scored = scored.drop(columns=["source_file", "reject_reason"])
        assert list(scored.columns) == list(want.columns)
        same = scored.drop(columns=["duplicate_of"])
        pd.testing.assert_frame_equal(same, want.drop(columns=["duplicate_of"]))
        # duplicate_of agrees, except that Dask only looks inside the row group
        pairs = zip(scored["duplicate_of"], want["duplicate_of"], want["input_line"], strict=True)
        for d, w, line in pairs:
            in_same_group = w and (int(w) - 1) // group == (line - 1) // group
            assert d == (w if in_same_group else "")
        rejects = pd.read_csv(f"{local}.rejects.csv")
        rejected = rows[rows["reject_reason"] != ""]
        assert rejected["input_line"].tolist() == rejects["line"].tolist()
        assert rejected["reject_reason"].tolist() == rejects["reason"].tolist()
    # both engines count the everyday-word uses the same way (the score warning's figures)
    assert uses["raja"] >= 1 and s.everyday_use == dict(uses)
    repeat = got[(got["source_file"].str.endswith("a.parquet")) & (got["input_line"] == 8)]
    assert repeat["duplicate_of"].tolist() == ["3"]


def test_cli_dask_engine_refuses_csv_and_an_existing_output(
    exports: Path, small_model: Path, tmp_path: Path
) -> None:
    r = run_cli(
        "score", str(paths.DATA_DIR / "sample_posts.csv"), "-o", str(tmp_path / "o"),
        "--engine", "dask", "-m", str(small_model),
    )  # fmt: skip
    assert r.returncode == 1 and "reads Parquet" in r.stderr
    (tmp_path / "taken").mkdir()
    r = run_cli(
        "score", str(exports / "*.parquet"), "-o", str(tmp_path / "taken"),
        "--engine", "dask", "-m", str(small_model),
    )  # fmt: skip
    assert r.returncode == 1 and "--force" in r.stderr


def test_input_columns_named_like_engine_columns_are_kept(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": ["a"], "source_file": ["kept"], "reject_reason": ["x"]})
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), tmp_path / "p.parquet")
    columns, pieces = plan([tmp_path / "p.parquet"])
    assert columns == ["text", "source_file_input", "reject_reason_input"]
    got = _read_piece(pieces[0], columns)
    assert got.loc[0, "source_file_input"] == "kept"
    assert got.loc[0, "source_file"] == str(tmp_path / "p.parquet")
