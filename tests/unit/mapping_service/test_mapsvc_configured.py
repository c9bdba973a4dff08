"""suggest_configured: the settings' model, prompts folder and names, as the CLI and TUI use it."""

from __future__ import annotations

import json
import re

import httpx
import pytest
import respx

from feedback_writer.config import Settings
from feedback_writer.mapping import service
from feedback_writer.notes.model import ParsedNote

OPENAI_URL = "https://api.openai.com/v1/chat/completions"


def _answer_no_evidence(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    keys = re.findall(r'<note id="(N\d+)">', user)
    notes = [{"note": k, "no_evidence": True, "expectations": []} for k in keys]
    return httpx.Response(
        200,
        json={
            "id": "c1",
            "object": "chat.completion",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps({"notes": notes})},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        },
    )


def test_configured_names_never_reach_the_model(repo, tiny_ladder, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-configured-000000")
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    repo.add_note("Ana", ParsedNote(text="Ana Lopez and Bo Chen fixed the outage runbook"))
    settings = Settings(model="gpt-4o-mini", pseudonymise=["Bo Chen"], max_retries=0)
    with respx.mock(assert_all_mocked=True) as router:
        route = router.post(OPENAI_URL).mock(side_effect=_answer_no_evidence)
        run = service.suggest_configured(repo, tiny_ladder, "Ana", settings)
    assert route.call_count >= 1
    sent = json.dumps(json.loads(route.calls[0].request.content)["messages"])
    assert "Bo Chen" not in sent and "Chen" not in sent
    assert "Ana" not in sent
    assert "PERSON_" in sent
    assert run.source == "model"


def test_offline_sends_nothing(repo, tiny_ladder, monkeypatch):
    repo.add_note("Ana", ParsedNote(text="fixed the outage runbook"))
    settings = Settings(model="gpt-4o-mini")
    with respx.mock(assert_all_mocked=True) as router:
        run = service.suggest_configured(repo, tiny_ladder, "Ana", settings, offline=True)
    assert router.calls.call_count == 0
    assert run.source != "model"


@pytest.mark.parametrize("model", [None])
def test_no_model_configured_is_offline(repo, tiny_ladder, model):
    repo.add_note("Ana", ParsedNote(text="fixed the outage runbook"))
    run = service.suggest_configured(repo, tiny_ladder, "Ana", Settings(model=model))
    assert run.source != "model"
