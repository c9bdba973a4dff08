"""Provides the schema of the workspace as an ordered registry of named migrations.

Each migration is a function (``m001_initial``) that runs its statements one
``db.execute`` at a time, so a trigger body with ``;`` inside is safe. The table
``_migrations`` records which ones a workspace has had and when. :func:`migrate` applies
the missing ones in one ``BEGIN EXCLUSIVE`` transaction and checks again what is applied
once it holds the lock, so several processes opening a fresh workspace at once create the
schema exactly once. ``PRAGMA user_version`` still counts the applied migrations: versions
of feedback-writer from before this registry read it to refuse a workspace newer than they
know, and a workspace they made (user_version set, no ``_migrations`` table) is adopted by
recording its first ``user_version`` migrations as applied.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from feedback_writer.errors import WorkspaceError

Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: list[Migration] = []
"""Every migration, oldest first. Never edit or reorder one that has shipped; add a new one."""

TABLE = "_migrations"


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration; its name is its identity, so keep it."""
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    """The schema as first shipped (``user_version`` 1 before the registry)."""
    for statement in (
        """
        CREATE TABLE people (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            current_level TEXT,
            target_level TEXT,
            mode TEXT NOT NULL DEFAULT 'manager' CHECK (mode IN ('manager', 'self')),
            created_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE cycles (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            start_date TEXT,
            end_date TEXT,
            created_at TEXT NOT NULL
        )
        """,
        """
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
        )
        """,
        """
        CREATE UNIQUE INDEX notes_dedupe ON notes(person_id, dedupe_key)
        """,
        """
        CREATE INDEX notes_person_date ON notes(person_id, date)
        """,
        """
        CREATE TABLE mappings (
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            expectation_id TEXT NOT NULL,
            score REAL NOT NULL,
            polarity TEXT NOT NULL CHECK (polarity IN ('positive', 'negative')),
            source TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (note_id, expectation_id)
        )
        """,
        """
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
        )
        """,
        """
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
        )
        """,
        """
        CREATE TABLE section_edits (
            id INTEGER PRIMARY KEY,
            section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            before TEXT NOT NULL,
            after TEXT NOT NULL
        )
        """,
        """
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
        )
        """,
    ):
        db.execute(statement)


@migration
def m002_note_state_and_git_commits(db: sqlite3.Connection) -> None:
    """``notes.state`` (``kept``, or ``proposed``: imported from git, not kept yet) and the
    ``git_commits`` ledger of every commit imported per person, so none comes back."""
    db.execute(
        "ALTER TABLE notes ADD COLUMN state TEXT NOT NULL DEFAULT 'kept' "
        "CHECK (state IN ('kept', 'proposed'))"
    )
    db.execute(
        "CREATE TABLE git_commits ("
        " person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
        " sha TEXT NOT NULL,"
        " repo TEXT NOT NULL,"
        " note_id INTEGER REFERENCES notes(id) ON DELETE SET NULL,"
        " imported_at TEXT NOT NULL,"
        " PRIMARY KEY (person_id, sha))"
    )
    db.execute("CREATE INDEX git_commits_note ON git_commits(note_id)")
    db.execute("CREATE INDEX git_commits_repo ON git_commits(person_id, repo)")


@migration
def m003_section_versions(db: sqlite3.Connection) -> None:
    """Every drafter and human text of a section as a numbered version (section_edits
    folded in: the drafter text is version 1, each recorded change the next one)."""
    for statement in (
        """
        CREATE TABLE section_versions (
            id INTEGER PRIMARY KEY,
            section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('drafter', 'human', 'other')),
            actor TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL,
            based_on INTEGER,
            stale INTEGER NOT NULL DEFAULT 0,
            UNIQUE (section_id, number)
        )
        """,
        "ALTER TABLE sections ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        """
        INSERT INTO section_versions (section_id, number, kind, actor, text, at)
        SELECT s.id, 1, 'drafter', 'drafter:' || d.drafter, s.model_text, d.created_at
        FROM sections s JOIN drafts d ON d.id = s.draft_id
        """,
        """
        INSERT INTO section_versions (section_id, number, kind, actor, text, at, based_on)
        SELECT e.section_id,
               1 + (SELECT COUNT(*) FROM section_edits p
                    WHERE p.section_id = e.section_id AND p.id <= e.id),
               CASE WHEN e.actor LIKE 'drafter:%' THEN 'drafter'
                    WHEN e.actor = 'human' THEN 'human' ELSE 'other' END,
               e.actor, e.after, e.at,
               (SELECT COUNT(*) FROM section_edits p
                WHERE p.section_id = e.section_id AND p.id <= e.id)
        FROM section_edits e ORDER BY e.id
        """,
        """
        INSERT INTO section_versions (section_id, number, kind, actor, text, at, based_on)
        SELECT s.id, v.number + 1, 'human', 'human', s.human_text,
               COALESCE(s.edited_at, v.at), v.number
        FROM sections s JOIN section_versions v ON v.section_id = s.id
        WHERE v.number = (SELECT MAX(number) FROM section_versions m WHERE m.section_id = s.id)
          AND v.text != s.human_text
        """,
        """
        UPDATE sections SET
            version = (SELECT MAX(number) FROM section_versions v
                       WHERE v.section_id = sections.id),
            model_text = (SELECT text FROM section_versions v
                          WHERE v.section_id = sections.id AND v.kind = 'drafter'
                          ORDER BY v.number DESC LIMIT 1)
        """,
        "DROP TABLE section_edits",
    ):
        db.execute(statement)


@migration
def m004_model_call_person(db: sqlite3.Connection) -> None:
    """``model_calls.person_id``: the person a call was about (NULL for a call about no one,
    such as ``ladder enrich``, and for calls logged before this), removed with the person."""
    db.execute(
        "ALTER TABLE model_calls ADD COLUMN person_id INTEGER "
        "REFERENCES people(id) ON DELETE CASCADE"
    )
    db.execute("CREATE INDEX model_calls_person ON model_calls(person_id)")


def applied_migrations(db: sqlite3.Connection) -> list[str]:
    """Names of the migrations this workspace has had, oldest first ([] when none)."""
    if not _has_table(db):
        return []
    return [r[0] for r in db.execute(f"SELECT name FROM {TABLE} ORDER BY rowid")]


def migrate(db: sqlite3.Connection, *, label: str, upto: int | None = None) -> None:
    """Bring the workspace up to date (or up to the first ``upto`` migrations, for tests).

    ``db`` is in autocommit mode. Raises :class:`WorkspaceError` for a workspace newer
    than this code or one whose upgrade fails; the failed upgrade leaves nothing behind.
    """
    wanted = MIGRATIONS[:upto]
    if _is_current(db, wanted):
        return
    try:
        db.execute("BEGIN EXCLUSIVE")
    except sqlite3.Error as exc:
        raise WorkspaceError(f"{label}: cannot upgrade the workspace: {exc}") from exc
    try:
        _apply(db, wanted, label)
    except BaseException as exc:
        db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise WorkspaceError(f"{label}: cannot upgrade the workspace: {exc}") from exc
        raise
    db.execute("COMMIT")


def _has_table(db: sqlite3.Connection) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,))
    return row.fetchone() is not None


def _is_current(db: sqlite3.Connection, wanted: list[Migration]) -> bool:
    """Without a lock: has the workspace exactly the wanted migrations (the common case)?"""
    applied = applied_migrations(db)
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    return bool(applied) and version == len(applied) and set(applied) == _names(wanted)


def _names(migrations: list[Migration]) -> set[str]:
    return {fn.__name__ for fn in migrations}


def _apply(db: sqlite3.Connection, wanted: list[Migration], label: str) -> None:
    """Inside the exclusive transaction: check, adopt a pre-registry workspace, apply."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS) or not set(applied_migrations(db)) <= _names(MIGRATIONS):
        newest = max(version, len(applied_migrations(db)))
        raise WorkspaceError(
            f"{label}: workspace schema v{newest} is newer than this version "
            f"of feedback-writer knows (v{len(MIGRATIONS)}); upgrade feedback-writer"
        )
    if not _has_table(db):
        db.execute(f"CREATE TABLE {TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        # A workspace from before the registry: its user_version counts the migrations
        # it has had, in order, so those are recorded as applied, not run again.
        for fn in MIGRATIONS[:version]:
            _record(db, fn)
    applied = set(applied_migrations(db))
    for fn in wanted:
        if fn.__name__ not in applied:
            fn(db)
            _record(db, fn)
    db.execute(f"PRAGMA user_version={len(applied_migrations(db))}")


def _record(db: sqlite3.Connection, fn: Migration) -> None:
    db.execute(
        f"INSERT INTO {TABLE} (name, applied_at) VALUES (?, ?)",
        (fn.__name__, dt.datetime.now(dt.UTC).isoformat()),
    )
