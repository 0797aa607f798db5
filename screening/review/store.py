"""The decisions store: every reviewer decision, append-only, in SQLite (WAL mode).

Decisions are evidence, so nothing is ever updated or deleted: triggers refuse UPDATE and
DELETE, a changed decision is a new row, and the current decision of a reviewer on a post is
their latest row. Each import runs in one transaction, so a process killed mid-import leaves
the store exactly as before it; WAL mode and a busy timeout let several reviewers' processes
write at once without losing anything. ``import_key`` (source file hash + row + reviewer)
makes re-importing the same sheet a no-op.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from screening.errors import ScreeningError
from screening.hashing import text_hash

DECISIONS = ("partisan", "not_partisan", "unsure")
# One statement per item: opening runs them one by one inside a single transaction (see
# Store.__init__), which sqlite3's executescript cannot do, since it commits first.
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS decisions (
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
)""",
    "CREATE INDEX IF NOT EXISTS decisions_post ON decisions (post_id, reviewer, id)",
    "CREATE INDEX IF NOT EXISTS decisions_text ON decisions (text_sha256, id)",
    """CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
)
# Stores made before adjudication existed get the role column on open (ALTER TABLE ADD COLUMN
# changes no row, so the append-only triggers allow it). Views are re-created on every open, so
# an older store reads with today's rules: a reviewer is their name without case or spaces
# around it ("Ani" and "ani " are one reviewer), and adjudications are not reviews.
VIEWS = (
    "DROP VIEW IF EXISTS current_decisions",
    """CREATE VIEW current_decisions AS
SELECT d.*, lower(trim(d.reviewer)) AS reviewer_key FROM decisions d
WHERE coalesce(d.role, 'review') = 'review'
  AND d.id = (SELECT MAX(id) FROM decisions x
              WHERE x.post_id = d.post_id AND coalesce(x.role, 'review') = 'review'
                AND lower(trim(x.reviewer)) = lower(trim(d.reviewer)))""",
    "DROP VIEW IF EXISTS current_adjudications",
    """CREATE VIEW current_adjudications AS
SELECT d.* FROM decisions d
WHERE d.role = 'adjudication'
  AND d.id = (SELECT MAX(id) FROM decisions x
              WHERE x.text_sha256 = d.text_sha256 AND x.role = 'adjudication')""",
)
ROLES = ("review", "adjudication")


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
    role: str = "review"  # or "adjudication": a final decision on a disputed post


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
            # One writer at a time: two reviewers' processes opening the store together
            # could otherwise both drop a view and then both create it (the second fails),
            # or both add the role column.
            with self.transaction() as c:
                for statement in SCHEMA:
                    c.execute(statement)
                columns = {r[1] for r in c.execute("PRAGMA table_info(decisions)")}
                if "role" not in columns:
                    c.execute("ALTER TABLE decisions ADD COLUMN role TEXT DEFAULT 'review'")
                for statement in VIEWS:
                    c.execute(statement)
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
                if d.role not in ROLES:
                    raise ScreeningError(f"role must be one of {ROLES}, got {d.role!r}")
                cur = c.execute(
                    "INSERT OR IGNORE INTO decisions (post_id, text, text_sha256, score,"
                    " model_version, threshold, sample, reviewer, decision, category, note,"
                    " decided_at, source, import_key, role)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        d.role,
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
        """The current decision of each reviewer on each post (their latest review row;
        reviewers compared without case), with ``reviewer_key``, the reviewer's lower-case
        name."""
        return self._rows("SELECT * FROM current_decisions ORDER BY post_id, reviewer_key, id")

    def adjudications(self) -> list[sqlite3.Row]:
        """The latest adjudication of each adjudicated text."""
        return self._rows("SELECT * FROM current_adjudications ORDER BY id")

    def _rows(self, sql: str) -> list[sqlite3.Row]:
        self.conn.row_factory = sqlite3.Row
        try:
            return list(self.conn.execute(sql))
        finally:
            self.conn.row_factory = None

    def decided_hashes(self) -> set[str]:
        """sha256 of every text with at least one decision (any reviewer, any decision)."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT text_sha256 FROM decisions")}

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
