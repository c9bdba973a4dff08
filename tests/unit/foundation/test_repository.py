"""The workspace: private file, WAL, migrations, notes undo, mappings, sections history."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat

import pytest

from feedback_writer.errors import NotFoundError, WorkspaceError
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage.migrations import MIGRATIONS
from feedback_writer.storage.repository import Repository


def test_database_is_private_wal_and_versioned(repo):
    mode = stat.S_IMODE(os.stat(repo.path).st_mode)
    assert mode == 0o600
    db = sqlite3.connect(repo.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert repo._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "w.sqlite3"
    Repository(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 1}")
    db.commit()
    db.close()
    with pytest.raises(WorkspaceError, match="newer"):
        Repository(path)


def test_reopen_keeps_data_and_does_not_remigrate(tmp_path):
    path = tmp_path / "w.sqlite3"
    with Repository(path) as r:
        r.add_note("Ana", ParsedNote(text="kept"))
    with Repository(path) as r:
        assert [n.text for n in r.list_notes("Ana")] == ["kept"]


def test_delete_and_undo_restore_note_with_mappings(repo):
    note = repo.add_note("Ana", ParsedNote(text="Improved the runbook"))
    repo.replace_suggestions(
        note.id, [("reliability.mid.improves-runbooks", 0.9, "positive")], "matcher"
    )
    repo.set_mapping(note.id, "reliability.mid.improves-runbooks", "accepted")
    deleted, maps = repo.delete_note(note.id)
    assert repo.count_notes("Ana") == 0
    restored = repo.restore_note(deleted, maps)
    assert restored.id == note.id
    assert [m.status for m in repo.mappings_for_note(note.id)] == ["accepted"]


def test_user_decisions_survive_new_suggestions(repo):
    note = repo.add_note("Ana", ParsedNote(text="x"))
    repo.replace_suggestions(
        note.id, [("a.b.c", 0.5, "positive"), ("d.e.f", 0.4, "positive")], "matcher"
    )
    repo.set_mapping(note.id, "a.b.c", "rejected")
    repo.replace_suggestions(
        note.id, [("a.b.c", 0.7, "positive"), ("g.h.i", 0.3, "negative")], "matcher"
    )
    got = {m.expectation_id: m.status for m in repo.mappings_for_note(note.id)}
    assert got == {"a.b.c": "rejected", "g.h.i": "suggested"}


def test_review_window_and_exclusion(repo):
    for day, text in [(1, "early"), (15, "middle"), (28, "late")]:
        repo.add_note("Ana", ParsedNote(text=text, date=dt.date(2026, 2, day)))
    undated = repo.add_note("Ana", ParsedNote(text="undated"))
    window = repo.list_notes("Ana", since=dt.date(2026, 2, 10), until=dt.date(2026, 2, 20))
    assert [n.text for n in window] == ["middle", "undated"]
    repo.set_note_excluded(undated.id, True)
    window = repo.list_notes("Ana", since=dt.date(2026, 2, 10), include_excluded=False)
    assert [n.text for n in window] == ["middle", "late"]


def test_sections_keep_model_text_and_history(repo):
    draft = repo.save_draft(
        "Ana",
        mode="manager",
        drafter="offline-outline",
        model=None,
        template_hash=None,
        ladder_name="default",
        ladder_version="1",
        content={"summary": "s"},
        sections=[("summary", "Summary", "model words")],
    )
    (sec,) = repo.sections(draft.id)
    after = repo.record_section_text(sec.id, "human words", actor="human", counts_as_edit=True)
    assert (after.model_text, after.human_text) == ("model words", "human words")
    assert after.edited_at is not None
    (edit,) = repo.section_history(sec.id)
    assert (edit.actor, edit.before, edit.after) == ("human", "model words", "human words")
    assert repo.latest_draft("Ana").id == draft.id
    with pytest.raises(NotFoundError, match="no section 'nope'"):
        repo.section(draft.id, "nope")


def test_call_log_round_trip(repo):
    repo.log_call(
        model="gpt-4o-mini",
        provider="openai",
        purpose="draft",
        prompt_tokens=10,
        completion_tokens=5,
        cost_usd=0.001,
        latency_ms=12.5,
        request={"messages": [{"role": "user", "content": "hi"}]},
        response="{}",
        error=None,
    )
    (call,) = repo.list_calls()
    assert call.request["messages"][0]["content"] == "hi"
    assert call.prompt_tokens == 10


def test_unknown_person_message_lists_people(repo):
    repo.ensure_person("Ana")
    with pytest.raises(NotFoundError, match=r"no person named 'Bo' \(people: Ana\)"):
        repo.get_person("Bo")
