"""The decisions store: every reviewer decision, append-only, in SQLite (WAL mode).

Decisions are evidence, so nothing is ever updated or deleted: triggers refuse UPDATE and
DELETE, a changed decision is a new row, and the current decision of a reviewer on a post is
their latest row. Each import runs in one transaction, so a process killed mid-import leaves
the store exactly as before it; WAL mode and a busy timeout let several reviewers' processes
write at once without losing anything. ``import_key`` (source file hash + row + reviewer)
makes re-importing the same sheet a no-op.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from screening.errors import ScreeningError

DECISIONS = ("partisan", "not_partisan", "unsure")
SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id       TEXT NOT NULL,
    text          TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,
    score         REAL,
    model_version TEXT,
    threshold     REAL,
    sample        TEXT,
    reviewer      TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
    decision      TEXT NOT NULL CHECK (decision IN ('partisan', 'not_partisan', 'unsure')),
    category      TEXT,
    note          TEXT,
    decided_at    TEXT NOT NULL,
    source        TEXT,
    import_key    TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS decisions_post ON decisions (post_id, reviewer, id);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE VIEW IF NOT EXISTS current_decisions AS
SELECT d.* FROM decisions d
WHERE d.id = (SELECT MAX(id) FROM decisions x
              WHERE x.post_id = d.post_id AND x.reviewer = d.reviewer);
"""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """One reviewer decision on one post."""

    post_id: str
    text: str
    reviewer: str
    decision: str
    decided_at: str
    category: str | None = None
    note: str | None = None
    score: float | None = None
    model_version: str | None = None
    threshold: float | None = None
    sample: str | None = None
    source: str | None = None
    import_key: str | None = None


class Store:
    """An open decisions database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise ScreeningError(f"{self.path} is a directory, not a decisions database")
        try:
            self.conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA busy_timeout=60000")
            self.conn.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise ScreeningError(f"{self.path}: not a usable decisions database ({exc})") from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT: all or nothing, one writer at a time."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def add(self, decisions: Iterable[Decision]) -> tuple[int, int]:
        """Append decisions in one transaction; returns (added, already present by import_key)."""
        added = dup = 0
        with self.transaction() as c:
            for d in decisions:
                if d.decision not in DECISIONS:
                    raise ScreeningError(f"decision must be one of {DECISIONS}, got {d.decision!r}")
                cur = c.execute(
                    "INSERT OR IGNORE INTO decisions (post_id, text, text_sha256, score,"
                    " model_version, threshold, sample, reviewer, decision, category, note,"
                    " decided_at, source, import_key)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        d.post_id,
                        d.text,
                        text_hash(d.text),
                        d.score,
                        d.model_version,
                        d.threshold,
                        d.sample,
                        d.reviewer.strip(),
                        d.decision,
                        d.category or None,
                        d.note or None,
                        d.decided_at,
                        d.source,
                        d.import_key,
                    ),
                )
                if cur.rowcount:
                    added += 1
                else:
                    dup += 1
        return added, dup

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])

    def current(self) -> list[sqlite3.Row]:
        """The current decision of each reviewer on each post (their latest row)."""
        self.conn.row_factory = sqlite3.Row
        try:
            return list(
                self.conn.execute("SELECT * FROM current_decisions ORDER BY post_id, reviewer")
            )
        finally:
            self.conn.row_factory = None

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
