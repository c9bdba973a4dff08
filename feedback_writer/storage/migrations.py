"""Provides the schema of the workspace and brings an older workspace up to date.

The schema is versioned by ``PRAGMA user_version`` with an ordered list of migrations.
"""

from __future__ import annotations

import sqlite3

from feedback_writer.errors import WorkspaceError

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


def migrate(db: sqlite3.Connection, *, label: str) -> None:
    """Apply the migrations this workspace has not seen yet."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise WorkspaceError(
            f"{label}: workspace schema v{version} is newer than this version "
            f"of feedback-writer knows (v{len(MIGRATIONS)}); upgrade feedback-writer"
        )
    for number in range(version, len(MIGRATIONS)):
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version={number + 1}")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
