"""Provides the notes of the workspace: typed or imported, edited, excluded, deleted, restored."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.notes.model import AuthorKind, Note, ParsedNote
from feedback_writer.storage.db import day, now
from feedback_writer.storage.git_notes import KEPT, PROPOSED, relink
from feedback_writer.storage.mappings import MappingStore, note_rowid
from feedback_writer.storage.records import ImportResult, MappingRecord, Person


def _note(row: sqlite3.Row, person: str) -> Note:
    return Note(
        id=f"n{row['id']}",
        person=person,
        text=row["text"],
        date=day(row["date"]),
        author_kind=AuthorKind(row["author_kind"]),
        author_name=row["author_name"],
        source=row["source"],
        source_file=row["source_file"],
        source_line=row["source_line"],
        external_id=row["external_id"],
        tags=tuple(json.loads(row["tags"])),
        excluded=bool(row["excluded"]),
        proposed=row["state"] == PROPOSED,
        created_at=dt.datetime.fromisoformat(row["created_at"]),
        updated_at=dt.datetime.fromisoformat(row["updated_at"]),
    )


def _window_sql(
    columns: str,
    person_id: int,
    since: dt.date | None,
    until: dt.date | None,
    include_excluded: bool,
    include_proposed: bool,
    include_undated: bool,
) -> tuple[str, list[Any]]:
    sql = f"SELECT {columns} FROM notes WHERE person_id = ?"
    args: list[Any] = [person_id]
    undated = "date IS NULL OR " if include_undated else ""
    if since:
        sql += f" AND ({undated}date >= ?)"
        args.append(since.isoformat())
    if until:
        sql += f" AND ({undated}date <= ?)"
        args.append(until.isoformat())
    if not include_excluded:
        sql += " AND excluded = 0"
    if not include_proposed:
        sql += " AND state != 'proposed'"
    sql += " ORDER BY coalesce(date, substr(created_at, 1, 10)), id"
    return sql, args


class NoteStore(MappingStore):
    """A person's notes; deleting one hands back what is needed to undo it."""

    def _insert_note(
        self,
        db: sqlite3.Connection,
        person: Person,
        note: ParsedNote,
        author_kind: AuthorKind,
        author_name: str | None,
        source: str,
        dedupe: bool,
    ) -> int | None:
        stamp = now().isoformat()
        cur = db.execute(
            "INSERT OR IGNORE INTO notes (person_id, text, date, author_kind, author_name, "
            "source, source_file, source_line, external_id, tags, dedupe_key, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person.id,
                note.text,
                note.date.isoformat() if note.date else None,
                author_kind.value,
                author_name,
                source,
                note.source_file,
                note.source_line,
                note.external_id,
                json.dumps(list(note.tags)),
                note.dedupe_key(author_kind, author_name) if dedupe else None,
                stamp,
                stamp,
            ),
        )
        return int(cur.lastrowid) if cur.rowcount and cur.lastrowid else None

    def add_note(
        self,
        person: str,
        note: ParsedNote,
        *,
        author_kind: AuthorKind = AuthorKind.MANAGER,
        author_name: str | None = None,
    ) -> Note:
        """Store one typed note (typed notes are never de-duplicated)."""
        with self.transaction() as db:
            p = self.ensure_person(person)
            rowid = self._insert_note(db, p, note, author_kind, author_name, "typed", False)
        return self.get_note(f"n{rowid}")

    def import_notes(
        self,
        person: str,
        notes: Iterable[ParsedNote],
        *,
        author_kind: AuthorKind = AuthorKind.MANAGER,
        author_name: str | None = None,
    ) -> ImportResult:
        """Store notes from a file in one transaction; notes already there are skipped."""
        added: list[str] = []
        skipped = 0
        with self.transaction() as db:
            p = self.ensure_person(person)
            for note in notes:
                rowid = self._insert_note(db, p, note, author_kind, author_name, "file", True)
                if rowid is None:
                    skipped += 1
                else:
                    added.append(f"n{rowid}")
        return ImportResult(len(added), skipped, added)

    def get_note(self, note_id: str) -> Note:
        row = self._one(
            "SELECT notes.*, people.name AS person_name FROM notes "
            "JOIN people ON people.id = notes.person_id WHERE notes.id = ?",
            (note_rowid(note_id),),
        )
        if row is None:
            raise NotFoundError(f"no note {note_id}")
        return _note(row, row["person_name"])

    def list_notes(
        self,
        person: str,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        include_excluded: bool = True,
        include_proposed: bool = True,
        include_undated: bool = True,
        limit: int | None = None,
    ) -> list[Note]:
        """A person's notes, oldest first. Undated notes are inside a window unless
        ``include_undated`` is False (then a dated window holds dated notes only). Drafts
        pass ``include_proposed=False``: notes imported from git count once kept.
        ``limit``: the first so many only (a screen's first page)."""
        p = self.get_person(person)
        sql, args = _window_sql("*", p.id, since, until, include_excluded, include_proposed,
                                include_undated)  # fmt: skip
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_note(r, p.name) for r in self._all(sql, args)]

    def window_rows(
        self,
        person: str | Person,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        include_undated: bool = True,
    ) -> list[tuple[int, str, str, int]]:
        """(row id, day, author kind, text length) of the notes a draft's window holds
        (:meth:`list_notes` without excluded and proposed notes), in its order: enough to
        plan a prompt without reading any text. ``person``: a name, or the record."""
        p = person if isinstance(person, Person) else self.get_person(person)
        sql, args = _window_sql(
            "id, coalesce(date, substr(created_at, 1, 10)), author_kind, length(text)",
            p.id, since, until, False, False, include_undated,
        )  # fmt: skip
        kinds: dict[str, str] = {}  # one string per author kind, not one per row
        return [(r[0], r[1], kinds.setdefault(r[2], r[2]), r[3]) for r in self._iter(sql, args)]

    def note_authors(self, person: str) -> list[str | None]:
        """The author of each of a person's notes (excluded ones too) in :meth:`list_notes`
        order, each name once: what pseudonymising needs, without reading the notes."""
        p = self.get_person(person)
        sql, args = _window_sql("author_name", p.id, None, None, True, True, True)
        return list(dict.fromkeys(r[0] for r in self._iter(sql, args)))

    def notes_by_ids(self, note_ids: Sequence[str]) -> list[Note]:
        """The notes with these ids, in the order given (unknown ids are left out)."""
        found: dict[str, Note] = {}
        rowids = [note_rowid(i) for i in note_ids]
        for start in range(0, len(rowids), 500):
            chunk = rowids[start : start + 500]
            sql = (
                "SELECT notes.*, people.name AS person_name FROM notes JOIN people ON "
                f"people.id = notes.person_id WHERE notes.id IN ({', '.join('?' * len(chunk))})"
            )
            for r in self._all(sql, chunk):
                note = _note(r, r["person_name"])
                found[note.id] = note
        return [found[i] for i in note_ids if i in found]

    def note_texts(self, person: str, *, include_excluded: bool = False) -> list[tuple[str, str]]:
        """``(note id, text)`` of a person's notes in :meth:`list_notes` order: what mapping
        needs, without building a :class:`Note` per row."""
        p = self.get_person(person)
        sql = "SELECT id, text FROM notes WHERE person_id = ?"
        if not include_excluded:
            sql += " AND excluded = 0"
        sql += " ORDER BY coalesce(date, substr(created_at, 1, 10)), id"
        return [(f"n{r[0]}", r[1]) for r in self._all(sql, (p.id,))]

    def count_notes(self, person: str, *, include_excluded: bool = True) -> int:
        p = self.get_person(person)
        sql = "SELECT count(*) FROM notes WHERE person_id = ?"
        if not include_excluded:
            sql += " AND excluded = 0"
        row = self._one(sql, (p.id,))
        return int(row[0]) if row else 0

    def count_undated(self, person: str, *, include_excluded: bool = False) -> int:
        """How many of a person's notes have no date (by default: not counting excluded)."""
        p = self.get_person(person)
        sql = "SELECT count(*) FROM notes WHERE person_id = ? AND date IS NULL"
        if not include_excluded:
            sql += " AND excluded = 0"
        row = self._one(sql, (p.id,))
        return int(row[0]) if row else 0

    def update_note(
        self, note_id: str, *, text: str | None = None, date: dt.date | None = None
    ) -> Note:
        if text is not None and not text.strip():
            raise UsageError("a note cannot be empty (delete it instead)")
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE notes SET text = coalesce(?, text), date = coalesce(?, date), "
                "updated_at = ? WHERE id = ?",
                (
                    text.strip() if text is not None else None,
                    date.isoformat() if date else None,
                    now().isoformat(),
                    note_rowid(note_id),
                ),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no note {note_id}")
        return self.get_note(note_id)

    def set_note_excluded(self, note_id: str, excluded: bool) -> None:
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE notes SET excluded = ? WHERE id = ?",
                (int(excluded), note_rowid(note_id)),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no note {note_id}")

    def delete_note(self, note_id: str) -> tuple[Note, list[MappingRecord]]:
        """Delete a note; return it and its mappings so the caller can undo."""
        note = self.get_note(note_id)
        maps = self.mappings_for_note(note_id)
        with self.transaction() as db:
            db.execute("DELETE FROM notes WHERE id = ?", (note_rowid(note_id),))
        return note, maps

    def restore_note(self, note: Note, mappings: Sequence[MappingRecord] = ()) -> Note:
        """Undo a delete: put the note back with its id, mappings and state (a proposed
        note comes back proposed, found again by its repository)."""
        with self.transaction() as db:
            p = self.ensure_person(note.person)
            db.execute(
                "INSERT INTO notes (id, person_id, text, date, author_kind, author_name, source, "
                "source_file, source_line, external_id, tags, dedupe_key, excluded, state, "
                "created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                (
                    note_rowid(note.id),
                    p.id,
                    note.text,
                    note.date.isoformat() if note.date else None,
                    note.author_kind.value,
                    note.author_name,
                    note.source,
                    note.source_file,
                    note.source_line,
                    note.external_id,
                    json.dumps(list(note.tags)),
                    int(note.excluded),
                    PROPOSED if note.proposed else KEPT,
                    note.created_at.isoformat(),
                    note.updated_at.isoformat(),
                ),
            )
            if note.proposed:
                relink(db, p.id, note_rowid(note.id), note.source)
            for m in mappings:
                self._put_mapping(db, m)
        return self.get_note(note.id)
