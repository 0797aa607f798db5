"""Reading hostile and careless inputs (issue 11): nothing lost, nothing leaked, no traceback.

Pins, for :mod:`screening.io.readers`:

* a stray or unclosed quote costs one reject (its first line) and the rest of the file is read
  on; ``rows_in`` counts physical records (item 1);
* every XLSX sheet with a post-text column is read, with a ``sheet`` column, or a one-line
  refusal naming the sheets; one sheet can be chosen (item 2);
* ids survive exactly: Parquet int64 with nulls, big JSON integers, through ``score`` in every
  output format (item 3);
* an input column or key named ``line`` becomes ``line.1`` in every format (item 4);
* UTF-16 files (Excel's "Unicode Text") are read (item 5);
* a file that mixes cp1252 and UTF-8 lines is decoded line by line and the mix is counted
  (item 6);
* the formula guard the tool writes into CSV cells is undone on reading, and XLSX control
  pictures are mapped back (item 7);
* column names echoed in errors are capped and stripped of terminal escapes (item 8).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from screening.cli.app import app
from screening.errors import ScreeningError
from screening.io.readers import MAX_RECORD_LINES, find_text_column, open_table, read_table
from screening.io.writers import write_table
from tests.helpers import run_cli

runner = CliRunner()


def _csv(tmp_path: Path, text: str, name: str = "x.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def _accounted(t: object) -> list[int]:
    """All line numbers of a Table, parsed and rejected, sorted."""
    return sorted(t.frame["line"].tolist() + [r.line for r in t.rejects])  # type: ignore[attr-defined]


# ---- item 1: runaway quotes -------------------------------------------------------------


def test_quote_unclosed_at_end_of_file_is_one_reject_and_the_rest_is_read(tmp_path: Path) -> None:
    p = _csv(tmp_path, 'id,text\n1,a\n2,"b\n3,c\n4,d\n')
    t = read_table(p)
    assert t.frame[["id", "text", "line"]].values.tolist() == [
        ["1", "a", 2],
        ["3", "c", 4],
        ["4", "d", 5],
    ]
    assert [(r.line, r.reason.split(":")[0]) for r in t.rejects] == [(3, "unclosed quote")]
    assert "end of the file" in t.rejects[0].reason
    assert t.rows_in == 4 == len(t.frame) + len(t.rejects)


def test_quote_unclosed_on_the_last_line_is_rejected_not_read_as_text(tmp_path: Path) -> None:
    t = read_table(_csv(tmp_path, 'id,text\n1,a\n2,"b'))
    assert t.frame["id"].tolist() == ["1"]
    assert [(r.line, r.reason.split(":")[0]) for r in t.rejects] == [(3, "unclosed quote")]
    assert t.rows_in == 2


def test_quote_open_past_the_line_limit_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    # the stray quote on line 3 is "closed" by a quote at a line end far below, which makes a
    # well-formed record of the right width: only the line limit can tell
    body = "".join(f"{i},c{i}\n" for i in range(3, 3 + MAX_RECORD_LINES + 20))
    p = _csv(tmp_path, 'id,text\n1,a\n2,"b\n' + body + 'x,y"\nz,w\n')
    t = read_table(p)
    physical = 2 + MAX_RECORD_LINES + 20 + 2  # records on lines 2.. (one per line)
    assert t.rows_in == physical == len(t.frame) + len(t.rejects)
    assert [(r.line, r.reason.split(":")[0]) for r in t.rejects] == [(3, "unclosed quote")]
    assert str(MAX_RECORD_LINES) in t.rejects[0].reason
    assert t.frame["id"].tolist()[:3] == ["1", "3", "4"]
    assert t.frame["id"].tolist()[-2:] == ["x", "z"]
    assert _accounted(t) == list(range(2, 2 + physical))


def test_quote_closed_badly_mid_file_is_one_reject(tmp_path: Path) -> None:
    # the stray quote on line 3 pairs with the opening quote of a real quoted field on line 5
    p = _csv(tmp_path, 'id,text\n1,a\n2,"b\n3,c\n4,"d, e"\n5,f\n')
    t = read_table(p)
    assert t.frame[["id", "text", "line"]].values.tolist() == [
        ["1", "a", 2],
        ["3", "c", 4],
        ["4", "d, e", 5],
        ["5", "f", 6],
    ]
    assert [r.line for r in t.rejects] == [3]
    assert t.rows_in == 5


def test_long_but_well_formed_multi_line_posts_are_kept(tmp_path: Path) -> None:
    post = "\n".join(f"baris {i}, ya" for i in range(MAX_RECORD_LINES))  # exactly the limit
    p = tmp_path / "x.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerows([["id", "text"], ["1", post], ["2", "pendek"], ["3", "a\r\nb"]])
    t = read_table(p)
    assert t.frame["text"].tolist() == [post, "pendek", "a\r\nb"]
    assert t.frame["line"].tolist() == [2, 2 + MAX_RECORD_LINES, 3 + MAX_RECORD_LINES]
    assert not t.rejects and t.rows_in == 3


def test_one_stray_quote_in_a_large_export_costs_exactly_one_row(tmp_path: Path) -> None:
    rows = [
        [str(i), f"posting {i}, isi" if i % 7 == 0 else f"posting {i}", f"user{i}"]
        for i in range(2000)
    ]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "text", "user"])
    w.writerows(rows)
    lines = buf.getvalue().splitlines(keepends=True)
    lines[501] = '500,"posting 500 ditutup tanda kutip nyasar,user500\n'  # line 502
    p = tmp_path / "big.csv"
    p.write_text("".join(lines), encoding="utf-8")
    for chunk_rows in (10**6, 37):
        chunks = list(open_table(p, chunk_rows=chunk_rows))
        frame = pd.concat([c.frame for c in chunks], ignore_index=True)
        rejects = [r for c in chunks for r in c.rejects]
        assert [r.line for r in rejects] == [502]
        assert sum(c.rows_in for c in chunks) == 2000
        expect = [r for r in rows if r[0] != "500"]
        assert frame[["id", "text", "user"]].values.tolist() == expect
        assert frame["line"].tolist() == [int(r[0]) + 2 for r in expect]


@pytest.mark.parametrize("closed", [False, True])
def test_a_runaway_quote_across_read_blocks(tmp_path: Path, closed: bool) -> None:
    # about 2.5 MB: the reader keeps lines in blocks of 1 MiB, and the stray quote on line
    # 20,000 (near the end of the first block) runs into the next; it stays open to the end
    # of the file, or a stray quote 500 lines below closes it
    n = 60_000
    rows = [f"{i},teks posting nomor {i} yang cukup panjang\n" for i in range(n)]
    rows[19_998] = '19998,"kutip nyasar\n'  # line 20,000
    if closed:
        rows[20_498] = '20498,ditutup di sini"\n'
    p = tmp_path / "x.csv"
    p.write_text("id,text\n" + "".join(rows), encoding="utf-8")
    chunks = list(open_table(p, chunk_rows=1000))
    rejects = [r for c in chunks for r in c.rejects]
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [(20_000, "unclosed quote")]
    assert sum(c.rows_in for c in chunks) == n
    frame = pd.concat([c.frame for c in chunks], ignore_index=True)
    assert frame["line"].tolist() == [i for i in range(2, n + 2) if i != 20_000]
    assert frame["id"].tolist() == [str(i) for i in range(n) if i != 19_998]


def test_an_unclosed_quote_in_the_header_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScreeningError, match=r"header row \(line 1\): unclosed quote"):
        read_table(_csv(tmp_path, '"id,text\n1,a\n2,b\n'))


def test_score_counts_rows_in_as_physical_records(small_model: Path, tmp_path: Path) -> None:
    src = _csv(tmp_path, 'id,text\n1,ayo coblos\n2,"b\n3,selamat pagi\n4,hujan\n')
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(small_model)])
    assert r.exit_code == 0, r.output
    scored = pd.read_csv(out, dtype=str, keep_default_na=False)
    rejects = pd.read_csv(f"{out}.rejects.csv")
    assert scored["id"].tolist() == ["1", "3", "4"]
    assert rejects["line"].tolist() == [3]
    assert "rows 4 " in r.output


# ---- item 2: XLSX sheets ----------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_every_sheet_with_a_text_column_is_read_with_its_name(tmp_path: Path) -> None:
    p = _workbook(
        tmp_path / "x.xlsx",
        {
            "Januari": [["id", "text"], ["1", "satu"], ["2", "dua"]],
            "catatan": [["keterangan"], ["bukan postingan"]],
            "Februari": [["id", "text", "likes"], [None, None, None], ["3", "tiga", 5]],
        },
    )
    t = read_table(p)
    assert t.frame[["sheet", "id", "text", "likes", "line"]].values.tolist() == [
        ["Januari", "1", "satu", "", 2],
        ["Januari", "2", "dua", "", 3],
        ["Februari", "3", "tiga", "5", 3],  # row 2 is blank: not a record
    ]
    assert t.rows_in == 3
    stream = open_table(p)
    assert stream.sheets == ["Januari", "Februari"]
    assert stream.skipped_sheets == ["catatan"]


def test_one_sheet_with_text_among_several_needs_no_sheet_column(tmp_path: Path) -> None:
    p = _workbook(
        tmp_path / "x.xlsx",
        {"info": [["dibuat"], ["2024"]], "posts": [["full_text"], ["halo"], ["hai"]]},
    )
    t = read_table(p)
    assert list(t.frame.columns) == ["full_text", "line"]
    assert t.frame["line"].tolist() == [2, 3]


def test_sheets_without_text_or_with_different_text_columns_are_refused(tmp_path: Path) -> None:
    none = _workbook(tmp_path / "a.xlsx", {"A": [["x"], ["1"]], "B": [["y"], ["2"]]})
    with pytest.raises(ScreeningError, match=r"no sheet.*A, B"):
        open_table(none)
    clash = _workbook(tmp_path / "b.xlsx", {"A": [["text"], ["1"]], "B": [["comment"], ["2"]]})
    with pytest.raises(ScreeningError, match=r"A: text.*B: comment"):
        open_table(clash)
    # the requested text column decides which sheets hold posts
    t = read_table(clash, text_col="comment")
    assert t.frame["comment"].tolist() == ["2"] and "sheet" not in t.frame


def test_a_named_sheet_is_read_alone_or_refused_naming_the_sheets(tmp_path: Path) -> None:
    p = _workbook(tmp_path / "x.xlsx", {"A": [["text"], ["a"]], "B": [["text"], ["b"]]})
    assert read_table(p, sheet="B").frame["text"].tolist() == ["b"]
    with pytest.raises(ScreeningError, match=r"no sheet named 'C'.*sheets are: A, B"):
        read_table(p, sheet="C")
    with pytest.raises(ScreeningError, match=r"only \.xlsx"):
        read_table(_csv(tmp_path, "text\na\n"), sheet="A")


def test_an_input_column_named_sheet_is_kept(tmp_path: Path) -> None:
    p = _workbook(
        tmp_path / "x.xlsx",
        {"A": [["sheet", "text"], ["s1", "a"]], "B": [["sheet", "text"], ["s2", "b"]]},
    )
    f = read_table(p).frame
    assert f[["sheet.1", "sheet", "text"]].values.tolist() == [["A", "s1", "a"], ["B", "s2", "b"]]


def test_xlsx_cells_keep_their_values_and_rows(tmp_path: Path) -> None:
    p = _workbook(
        tmp_path / "x.xlsx",
        {"A": [[], ["id", "text", "n"], [123456789012345, "a\u240bb", 2.0], ["x", "@budi", 0.5]]},
    )
    t = read_table(p)
    # control pictures written by the tool's XLSX writer come back as the characters
    assert t.frame[["id", "text", "n", "line"]].values.tolist() == [
        ["123456789012345", "a\x0bb", "2", 3],
        ["x", "@budi", "0.5", 4],
    ]


def test_xlsx_control_pictures_are_mapped_back(tmp_path: Path) -> None:
    # the tool's XLSX writers store "\x0b" (which XML cannot hold) as its picture "␋"
    p = _workbook(tmp_path / "x.xlsx", {"A": [["text\u2400"], ["a\u240bb\u2401"], ["biasa"]]})
    f = read_table(p).frame
    assert list(f.columns) == ["text\x00", "line"]
    assert f["text\x00"].tolist() == ["a\x0bb\x01", "biasa"]


def test_a_workbook_without_text_sheets_is_one_line_on_stderr(
    small_model: Path, tmp_path: Path
) -> None:
    p = _workbook(tmp_path / "a.xlsx", {"A": [["x"], ["1"]], "B": [["y"], ["2"]]})
    r = run_cli("score", str(p), "-o", str(tmp_path / "o.csv"), "--model", str(small_model))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    assert "A, B" in r.stderr


# ---- item 3: ids round-trip exactly -----------------------------------------------------

BIG = 1850985128734428200


def _parquet_with_int_ids(path: Path) -> Path:
    table = pa.table(
        {
            "id_str": pa.array([BIG, None, 7], type=pa.int64()),
            "count": pa.array([1, 2, None], type=pa.uint64()),
            "text": ["ayo coblos nomor 2", "selamat pagi", "hujan deras"],
        }
    )
    pq.write_table(table, path)
    return path


def test_parquet_integer_ids_with_nulls_are_exact(tmp_path: Path) -> None:
    t = read_table(_parquet_with_int_ids(tmp_path / "x.parquet"))
    assert t.frame["id_str"].tolist() == [str(BIG), "", "7"]
    assert t.frame["count"].tolist() == ["1", "2", ""]


def test_json_array_big_integers_are_exact(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text(
        f'[{{"id": {BIG}, "text": "a", "ok": true}}, {{"id": null, "text": "b"}}]',
        encoding="utf-8",
    )
    f = read_table(p).frame
    assert f["id"].tolist() == [str(BIG), ""]
    assert f["ok"].tolist() == ["true", ""]  # as JSONL gives it
    p = tmp_path / "x.jsonl"
    p.write_text(f'{{"id": {BIG}, "text": "a"}}\n{{"text": "b"}}\n', encoding="utf-8")
    assert read_table(p).frame["id"].tolist() == [str(BIG), ""]


@pytest.mark.parametrize("ext", [".csv", ".jsonl", ".parquet", ".xlsx"])
def test_ids_survive_score_in_every_output_format(
    small_model: Path, tmp_path: Path, ext: str
) -> None:
    src = _parquet_with_int_ids(tmp_path / "in.parquet")
    out = tmp_path / f"out{ext}"
    r = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(small_model)])
    assert r.exit_code == 0, r.output
    assert read_table(out).frame["id_str"].tolist() == [str(BIG), "", "7"]
    if ext in (".csv", ".jsonl"):
        assert str(BIG) in out.read_text(encoding="utf-8")


# ---- item 4: a column named line ----------------------------------------------------------


@pytest.mark.parametrize("ext", [".jsonl", ".json"])
def test_a_json_key_named_line_is_kept_as_line_1(tmp_path: Path, ext: str) -> None:
    recs = [{"line": "L1", "text": "a"}, {"text": "b", "line": "L2", "line.1": "x"}]
    p = tmp_path / f"x{ext}"
    if ext == ".json":
        p.write_text(json.dumps(recs), encoding="utf-8")
    else:
        p.write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    f = read_table(p).frame
    assert list(f.columns) == ["line.1", "text", "line.1.1", "line"]
    assert f["line.1"].tolist() == ["L1", "L2"]
    assert f["line.1.1"].tolist() == ["", "x"]
    assert f["line"].tolist() == [1, 2]


def test_csv_names_stay_distinct_when_a_renamed_name_exists(tmp_path: Path) -> None:
    f = read_table(_csv(tmp_path, "line,line.1,text,text\n1,2,a,b\n")).frame
    assert list(f.columns) == ["line.1", "line.1.1", "text", "text.1", "line"]


# ---- items 5 and 6: encodings -----------------------------------------------------------

UNICODE_TEXT = "id\ttext\n1\tAyo coblos ✌ nomor 2\n2\tselamat pagi, café\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")],
)
def test_utf16_unicode_text_is_read(tmp_path: Path, encoding: str, bom: bytes) -> None:
    p = tmp_path / "export.txt"
    p.write_bytes(bom + UNICODE_TEXT.replace("\n", "\r\n").encode(encoding))
    t = read_table(p)
    assert t.encoding.startswith("utf-16")
    assert t.delimiter == "\t"
    assert t.frame["text"].tolist() == ["Ayo coblos ✌ nomor 2", "selamat pagi, café"]
    assert t.frame["line"].tolist() == [2, 3]


def test_utf16_jsonl_is_read(tmp_path: Path) -> None:
    p = tmp_path / "x.jsonl"
    p.write_bytes(b"\xff\xfe" + '{"text": "halo ✌"}\n'.encode("utf-16-le"))
    assert read_table(p).frame["text"].tolist() == ["halo ✌"]


def test_a_utf8_line_in_a_cp1252_file_is_decoded_as_utf8_and_counted(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    lines = ["id,text\n"] + [f"{i},caf\xe9 na\xefve {i}\n" for i in range(20)]
    data = "".join(lines).encode("cp1252") + "20,senyum 😀 ✌\n".encode()
    data += "21,d\xe9j\xe0 vu\n".encode("cp1252")
    p.write_bytes(data)
    t = read_table(p)
    assert t.frame["text"].tolist()[-3:] == ["café naïve 19", "senyum 😀 ✌", "déjà vu"]
    assert t.mixed_lines == 1
    stream = open_table(p, chunk_rows=5)
    assert stream.encoding == "cp1252" and stream.mixed_lines == 1
    assert pd.concat([c.frame for c in stream])["text"].tolist() == t.frame["text"].tolist()


def test_a_single_encoding_file_has_no_mixed_lines(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_bytes("id,text\n1,caf\xe9\n".encode("cp1252"))
    t = read_table(p)
    assert (t.encoding, t.mixed_lines, t.frame["text"].tolist()) == ("cp1252", 0, ["café"])


# ---- item 7: formula guard undone on reading ----------------------------------------------


def test_guarded_csv_reads_back_to_the_original_text(tmp_path: Path) -> None:
    texts = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "'halo", "-2+3", "biasa", "-1"]
    df = pd.DataFrame({"=cmd|x": ["a"] * len(texts), "text": texts})
    for ext in (".csv", ".tsv"):
        p = tmp_path / f"g{ext}"
        write_table(df, p, formula_guard=True)
        assert "'=HYPERLINK" in p.read_text(encoding="utf-8")  # the guard is on disk
        back = read_table(p).frame
        assert list(back.columns)[:2] == ["=cmd|x", "text"]
        assert back["text"].tolist() == texts


def test_score_output_reads_back_unguarded(small_model: Path, tmp_path: Path) -> None:
    texts = ["=coblos nomor 2", "@budi ayo", "biasa saja"]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["score", str(src), "-o", str(out), "--model", str(small_model)])
    assert r.exit_code == 0, r.output
    assert read_table(out).frame["text"].tolist() == texts


# ---- item 8: echoed names are capped and printable -----------------------------------------


def test_column_lists_in_errors_are_capped_and_stripped() -> None:
    cols = [f"kolom_{i}_" + "x" * 200 for i in range(50_000)] + ["\x1b[2J\x1b]0;evil\x07bad\n"]
    with pytest.raises(ScreeningError) as err:
        find_text_column(cols)
    msg = str(err.value)
    assert len(msg) < 600 and "more)" in msg and "kolom_0_" in msg
    with pytest.raises(ScreeningError) as err:
        find_text_column(["\x1b[31mred\r\nline", "b"], "\x1b[2Jgone" + "y" * 10_000)
    msg = str(err.value)
    assert "\x1b" not in msg and "\n" not in msg and "\r" not in msg and len(msg) < 600
    assert "red" in msg


def test_a_huge_header_line_gives_one_short_error_line(small_model: Path, tmp_path: Path) -> None:
    p = tmp_path / "wide.csv"
    names = ["\x1b[2J\x1b[31mred"] + [f"c{i}" for i in range(1_000_000)]  # about 7 MB
    p.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n", encoding="utf-8")
    r = run_cli("score", str(p), "-o", str(tmp_path / "o.csv"), "--model", str(small_model))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and len(r.stderr) < 600, r.stderr[:300]
    assert "\x1b" not in r.stderr and "red, c0, c1" in r.stderr
