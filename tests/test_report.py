"""Evaluation outputs: calibration figures, comparison, and the HTML report in a real browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.helpers import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("d") / "labelled.csv"
    p.write_text(
        "text,label,category\n"
        '"<script>alert(1)</script> ayo coblos nomor 2, pilih pak calon kita ✌",0,\n'
        '"Salam dua jari, lanjutkan pak, dua periode! #MenangLagi",1,simbol\n'
        '"Macet parah pagi ini di jalan protokol",0,\n'
        '"Guru2 wajib hadir di deklarasi paslon 1 besok, absen dicek kepsek",1,mobilisasi\n'
        '"Jangan lupa cek DPT dan datang ke TPS ya",0,\n'
        '"Pilih yang seiman, jangan sampai daerah kita dipimpin orang luar",1,identitas\n',
        encoding="utf-8",
    )
    return p


def test_report_and_reliability_plot(full_model: Path, labelled: Path, tmp_path: Path) -> None:
    report, plot, js = tmp_path / "r.html", tmp_path / "rel.png", tmp_path / "e.json"
    r = run_cli(
        "evaluate",
        str(labelled),
        "--model",
        str(full_model),
        "--report",
        str(report),
        "--plot",
        str(plot),
        "--json",
        str(js),
        "--threshold",
        "0.01",
    )
    assert r.returncode == 0, r.stderr
    page = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert page.count('src="data:image/png;base64,') == 2 and "http://" not in page
    assert plot.read_bytes()[:4] == b"\x89PNG"
    # Indonesian by default; the error tables carry the reasons column
    assert '<html lang="id">' in page and "<h2>Angka utama</h2>" in page
    assert "<th>alasan (istilah yang menaikkan skor)</th>" in page
    before = json.loads(js.read_text())["before_calibration"]
    assert set(before) == {"brier", "ece", "average_precision"}


def test_compare_two_models(
    full_model: Path, small_model: Path, labelled: Path, tmp_path: Path
) -> None:
    # the model trained on 500 posts against the one trained on all: the difference is the
    # second's AP minus the first's, inside its own interval, and each AP is the one that
    # evaluating that model alone gives
    alone = []
    for m in (small_model, full_model):
        js = tmp_path / f"{m.name}.json"
        assert run_cli("evaluate", "--model", str(m), "--json", str(js)).returncode == 0
        alone.append(json.loads(js.read_text())["average_precision"])
    js = tmp_path / "c.json"
    r = run_cli(
        "evaluate", "--model", str(small_model), "--model", str(full_model), "--json", str(js)
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(js.read_text())
    assert [m["average_precision"] for m in out["models"]] == pytest.approx(alone)
    cmp = out["comparison"]
    assert cmp["ap_difference"] == pytest.approx(alone[1] - alone[0])
    assert cmp["ap_difference"] > 0 and cmp["ci_low"] <= cmp["ap_difference"] <= cmp["ci_high"]


@pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium browser installed (apt-get install chromium)"
)
def test_report_renders_its_figures_in_a_headless_browser(
    full_model: Path, labelled: Path, tmp_path: Path
) -> None:
    report = tmp_path / "r.html"
    assert (
        run_cli(
            "evaluate", str(labelled), "--model", str(full_model), "--report", str(report)
        ).returncode
        == 0
    )
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                report.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    match = re.search(r'<body[^>]*data-figures-loaded="(\d+)"', dom)
    assert match and match.group(1) == "2", dom[:500]
    assert "<script>alert(1)</script> ayo" not in dom.split("</head>", 1)[1]


def test_report_in_english_on_request(full_model: Path, labelled: Path, tmp_path: Path) -> None:
    report = tmp_path / "r_en.html"
    r = run_cli(
        "evaluate", str(labelled), "-m", str(full_model), "--report", str(report), "--lang", "en"
    )
    assert r.returncode == 0, r.stderr
    page = report.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<h2>Headline figures</h2>" in page
    assert "Angka utama" not in page
