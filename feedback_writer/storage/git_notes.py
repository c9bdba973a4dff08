"""Provides the SQL of notes imported from git: proposed state, sources, dedupe ledger.

Plain functions over a ``sqlite3.Connection`` (the caller owns the transaction) and the
:class:`GitNoteStore` the repository is made of. The schema is the migration
``m002_note_state_and_git_commits`` in :mod:`.migrations`:

* ``notes.state``: ``kept`` (every note so far) or ``proposed`` (imported from git and
  not yet kept by the person). Drafts read kept notes only.
* ``git_commits``: every commit sha ever imported for a person, with its repository
  name and the note it went into. Importing again skips these, so a commit folded into a
  pull-request note, or a note the person dropped, never comes back.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.storage.db import now
from feedback_writer.storage.mappings import MappingStore

PROPOSED = "proposed"
KEPT = "kept"


@dataclass(frozen=True)
class GitNoteRow:
    """One note to store: its text, commit date, source label and every sha it covers."""

    text: str
    date: dt.date
    source: str
    repo: str
    shas: tuple[str, ...]


def known_shas(db: sqlite3.Connection, person_id: int) -> set[str]:
    """Every commit sha already imported for the person (kept, proposed or dropped)."""
    rows = db.execute("SELECT sha FROM git_commits WHERE person_id = ?", (person_id,))
    return {str(r[0]) for r in rows}


def insert_proposed(
    db: sqlite3.Connection, person_id: int, rows: Iterable[GitNoteRow], now: str
) -> list[int]:
    """Store new notes as proposed; rows whose first sha is already known are skipped."""
    seen = known_shas(db, person_id)
    added: list[int] = []
    for row in rows:
        if not row.shas or row.shas[0] in seen:
            continue
        cur = db.execute(
            "INSERT INTO notes (person_id, text, date, author_kind, source, tags, state, "
            "created_at, updated_at) VALUES (?, ?, ?, 'self', ?, ?, 'proposed', ?, ?)",
            (person_id, row.text, row.date.isoformat(), row.source, json.dumps([]), now, now),
        )
        note_id = int(cur.lastrowid or 0)
        added.append(note_id)
        fresh = [sha for sha in dict.fromkeys(row.shas) if sha not in seen]
        db.executemany(
            "INSERT OR IGNORE INTO git_commits (person_id, sha, repo, note_id, imported_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(person_id, sha, row.repo, note_id, now) for sha in fresh],
        )
        seen.update(fresh)
    return added


def proposed_ids(db: sqlite3.Connection, person_id: int, repo: str | None = None) -> list[int]:
    """The person's proposed notes, all or those from one repository (by name)."""
    if repo is None:
        rows = db.execute(
            "SELECT id FROM notes WHERE person_id = ? AND state = 'proposed' ORDER BY id",
            (person_id,),
        )
    else:
        rows = db.execute(
            "SELECT DISTINCT notes.id FROM notes JOIN git_commits ON git_commits.note_id = "
            "notes.id WHERE notes.person_id = ? AND notes.state = 'proposed' "
            "AND git_commits.repo = ? ORDER BY notes.id",
            (person_id, repo),
        )
    return [int(r[0]) for r in rows]


def note_states(db: sqlite3.Connection, note_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """``{note id: (person id, state)}`` for the ids that exist."""
    found: dict[int, tuple[int, str]] = {}
    for note_id in note_ids:
        row = db.execute("SELECT person_id, state FROM notes WHERE id = ?", (note_id,)).fetchone()
        if row is not None:
            found[note_id] = (int(row[0]), str(row[1]))
    return found


def _keep(db: sqlite3.Connection, note_ids: Sequence[int], now: str) -> int:
    """Mark proposed notes kept: drafts read them from now on. Returns how many changed."""
    changed = 0
    for note_id in note_ids:
        cur = db.execute(
            "UPDATE notes SET state = 'kept', updated_at = ? WHERE id = ? AND state = 'proposed'",
            (now, note_id),
        )
        changed += cur.rowcount
    return changed


def _drop(db: sqlite3.Connection, note_ids: Sequence[int]) -> int:
    """Delete proposed notes; their shas stay in the ledger so no import brings them back."""
    dropped = 0
    for note_id in note_ids:
        cur = db.execute("DELETE FROM notes WHERE id = ? AND state = 'proposed'", (note_id,))
        dropped += cur.rowcount
    return dropped


def repo_names(db: sqlite3.Connection, person_id: int) -> list[str]:
    """The repository names the person has imported from."""
    rows = db.execute(
        "SELECT DISTINCT repo FROM git_commits WHERE person_id = ? ORDER BY repo", (person_id,)
    )
    return [str(r[0]) for r in rows]


def relink(db: sqlite3.Connection, person_id: int, note_id: int, source: str) -> None:
    """After an undone delete: point the ledger row of the note's commit (named by its
    ``git:REPO@SHORT`` source) at the note again, so ``--repo`` finds it."""
    label, _, short = source.removeprefix("git:").rpartition("@")
    if not source.startswith("git:") or not label or not short:
        return
    db.execute(
        "UPDATE git_commits SET note_id = ? WHERE person_id = ? AND note_id IS NULL "
        "AND repo = ? AND substr(sha, 1, length(?)) = ?",
        (note_id, person_id, label, short, short),
    )


class GitNoteStore(MappingStore):
    """Notes imported from git: stored as proposed, then kept or dropped by the person."""

    def import_git_notes(self, person: str, rows: Iterable[GitNoteRow]) -> list[str]:
        """Store new git notes as proposed in one transaction; known commits are skipped."""
        with self.transaction() as db:
            p = self.ensure_person(person)
            ids = insert_proposed(db, p.id, rows, now().isoformat())
        return [f"n{i}" for i in ids]

    def known_git_shas(self, person: str) -> set[str]:
        p = self.get_person(person)
        with self._lock:
            return known_shas(self._db, p.id)

    def proposed_note_ids(self, person: str, repo: str | None = None) -> list[str]:
        p = self.get_person(person)
        with self._lock:
            return [f"n{i}" for i in proposed_ids(self._db, p.id, repo)]

    def git_repo_names(self, person: str) -> list[str]:
        p = self.get_person(person)
        with self._lock:
            return repo_names(self._db, p.id)

    def settle_proposed(self, person: str, note_ids: Sequence[str], *, keep: bool) -> int:
        """Keep or drop proposed notes (all or nothing); each must be the person's."""
        p = self.get_person(person)
        rowids = [self.note_rowid(n) for n in note_ids]
        with self.transaction() as db:
            states = note_states(db, rowids)
            for note_id, rowid in zip(note_ids, rowids, strict=True):
                if rowid not in states:
                    raise NotFoundError(f"no note {note_id}")
                if states[rowid][0] != p.id:
                    raise UsageError(f"{note_id} is not one of {person}'s notes")
                if states[rowid][1] != PROPOSED:
                    raise UsageError(f"{note_id} is not a proposed note (it is already kept)")
            if keep:
                return _keep(db, rowids, now().isoformat())
            return _drop(db, rowids)
