"""Several processes opening one fresh workspace at once: the schema is made once, no one fails."""

from __future__ import annotations

import subprocess
import sys
import time

from feedback_writer.storage.migrations import MIGRATIONS, applied_migrations
from feedback_writer.storage.repository import Repository

PROCESSES = 4
NOTES_EACH = 5

WORKER = f"""
import sys, time
from pathlib import Path
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage.repository import Repository

db_path, go, who = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
deadline = time.monotonic() + 60
while not go.exists():  # start together: every process is imported and waiting
    if time.monotonic() > deadline:
        sys.exit("never told to go")
    time.sleep(0.001)
with Repository(db_path) as repo:
    for i in range({NOTES_EACH}):
        repo.add_note("Ana", ParsedNote(text=f"note {{i}} from process {{who}}"))
"""


def test_processes_opening_a_fresh_workspace_together_all_succeed(tmp_path):
    db_path = tmp_path / "ws" / "workspace.sqlite3"
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path), str(go), str(who)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in range(PROCESSES)
    ]
    time.sleep(1.5)  # let every interpreter import and reach the barrier
    go.touch()
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    for p in procs:
        for stream in (p.stdout, p.stderr):
            if stream:
                stream.close()
    assert [rc for rc, _ in results] == [0] * PROCESSES, [err for _, err in results]
    with Repository(db_path) as repo:
        texts = {n.text for n in repo.list_notes("Ana")}
        assert len(texts) == PROCESSES * NOTES_EACH
        assert applied_migrations(repo._db) == [fn.__name__ for fn in MIGRATIONS]
