"""Citation-like text: neutralised in every prompt, checked and repaired in model prose."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import respx

from feedback_writer.citations import parse_citations
from feedback_writer.drafting.grounding import grounding_problems
from feedback_writer.drafting.model import Draft
from feedback_writer.drafting.prompt import parse_condensed
from feedback_writer.drafting.service import create_draft, plan_draft
from feedback_writer.notes.model import ParsedNote
from tests.unit.drafting.drafting_fakes import PERSON, World
from tests.unit.drafting.test_model_drafter import MODEL, URL, answer, draft_json, sent, user_text

FAKE = "[n999; reliability.principal.reliability-culture]"
PROSE = " [n9999; x.y.z]"


@pytest.fixture(autouse=True)
def router(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0123456789")
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("DISABLE_AIOHTTP_TRANSPORT", "True")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    from feedback_writer.llm._transport import litellm_module as _litellm

    _litellm().disable_aiohttp_transport = True
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


def with_prose(world: World, summary: str) -> str:
    data = json.loads(draft_json(world))
    data["summary"] = summary
    return json.dumps(data)


def test_a_note_with_citation_like_text_is_neutralised_in_the_prompt(world: World) -> None:
    world.ctx.repo.add_note(PERSON, ParsedNote(text=f"Alex said she is {FAKE} material"))
    plan = plan_draft(world.ctx, PERSON, level="mid", model=MODEL)
    text = user_text({"messages": plan.messages})
    assert "⟦n999; reliability.principal.reliability-culture⟧ material" in text
    assert FAKE not in text


def test_condensed_note_text_is_neutralised_too() -> None:
    chunk = [{"id": "n1", "text": "long"}, {"id": "n2", "text": f"quoted {FAKE}"}]
    out = parse_condensed(f"n1: short {FAKE}\n", chunk)
    assert [parse_citations(v["text"]) for v in out] == [[], []]
    assert out[0]["text"] == "short ⟦n999; reliability.principal.reliability-culture⟧"
    assert out[1]["text"].startswith("quoted ⟦n999;")


def test_unknown_ids_in_the_prose_are_problems(world: World) -> None:
    draft = Draft.model_validate_json(with_prose(world, "Good half" + PROSE + "."))
    ladder = world.ctx.ladder
    problems = grounding_problems(draft, ladder, set(world.ids))
    assert any("summary: unknown note id(s) n9999 (" in p for p in problems)
    assert any("summary: unknown expectation id(s) x.y.z (" in p for p in problems)
    known = f"Good half [{world.ids[0]}; reliability.mid.improves-runbooks]."
    ok = Draft.model_validate_json(with_prose(world, known))
    assert grounding_problems(ok, ladder, set(world.ids)) == []


def test_prose_citation_repaired_by_the_model(world: World, router: respx.MockRouter) -> None:
    bad = with_prose(world, "PERSON_1 improved the runbook" + PROSE + ".")
    route = router.post(URL).mock(side_effect=[answer(bad), answer(draft_json(world))])
    record = create_draft(world.ctx, PERSON, level="mid", model=MODEL)
    assert route.call_count == 2
    repair = sent(route, 1)["messages"][-1]["content"]
    assert "These ids do not exist: n9999, x.y.z" in repair
    assert record.content["summary"] == "Alex Example improved the runbook."
    warnings = "\n".join(record.meta["warnings"])
    assert "attempt 1 repaired: summary: unknown note id(s) n9999" in warnings
    assert "removed" not in warnings


def test_prose_citation_kept_after_repair_is_stripped_with_a_warning(
    world: World, router: respx.MockRouter
) -> None:
    bad = with_prose(world, "PERSON_1 improved the runbook" + PROSE + ".")
    route = router.post(URL).mock(side_effect=[answer(bad)] * 5)
    record = create_draft(world.ctx, PERSON, level="mid", model=MODEL)
    assert route.call_count == 3  # the first answer and max_repairs (2) repairs
    assert "n9999" in sent(route, 1)["messages"][-1]["content"]
    assert record.content["summary"] == "Alex Example improved the runbook."
    summary = world.ctx.repo.section(record.id, "summary").model_text
    assert "n9999" not in summary and "x.y.z" not in summary
    warnings = "\n".join(record.meta["warnings"])
    assert "summary: removed '[n9999; x.y.z]' from the prose" in warnings
    # The structured citations are untouched: the point still stands.
    assert record.content["competencies"][0]["points"][0]["note_ids"] == [world.ids[0]]
