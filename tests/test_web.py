"""The review page in a real headless browser: decide three posts, check the store and safety."""

from __future__ import annotations

import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from screening.review.store import Store
from tests.conftest import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium browser installed (apt-get install chromium)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(full_model: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    import pandas as pd
    import uvicorn

    from screening.bundle import load_bundle
    from screening.guidance import load_guidance
    from screening.io import read_table
    from screening.paths import GUIDANCE
    from screening.review.queue import build_queue
    from screening.review.web import create_app

    src = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "text": [
                "<script>alert('x')</script> Ayo coblos nomor 2 ✌ lanjutkan, pilih paslon 2!",
                "Salam dua jari ✌ dukung paslon nomor 2, menang satu putaran!",
                "Bapak kadis minta seluruh staf hadir deklarasi calon nomor 1, absen dicek",
                "Pilih yang seiman, jangan sampai daerah kita dipimpin orang luar, coblos nomor 3",
            ],
        }
    ).to_csv(src, index=False)
    scored = tmp_path / "scored.csv"
    assert (
        run_cli(
            "score", str(src), "-o", str(scored), "--model", str(full_model), "-t", "0.01"
        ).returncode
        == 0
    )
    b = load_bundle(full_model)
    queue = build_queue(read_table(scored).frame, 0.01, "test", load_guidance(GUIDANCE))
    db = tmp_path / "reviews.db"
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(queue, str(db)), host="127.0.0.1", port=port, log_level="warning")
    )
    t = threading.Thread(target=srv.run, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started and b.threshold > 0
    yield f"http://127.0.0.1:{port}", db
    srv.should_exit = True
    t.join(timeout=10)


def test_decide_three_posts_in_a_browser(server: tuple[str, Path], tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, db = server
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}/")
        page.fill("input[name=reviewer]", "ani")
        page.click("button[type=submit]")
        decided, seen = {}, []
        for n, action in enumerate(["click", "n", "u"], start=1):
            page.wait_for_selector(f"text=post {n} of 4")
            seen.append(page.text_content("#post"))
            post_id = page.text_content("body").split("post id ")[1].split()[0]
            if action == "click":
                page.click("#btn-partisan")
                decided[post_id] = "partisan"
            else:
                page.keyboard.press("3")  # category: simbol
                page.keyboard.press(action)
                decided[post_id] = {"n": "not_partisan", "u": "unsure"}[action]
        page.wait_for_selector("text=post 4 of 4")
        seen.append(page.text_content("#post"))
        page.screenshot(path=str(tmp_path / "review.png"))
        page.goto(f"{url}/?reviewer=ani")  # resumes where the reviewer left off
        assert "post 4 of 4" in page.content()
        browser.close()
    assert any("<script>alert('x')</script>" in t for t in seen)  # shown as text
    assert dialogs == []  # and never run
    with Store(db) as s:
        cur = {r["post_id"]: r["decision"] for r in s.current()}
    assert cur == decided and len(cur) == 3


def test_cross_site_and_tokenless_posts_are_refused(server: tuple[str, Path]) -> None:
    url, db = server
    data = b"reviewer=eve&post_id=a&decision=partisan&category=simbol&token=wrong"
    for headers in ({"Origin": "http://evil.example"}, {}):
        req = urllib.request.Request(f"{url}/decide", data=data, headers=headers, method="POST")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req, timeout=10)
        assert err.value.code == 403
    with Store(db) as s:
        assert s.count() == 0
