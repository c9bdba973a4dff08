"""Migrations: every earlier schema upgrades with its data, old workspaces are adopted."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from feedback_writer.errors import WorkspaceError
from feedback_writer.notes.model import AuthorKind, ParsedNote
from feedback_writer.storage import migrations
from feedback_writer.storage.db import connect, create_private
from feedback_writer.storage.migrations import MIGRATIONS, applied_migrations, migrate
from feedback_writer.storage.repository import Repository

NAMES = [fn.__name__ for fn in MIGRATIONS]
AT = "2026-01-15T09:30:00+00:00"
IMPORTED = ParsedNote(text="Led the March incident review", date=dt.date(2026, 3, 2), tags=("ops",))


# --- realistic data, written with the SQL of the schema each migration leaves ------------
def seed_m001(db: sqlite3.Connection) -> None:
    """People, a cycle, typed and imported notes, mappings, a reviewed draft, a call."""
    db.execute(
        "INSERT INTO people VALUES (1, 'Ana Lima', 'L3', 'L4', 'manager', ?), "
        "(2, 'Bo Chen', NULL, NULL, 'self', ?)",
        (AT, AT),
    )
    db.execute("INSERT INTO cycles VALUES (1, 1, 'H1 2026', '2026-01-01', '2026-06-30', ?)", (AT,))
    db.execute(
        "INSERT INTO notes (id, person_id, text, date, author_kind, author_name, source, "
        "source_file, source_line, external_id, tags, dedupe_key, excluded, created_at, "
        "updated_at) VALUES "
        "(1, 1, 'Wrote the on-call runbook', '2026-02-10', 'manager', NULL, 'typed', "
        " NULL, NULL, NULL, '[]', NULL, 0, ?, ?), "
        "(2, 1, ?, '2026-03-02', 'manager', NULL, 'file', 'notes.md', 4, 'x-7', "
        " '[\"ops\"]', ?, 0, ?, ?), "
        "(3, 1, 'Missed the design review', NULL, 'peer', 'Bo Chen', 'typed', "
        " NULL, NULL, NULL, '[]', NULL, 1, ?, ?)",
        (AT, AT, IMPORTED.text, IMPORTED.dedupe_key(AuthorKind.MANAGER, None), AT, AT, AT, AT),
    )
    db.execute(
        "INSERT INTO mappings VALUES "
        "(1, 'ops.l2.writes-runbooks', 0.82, 'positive', 'matcher', 'accepted', ?), "
        "(2, 'ops.l2.leads-incidents', 0.64, 'positive', 'model', 'suggested', ?), "
        "(3, 'teaching.l2.mentors', 0.2, 'negative', 'user', 'rejected', ?)",
        (AT, AT, AT),
    )
    db.execute(
        "INSERT INTO drafts VALUES (1, 1, 'manager', 'model', 'gpt-4o-mini', 'abc123', "
        "'default', '1', ?, '{\"temperature\": 0.2}', ?)",
        (json.dumps({"summary": "Strong quarter"}), AT),
    )
    db.execute(
        "INSERT INTO sections VALUES (1, 1, 'summary', 'Summary', 0, 'Strong quarter', "
        "'A strong quarter', ?, ?), (2, 1, 'growth', 'Growth', 1, 'More design', "
        "'More design', NULL, NULL)",
        (AT, AT),
    )
    db.execute(
        "INSERT INTO section_edits VALUES (1, 1, ?, 'human', 'Strong quarter', 'A strong quarter')",
        (AT,),
    )
    db.execute(
        "INSERT INTO model_calls VALUES (1, ?, 'gpt-4o-mini', 'openai', 'draft', 120, 80, "
        "0.0004, 950.5, ?, '{}', NULL)",
        (AT, json.dumps({"messages": [{"role": "user", "content": "hi"}]})),
    )


def check_m001(repo: Repository) -> None:
    """What seed_m001 wrote is all there and usable through the repository."""
    assert [p.name for p in repo.list_people()] == ["Ana Lima", "Bo Chen"]
    ana = repo.get_person("Ana Lima")
    assert (ana.current_level, ana.target_level, ana.mode) == ("L3", "L4", "manager")
    cycle = repo.current_cycle("Ana Lima")
    assert cycle is not None and cycle.end == dt.date(2026, 6, 30)
    notes = {n.id: n for n in repo.list_notes("Ana Lima")}
    assert sorted(notes) == ["n1", "n2", "n3"]
    assert notes["n2"].tags == ("ops",) and notes["n2"].source_line == 4
    assert notes["n3"].excluded and notes["n3"].author_name == "Bo Chen"
    assert [m.status for m in repo.mappings_for_person("Ana Lima")] == [
        "accepted",
        "suggested",
        "rejected",
    ]
    draft = repo.latest_draft("Ana Lima")
    assert draft.meta == {"temperature": 0.2} and draft.content["summary"] == "Strong quarter"
    summary = repo.section(draft.id, "summary")
    assert summary.human_text == "A strong quarter" and summary.approved_at is not None
    assert [e.after for e in repo.section_history(summary.id)] == ["A strong quarter"]
    (call,) = [c for c in repo.list_calls() if c.id == 1]  # later seeds log more
    assert call.request["messages"][0]["content"] == "hi" and call.latency_ms == 950.5
    # usable: new rows take the next ids, an old import is still recognised
    assert repo.add_note("Ana Lima", ParsedNote(text="Paired with Bo")).id == "n4"
    assert repo.import_notes("Ana Lima", [IMPORTED]).skipped == 1
    repo.set_mapping("n2", "ops.l2.leads-incidents", "accepted")
    repo.record_section_text(2, "More system design", actor="human", counts_as_edit=True)
    deleted, maps = repo.delete_note("n1")
    assert repo.restore_note(deleted, maps).id == "n1"


HEAD_SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"


def seed_m002(db: sqlite3.Connection) -> None:
    """Ana imported from git: n1 is proposed (its commit and a folded one in the ledger),
    one commit she dropped; Bo dropped the only note of his 'web' repository."""
    db.execute("UPDATE notes SET state = 'proposed', source = 'git:api@a1b2c3d' WHERE id = 1")
    db.execute(
        "INSERT INTO git_commits (person_id, sha, repo, note_id, imported_at) VALUES "
        "(1, ?, 'api', 1, ?), (1, ?, 'api', 1, ?), (1, ?, 'api', NULL, ?), "
        "(2, ?, 'web', NULL, ?)",
        (HEAD_SHA, AT, "f" * 40, AT, "d" * 40, AT, "e" * 40, AT),
    )


def check_m002(repo: Repository) -> None:
    """Notes from before m002 are kept; seeded git notes stay proposed (an undone delete
    included) until kept, and no commit imported before, dropped or not, comes back."""
    if not repo.known_git_shas("Ana Lima"):  # the workspace was upgraded from m001
        assert not any(n.proposed for n in repo.list_notes("Ana Lima"))
        assert repo.git_repo_names("Ana Lima") == []
        return
    notes = {n.id: n for n in repo.list_notes("Ana Lima")}
    assert notes["n1"].proposed and notes["n1"].source == "git:api@a1b2c3d"
    assert not notes["n2"].proposed
    assert "n1" not in [n.id for n in repo.list_notes("Ana Lima", include_proposed=False)]
    assert repo.known_git_shas("Ana Lima") == {HEAD_SHA, "f" * 40, "d" * 40}
    assert repo.proposed_note_ids("Ana Lima", "api") == ["n1"]
    assert repo.git_repo_names("Bo Chen") == ["web"]
    assert repo.settle_proposed("Ana Lima", ["n1"], keep=True) == 1
    assert not repo.get_note("n1").proposed


def seed_m003(db: sqlite3.Connection) -> None:
    """A draft whose section was edited by a human, then regenerated (a drafter version)."""
    db.execute(
        "INSERT INTO drafts VALUES (2, 2, 'self', 'offline-outline', NULL, NULL, "
        "'default', '1', '{}', '{}', ?)",
        (AT,),
    )
    db.execute(
        "INSERT INTO sections VALUES (3, 2, 'summary', 'Summary', 0, 'Outline again', "
        "'Outline again', ?, NULL, 3)",
        (AT,),
    )
    db.execute(
        "INSERT INTO section_versions (section_id, number, kind, actor, text, at, based_on, "
        "stale) VALUES (3, 1, 'drafter', 'drafter:offline-outline', 'Outline', ?, NULL, 0), "
        "(3, 2, 'human', 'human', 'My summary', ?, 1, 0), "
        "(3, 3, 'drafter', 'drafter:offline-outline', 'Outline again', ?, 2, 0), "
        "(3, 4, 'human', 'human', 'Typed in a stale window', ?, 2, 1)",
        (AT, AT, AT, AT),
    )


def check_m003(repo: Repository) -> None:
    """m001's sections became versions; m003's versions are all there, stale one included."""
    first = repo.section(1, "summary")
    assert [(v.number, v.kind, v.text) for v in repo.section_versions(first.id)] == [
        (1, "drafter", "Strong quarter"),
        (2, "human", "A strong quarter"),
    ]
    assert first.version == 2 and first.model_text == "Strong quarter"
    regenerated = repo.section(2, "summary")
    assert (regenerated.version, regenerated.model_text) == (3, "Outline again")
    versions = repo.section_versions(regenerated.id)
    assert [v.kind for v in versions] == ["drafter", "human", "drafter", "human"]
    assert versions[-1].stale and versions[-1].based_on == 2
    assert [h.after for h in repo.section_history(regenerated.id)] == [
        "My summary",
        "Outline again",
    ]
    assert [d.id for d in repo.drafts_for("Bo Chen")] == [2]


def seed_m004(db: sqlite3.Connection) -> None:
    """A call about Bo Chen and one about no one (a ladder enrichment)."""
    db.execute(
        "INSERT INTO model_calls (id, at, model, provider, purpose, latency_ms, request, "
        "response, person_id) VALUES (2, ?, 'gpt-4o-mini', 'openai', 'draft', 10.0, '{}', "
        "'{}', 2), (3, ?, 'gpt-4o-mini', 'openai', 'enrich', 10.0, '{}', '{}', NULL)",
        (AT, AT),
    )


def check_m004(repo: Repository) -> None:
    """The calls are there; removing Bo Chen removes the call about him and no other."""
    assert repo.count_calls_about("Bo Chen") == 1
    before = {c.id for c in repo.list_calls()}
    assert {2, 3} <= before
    repo.remove_person("Bo Chen")
    assert {c.id for c in repo.list_calls()} == before - {2}


SEEDS: dict[str, tuple[Callable[[sqlite3.Connection], None], Callable[[Repository], None]]] = {
    "m001_initial": (seed_m001, check_m001),
    "m002_note_state_and_git_commits": (seed_m002, check_m002),
    "m003_section_versions": (seed_m003, check_m003),
    "m004_model_call_person": (seed_m004, check_m004),
}


def test_every_migration_has_seed_data():
    assert list(SEEDS) == NAMES, "add a seed and a check for the new migration"


def _raw(path: Path) -> sqlite3.Connection:
    create_private(path)
    return connect(path)


@pytest.mark.parametrize("k", range(1, len(MIGRATIONS) + 1))
def test_workspace_at_every_earlier_schema_upgrades_with_its_data(tmp_path, k):
    path = tmp_path / "w.sqlite3"
    db = _raw(path)
    for step in range(1, k + 1):
        migrate(db, label="test", upto=step)
        db.execute("BEGIN")
        SEEDS[NAMES[step - 1]][0](db)
        db.execute("COMMIT")
    assert applied_migrations(db) == NAMES[:k]
    db.close()
    with Repository(path) as repo:
        assert applied_migrations(repo._db) == NAMES
        for name in NAMES[:k]:  # the checks of the seeds written at this schema
            SEEDS[name][1](repo)


# today's code before the registry, verbatim: one SQL string split on ';', user_version
OLD_SCHEMA = """
CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, current_level TEXT,
    target_level TEXT, mode TEXT NOT NULL DEFAULT 'manager'
    CHECK (mode IN ('manager', 'self')), created_at TEXT NOT NULL);
CREATE TABLE cycles (id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE, name TEXT NOT NULL,
    start_date TEXT, end_date TEXT, created_at TEXT NOT NULL);
CREATE TABLE notes (id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    text TEXT NOT NULL CHECK (length(trim(text)) > 0), date TEXT,
    author_kind TEXT NOT NULL DEFAULT 'manager', author_name TEXT,
    source TEXT NOT NULL DEFAULT 'typed', source_file TEXT, source_line INTEGER,
    external_id TEXT, tags TEXT NOT NULL DEFAULT '[]', dedupe_key TEXT,
    excluded INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX notes_dedupe ON notes(person_id, dedupe_key);
CREATE INDEX notes_person_date ON notes(person_id, date);
CREATE TABLE mappings (note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    expectation_id TEXT NOT NULL, score REAL NOT NULL,
    polarity TEXT NOT NULL CHECK (polarity IN ('positive', 'negative')),
    source TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
    updated_at TEXT NOT NULL, PRIMARY KEY (note_id, expectation_id));
CREATE TABLE drafts (id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE, mode TEXT NOT NULL,
    drafter TEXT NOT NULL, model TEXT, template_hash TEXT, ladder_name TEXT NOT NULL,
    ladder_version TEXT NOT NULL, content TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL);
CREATE TABLE sections (id INTEGER PRIMARY KEY,
    draft_id INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE, key TEXT NOT NULL,
    title TEXT NOT NULL, position INTEGER NOT NULL, model_text TEXT NOT NULL,
    human_text TEXT NOT NULL, edited_at TEXT, approved_at TEXT, UNIQUE (draft_id, key));
CREATE TABLE section_edits (id INTEGER PRIMARY KEY,
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    at TEXT NOT NULL, actor TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL);
CREATE TABLE model_calls (id INTEGER PRIMARY KEY, at TEXT NOT NULL, model TEXT NOT NULL,
    provider TEXT NOT NULL, purpose TEXT NOT NULL, prompt_tokens INTEGER,
    completion_tokens INTEGER, cost_usd REAL, latency_ms REAL NOT NULL, request TEXT NOT NULL,
    response TEXT, error TEXT);
"""


def _old_workspace(path: Path) -> None:
    """A workspace as the user_version-based code made it, with data in it."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("BEGIN IMMEDIATE")
    for statement in OLD_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version=1")
    db.execute("COMMIT")
    db.execute("BEGIN")
    seed_m001(db)
    db.execute("COMMIT")
    db.close()


def test_workspace_from_before_the_registry_is_adopted_not_remigrated(tmp_path):
    path = tmp_path / "old.sqlite3"
    _old_workspace(path)
    with Repository(path) as repo:
        assert applied_migrations(repo._db) == NAMES
        assert repo._db.execute("PRAGMA user_version").fetchone()[0] == len(NAMES)
        check_m001(repo)
    with Repository(path) as repo:  # a second open changes nothing
        assert applied_migrations(repo._db) == NAMES
        assert repo.count_notes("Ana Lima") == 4


def test_old_user_version_newer_than_the_registry_is_refused(tmp_path):
    path = tmp_path / "old.sqlite3"
    _old_workspace(path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    db.commit()
    db.close()
    with pytest.raises(WorkspaceError, match="newer than this version"):
        Repository(path)


def test_unknown_applied_migration_is_refused(tmp_path):
    path = tmp_path / "w.sqlite3"
    Repository(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', ?)", (AT,))
    db.commit()
    db.close()
    with pytest.raises(WorkspaceError, match="newer than this version"):
        Repository(path)


def test_a_migration_may_hold_a_trigger_and_a_failed_one_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "w.sqlite3"
    Repository(path).close()

    def m900_touch_trigger(db: sqlite3.Connection) -> None:
        db.execute(
            "CREATE TRIGGER notes_touch AFTER UPDATE OF text ON notes BEGIN "
            "UPDATE notes SET excluded = 0 WHERE id = new.id; "
            "UPDATE people SET mode = mode WHERE id = new.person_id; END"
        )

    def m901_broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE scratch (x)")
        db.execute("CREATE TABLE people (x)")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, m900_touch_trigger])
    with Repository(path) as repo:
        assert applied_migrations(repo._db)[-1] == "m900_touch_trigger"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m901_broken])
    with pytest.raises(WorkspaceError, match="people already exists"):
        Repository(path)
    db = sqlite3.connect(path)
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'scratch'").fetchone() is None
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    db.close()
