"""The mapping service: stored suggestions, the user's decisions, evidence and coverage."""

from __future__ import annotations

import pytest

from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.mapping import service
from feedback_writer.mapping.coverage import coverage, format_coverage


def _status(repo, note_id: str) -> dict[str, str]:
    return {m.expectation_id: m.status for m in repo.mappings_for_note(note_id)}


def test_suggest_stores_offline_suggestions(ana, tiny_ladder) -> None:
    run = service.suggest(ana, tiny_ladder, "Ana", top_k=2)
    assert [r.note_id for r in run.results] == ["n1", "n2", "n3", "n4", "n5"]
    assert run.source == "matcher" and run.warnings == []
    assert run.with_evidence == 4
    stored = ana.mappings_for_note("n1")
    assert stored[0].expectation_id == "ops.l2.leads-incidents"
    assert len(stored) == 2
    assert {(m.status, m.source) for m in stored} == {("suggested", "matcher")}
    assert ana.mappings_for_note("n4") == []
    assert {m.polarity for m in ana.mappings_for_note("n5")} == {"negative"}


def test_decisions_survive_a_rerun(ana, tiny_ladder) -> None:
    service.suggest(ana, tiny_ladder, "Ana", top_k=3)
    assert _status(ana, "n1")["ops.l1.joins-on-call"] == "suggested"
    service.accept(ana, tiny_ladder, "n1", "ops.l2.leads-incidents", person="Ana")
    service.reject(ana, tiny_ladder, "n1", "ops.l1.joins-on-call")
    service.add(ana, tiny_ladder, "n4", "teaching.l1.asks-questions", "positive")
    service.suggest(ana, tiny_ladder, "Ana", top_k=3)
    after = _status(ana, "n1")
    assert after["ops.l2.leads-incidents"] == "accepted"
    assert after["ops.l1.joins-on-call"] == "rejected"  # not suggested again
    n4 = ana.mappings_for_note("n4")
    assert [(m.expectation_id, m.status, m.source) for m in n4] == [
        ("teaching.l1.asks-questions", "accepted", "user")
    ]


def test_accept_keeps_or_corrects_polarity(ana, tiny_ladder) -> None:
    service.suggest(ana, tiny_ladder, "Ana")
    kept = service.accept(ana, tiny_ladder, "n5", "ops.l1.joins-on-call")
    assert (kept.status, kept.polarity) == ("accepted", "negative")
    fixed = service.accept(ana, tiny_ladder, "n2", "ops.l2.writes-runbooks", "negative")
    assert fixed.polarity == "negative"


def test_unknown_ids_name_close_matches(ana, tiny_ladder) -> None:
    with pytest.raises(NotFoundError) as err:
        service.add(ana, tiny_ladder, "n1", "ops.l2.writes-runbook")
    assert "did you mean: ops.l2.writes-runbooks" in str(err.value)
    with pytest.raises(NotFoundError) as err:
        service.add(ana, tiny_ladder, "n1", "mentors")  # a bare slug
    assert "teaching.l2.mentors" in str(err.value)
    with pytest.raises(NotFoundError, match="no note n99"):
        service.add(ana, tiny_ladder, "n99", "teaching.l2.mentors")
    with pytest.raises(UsageError, match="belongs to Ana, not Bo"):
        service.reject(ana, tiny_ladder, "n1", "teaching.l2.mentors", person="Bo")


def test_confirmed_evidence_and_threshold(ana, tiny_ladder) -> None:
    service.suggest(ana, tiny_ladder, "Ana", top_k=3)
    assert service.confirmed_evidence(ana, tiny_ladder, "Ana") == {}
    service.accept(ana, tiny_ladder, "n2", "ops.l2.writes-runbooks")
    service.reject(ana, tiny_ladder, "n1", "ops.l2.leads-incidents")
    confirmed = service.confirmed_evidence(ana, tiny_ladder, "Ana")
    assert {k: [m.expectation_id for m in v] for k, v in confirmed.items()} == {
        "n2": ["ops.l2.writes-runbooks"]
    }
    every = service.confirmed_evidence(ana, tiny_ladder, "Ana", threshold=0.0)
    # Every open suggestion plus the accepted one; the rejected one never comes back.
    assert set(every) == {"n1", "n2", "n3", "n5"}
    assert "ops.l2.leads-incidents" not in {m.expectation_id for m in every["n1"]}
    high = service.confirmed_evidence(ana, tiny_ladder, "Ana", threshold=0.75)
    for records in high.values():
        assert all(m.score >= 0.75 or m.status == "accepted" for m in records)
        assert [m.score for m in records] == sorted((m.score for m in records), reverse=True)
    assert "n2" in high and "n3" in high  # 0.83 and 0.81 in the tiny ladder
    only = service.confirmed_evidence(ana, tiny_ladder, "Ana", notes=["n3"], threshold=0.0)
    assert list(only) == ["n3"]
    with pytest.raises(UsageError, match="between 0 and 1"):
        service.confirmed_evidence(ana, tiny_ladder, "Ana", threshold=1.5)


def test_excluded_notes_are_neither_mapped_nor_evidence(ana, tiny_ladder) -> None:
    service.suggest(ana, tiny_ladder, "Ana")
    service.accept(ana, tiny_ladder, "n1", "ops.l2.leads-incidents")
    ana.set_note_excluded("n1", True)
    assert "n1" not in service.confirmed_evidence(ana, tiny_ladder, "Ana")
    run = service.suggest(ana, tiny_ladder, "Ana")
    assert "n1" not in [r.note_id for r in run.results]


def test_map_texts_rejects_bad_top(tiny_ladder) -> None:
    with pytest.raises(UsageError, match="at least 1"):
        service.map_texts(tiny_ladder, [("a", "text")], top_k=0)


def test_matcher_is_built_once_per_ladder(tiny_ladder) -> None:
    assert service.matcher_for(tiny_ladder) is service.matcher_for(tiny_ladder)


def test_no_model_means_no_gateway(repo) -> None:
    from feedback_writer.config import Settings
    from feedback_writer.llm.gateway import gateway_for

    assert gateway_for(Settings()) is None
    gw = gateway_for(Settings(model="gpt-4o-mini", max_repairs=1))
    assert gw is not None
    assert (gw.settings.model, gw.settings.max_repairs) == ("gpt-4o-mini", 1)


# --- coverage on a hand-made case ----------------------------------------------------


def test_coverage_numbers(ana, tiny_ladder) -> None:
    # n1: incidents (l2) accepted + on-call (l1) accepted, n2: runbooks (l2) negative,
    # n3: mentors (l2) rejected, n4: workshops (l3) accepted, n5: toil (l3) suggested 0.9.
    ana.set_mapping("n1", "ops.l2.leads-incidents", "accepted", polarity="positive")
    ana.set_mapping("n1", "ops.l1.joins-on-call", "accepted", polarity="positive")
    ana.set_mapping("n2", "ops.l2.writes-runbooks", "accepted", polarity="negative")
    ana.set_mapping("n3", "teaching.l2.mentors", "rejected")
    ana.set_mapping("n4", "teaching.l3.runs-workshops", "accepted")
    ana.replace_suggestions("n5", [("ops.l3.reduces-toil", 0.9, "positive")], "matcher")

    cov = coverage(ana, tiny_ladder, "Ana")  # the person's level: l2
    assert (cov.level, cov.next_level, cov.notes, cov.notes_with_evidence) == ("l2", "l3", 5, 3)
    ops, teaching = cov.competencies
    assert (ops.slug, ops.name) == ("ops", "Operations")
    assert (ops.current_count, ops.next_count) == (2, 0)  # n1 counted once
    assert (ops.positive, ops.negative) == (1, 1)
    assert ops.missing_current == []
    assert ops.missing_next == ["ops.l3.reduces-toil"]
    assert (ops.expected_current, ops.expected_next) == (3, 1)
    assert (teaching.current_count, teaching.next_count) == (0, 1)
    assert teaching.missing_current == ["teaching.l1.asks-questions", "teaching.l2.mentors"]
    assert teaching.missing_next == []

    with_suggestions = coverage(ana, tiny_ladder, "Ana", threshold=0.5)
    ops2 = with_suggestions.competencies[0]
    assert (ops2.next_count, ops2.missing_next, ops2.positive) == (1, [], 2)

    at_l1 = coverage(ana, tiny_ladder, "Ana", "l1")
    ops1 = at_l1.competencies[0]
    assert (ops1.current_count, ops1.next_count) == (1, 2)
    assert ops1.missing_next == []

    text = format_coverage(cov)
    assert "Ana: coverage at l2 (next: l3), from accepted evidence" in text
    assert "3 of 5 note(s) carry evidence" in text
    assert "  teaching.l2.mentors" in text.splitlines()
    assert "  ops.l3.reduces-toil  (next level)" in text

    with pytest.raises(UsageError, match="unknown level 'l9'"):
        coverage(ana, tiny_ladder, "Ana", "l9")


def test_coverage_at_the_top_level(ana, tiny_ladder) -> None:
    cov = coverage(ana, tiny_ladder, "Ana", "l3")
    assert cov.next_level is None
    assert all(c.next_count == 0 and c.missing_next == [] for c in cov.competencies)
    assert "(next: -)" in format_coverage(cov)
