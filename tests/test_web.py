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
from tests.helpers import run_cli

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

    from screening.data.guidance import load_guidance
    from screening.io.readers import read_table
    from screening.model.bundle import load_bundle
    from screening.paths import GUIDANCE
    from screening.review.queue import build_queue
    from screening.review.web import create_app

    src = tmp_path / "posts.csv"
    pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "tweet_url": [f"https://x.com/user{i}/status/{i}" for i in range(4)],
            "username": ["budi_asn", "budi_asn", "siti", "joko"],
            "created_at": [f"2024-11-0{i + 1} 08:00" for i in range(4)],
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


def test_review_page_by_keys_and_buttons_with_undo_and_language(
    server: tuple[str, Path], tmp_path: Path
) -> None:
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
        page = browser.new_page(viewport={"width": 900, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{url}/")
        assert page.get_attribute("html", "lang") == "id"  # Indonesian by default
        assert page.locator("meta[name=viewport]").count() == 1
        page.fill("input[name=reviewer]", "ani")
        page.click("button[type=submit]")
        seen, decided = [], {}

        def post_id() -> str:
            return page.text_content("#post-id") or ""

        # post 1: category by key, decision by button; the category menu starts empty
        page.wait_for_selector("text=unggahan 1 dari 4")
        assert page.eval_on_selector("#category", "s => s.value") == ""
        link = page.locator("#link")
        assert link.get_attribute("rel") == "noopener noreferrer"
        assert (link.get_attribute("href") or "").startswith("https://x.com/")
        assert page.text_content("#author") and page.text_content("#date")
        seen.append(page.text_content("#post"))
        first = post_id()
        page.keyboard.press("1")  # dukungan
        page.click("#btn-partisan")
        decided[first] = "partisan"
        page.wait_for_selector("#saved")  # "tersimpan"
        assert "Tersimpan" in (page.text_content("#saved") or "")

        # post 2: Enter in the note is a new line, never a decision
        page.wait_for_selector("text=unggahan 2 dari 4")
        second = post_id()
        page.fill("#note", "cek akun ini")
        page.focus("#note")
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        assert post_id() == second and "unggahan 2 dari 4" in page.content()
        with Store(db) as s:
            assert {r["post_id"] for r in s.current()} == {first}
        page.click("#post")  # focus out of the note, then decide by key
        page.keyboard.press("n")
        decided[second] = "not_partisan"

        # post 3: unsure by key, then undo it from the confirmation and decide again
        page.wait_for_selector("text=unggahan 3 dari 4")
        third = post_id()
        seen.append(page.text_content("#post"))
        page.keyboard.press("u")
        page.wait_for_selector("#undo")
        page.click("#undo")
        assert post_id() == third and "ragu" in (page.text_content("#current") or "")
        page.keyboard.press("3")  # simbol
        page.keyboard.press("p")
        decided[third] = "partisan"
        page.wait_for_selector("text=unggahan 4 dari 4")
        seen.append(page.text_content("#post"))

        # the language switch keeps the place
        page.click("#lang-switch")
        page.wait_for_selector("text=post 4 of 4")
        assert page.get_attribute("html", "lang") == "en"
        assert "Not partisan" in (page.text_content("#btn-not_partisan") or "")
        page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
        # the author's name filters the queue to that account's posts
        name = page.text_content("#author")
        page.click("#author")
        page.wait_for_selector(f"text=only account {name}")
        mine = {"budi_asn": 2, "siti": 1, "joko": 1}[name or ""]
        assert f" of {mine} " in (page.text_content("#progress") or "")
        page.goto(f"{url}/?reviewer=ANI")  # resumes; the name's case does not matter
        assert "unggahan 4 dari 4" in page.content()
        browser.close()
    assert any("<script>alert('x')</script>" in (t or "") for t in seen)  # shown as text
    assert dialogs == []  # and never run
    with Store(db) as s:
        cur = {r["post_id"]: r["decision"] for r in s.current()}
        cats = {r["post_id"]: r["category"] for r in s.current()}
        rows = s.count()
    assert cur == decided and rows == 4  # the undone decision is kept as history
    assert cats[first] == "dukungan" and cats[third] == "simbol"


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
