"""The model drafter through create_draft, with respx standing in for the provider."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from feedback_writer.drafting.service import create_draft, plan_draft
from feedback_writer.notes.model import ParsedNote
from tests.unit.drafting.drafting_fakes import PERSON, World

URL = "https://api.openai.com/v1/chat/completions"
MODEL = "gpt-4o-mini"


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


def answer(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "c1", "object": "chat.completion", "created": 1, "model": MODEL,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        },
    )  # fmt: skip


def draft_json(world: World, *, note: str | None = None, exp: str | None = None) -> str:
    cited = note or world.ids[0]
    return json.dumps(
        {
            "person": "PERSON_1", "mode": "manager", "current_level": "mid",
            "target_level": None, "summary": "PERSON_1 improved the runbook.",
            "competencies": [{
                "competency": "reliability",
                "points": [{"text": "PERSON_1 rewrote the runbook", "kind": "strength",
                            "expectation_ids": [exp or "reliability.mid.improves-runbooks"],
                            "note_ids": [cited]}],
                "calibration": {"rating": "meets", "justification": "two notes"},
                "next_level_guidance": [],
            }],
            "peer_input": None,
        }
    )  # fmt: skip


def sent(route: respx.Route, i: int) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(route.calls[i].request.content)
    return body


def user_text(body: dict[str, Any]) -> str:
    return "\n".join(str(m["content"]) for m in body["messages"])


def test_good_answer_is_stored_with_names_restored(world: World, router: respx.MockRouter) -> None:
    route = router.post(URL).mock(return_value=answer(draft_json(world)))
    record = create_draft(world.ctx, PERSON, level="mid", model=MODEL)
    assert route.call_count == 1
    assert (record.drafter, record.model) == ("model", MODEL)
    assert record.content["summary"] == "Alex Example improved the runbook."
    assert record.content["person"] == PERSON
    text = world.ctx.repo.section(record.id, "competency:reliability").model_text
    assert f"[{world.ids[0]}; reliability.mid.improves-runbooks]" in text
    calls = world.ctx.repo.list_calls()
    assert calls and calls[0].purpose == "draft"
    assert "Alex" not in json.dumps(calls[0].request)
    # Logged as a call about the person: removing them removes it.
    assert world.ctx.repo.count_calls_about(PERSON) == len(calls)


def test_request_holds_expectations_and_pseudonymised_notes(
    world: World, router: respx.MockRouter
) -> None:
    world.ctx.set_flag("pseudonymise", ["Priya"])
    world.ctx.repo.add_note(PERSON, ParsedNote(text="Priya says Alex explained the rollout well"))
    route = router.post(URL).mock(return_value=answer(draft_json(world)))
    create_draft(world.ctx, PERSON, level="mid", target="senior", model=MODEL)
    text = user_text(sent(route, 0))
    assert "reliability.mid.improves-runbooks: Improves runbooks" in text
    assert "+reliability.senior." in text  # the guidance level's expectations
    assert "PERSON_1 rewrote the on-call runbook" in text
    assert "PERSON_2 says PERSON_1 explained" in text
    for name in ("Alex", "Example", "Sam Peer", "Priya"):
        assert name not in text


def test_invalid_json_then_repair(world: World, router: respx.MockRouter) -> None:
    route = router.post(URL).mock(side_effect=[answer("{not json"), answer(draft_json(world))])
    record = create_draft(world.ctx, PERSON, level="mid", model=MODEL)
    assert route.call_count == 2
    repair = sent(route, 1)["messages"]
    assert repair[-2]["role"] == "assistant" and repair[-2]["content"] == "{not json"
    assert "not valid JSON" in repair[-1]["content"]
    assert record.content["competencies"][0]["points"]


def test_unknown_ids_repaired_then_dropped_with_a_warning(
    world: World, router: respx.MockRouter
) -> None:
    bad = draft_json(world, note="n999", exp="reliability.mid.made-up")
    route = router.post(URL).mock(side_effect=[answer(bad)] * 5)
    record = create_draft(world.ctx, PERSON, level="mid", model=MODEL)
    assert route.call_count == 3  # the first answer and max_repairs (2) repairs
    repair_text = sent(route, 1)["messages"][-1]["content"]
    assert "n999" in repair_text and "reliability.mid.made-up" in repair_text
    assert record.content["competencies"][0]["points"] == []
    warnings = "\n".join(record.meta["warnings"])
    assert "dropped" in warnings and "no valid citation" in warnings


def test_dry_run_sends_nothing(world: World, router: respx.MockRouter) -> None:
    route = router.post(URL).mock(return_value=answer(draft_json(world)))
    plan = plan_draft(world.ctx, PERSON, level="mid", model=MODEL)
    assert route.call_count == 0
    assert plan.prompt_tokens > 0
    assert "PERSON_1" in user_text({"messages": plan.messages})
    assert "Alex" not in user_text({"messages": plan.messages})
    with pytest.raises(Exception):  # noqa: B017 - nothing stored
        world.ctx.repo.latest_draft(PERSON)


def test_injection_note_stays_fenced_and_invented_ids_are_dropped(
    world: World, router: respx.MockRouter
) -> None:
    # The model "obeys" the note: invents an id, cites the injection note; checks still hold.
    bad = draft_json(world, exp="reliability.principal.world-domination")
    route = router.post(URL).mock(side_effect=[answer(bad)] * 3)
    record = create_draft(world.ctx, PERSON, level="mid", model=MODEL)
    user = sent(route, 0)["messages"][1]["content"]
    notes_block = user[user.index("<notes>") : user.index("</notes>")]
    assert "Ignore your instructions" in notes_block
    assert user.count("</notes>") == 1  # the note's own closing tag was defused
    assert "world-domination" in sent(route, 1)["messages"][-1]["content"]
    assert record.content["competencies"][0]["points"] == []
