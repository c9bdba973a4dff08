"""Provides the mappings of notes to ladder expectations: suggestions and user decisions."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.storage.db import now
from feedback_writer.storage.people import PeopleStore
from feedback_writer.storage.records import MappingRecord, MappingStatus, Polarity


def note_rowid(note_id: str) -> int:
    """The database row of a note id such as ``n12``."""
    if not note_id.startswith("n") or not note_id[1:].isdigit():
        raise NotFoundError(f"'{note_id}' is not a note id (they look like n12)")
    return int(note_id[1:])


def _polarity(value: str) -> Polarity:
    if value == "positive":
        return "positive"
    if value == "negative":
        return "negative"
    raise UsageError(f"polarity must be positive or negative, not {value!r}")


def _mapping(row: sqlite3.Row) -> MappingRecord:
    return MappingRecord(
        f"n{row['note_id']}",
        row["expectation_id"],
        row["score"],
        row["polarity"],
        row["source"],
        row["status"],
        dt.datetime.fromisoformat(row["updated_at"]),
    )


class MappingStore(PeopleStore):
    """Which expectations a note is evidence for, and what the user decided."""

    note_rowid = staticmethod(note_rowid)

    def _put_mapping(self, db: sqlite3.Connection, m: MappingRecord) -> None:
        db.execute(
            "INSERT INTO mappings (note_id, expectation_id, score, polarity, source, status, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (note_id, expectation_id) "
            "DO UPDATE SET score = excluded.score, polarity = excluded.polarity, "
            "source = excluded.source, status = excluded.status, "
            "updated_at = excluded.updated_at",
            (
                note_rowid(m.note_id),
                m.expectation_id,
                m.score,
                m.polarity,
                m.source,
                m.status,
                m.updated_at.isoformat(),
            ),
        )

    def replace_suggestions(
        self, note_id: str, suggestions: Sequence[tuple[str, float, str]], source: str
    ) -> None:
        """Swap a note's open suggestions for new ones; the user's decisions are kept."""
        self.replace_suggestions_many([(note_id, suggestions, source)])

    def replace_suggestions_many(
        self, items: Iterable[tuple[str, Sequence[tuple[str, float, str]], str]]
    ) -> None:
        """:meth:`replace_suggestions` for many notes ``(note_id, suggestions, source)``
        in one transaction: a map of 10,000 notes commits once, not 10,000 times."""
        when = now().isoformat()
        with self.transaction() as db:
            for note_id, suggestions, source in items:
                rowid = note_rowid(note_id)
                db.execute(
                    "DELETE FROM mappings WHERE note_id = ? AND status = 'suggested'", (rowid,)
                )
                decided = {
                    r[0]
                    for r in db.execute(
                        "SELECT expectation_id FROM mappings WHERE note_id = ?", (rowid,)
                    )
                }
                rows = [
                    (rowid, expectation_id, score, _polarity(polarity), source, when)
                    for expectation_id, score, polarity in suggestions
                    if expectation_id not in decided
                ]
                db.executemany(
                    "INSERT INTO mappings (note_id, expectation_id, score, polarity, source, "
                    "status, updated_at) VALUES (?, ?, ?, ?, ?, 'suggested', ?) "
                    "ON CONFLICT (note_id, expectation_id) DO UPDATE SET "
                    "score = excluded.score, polarity = excluded.polarity, "
                    "source = excluded.source, status = excluded.status, "
                    "updated_at = excluded.updated_at",
                    rows,
                )

    def set_mapping(
        self,
        note_id: str,
        expectation_id: str,
        status: MappingStatus,
        *,
        polarity: str | None = None,
        score: float | None = None,
    ) -> MappingRecord:
        """Record the user's decision: accept, reject, or add (accepted, source user)."""
        if status not in ("suggested", "accepted", "rejected"):
            raise UsageError(f"unknown mapping status '{status}'")
        rowid = note_rowid(note_id)
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM notes WHERE id = ?", (rowid,)).fetchone() is None:
                raise NotFoundError(f"no note {note_id}")
            row = db.execute(
                "SELECT * FROM mappings WHERE note_id = ? AND expectation_id = ?",
                (rowid, expectation_id),
            ).fetchone()
            old = _mapping(row) if row else None
            record = MappingRecord(
                note_id,
                expectation_id,
                score if score is not None else (old.score if old else 1.0),
                _polarity(polarity or (old.polarity if old else "positive")),
                old.source if old else "user",
                status,
                now(),
            )
            self._put_mapping(db, record)
        return record

    def mappings_for_note(self, note_id: str) -> list[MappingRecord]:
        rows = self._all(
            "SELECT * FROM mappings WHERE note_id = ? ORDER BY score DESC",
            (note_rowid(note_id),),
        )
        return [_mapping(r) for r in rows]

    def mappings_for_person(self, person: str) -> list[MappingRecord]:
        p = self.get_person(person)
        rows = self._all(
            "SELECT mappings.* FROM mappings JOIN notes ON notes.id = mappings.note_id "
            "WHERE notes.person_id = ? ORDER BY mappings.note_id, mappings.score DESC",
            (p.id,),
        )
        return [_mapping(r) for r in rows]
