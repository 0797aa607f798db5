"""The decisions store: append-only, idempotent imports, concurrent writers, killed imports."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from screening.errors import ScreeningError
from screening.review.store import Decision, Store


def d(
    post: str, decision: str, reviewer: str = "ani", key: str | None = None, t: str = "t0"
) -> Decision:
    return Decision(
        post_id=post,
        text=f"post {post}",
        reviewer=reviewer,
        decision=decision,
        decided_at=t,
        import_key=key,
    )


def test_append_only_and_current_is_latest(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as s:
        s.add(
            [d("1", "partisan"), d("1", "not_partisan", t="t1"), d("1", "unsure", reviewer="budi")]
        )
        cur = {(r["post_id"], r["reviewer"]): r["decision"] for r in s.current()}
        assert cur == {("1", "ani"): "not_partisan", ("1", "budi"): "unsure"}
        assert s.count() == 3
        for sql in ("UPDATE decisions SET decision='partisan'", "DELETE FROM decisions"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                s.conn.execute(sql)
        assert s.count() == 3


def test_same_import_key_is_added_once_and_bad_decision_rolls_back(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as s:
        assert s.add([d("1", "partisan", key="k1"), d("2", "unsure", key="k2")]) == (2, 0)
        assert s.add([d("1", "partisan", key="k1"), d("3", "partisan", key="k3")]) == (1, 1)
        with pytest.raises(ScreeningError, match="decision must be"):
            s.add([d("4", "partisan", key="k4"), d("5", "maybe", key="k5")])
        assert s.count() == 3  # the failed batch left nothing behind


WRITER = textwrap.dedent(
    """
    import sys, time
    from screening.review.store import Decision, Store
    db, who, n, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

    def one(i):
        return Decision(post_id=f"{who}-{i}", text=f"t{i}", reviewer=who, decision="partisan",
                        decided_at="t", import_key=f"{who}-{i}")

    def stalling():
        for i in range(n):
            if i == n // 2:
                open(ready, "w").close()
                time.sleep(60)  # killed here, mid-transaction
            yield one(i)

    with Store(db) as s:
        if ready == "-":  # many small imports, racing the other writer
            for start in range(0, n, 50):
                s.add(one(i) for i in range(start, min(n, start + 50)))
        else:
            s.add(stalling())
    """
)


def _spawn(tmp_path: Path, db: Path, who: str, n: int, ready: str = "-") -> subprocess.Popen[bytes]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(script), str(db), who, str(n), ready])


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    Store(db).close()
    procs = [_spawn(tmp_path, db, who, 600) for who in ("ani", "budi")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Store(db) as s:
        assert s.count() == 1200 and s.integrity_ok()


OPENER = textwrap.dedent(
    """
    import sys, time
    from screening.review.store import Store

    db, start = sys.argv[1], float(sys.argv[2])
    time.sleep(max(0.0, start - time.time()))  # all openers start together
    for _ in range(40):
        Store(db).close()
    """
)


@pytest.mark.processes
def test_many_processes_opening_one_store_at_once_all_succeed(tmp_path: Path) -> None:
    # Opening re-creates the views; done outside one transaction, two openers could both
    # drop a view and then both create it, and the second failed with "already exists".
    db = tmp_path / "r.db"
    Store(db).close()
    script = tmp_path / "opener.py"
    script.write_text(OPENER, encoding="utf-8")
    start = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, str(script), str(db), str(start)], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in procs]
    assert results == [(0, "")] * 4
    with Store(db) as s:
        assert s.integrity_ok()


def test_killed_import_leaves_the_store_consistent(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    with Store(db) as s:
        s.add([d("before", "partisan", key="before")])
    ready = tmp_path / "ready"
    proc = _spawn(tmp_path, db, "cici", 400, str(ready))
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ready.exists() and proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(db) as s:
        assert s.integrity_ok()
        assert s.count() == 1  # the half-done import is rolled back, earlier decisions kept
        s.add([d("after", "unsure", key="after")])
        assert s.count() == 2


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "x.db"
    bad.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(ScreeningError, match="not a usable decisions database"):
        Store(bad)
