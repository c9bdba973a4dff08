"""Unconfirmed suggestions used as evidence: the best per note, a close runner-up, no more."""

from __future__ import annotations

from feedback_writer.mapping.service import confirmed_evidence
from feedback_writer.notes.model import ParsedNote


def test_threshold_mode_keeps_best_and_close_runner_up_only(repo, default_ladder):
    a = repo.add_note("Ana", ParsedNote(text="a"))
    b = repo.add_note("Ana", ParsedNote(text="b"))
    repo.replace_suggestions(
        a.id,
        [
            ("reliability.mid.improves-runbooks", 0.83, "positive"),
            ("reliability.junior.contributes-to-incidents", 0.80, "positive"),  # within 0.05
            ("reliability.junior.on-call-with-guidance", 0.79, "positive"),  # third: dropped
        ],
        "matcher",
    )
    repo.replace_suggestions(
        b.id,
        [
            ("leadership.mid.mentors-peers", 0.9, "positive"),
            ("ai.senior.identifies-ai-use-cases", 0.7, "positive"),  # far behind: dropped
        ],
        "matcher",
    )
    got = confirmed_evidence(repo, default_ladder, "Ana", threshold=0.5)
    assert [m.expectation_id for m in got[a.id]] == [
        "reliability.mid.improves-runbooks",
        "reliability.junior.contributes-to-incidents",
    ]
    assert [m.expectation_id for m in got[b.id]] == ["leadership.mid.mentors-peers"]


def test_a_human_decision_on_a_note_replaces_its_guesses(repo, default_ladder):
    a = repo.add_note("Ana", ParsedNote(text="a"))
    repo.replace_suggestions(
        a.id,
        [
            ("reliability.mid.improves-runbooks", 0.9, "positive"),
            ("data.mid.data-tests", 0.4, "positive"),
        ],
        "matcher",
    )
    repo.set_mapping(a.id, "data.mid.data-tests", "accepted")
    got = confirmed_evidence(repo, default_ladder, "Ana", threshold=0.5)
    assert [m.expectation_id for m in got[a.id]] == ["data.mid.data-tests"]
