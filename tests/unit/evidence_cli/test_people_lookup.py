"""People as users type them: names found ignoring case (never a silent second person),
levels by slug or name in any case, and ``people rename`` / ``people remove``."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from feedback_writer.context import AppContext
from feedback_writer.errors import NotFoundError, UsageError
from feedback_writer.notes.model import ParsedNote
from tests.unit.evidence_cli.evcli_data import PERSON, Run


def test_find_person_exact_first_then_ignoring_case(dana: AppContext) -> None:
    repo = dana.repo
    assert repo.find_person("dana whitfield").name == PERSON  # type: ignore[union-attr]
    assert repo.find_person("  DANA WHITFIELD ").name == PERSON  # type: ignore[union-attr]
    assert repo.find_person("Dana") is None
    assert repo.ensure_person("dana whitfield").name == PERSON
    assert [p.name for p in repo.list_people()] == [PERSON]


def test_an_ambiguous_name_is_an_error_listing_the_candidates(dana: AppContext) -> None:
    repo = dana.repo
    repo.ensure_person("Ana")
    repo._db.execute(  # two spellings that differ only in case: an older workspace could hold them
        "INSERT INTO people (name, created_at) VALUES ('ANA', '2026-01-01T00:00:00')"
    )
    assert repo.get_person("Ana").name == "Ana"  # the exact name wins
    with pytest.raises(UsageError) as err:
        repo.get_person("ana")
    assert "'Ana'" in str(err.value) and "'ANA'" in str(err.value)
    with pytest.raises(UsageError):
        repo.ensure_person("aNa")


def test_cli_finds_the_person_however_typed(dana: AppContext, run: Run) -> None:
    result = run("notes", "add", "-p", "dana whitfield", "Ran the quarterly planning offsite")
    assert result.exit_code == 0, result.output
    assert [p.name for p in dana.repo.list_people()] == [PERSON]
    assert dana.repo.count_notes(PERSON) == 6
    result = run("evidence", "accept", "-p", "dana whitfield", "n1")
    assert result.exit_code == 0, result.output
    result = run("evidence", "list", "-p", "DANA WHITFIELD", "--format", "json")
    assert result.exit_code == 0, result.output


def test_levels_in_any_case_by_slug_or_name(dana: AppContext, run: Run) -> None:
    level = dana.ladder.levels[2]
    result = run("people", "set", "dana whitfield", "--level", level.slug.upper(), "--target",
                 level.name.lower(), "--mode", "Self")  # fmt: skip
    assert result.exit_code == 0, result.output
    person = dana.repo.get_person(PERSON)
    assert (person.current_level, person.target_level, person.mode) == (
        level.slug, level.slug, "self",
    )  # fmt: skip
    assert run("people", "set", PERSON, "--level", "nope").exit_code != 0
    result = run("evidence", "coverage", "-p", PERSON, "--level", level.name.upper())
    assert result.exit_code == 0, result.output


def test_rename(dana: AppContext, run: Run) -> None:
    dana.repo.ensure_person("Bo")
    result = run("people", "rename", "dana whitfield", "Dana W.")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"renamed {PERSON} -> Dana W."
    assert dana.repo.count_notes("Dana W.") == 5
    assert dana.repo.find_person(PERSON) is None
    assert run("people", "rename", "Dana W.", "bo").exit_code != 0  # taken, ignoring case
    assert run("people", "rename", "Nobody", "X").exit_code != 0
    assert run("people", "rename", "dana w.", "DANA W.").exit_code == 0  # a change of case


def test_remove_says_what_goes_and_asks(
    dana: AppContext, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_writer.cli import people_cmd

    dana.repo.add_note("Bo", ParsedNote(text="Fixed the flaky login test"))
    result = run("people", "remove", "dana whitfield")
    assert result.exit_code != 0 and "--yes" in result.output
    assert f"{PERSON} with 5 note(s) and 0 draft(s)" in result.output
    monkeypatch.setattr(people_cmd, "_interactive", lambda: True)
    result = run("people", "remove", "dana whitfield", input="n\n")
    assert result.exit_code != 0 and dana.repo.find_person(PERSON) is not None
    result = run("people", "remove", "dana whitfield", input="y\n")
    assert result.exit_code == 0, result.output
    assert f"removed {PERSON} with 5 note(s) and 0 draft(s)" in result.output
    assert [p.name for p in dana.repo.list_people()] == ["Bo"]
    assert dana.repo.count_notes("Bo") == 1
    rows = dana.repo._all("SELECT count(*) FROM mappings JOIN notes ON notes.id = note_id")
    assert rows[0][0] == dana.repo._all("SELECT count(*) FROM mappings")[0][0]
    with pytest.raises(NotFoundError):
        dana.repo.get_person(PERSON)


def test_remove_takes_the_drafts_with_it(dana: AppContext, run: Run) -> None:
    from feedback_writer.drafting.service import create_draft

    create_draft(dana, PERSON, threshold=0.0)
    assert dana.repo.person_footprint(PERSON) == (5, 1)
    result = run("people", "remove", PERSON, "--yes")
    assert result.exit_code == 0, result.output
    assert "5 note(s) and 1 draft(s)" in result.output
    assert dana.repo._all("SELECT count(*) FROM drafts")[0][0] == 0
    assert dana.repo._all("SELECT count(*) FROM mappings")[0][0] == 0


def test_remove_takes_the_log_of_model_calls_about_them(dana: AppContext, run: Run) -> None:
    """A call logged about a person goes with them (the notes it carried are theirs); a call
    about no one, or about someone else, stays."""
    from feedback_writer.storage.records import CallRecord

    def call(purpose: str) -> CallRecord:
        return CallRecord("m", "openai", purpose, 1, 1, None, 1.0, {"messages": []}, "{}", None)

    dana.repo.ensure_person("Bo")
    dana.repo.log_call(**asdict(call("draft")), person=PERSON)
    dana.repo.log_call(**asdict(call("map")), person=PERSON)
    dana.repo.log_call(**asdict(call("draft")), person="Bo")
    dana.repo.log_call(**asdict(call("enrich")))
    assert dana.repo.count_calls_about(PERSON) == 2
    result = run("people", "remove", PERSON, "--yes")
    assert result.exit_code == 0, result.output
    assert "5 note(s), 0 draft(s) and 2 logged model call(s)" in result.output
    assert sorted(c.purpose for c in dana.repo.list_calls()) == ["draft", "enrich"]
    assert dana.repo.count_calls_about("Bo") == 1
