"""``replace_suggestions_many`` (one statement per kind for a whole map run) keeps the
per-note rules: decisions stay, a note given twice keeps its last suggestions."""

from __future__ import annotations

import pytest

from feedback_writer.errors import UsageError
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage.repository import Repository


def _state(repo: Repository, note_id: str) -> set[tuple[str, float, str, str]]:
    return {
        (m.expectation_id, m.score, m.polarity, m.status) for m in repo.mappings_for_note(note_id)
    }


def test_many_notes_keep_decisions_and_replace_open_suggestions(repo: Repository) -> None:
    a = repo.add_note("Ana", ParsedNote(text="a"))
    b = repo.add_note("Ana", ParsedNote(text="b"))
    repo.replace_suggestions_many(
        [(a.id, [("x.y.a", 0.5, "positive"), ("x.y.b", 0.4, "positive")], "matcher"),
         (b.id, [("x.y.c", 0.3, "negative")], "matcher")]
    )  # fmt: skip
    repo.set_mapping(a.id, "x.y.a", "accepted")
    repo.set_mapping(b.id, "x.y.c", "rejected")
    repo.replace_suggestions_many(
        [(a.id, [("x.y.a", 0.9, "negative"), ("x.y.d", 0.2, "positive")], "matcher"),
         (b.id, [("x.y.c", 0.8, "positive"), ("x.y.e", 0.1, "positive")], "matcher"),
         (b.id, [("x.y.f", 0.6, "positive"), ("x.y.f", 0.7, "negative")], "model")]
    )  # fmt: skip
    assert _state(repo, a.id) == {
        ("x.y.a", 0.5, "positive", "accepted"),
        ("x.y.d", 0.2, "positive", "suggested"),
    }
    assert _state(repo, b.id) == {
        ("x.y.c", 0.3, "negative", "rejected"),
        ("x.y.f", 0.7, "negative", "suggested"),
    }
    assert {m.source for m in repo.mappings_for_note(b.id) if m.status == "suggested"} == {"model"}


def test_a_bad_polarity_stores_nothing(repo: Repository) -> None:
    a = repo.add_note("Ana", ParsedNote(text="a"))
    repo.replace_suggestions(a.id, [("x.y.a", 0.5, "positive")], "matcher")
    with pytest.raises(UsageError):
        repo.replace_suggestions_many(
            [(a.id, [("x.y.b", 0.5, "positive")], "matcher"),
             (a.id, [("x.y.c", 0.5, "sideways")], "matcher")]
        )  # fmt: skip
    assert _state(repo, a.id) == {("x.y.a", 0.5, "positive", "suggested")}


def test_no_items_is_a_no_op(repo: Repository) -> None:
    repo.replace_suggestions_many([])
