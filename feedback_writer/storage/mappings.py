"""Provides the mappings of notes to ladder expectations: suggestions and user decisions."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.storage.db import now
from feedback_writer.storage.people import PeopleStore
from feedback_writer.storage.records import MappingRecord, MappingStatus, Person, Polarity


def note_rowid(note_id: str) -> int:
    """The database row of a note id such as ``n12``."""
    if not note_id.startswith("n") or not note_id[1:].isdigit():
        raise NotFoundError(f"'{note_id}' is not a note id (they look like n12)")
    return int(note_id[1:])


UNCONFIRMED_PER_NOTE = 2
"""With a threshold, at most this many open suggestions stand in for a note's evidence."""
UNCONFIRMED_MARGIN = 0.05
"""... and a runner-up only when it scores within this margin of the note's best."""


def evidence_args(
    pairs: Sequence[tuple[str, str]], person_id: int, threshold: float | None
) -> list[object]:
    """The parameters of :func:`evidence_sql`, in its order."""
    args: list[object] = [v for pair in pairs for v in pair]
    args.append(person_id)
    if threshold is not None:
        args.append(threshold)
    return args


def evidence_sql(known: int, threshold: float | None) -> str:
    """The ``ev(note_id, eid, score, polarity, status)`` CTEs: a person's evidence as
    ``mapping.evidence.select_evidence`` picks it, in SQL. Parameters: ``known`` pairs of
    (expectation id, group) for the table ``lad``, the person id, then the threshold
    (when given). Only ladder expectations (``lad``) count; excluded notes never do."""
    values = ", ".join(["(?, ?)"] * known) if known else "(NULL, NULL)"
    sql = (
        f"WITH lad(eid, grp) AS (VALUES {values}), "
        "base AS (SELECT m.note_id, m.expectation_id AS eid, m.score, m.polarity, m.status "
        "FROM mappings m JOIN notes n ON n.id = m.note_id "
        "WHERE n.person_id = ? AND n.excluded = 0 "
        "AND m.expectation_id IN (SELECT eid FROM lad)), "
        "acc AS (SELECT note_id, eid, score, polarity, status FROM base "
        "WHERE status = 'accepted')"
    )
    if threshold is None:
        return sql + ", ev AS (SELECT * FROM acc) "
    return sql + (
        ", ranked AS (SELECT note_id, eid, score, polarity, status, "
        "row_number() OVER w AS rk, first_value(score) OVER w AS best FROM base "
        "WHERE status = 'suggested' AND score >= ? "
        "AND note_id NOT IN (SELECT note_id FROM acc) "
        "WINDOW w AS (PARTITION BY note_id ORDER BY score DESC, eid)), "
        "ev AS (SELECT * FROM acc UNION ALL SELECT note_id, eid, score, polarity, status "
        f"FROM ranked WHERE rk <= {UNCONFIRMED_PER_NOTE} "
        f"AND score >= best - {UNCONFIRMED_MARGIN!r}) "
    )


@dataclass
class EvidenceCounts:
    """Distinct notes carrying evidence, counted in SQL (the coverage view's figures)."""

    notes_with_evidence: int = 0
    per_expectation: dict[str, int] = field(default_factory=dict)
    per_group: dict[str, int] = field(default_factory=dict)
    """Group (as the caller named it) -> notes with evidence on any of its expectations."""
    per_group_polarity: dict[tuple[str, str], int] = field(default_factory=dict)


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


_BATCH = 500
"""Notes per statement batch of :meth:`MappingStore.replace_suggestions_many`."""


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
        in one transaction: a map of 10,000 notes commits once, not 10,000 times, and each
        statement runs once per batch of notes (``executemany``, one read of the decisions).
        ``items`` is consumed as it comes, so a caller may still be producing it (the
        matcher's workers): what it yields is written while it makes the rest. A note
        given twice keeps its last suggestions."""
        when = now().isoformat()
        pending = iter(items)
        with self.transaction() as db:
            while batch := list(islice(pending, _BATCH)):
                self._replace_batch(db, batch, when)

    @staticmethod
    def _replace_batch(
        db: sqlite3.Connection,
        items: list[tuple[str, Sequence[tuple[str, float, str]], str]],
        when: str,
    ) -> None:
        latest: dict[int, tuple[Sequence[tuple[str, float, str]], str]] = {}
        for note_id, suggestions, source in items:
            rowid = note_rowid(note_id)
            latest.pop(rowid, None)
            latest[rowid] = (suggestions, source)
        db.executemany(
            "DELETE FROM mappings WHERE note_id = ? AND status = 'suggested'",
            ((rowid,) for rowid in latest),
        )
        decided = {
            (r[0], r[1])
            for r in db.execute(
                "SELECT note_id, expectation_id FROM mappings "
                "WHERE note_id IN (SELECT value FROM json_each(?))",
                ("[" + ",".join(map(str, latest)) + "]",),
            )
        }
        rows = [
            (rowid, expectation_id, score, _polarity(polarity), source, when)
            for rowid, (suggestions, source) in latest.items()
            for expectation_id, score, polarity in suggestions
            if (rowid, expectation_id) not in decided
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

    def evidence_counts(
        self,
        person: str,
        groups: Sequence[tuple[str, str]],
        threshold: float | None = None,
    ) -> EvidenceCounts:
        """Counts of a person's evidence (accepted mappings; with ``threshold`` also the best
        open suggestions of notes nobody confirmed) over their notes that are not excluded.
        ``groups`` pairs each known expectation id with a group (an id may be in several);
        ids in no pair do not count. Aggregated in SQL: nothing per note is read."""
        p = self.get_person(person)
        args = evidence_args(groups, p.id, threshold)
        sql = evidence_sql(len(groups), threshold) + (
            "SELECT 'notes', NULL, NULL, count(DISTINCT note_id) FROM ev "
            "UNION ALL SELECT 'exp', eid, NULL, count(DISTINCT note_id) FROM ev GROUP BY eid "
            "UNION ALL SELECT 'grp', lad.grp, NULL, count(DISTINCT ev.note_id) "
            "FROM ev JOIN lad ON lad.eid = ev.eid GROUP BY lad.grp "
            "UNION ALL SELECT 'pol', lad.grp, ev.polarity, count(DISTINCT ev.note_id) "
            "FROM ev JOIN lad ON lad.eid = ev.eid GROUP BY lad.grp, ev.polarity"
        )
        out = EvidenceCounts()
        for kind, key, polarity, count in self._all(sql, args):
            if kind == "notes":
                out.notes_with_evidence = int(count)
            elif kind == "exp":
                out.per_expectation[key] = int(count)
            elif kind == "grp":
                out.per_group[key] = int(count)
            else:
                out.per_group_polarity[(key, polarity)] = int(count)
        return out

    def iter_evidence(
        self,
        person: str | Person,
        known: Sequence[str],
        threshold: float | None = None,
        *,
        note_ids: Sequence[str] | None = None,
    ) -> Iterator[MappingRecord]:
        """The evidence :meth:`evidence_counts` counts, one mapping at a time (a cursor,
        not a list), ordered by note then best first. ``known``: the ladder's expectation
        ids. ``note_ids`` limits it to those notes. ``person``: a name, or the record."""
        p = person if isinstance(person, Person) else self.get_person(person)
        args = evidence_args([(eid, "") for eid in known], p.id, threshold)
        sql = evidence_sql(len(known), threshold) + (
            "SELECT ev.note_id, ev.eid AS expectation_id, ev.score, ev.polarity, ev.status, "
            "m.source, m.updated_at FROM ev JOIN mappings m "
            "ON m.note_id = ev.note_id AND m.expectation_id = ev.eid"
        )
        if note_ids is not None:
            sql += " WHERE ev.note_id IN (SELECT value FROM json_each(?))"
            args.append("[" + ",".join(str(note_rowid(i)) for i in note_ids) + "]")
        sql += " ORDER BY ev.note_id, ev.score DESC, ev.eid"
        return (_mapping(row) for row in self._iter(sql, args))

    def evidence_rows(
        self, person: str | Person, known: Sequence[str], threshold: float | None = None
    ) -> Iterator[tuple[int, str, float, str, str]]:
        """:meth:`iter_evidence` as plain rows (note row id, expectation id, score,
        polarity, status), read from a cursor: what planning a draft of many notes needs."""
        p = person if isinstance(person, Person) else self.get_person(person)
        args = evidence_args([(eid, "") for eid in known], p.id, threshold)
        sql = evidence_sql(len(known), threshold) + (
            "SELECT note_id, eid, score, polarity, status FROM ev ORDER BY note_id, score DESC, eid"
        )
        return (tuple(r) for r in self._iter(sql, args))  # type: ignore[misc]
