"""Provides the workspace connection: a private SQLite file, WAL, and one transaction helper.

Every store of the repository (people, notes, mappings, drafts, the call log) builds on
:class:`Database`: it opens the file readable by its owner only, waits up to ten seconds
for a busy database instead of failing, brings the schema up to date, and offers
:meth:`Database.transaction` so every multi-row write lands whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from feedback_writer.errors import WorkspaceError
from feedback_writer.storage.migrations import migrate

BUSY_TIMEOUT_S = 10.0
"""How long a connection waits for another process's lock before giving up."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def timestamp(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def create_private(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def connect(path: Path) -> sqlite3.Connection:
    """Open the file in autocommit mode (transactions are explicit), WAL, foreign keys on."""
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    _use_wal(db)
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds the lock: SQLite may refuse
    this switch at once, without its busy handler, when several open a fresh file."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Database:
    """The open workspace file; thread-safe through one lock."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        try:
            create_private(db_path)
            self._db = connect(db_path)
        except (OSError, sqlite3.Error) as exc:
            raise WorkspaceError(f"{db_path}: cannot open the workspace: {exc}") from None
        self._lock = threading.RLock()
        try:
            migrate(self._db, label=str(db_path))
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work (nested calls join the outer one)."""
        with self._lock:
            if self._db.in_transaction:
                yield self._db
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def _one(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
            return row
