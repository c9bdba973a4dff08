"""Provides the workspace connection: a private SQLite file, WAL, and one transaction helper.

Every store of the repository (people, notes, mappings, drafts, the call log) builds on
:class:`Database`: it opens the file readable by its owner only, waits up to ten seconds
for a busy database instead of failing, brings the schema up to date, and offers
:meth:`Database.transaction` so every multi-row write lands whole or not at all.

Every write goes through :meth:`Database.transaction`: ``BEGIN IMMEDIATE`` waits for
another process's write lock (the busy timeout), is retried while SQLite answers busy
without waiting (WAL recovery, a checkpoint), and when the lock is still held after the
timeout raises :class:`~feedback_writer.errors.WorkspaceBusy`, a plain message rather than
``OperationalError: database is locked``. ``FEEDBACK_WRITER_BUSY_TIMEOUT`` (seconds)
overrides the timeout.
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

from feedback_writer.errors import WorkspaceBusy, WorkspaceError
from feedback_writer.storage.migrations import migrate

BUSY_TIMEOUT_S = 10.0
"""How long a connection waits for another process's lock before giving up
(``FEEDBACK_WRITER_BUSY_TIMEOUT`` overrides it, in seconds)."""

BUSY_RETRY_PAUSE_S = 0.05
"""The pause between two attempts at ``BEGIN`` that SQLite refused without waiting."""


def busy_timeout() -> float:
    """The busy timeout in seconds: the environment's, else :data:`BUSY_TIMEOUT_S`."""
    raw = os.environ.get("FEEDBACK_WRITER_BUSY_TIMEOUT", "").strip()
    try:
        value = float(raw) if raw else BUSY_TIMEOUT_S
    except ValueError:
        return BUSY_TIMEOUT_S
    return value if value >= 0 else BUSY_TIMEOUT_S


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" / "database is busy"."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc)
    return "locked" in text or "busy" in text


def busy_error(path: Path | str, waited: float) -> WorkspaceBusy:
    return WorkspaceBusy(
        f"{path}: the workspace is busy: another feedback-writer (an import, a map, the "
        f"TUI) kept it locked for writing for more than {waited:g} s; nothing was changed",
        hint="wait for it to finish and run the command again",
    )


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
    wait = busy_timeout()
    db = sqlite3.connect(path, timeout=wait, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    db.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
    _use_wal(db)
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL, retrying while another process holds the lock: SQLite may refuse
    this switch at once, without its busy handler, when several open a fresh file."""
    deadline = time.monotonic() + busy_timeout()
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if not is_busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Database:
    """The open workspace file; thread-safe through one lock."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        try:
            create_private(db_path)
            self._db = connect(db_path)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise busy_error(db_path, busy_timeout()) from None
            raise WorkspaceError(f"{db_path}: cannot open the workspace: {exc}") from None
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
            self._begin()
            try:
                yield self._db
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if is_busy(exc):
                    raise busy_error(self.path, busy_timeout()) from None
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                if is_busy(exc):
                    raise busy_error(self.path, busy_timeout()) from None
                raise

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``: the busy timeout waits for another writer; a busy answer
        that came sooner (SQLite skips the wait in some WAL states) is retried until the
        timeout has passed; then :class:`WorkspaceBusy`."""
        wait = busy_timeout()
        start = time.monotonic()
        while True:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc):
                    raise
                if time.monotonic() - start >= wait:
                    raise busy_error(self.path, wait) from None
                time.sleep(BUSY_RETRY_PAUSE_S)

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return list(self._db.execute(sql, args).fetchall())
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise busy_error(self.path, busy_timeout()) from None
                raise

    def _iter(self, sql: str, args: Sequence[Any] = (), size: int = 1000) -> Iterator[sqlite3.Row]:
        """The rows of a query read ``size`` at a time from one cursor: a bounded read of
        a large result (100,000 notes are never one list)."""
        with self._lock:
            try:
                cursor = self._db.execute(sql, args)
                rows = cursor.fetchmany(size)
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise busy_error(self.path, busy_timeout()) from None
                raise
        while rows:
            yield from rows
            with self._lock:
                rows = cursor.fetchmany(size)

    def _one(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            try:
                row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise busy_error(self.path, busy_timeout()) from None
                raise
            return row
