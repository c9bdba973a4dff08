"""``evidence accept``: note ids alone accept each note's top suggestion, ``--all`` accepts
every note's top suggestion in a confidence band after listing them, all in one transaction."""

from __future__ import annotations

import pytest

from feedback_writer.context import AppContext
from feedback_writer.mapping import service
from feedback_writer.mapping.calibration import score_confidence
from tests.unit.evidence_cli.evcli_data import PERSON, Run


def _top(ctx: AppContext, note_id: str) -> str:
    top = service.top_suggestion(ctx.repo, ctx.ladder, note_id)
    assert top is not None
    return top.expectation_id


def _accepted(ctx: AppContext) -> dict[tuple[str, str], str]:
    return {
        (m.note_id, m.expectation_id): m.polarity
        for m in ctx.repo.mappings_for_person(PERSON)
        if m.status == "accepted"
    }


def test_note_ids_accept_each_notes_top_suggestion(dana: AppContext, run: Run) -> None:
    tops = {n: _top(dana, n) for n in ("n1", "n3", "n4")}
    result = run("evidence", "accept", "-p", PERSON, "n1", "n3", "n4")
    assert result.exit_code == 0, result.output
    assert set(_accepted(dana)) == set(tops.items())
    for note_id, expectation_id in tops.items():
        assert f"accepted {note_id} -> {expectation_id} (" in result.output


def test_a_pair_keeps_its_meaning_among_note_ids(dana: AppContext, run: Run) -> None:
    second = dana.repo.mappings_for_note("n2")[1].expectation_id
    result = run("evidence", "accept", "-p", PERSON, "n1", "n2", second, "n3")
    assert result.exit_code == 0, result.output
    want = {("n1", _top(dana, "n1")), ("n2", second), ("n3", _top(dana, "n3"))}
    assert set(_accepted(dana)) == want


def test_the_single_pair_form_is_unchanged(dana: AppContext, run: Run) -> None:
    top = _top(dana, "n2")
    result = run("evidence", "accept", "-p", PERSON, "n2", top, "--negative")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"accepted n2 -> {top} (negative)"


def test_positive_and_negative_set_the_polarity(dana: AppContext, run: Run) -> None:
    assert run("evidence", "accept", "-p", PERSON, "n1", "n2", "--negative").exit_code == 0
    assert set(_accepted(dana).values()) == {"negative"}
    assert run("evidence", "accept", "-p", PERSON, "n1", "--positive").exit_code == 0
    assert _accepted(dana)[("n1", _top(dana, "n1"))] == "positive"


def test_one_bad_item_stores_nothing(dana: AppContext, run: Run) -> None:
    result = run("evidence", "accept", "-p", PERSON, "n1", "n2", "no.such.expectation", "n3")
    assert result.exit_code != 0
    assert "unknown expectation" in result.output
    assert _accepted(dana) == {}
    result = run("evidence", "accept", "-p", PERSON, "n1", "n99")
    assert result.exit_code != 0
    assert _accepted(dana) == {}


def test_all_lists_then_needs_yes_off_a_terminal(dana: AppContext, run: Run) -> None:
    expected = service.bulk_candidates(dana.repo, dana.ladder, PERSON, "low")
    assert len(expected) == 5
    result = run("evidence", "accept", "-p", PERSON, "--all", "--min-confidence", "low")
    assert result.exit_code != 0
    assert "--yes" in result.output
    for m in expected:
        assert m.note_id in result.output and m.expectation_id in result.output
    assert _accepted(dana) == {}
    result = run("evidence", "accept", "-p", PERSON, "--all", "--min-confidence", "LOW", "--yes")
    assert result.exit_code == 0, result.output
    assert set(_accepted(dana)) == {(m.note_id, m.expectation_id) for m in expected}
    # A second run accepts nothing more: those notes have accepted evidence now.
    again = run("evidence", "accept", "-p", PERSON, "--all", "--min-confidence", "low", "--yes")
    assert again.exit_code == 0 and "nothing to accept" in again.output
    assert len(_accepted(dana)) == 5


def test_all_keeps_to_the_band(dana: AppContext, run: Run) -> None:
    rank = service.BAND_RANK
    for band in ("high", "medium"):
        chosen = service.bulk_candidates(dana.repo, dana.ladder, PERSON, band)
        tops = [service.top_suggestion(dana.repo, dana.ladder, f"n{i}") for i in range(1, 6)]
        want = [t for t in tops if t and rank[score_confidence(t.score)[1]] >= rank[band]]
        assert chosen == want
    result = run("evidence", "accept", "-p", PERSON, "--all", "--yes")  # default: high
    assert result.exit_code == 0, result.output
    high = service.bulk_candidates  # already accepted ones are no longer candidates
    assert high(dana.repo, dana.ladder, PERSON, "high") == []


def test_all_asks_on_a_terminal(
    dana: AppContext, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_writer.cli import evidence_cmd

    monkeypatch.setattr(evidence_cmd, "_interactive", lambda: True)
    args = ("evidence", "accept", "-p", PERSON, "--all", "--min-confidence", "low")
    result = run(*args, input="n\n")
    assert result.exit_code != 0 and "Accept these 5 suggestion(s)?" in result.output
    assert _accepted(dana) == {}
    result = run(*args, input="y\n")
    assert result.exit_code == 0, result.output
    assert len(_accepted(dana)) == 5


def test_bulk_accept_is_one_transaction(dana: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure half-way leaves nothing behind."""
    calls = 0
    real = dana.repo.set_mapping

    def failing(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(dana.repo, "set_mapping", failing)
    pairs = [(f"n{i}", _top(dana, f"n{i}")) for i in range(1, 6)]
    with pytest.raises(RuntimeError):
        service.accept_many(dana.repo, dana.ladder, pairs, person=PERSON)
    monkeypatch.undo()
    assert _accepted(dana) == {}


def test_all_and_note_ids_do_not_mix(dana: AppContext, run: Run) -> None:
    assert run("evidence", "accept", "-p", PERSON, "--all", "n1").exit_code != 0
    assert run("evidence", "accept", "-p", PERSON, "n1", "--min-confidence", "high").exit_code != 0
    assert run("evidence", "accept", "-p", PERSON).exit_code != 0
    assert _accepted(dana) == {}
