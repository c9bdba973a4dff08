"""Real processes on one workspace: every write waits for the lock; when it cannot get it,
a plain message (no traceback) and the user's text kept."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from feedback_writer.errors import WorkspaceBusy
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage import db as dbmod
from feedback_writer.storage.repository import Repository

HOLD_LOCK = """
import sqlite3, sys, time
from pathlib import Path
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE people SET name = name")
Path(sys.argv[2]).touch()
time.sleep(float(sys.argv[3]))
db.execute("ROLLBACK")
"""


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start ``feedback-writer ARGS`` as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "feedback_writer", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def finish(proc: subprocess.Popen[str], timeout: float = 240) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def hold_lock(db_path: Path, ready: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the write lock for ``seconds``; returns once it holds it."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db_path), str(ready), str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the lock holder did not start: {proc.communicate()}")
        time.sleep(0.01)
    return proc


@pytest.fixture
def workspace(_isolated_home: Path) -> Path:
    """A workspace with Ana in it (schema made), as ``notes add`` leaves it."""
    ws = Path(os.environ["FEEDBACK_WRITER_HOME"])
    rc, _, err = finish(cli("notes", "add", "-p", "Ana", "first note"))
    assert rc == 0, err
    return ws


def _db(ws: Path) -> Path:
    from feedback_writer.paths import database_path

    return database_path(ws)


def test_notes_add_while_another_process_holds_the_lock_keeps_the_text(workspace, tmp_path):
    holder = hold_lock(_db(workspace), tmp_path / "ready", 8)
    try:
        started = time.monotonic()
        rc, out, err = finish(
            cli(
                "notes", "add", "-p", "Ana", "--date", "2026-03-02", "Ran the SLO review",
                env={"FEEDBACK_WRITER_BUSY_TIMEOUT": "1"},
            )
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=60)
        finish(holder)
    assert rc == 1, (out, err)
    assert "Traceback" not in err and "OperationalError" not in err
    assert "the workspace is busy" in err
    kept = workspace / "unsaved-notes.txt"
    assert str(kept) in err
    assert "- 2026-03-02: Ran the SLO review" in kept.read_text(encoding="utf-8")
    assert waited >= 1.0  # it waited for the lock before giving up
    # The kept file imports back with its date.
    rc, out, err = finish(cli("notes", "import", "-p", "Ana", str(kept)))
    assert rc == 0, err
    with Repository(_db(workspace)) as repo:
        again = [n for n in repo.list_notes("Ana") if n.text == "Ran the SLO review"]
    assert len(again) == 1 and str(again[0].date) == "2026-03-02"


def test_a_write_waits_for_a_lock_released_within_the_timeout(workspace, tmp_path):
    holder = hold_lock(_db(workspace), tmp_path / "ready", 1.5)
    try:
        rc, _out, err = finish(
            cli("notes", "add", "-p", "Ana", "waited", env={"FEEDBACK_WRITER_BUSY_TIMEOUT": "20"})
        )
    finally:
        finish(holder)
    assert rc == 0, err
    assert not (workspace / "unsaved-notes.txt").exists()


class _BusyAtBegin:
    """A connection whose first ``BEGIN`` answers busy at once (as WAL recovery does)."""

    def __init__(self, db: sqlite3.Connection, refusals: int) -> None:
        self._db = db
        self.refusals = refusals

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.startswith("BEGIN") and self.refusals:
            self.refusals -= 1
            raise sqlite3.OperationalError("database is locked")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)


def test_begin_is_retried_when_sqlite_answers_busy_without_waiting(repo, monkeypatch):
    monkeypatch.setenv("FEEDBACK_WRITER_BUSY_TIMEOUT", "2")
    repo._db = _BusyAtBegin(repo._db, refusals=3)
    note = repo.add_note("Ana", ParsedNote(text="after a busy begin"))
    assert note.text == "after a busy begin"


def test_a_lock_never_released_is_a_workspace_busy_error(repo, monkeypatch):
    monkeypatch.setenv("FEEDBACK_WRITER_BUSY_TIMEOUT", "0.3")
    repo._db = _BusyAtBegin(repo._db, refusals=10**6)
    with pytest.raises(WorkspaceBusy, match="the workspace is busy"):
        repo.add_note("Ana", ParsedNote(text="never"))
    assert dbmod.busy_timeout() == 0.3


def test_imports_adds_map_and_draft_at_once_lose_nothing(workspace, tmp_path):
    files = []
    for k in range(2):
        path = tmp_path / f"import{k}.md"
        path.write_text(
            "".join(
                f"- 2026-02-{1 + i % 28:02d}: file {k} note {i}: led the incident review "
                "and wrote the postmortem\n"
                for i in range(400)
            ),
            encoding="utf-8",
        )
        files.append(path)
    procs = [cli("notes", "import", "-p", "Ana", str(f)) for f in files]
    procs += [cli("notes", "add", "-p", "Ana", f"typed note {i}") for i in range(4)]
    procs += [
        cli("map", "--person", "Ana", "--offline"),
        cli("evidence", "coverage", "-p", "Ana", "--level", "mid"),
        cli("draft", "-p", "Ana", "--level", "mid", "--threshold", "0.3"),
    ]
    results = [finish(p) for p in procs]
    for rc, out, err in results:
        assert "Traceback" not in err and "locked" not in err, err
        assert rc == 0, (out, err)
    with Repository(_db(workspace)) as repo:
        texts = {n.text for n in repo.list_notes("Ana")}
    assert len(texts) == 1 + 800 + 4
    assert {f"typed note {i}" for i in range(4)} <= texts
    assert not (workspace / "unsaved-notes.txt").exists()
