"""Provides the repository: the one module that owns the SQL of the workspace.

SQLite through the standard library, WAL journal, foreign keys on, schema versioned by
``PRAGMA user_version`` with an ordered list of migrations. The database file is created
readable by its owner only. Every multi-row write is one transaction: it lands whole or
not at all, so the workspace survives a kill at any moment.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from feedback_writer import paths
from feedback_writer.errors import NotFoundError, UsageError, WorkspaceError
from feedback_writer.notes.model import AuthorKind, Note, ParsedNote
from feedback_writer.storage.records import (
    CallLogRecord,
    Cycle,
    DraftRecord,
    EditRecord,
    ImportResult,
    MappingRecord,
    Person,
    SectionRecord,
)

MIGRATIONS: list[str] = [
    # m001: the initial schema
    """
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        current_level TEXT,
        target_level TEXT,
        mode TEXT NOT NULL DEFAULT 'manager' CHECK (mode IN ('manager', 'self')),
        created_at TEXT NOT NULL
    );
    CREATE TABLE cycles (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        start_date TEXT,
        end_date TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        date TEXT,
        author_kind TEXT NOT NULL DEFAULT 'manager',
        author_name TEXT,
        source TEXT NOT NULL DEFAULT 'typed',
        source_file TEXT,
        source_line INTEGER,
        external_id TEXT,
        tags TEXT NOT NULL DEFAULT '[]',
        dedupe_key TEXT,
        excluded INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX notes_dedupe ON notes(person_id, dedupe_key);
    CREATE INDEX notes_person_date ON notes(person_id, date);
    CREATE TABLE mappings (
        note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
        expectation_id TEXT NOT NULL,
        score REAL NOT NULL,
        polarity TEXT NOT NULL CHECK (polarity IN ('positive', 'negative')),
        source TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
        updated_at TEXT NOT NULL,
        PRIMARY KEY (note_id, expectation_id)
    );
    CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
        mode TEXT NOT NULL,
        drafter TEXT NOT NULL,
        model TEXT,
        template_hash TEXT,
        ladder_name TEXT NOT NULL,
        ladder_version TEXT NOT NULL,
        content TEXT NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
    );
    CREATE TABLE sections (
        id INTEGER PRIMARY KEY,
        draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        title TEXT NOT NULL,
        position INTEGER NOT NULL,
        model_text TEXT NOT NULL,
        human_text TEXT NOT NULL,
        edited_at TEXT,
        approved_at TEXT,
        UNIQUE (draft_id, key)
    );
    CREATE TABLE section_edits (
        id INTEGER PRIMARY KEY,
        section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL
    );
    CREATE TABLE model_calls (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        model TEXT NOT NULL,
        provider TEXT NOT NULL,
        purpose TEXT NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        cost_usd REAL,
        latency_ms REAL NOT NULL,
        request TEXT NOT NULL,
        response TEXT,
        error TEXT
    );
    """,
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


class Repository:
    """All reads and writes of the workspace. Thread-safe through one lock."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path
        try:
            _create_private(db_path)
            self._db = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise WorkspaceError(f"{db_path}: cannot open the workspace: {exc}") from None
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    @classmethod
    def open(cls, workspace: str | os.PathLike[str] | None = None) -> Repository:
        return cls(paths.database_path(paths.workspace_dir(workspace)))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise WorkspaceError(
                f"{self.path}: workspace schema v{version} is newer than this version "
                f"of feedback-writer knows (v{len(MIGRATIONS)}); upgrade feedback-writer"
            )
        for number in range(version, len(MIGRATIONS)):
            with self.transaction():
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version={number + 1}")

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

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

    # --- people and cycles ------------------------------------------------------------
    @staticmethod
    def _person(row: sqlite3.Row) -> Person:
        return Person(
            row["id"],
            row["name"],
            row["current_level"],
            row["target_level"],
            row["mode"],
            dt.datetime.fromisoformat(row["created_at"]),
        )

    def list_people(self) -> list[Person]:
        return [self._person(r) for r in self._all("SELECT * FROM people ORDER BY name")]

    def find_person(self, name: str) -> Person | None:
        row = self._one("SELECT * FROM people WHERE name = ?", (name.strip(),))
        return self._person(row) if row else None

    def get_person(self, name: str) -> Person:
        person = self.find_person(name)
        if person is None:
            known = ", ".join(p.name for p in self.list_people()) or "none yet"
            raise NotFoundError(f"no person named '{name}' (people: {known})")
        return person

    def ensure_person(self, name: str) -> Person:
        name = name.strip()
        if not name:
            raise UsageError("a person needs a name")
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO people (name, created_at) VALUES (?, ?)",
                (name, _now().isoformat()),
            )
        return self.get_person(name)

    def update_person(
        self,
        name: str,
        *,
        current_level: str | None = None,
        target_level: str | None = None,
        mode: str | None = None,
    ) -> Person:
        person = self.ensure_person(name)
        with self.transaction() as db:
            db.execute(
                "UPDATE people SET current_level = coalesce(?, current_level), "
                "target_level = coalesce(?, target_level), mode = coalesce(?, mode) "
                "WHERE id = ?",
                (current_level, target_level, mode, person.id),
            )
        return self.get_person(name)

    def start_cycle(
        self, person: str, name: str, start: dt.date | None = None, end: dt.date | None = None
    ) -> Cycle:
        p = self.ensure_person(person)
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO cycles (person_id, name, start_date, end_date, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    p.id,
                    name,
                    start.isoformat() if start else None,
                    end.isoformat() if end else None,
                    _now().isoformat(),
                ),
            )
        return Cycle(int(cur.lastrowid or 0), p.id, name, start, end)

    def current_cycle(self, person: str) -> Cycle | None:
        p = self.get_person(person)
        row = self._one(
            "SELECT * FROM cycles WHERE person_id = ? ORDER BY id DESC LIMIT 1", (p.id,)
        )
        if row is None:
            return None
        return Cycle(row["id"], p.id, row["name"], _day(row["start_date"]), _day(row["end_date"]))

    # --- notes ------------------------------------------------------------------------
    @staticmethod
    def _note(row: sqlite3.Row, person: str) -> Note:
        return Note(
            id=f"n{row['id']}",
            person=person,
            text=row["text"],
            date=_day(row["date"]),
            author_kind=AuthorKind(row["author_kind"]),
            author_name=row["author_name"],
            source=row["source"],
            source_file=row["source_file"],
            source_line=row["source_line"],
            external_id=row["external_id"],
            tags=tuple(json.loads(row["tags"])),
            excluded=bool(row["excluded"]),
            created_at=dt.datetime.fromisoformat(row["created_at"]),
            updated_at=dt.datetime.fromisoformat(row["updated_at"]),
        )

    @staticmethod
    def note_rowid(note_id: str) -> int:
        if not note_id.startswith("n") or not note_id[1:].isdigit():
            raise NotFoundError(f"'{note_id}' is not a note id (they look like n12)")
        return int(note_id[1:])

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
        now = _now().isoformat()
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
                now,
                now,
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
            (self.note_rowid(note_id),),
        )
        if row is None:
            raise NotFoundError(f"no note {note_id}")
        return self._note(row, row["person_name"])

    def list_notes(
        self,
        person: str,
        *,
        since: dt.date | None = None,
        until: dt.date | None = None,
        include_excluded: bool = True,
    ) -> list[Note]:
        """A person's notes, oldest first; undated notes are always inside a window."""
        p = self.get_person(person)
        sql = "SELECT * FROM notes WHERE person_id = ?"
        args: list[Any] = [p.id]
        if since:
            sql += " AND (date IS NULL OR date >= ?)"
            args.append(since.isoformat())
        if until:
            sql += " AND (date IS NULL OR date <= ?)"
            args.append(until.isoformat())
        if not include_excluded:
            sql += " AND excluded = 0"
        sql += " ORDER BY coalesce(date, substr(created_at, 1, 10)), id"
        return [self._note(r, p.name) for r in self._all(sql, args)]

    def count_notes(self, person: str) -> int:
        p = self.get_person(person)
        row = self._one("SELECT count(*) FROM notes WHERE person_id = ?", (p.id,))
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
                    _now().isoformat(),
                    self.note_rowid(note_id),
                ),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no note {note_id}")
        return self.get_note(note_id)

    def set_note_excluded(self, note_id: str, excluded: bool) -> None:
        with self.transaction() as db:
            cur = db.execute(
                "UPDATE notes SET excluded = ? WHERE id = ?",
                (int(excluded), self.note_rowid(note_id)),
            )
            if cur.rowcount == 0:
                raise NotFoundError(f"no note {note_id}")

    def delete_note(self, note_id: str) -> tuple[Note, list[MappingRecord]]:
        """Delete a note; return it and its mappings so the caller can undo."""
        note = self.get_note(note_id)
        maps = self.mappings_for_note(note_id)
        with self.transaction() as db:
            db.execute("DELETE FROM notes WHERE id = ?", (self.note_rowid(note_id),))
        return note, maps

    def restore_note(self, note: Note, mappings: Sequence[MappingRecord] = ()) -> Note:
        """Undo a delete: put the note back with its id and mappings."""
        with self.transaction() as db:
            p = self.ensure_person(note.person)
            db.execute(
                "INSERT INTO notes (id, person_id, text, date, author_kind, author_name, source, "
                "source_file, source_line, external_id, tags, dedupe_key, excluded, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                (
                    self.note_rowid(note.id),
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
                    note.created_at.isoformat(),
                    note.updated_at.isoformat(),
                ),
            )
            for m in mappings:
                self._put_mapping(db, m)
        return self.get_note(note.id)

    # --- mappings ---------------------------------------------------------------------
    @staticmethod
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

    def _put_mapping(self, db: sqlite3.Connection, m: MappingRecord) -> None:
        db.execute(
            "INSERT INTO mappings (note_id, expectation_id, score, polarity, source, status, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (note_id, expectation_id) "
            "DO UPDATE SET score = excluded.score, polarity = excluded.polarity, "
            "source = excluded.source, status = excluded.status, "
            "updated_at = excluded.updated_at",
            (
                self.note_rowid(m.note_id),
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
        rowid = self.note_rowid(note_id)
        now = _now()
        with self.transaction() as db:
            db.execute("DELETE FROM mappings WHERE note_id = ? AND status = 'suggested'", (rowid,))
            decided = {
                r["expectation_id"]
                for r in db.execute(
                    "SELECT expectation_id FROM mappings WHERE note_id = ?", (rowid,)
                )
            }
            for expectation_id, score, polarity in suggestions:
                if polarity not in ("positive", "negative"):
                    raise UsageError(f"polarity must be positive or negative, not {polarity!r}")
                if expectation_id not in decided:
                    record = MappingRecord(
                        note_id,
                        expectation_id,
                        score,
                        "negative" if polarity == "negative" else "positive",
                        source,
                        "suggested",
                        now,
                    )
                    self._put_mapping(db, record)

    def set_mapping(
        self,
        note_id: str,
        expectation_id: str,
        status: str,
        *,
        polarity: str | None = None,
        score: float | None = None,
    ) -> MappingRecord:
        """Record the user's decision: accept, reject, or add (accepted, source user)."""
        if status not in ("suggested", "accepted", "rejected"):
            raise UsageError(f"unknown mapping status '{status}'")
        self.get_note(note_id)
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM mappings WHERE note_id = ? AND expectation_id = ?",
                (self.note_rowid(note_id), expectation_id),
            ).fetchone()
            old = self._mapping(row) if row else None
            record = MappingRecord(
                note_id,
                expectation_id,
                score if score is not None else (old.score if old else 1.0),
                (polarity or (old.polarity if old else "positive")),  # type: ignore[arg-type]
                old.source if old else "user",
                status,  # type: ignore[arg-type]
                _now(),
            )
            self._put_mapping(db, record)
        return record

    def mappings_for_note(self, note_id: str) -> list[MappingRecord]:
        rows = self._all(
            "SELECT * FROM mappings WHERE note_id = ? ORDER BY score DESC",
            (self.note_rowid(note_id),),
        )
        return [self._mapping(r) for r in rows]

    def mappings_for_person(self, person: str) -> list[MappingRecord]:
        p = self.get_person(person)
        rows = self._all(
            "SELECT mappings.* FROM mappings JOIN notes ON notes.id = mappings.note_id "
            "WHERE notes.person_id = ? ORDER BY mappings.note_id, mappings.score DESC",
            (p.id,),
        )
        return [self._mapping(r) for r in rows]

    # --- drafts, sections and their edit history --------------------------------------
    def save_draft(
        self,
        person: str,
        *,
        mode: str,
        drafter: str,
        model: str | None,
        template_hash: str | None,
        ladder_name: str,
        ladder_version: str,
        content: dict[str, Any],
        sections: Sequence[tuple[str, str, str]],
        meta: dict[str, Any] | None = None,
    ) -> DraftRecord:
        """Store a draft and its sections (key, title, text) in one transaction."""
        p = self.ensure_person(person)
        now = _now().isoformat()
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO drafts (person_id, mode, drafter, model, template_hash, "
                "ladder_name, ladder_version, content, meta, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    p.id,
                    mode,
                    drafter,
                    model,
                    template_hash,
                    ladder_name,
                    ladder_version,
                    json.dumps(content),
                    json.dumps(meta or {}),
                    now,
                ),
            )
            draft_id = int(cur.lastrowid or 0)
            for position, (key, title, text) in enumerate(sections):
                db.execute(
                    "INSERT INTO sections (draft_id, key, title, position, model_text, "
                    "human_text) VALUES (?, ?, ?, ?, ?, ?)",
                    (draft_id, key, title, position, text, text),
                )
        return self.get_draft(draft_id)

    def _draft(self, row: sqlite3.Row) -> DraftRecord:
        return DraftRecord(
            row["id"],
            row["person_name"],
            row["mode"],
            row["drafter"],
            row["model"],
            row["template_hash"],
            row["ladder_name"],
            row["ladder_version"],
            dt.datetime.fromisoformat(row["created_at"]),
            json.loads(row["content"]),
            json.loads(row["meta"]),
        )

    _DRAFT_SQL = (
        "SELECT drafts.*, people.name AS person_name FROM drafts "
        "JOIN people ON people.id = drafts.person_id "
    )

    def get_draft(self, draft_id: int) -> DraftRecord:
        row = self._one(self._DRAFT_SQL + "WHERE drafts.id = ?", (draft_id,))
        if row is None:
            raise NotFoundError(f"no draft {draft_id}")
        return self._draft(row)

    def latest_draft(self, person: str) -> DraftRecord:
        p = self.get_person(person)
        row = self._one(
            self._DRAFT_SQL + "WHERE drafts.person_id = ? ORDER BY drafts.id DESC LIMIT 1",
            (p.id,),
        )
        if row is None:
            raise NotFoundError(
                f"no draft for '{person}' yet",
                hint=f"create one with: feedback-writer draft --person '{person}'",
            )
        return self._draft(row)

    @staticmethod
    def _section(row: sqlite3.Row) -> SectionRecord:
        return SectionRecord(
            row["id"],
            row["draft_id"],
            row["key"],
            row["title"],
            row["position"],
            row["model_text"],
            row["human_text"],
            _ts(row["edited_at"]),
            _ts(row["approved_at"]),
        )

    def sections(self, draft_id: int) -> list[SectionRecord]:
        rows = self._all("SELECT * FROM sections WHERE draft_id = ? ORDER BY position", (draft_id,))
        return [self._section(r) for r in rows]

    def section(self, draft_id: int, key: str) -> SectionRecord:
        row = self._one("SELECT * FROM sections WHERE draft_id = ? AND key = ?", (draft_id, key))
        if row is None:
            keys = ", ".join(s.key for s in self.sections(draft_id))
            raise NotFoundError(f"no section '{key}' in draft {draft_id} (sections: {keys})")
        return self._section(row)

    def record_section_text(
        self, section_id: int, text: str, *, actor: str, counts_as_edit: bool
    ) -> SectionRecord:
        """Store a section's new text and its history row; ``counts_as_edit`` is decided
        by the review rules, never here."""
        now = _now().isoformat()
        with self.transaction() as db:
            row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
            if row is None:
                raise NotFoundError(f"no section {section_id}")
            db.execute(
                "INSERT INTO section_edits (section_id, at, actor, before, after) "
                "VALUES (?, ?, ?, ?, ?)",
                (section_id, now, actor, row["human_text"], text),
            )
            db.execute(
                "UPDATE sections SET human_text = ?, "
                "edited_at = CASE WHEN ? THEN ? ELSE edited_at END WHERE id = ?",
                (text, int(counts_as_edit), now, section_id),
            )
            row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
        return self._section(row)

    def approve_section(self, section_id: int) -> SectionRecord:
        now = _now().isoformat()
        with self.transaction() as db:
            cur = db.execute("UPDATE sections SET approved_at = ? WHERE id = ?", (now, section_id))
            if cur.rowcount == 0:
                raise NotFoundError(f"no section {section_id}")
            row = db.execute("SELECT * FROM sections WHERE id = ?", (section_id,)).fetchone()
        return self._section(row)

    def section_history(self, section_id: int) -> list[EditRecord]:
        rows = self._all(
            "SELECT * FROM section_edits WHERE section_id = ? ORDER BY id", (section_id,)
        )
        return [
            EditRecord(
                r["section_id"],
                dt.datetime.fromisoformat(r["at"]),
                r["actor"],
                r["before"],
                r["after"],
            )
            for r in rows
        ]

    # --- the model call log -----------------------------------------------------------
    def log_call(
        self,
        *,
        model: str,
        provider: str,
        purpose: str,
        prompt_tokens: int | None,
        completion_tokens: int | None,
        cost_usd: float | None,
        latency_ms: float,
        request: dict[str, Any],
        response: str | None,
        error: str | None,
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO model_calls (at, model, provider, purpose, prompt_tokens, "
                "completion_tokens, cost_usd, latency_ms, request, response, error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _now().isoformat(),
                    model,
                    provider,
                    purpose,
                    prompt_tokens,
                    completion_tokens,
                    cost_usd,
                    latency_ms,
                    json.dumps(request, default=str),
                    response,
                    error,
                ),
            )

    def list_calls(self, limit: int = 50) -> list[CallLogRecord]:
        rows = self._all("SELECT * FROM model_calls ORDER BY id DESC LIMIT ?", (limit,))
        return [
            CallLogRecord(
                r["id"],
                dt.datetime.fromisoformat(r["at"]),
                r["model"],
                r["provider"],
                r["purpose"],
                r["prompt_tokens"],
                r["completion_tokens"],
                r["cost_usd"],
                r["latency_ms"],
                json.loads(r["request"]),
                r["response"],
                r["error"],
            )
            for r in rows
        ]
