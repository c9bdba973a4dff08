"""Drafts rest on confirmed evidence; unconfirmed evidence is labelled; prompts are faithful."""

from __future__ import annotations

import json

import pytest

from feedback_writer.drafting.offline import UNCONFIRMED
from feedback_writer.drafting.prompt import draft_messages
from feedback_writer.drafting.service import create_draft, prepare
from feedback_writer.errors import UsageError
from feedback_writer.prompting.templates import PromptTemplates
from tests.unit.drafting.drafting_fakes import PERSON, World

NEGATIVE = "delivery.mid.delivers-features-independently"
RUNBOOKS = "reliability.mid.improves-runbooks"
FAR_ABOVE = "reliability.principal.defines-company-reliability"  # two levels above senior


def _suggest_only(world: World) -> None:
    repo = world.ctx.repo
    for m in repo.mappings_for_person(PERSON):
        repo.set_mapping(m.note_id, m.expectation_id, "suggested", polarity=m.polarity, score=0.9)


def _user_message(world: World, mode: str = "manager") -> str:
    request = prepare(world.ctx, PERSON, level="mid", target="senior", mode=mode).request  # type: ignore[arg-type]
    messages = draft_messages(PromptTemplates(None), request)
    return "\n".join(m["content"] for m in messages)


def test_no_confirmed_evidence_stops_the_draft_and_says_how_to_confirm(world: World) -> None:
    _suggest_only(world)
    with pytest.raises(UsageError) as caught:
        create_draft(world.ctx, PERSON, level="mid")
    text = str(caught.value)
    assert caught.value.exit_code == 2
    assert "evidence accept" in text and "Evidence screen" in text and "--threshold" in text
    with pytest.raises(UsageError):
        world.ctx.repo.latest_draft(PERSON)  # nothing was stored


def test_the_cli_exits_2_without_confirmed_evidence(world: World, capsys) -> None:  # type: ignore[no-untyped-def]
    from feedback_writer.cli import main

    _suggest_only(world)
    world.ctx.repo.close()
    with pytest.raises(SystemExit) as done:
        main(["draft", "-p", PERSON, "--level", "mid", "--workspace", str(world.ctx.workspace)])
    assert done.value.code == 2
    assert "evidence accept" in capsys.readouterr().err


def test_threshold_evidence_is_labelled_in_outline_meta_and_export(world: World) -> None:
    from feedback_writer.review.export import provenance
    from feedback_writer.review.gate import gate_status

    _suggest_only(world)
    record = create_draft(world.ctx, PERSON, level="mid", threshold=0.5)
    guessed = record.meta["unconfirmed_evidence"]
    assert guessed[world.ids[0]] == [RUNBOOKS]
    assert record.meta["threshold"] == 0.5
    repo = world.ctx.repo
    text = repo.section(record.id, "competency:reliability").model_text
    assert UNCONFIRMED.strip() in text
    summary = repo.section(record.id, "summary").model_text
    assert "rest on matcher suggestions nobody confirmed" in summary
    status = gate_status(repo, record.id, "review")
    out = provenance(repo, world.ctx.ladder, record.id, status)
    assert json.loads(json.dumps(out))["draft"]["unconfirmed_evidence"][world.ids[0]] == [RUNBOOKS]


def test_confirmed_evidence_is_not_labelled(world: World) -> None:
    record = create_draft(world.ctx, PERSON, level="mid")
    assert record.meta["unconfirmed_evidence"] == {}
    text = world.ctx.repo.section(record.id, "competency:reliability").model_text
    assert UNCONFIRMED.strip() not in text


def test_prompt_marks_unconfirmed_mappings(world: World) -> None:
    _suggest_only(world)
    request = prepare(world.ctx, PERSON, level="mid", threshold=0.5).request
    content = draft_messages(PromptTemplates(None), request)[1]["content"]
    assert f"for: {RUNBOOKS} (unconfirmed)" in content


@pytest.mark.parametrize("mode", ["manager", "self"])
def test_default_templates_carry_polarity_and_every_cited_text(world: World, mode: str) -> None:
    repo, ladder = world.ctx.repo, world.ctx.ladder
    repo.set_mapping(world.ids[0], FAR_ABOVE, "accepted", polarity="positive", score=0.8)
    prompt = _user_message(world, mode)
    line = next(x for x in prompt.splitlines() if f'id="{world.ids[2]}"' in x)
    assert f"against: {NEGATIVE}" in line and "for:" not in line
    assert f"{NEGATIVE}: {ladder.expectation(NEGATIVE).text}" in prompt
    runbook_line = next(x for x in prompt.splitlines() if f'id="{world.ids[0]}"' in x)
    assert f"for: {FAR_ABOVE}" in runbook_line and "(unconfirmed)" not in runbook_line
    assert ladder.expectation(FAR_ABOVE).text in prompt
    assert '"against: id" shows a gap' in prompt  # the system message explains the marks


def test_the_tui_evidence_panel_labels_unconfirmed_evidence(world: World) -> None:
    from feedback_writer.tui.controllers.draft_data import evidence_text

    _suggest_only(world)
    record = create_draft(world.ctx, PERSON, level="mid", threshold=0.5)
    section = world.ctx.repo.section(record.id, "competency:reliability")
    text = evidence_text(world.ctx, PERSON, record, section, section.human_text)
    assert text.splitlines()[0].startswith("⚠ unconfirmed")
