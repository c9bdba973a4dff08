"""``replace_suggestions_many`` (one transaction for a whole map run, statements per batch of
notes) keeps the per-note rules: decisions stay, a note given twice keeps its last
suggestions, in one batch or across batches; what it is given is written as it comes, and
nothing is written when the producer fails part way."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from feedback_writer.errors import UsageError
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage import mappings
from feedback_writer.storage.repository import Repository


@pytest.fixture(params=[500, 2, 1], ids=["one-batch", "by-2", "by-1"])
def batch(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """The notes per statement batch, set for the test."""
    size: int = request.param
    monkeypatch.setattr(mappings, "_BATCH", size)
    return size


def _state(repo: Repository, note_id: str) -> set[tuple[str, float, str, str]]:
    return {
        (m.expectation_id, m.score, m.polarity, m.status) for m in repo.mappings_for_note(note_id)
    }


@pytest.mark.usefixtures("batch")
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


@pytest.mark.usefixtures("batch")
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


def test_a_producer_failing_part_way_stores_nothing(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The offline map hands over a generator that its matcher workers feed: an error (or
    Ctrl-C) after some batches are written rolls all of them back."""
    monkeypatch.setattr(mappings, "_BATCH", 2)
    notes = [repo.add_note("Ana", ParsedNote(text=f"n{i}")) for i in range(5)]
    given: list[str] = []
    written: list[set[tuple[str, float, str, str]]] = []

    def produce() -> Iterator[tuple[str, list[tuple[str, float, str]], str]]:
        for n in notes:
            given.append(n.id)
            yield (n.id, [("x.y.a", 0.5, "positive")], "matcher")
        written.append(_state(repo, notes[0].id))  # inside the open transaction
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        repo.replace_suggestions_many(produce())
    assert len(given) == 5
    # The first batch was written while the producer was still making the rest ...
    assert written == [{("x.y.a", 0.5, "positive", "suggested")}]
    # ... and rolled back with the others.
    assert all(_state(repo, n.id) == set() for n in notes)
