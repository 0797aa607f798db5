"""Chunked, parallel scoring gives the same output as scoring the whole file at once."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.pipeline import FeatureUnion

from screening import paths
from screening.errors import ScreeningError
from screening.io.readers import open_table, read_table
from screening.io.writers import TableWriter
from screening.lexicon.candidates import CandidateLexicon
from screening.model.bundle import load_bundle
from screening.model.features import FastFeatures
from screening.scoring.duplicates import DuplicateIndex
from screening.scoring.local import mark_duplicates, score_file
from screening.scoring.parallel import ordered_map
from screening.text.normalize import normalize_many
from tests.helpers import run_cli

SAMPLE = paths.DATA_DIR / "sample_posts.csv"
SAMPLE_LEXICON = paths.DATA_DIR / "candidates_sample.yaml"


@pytest.fixture(scope="module")
def small_union(small_model: Path) -> FeatureUnion:
    """The small model's fitted features, loaded once for the property tests' examples."""
    return load_bundle(small_model).model.features_


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample export plus the awkward rows a real export has: identical texts
    far apart (a retweet in a later chunk), empty texts, a row with too many fields and a
    multi-line quoted post, so chunk boundaries cut through all of them."""
    df = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    extra = df.iloc[[3, 10, 50]].copy()  # exact repeats of earlier posts, near the end
    blank = df.iloc[[0]].assign(full_text="  ")
    multi = df.iloc[[1]].assign(full_text="baris satu\nbaris dua, coblos nomor 2 ya\n\nbaris 4")
    out = pd.concat([df, blank, extra, multi, blank], ignore_index=True)
    path = tmp_path_factory.mktemp("stream") / "export.csv"
    out.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    with path.open("a", encoding="utf-8") as fh:  # a malformed row, mid-file for the reader
        fh.write('"only","three","fields"\n')
        fh.write(",".join(['"x"'] * (len(df.columns) - 4) + ['"akhir"', '"y"', '"z"', '"w"']))
        fh.write("\n")
    return path


def _score(src: Path, out: Path, model: Path, **kw: object) -> None:
    bundle = load_bundle(model)
    score_file(
        src, out, bundle, lexicon=CandidateLexicon.from_yaml(SAMPLE_LEXICON), force=True, **kw
    )


@pytest.mark.processes
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_chunked_and_parallel_output_equal_single_chunk(
    export: Path, small_model: Path, tmp_path: Path, suffix: str
) -> None:
    whole = tmp_path / f"whole{suffix}"
    _score(export, whole, small_model, chunk_rows=10**6, jobs=1)
    for chunk_rows, jobs in [(7, 1), (50, 2)]:
        part = tmp_path / f"c{chunk_rows}-j{jobs}{suffix}"
        _score(export, part, small_model, chunk_rows=chunk_rows, jobs=jobs)
        if suffix == ".parquet":
            pd.testing.assert_frame_equal(pd.read_parquet(part), pd.read_parquet(whole))
        else:
            assert part.read_bytes() == whole.read_bytes(), (chunk_rows, jobs)
        rejects = Path(f"{part}.rejects.csv").read_text()
        assert rejects == Path(f"{whole}.rejects.csv").read_text()
    scored = (
        pd.read_csv(tmp_path / "whole.csv", dtype=str, keep_default_na=False)
        if (suffix == ".csv")
        else None
    )
    if scored is not None:
        # the repeats near the end point at the first line of their text, across chunks
        dup = scored[scored["duplicate_of"] != ""]
        assert len(dup) >= 3
        first = scored.set_index("input_line")
        for _, row in dup.iterrows():
            assert first.loc[row["duplicate_of"], "full_text"] == row["full_text"]
            assert first.loc[row["duplicate_of"], "score"] == row["score"]


def test_every_row_is_scored_or_rejected_across_chunks(
    export: Path, small_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o.csv"
    bundle = load_bundle(small_model)
    s = score_file(export, out, bundle, lexicon=None, force=True, chunk_rows=13, jobs=1)
    assert s.chunks > 10
    rejects = pd.read_csv(f"{out}.rejects.csv")
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert s.rows_in == s.scored + s.rejected == len(scored) + len(rejects)
    assert sorted(rejects["reason"].str.split(":").str[0].unique()) == [
        "empty text",
        "row has 3 fields, header has 15",
    ]
    lines = sorted(scored["input_line"].astype(int).tolist() + rejects["line"].tolist())
    assert len(lines) == len(set(lines))
    assert scored["input_line"].astype(int).is_monotonic_increasing


def test_fast_features_equal_scikit_learn(small_model: Path) -> None:
    model = load_bundle(small_model).model
    texts = pd.read_csv(paths.EVAL_CSV)["text"].tolist()
    docs = normalize_many(texts, CandidateLexicon.from_yaml(paths.EVAL_LEXICON))
    fast = FastFeatures(model.features_).transform(docs)
    slow = model.features_.transform(docs)
    assert fast.shape == slow.shape
    assert (fast != slow).nnz == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.text(alphabet="ab coblosnomr2☝#@é\t\n.", max_size=40), min_size=1, max_size=12))
def test_fast_features_equal_on_random_text(small_union: FeatureUnion, texts: list[str]) -> None:
    docs = normalize_many(texts)
    fast = FastFeatures(small_union).transform(docs)
    slow = small_union.transform(docs)
    assert fast.shape == slow.shape
    assert (fast != slow).nnz == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    "pesta",
                    "demokrasi",
                    "salam",
                    "2",
                    "jari",
                    "orang",
                    "kita",
                    "wali",
                    "kota",
                    "kotanya",
                    "tim",
                    "sukses",
                    "xcalonx",
                    "makan",
                    "_",
                    "!",
                    "☝",
                    "é",
                    "a_b",
                ]
            ),
            max_size=8,
        ).map(" ".join),
        min_size=1,
        max_size=12,
    ),
    st.sampled_from([" ", "  ", "\t", "\n "]),
)
def test_fast_features_equal_on_raw_pieces(
    small_union: FeatureUnion, texts: list[str], gap: str
) -> None:
    """Pieces cut at any whitespace, two-word election vocabulary across them (issue 17)."""
    docs = [t.replace(" ", gap) for t in texts]
    fast = FastFeatures(small_union).transform(docs)
    slow = small_union.transform(docs)
    assert fast.shape == slow.shape
    assert (fast != slow).nnz == 0


def test_duplicate_index_points_at_first_line_across_chunks() -> None:
    idx = DuplicateIndex()
    chunks = [(["x", "y", "x"], [2, 3, 4]), (["y", "z", "z", "x"], [5, 6, 9, 10])]
    got = []
    for texts, lines in chunks:
        frame = pd.DataFrame({"t": texts, "input_line": lines})
        codes, first = mark_duplicates(frame, "t", idx)
        assert [codes.distinct[c] for c in codes.codes] == texts
        got.append(first.tolist())
    assert got == [[2, 3, 2], [3, 6, 6, 2]]
    assert len(idx) == 3


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.text(alphabet='ab,"\n\r é', max_size=12), st.integers(0, 99)), max_size=30
    ),
    chunk=st.integers(1, 8),
)
def test_chunks_concatenate_to_the_whole_table(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, int]], chunk: int
) -> None:
    path = tmp_path_factory.mktemp("h") / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "n"])
        w.writerows(rows)
    whole = read_table(path)
    stream = open_table(path, chunk_rows=chunk)
    chunks = list(stream)
    assert all(c.rows_in <= chunk for c in chunks)
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(frame, whole.frame)
    assert [r for c in chunks for r in c.rejects] == whole.rejects
    assert sum(c.rows_in for c in chunks) == whole.rows_in == len(rows)


def test_jsonl_chunks_share_the_union_of_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    recs = [{"text": "satu"}, {"text": "dua", "place": "Jambi"}, "not an object", {"text": "x"}]
    path.write_text("\n".join(json.dumps(r) for r in recs) + "\n{broken\n", encoding="utf-8")
    chunks = list(open_table(path, chunk_rows=1))
    assert {tuple(c.frame.columns) for c in chunks} == {("text", "place", "line")}
    rejects = [(r.line, r.reason.split(":")[0]) for c in chunks for r in c.rejects]
    assert rejects == [(3, "JSON value is not an object"), (5, "invalid JSON")]
    frame = pd.concat([c.frame for c in chunks])
    assert frame["place"].tolist() == ["", "Jambi", ""]


def test_parquet_writer_keeps_types_when_the_first_chunk_is_empty(tmp_path: Path) -> None:
    out = tmp_path / "o.parquet"
    with TableWriter(out) as w:
        w.write(pd.DataFrame({"text": pd.Series([], dtype=object), "score": []}))
        w.write(pd.DataFrame({"text": ["a", "b"], "score": [0.5, 0.25]}))
        w.write(pd.DataFrame({"text": ["c"], "score": [1.0]}))
    got = pd.read_parquet(out)
    assert got["text"].tolist() == ["a", "b", "c"]
    assert got["score"].tolist() == [0.5, 0.25, 1.0]


def test_a_failed_write_leaves_no_output(tmp_path: Path) -> None:
    out = tmp_path / "o.csv"
    with pytest.raises(RuntimeError), TableWriter(out) as w:
        w.write(pd.DataFrame({"a": [1]}))
        raise RuntimeError("killed midway")
    assert list(tmp_path.iterdir()) == []


def test_cli_jobs_and_chunks_print_the_final_line_and_no_progress_in_pipes(
    export: Path, small_model: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o.csv"
    r = run_cli(
        "score", str(export), "-o", str(out), "-m", str(small_model),
        "--jobs", "2", "--chunk-rows", "100",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("rows 557  flagged ") and "rejected 4" in last and "2 jobs" in last
    assert "\x1b" not in r.stderr and "rows/s" not in r.stderr  # no bar when not a terminal


def _slow_times(state: int, payload: int) -> int:
    time.sleep(0.02 * (payload % 3))  # later items often finish first
    return state * payload


def test_ordered_map_keeps_input_order_with_workers_and_local_help() -> None:
    got = list(ordered_map(_slow_times, 3, ((i, i) for i in range(40)), jobs=2))
    assert got == [(i, 3 * i) for i in range(40)]


def _die_on_seven(state: int, payload: int) -> int:
    if payload == 7:
        os._exit(1)  # a worker killed mid-run (the OOM killer, say)
    return state * payload


def test_a_dead_worker_is_a_clear_error_not_a_hang() -> None:
    with pytest.raises(ScreeningError, match="worker process died"):
        list(ordered_map(_die_on_seven, 3, ((i, i) for i in range(20)), jobs=2))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "", " a", "A", "é", "e\u0301", "a\n"]), max_size=30))
def test_text_codes_follow_first_appearance(texts: list[str]) -> None:
    """Codes are given in order of first appearance, identical strings only sharing one."""
    from screening.scoring.duplicates import encode_texts

    index: dict[str, int] = {}
    expected = [index.setdefault(t, len(index)) for t in texts]
    got = encode_texts(texts)
    assert got.codes.tolist() == expected
    assert got.distinct == list(index)
    assert [texts[i] for i in got.first] == list(index)
