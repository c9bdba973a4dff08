"""Gateway behaviour against a local Ollama (``ollama_chat/...``), over respx."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from feedback_writer.errors import ProviderUnavailable, RateLimited, UnknownModel
from feedback_writer.llm.gateway import Progress
from tests.unit.llm.llm_fakes import (
    GOOD,
    GOOD_TEXT,
    MESSAGES,
    OLLAMA_BASE,
    OLLAMA_URL,
    Harness,
    Review,
    body,
    ollama_ndjson,
    ollama_ok,
    pieces_of,
    unknown_ids,
)

MODEL = "ollama_chat/llama3.1"


@pytest.fixture
def show(router: respx.MockRouter) -> respx.Route:
    """litellm's model-info lookup; the gateway must keep litellm from calling it."""
    return router.post(f"{OLLAMA_BASE}/api/show").mock(return_value=httpx.Response(200, json={}))


def test_good_answer_sends_the_schema_as_format(
    router: respx.MockRouter, harness: Harness, show: respx.Route
) -> None:
    route = router.post(OLLAMA_URL).mock(return_value=ollama_ok(GOOD_TEXT))
    gw = harness.gateway(MODEL, api_base=OLLAMA_BASE)

    result = gw.complete_structured(MESSAGES, Review, purpose="draft")

    assert result.value == Review.model_validate(GOOD)
    assert (result.prompt_tokens, result.completion_tokens) == (50, 25)
    assert result.cost_usd == 0.0 and result.warnings == []
    sent = body(route)
    assert sent["model"] == "llama3.1"
    assert sent["format"]["required"] == ["summary", "findings", "caveat"]
    assert "$defs" not in sent["format"]
    assert sent["options"]["temperature"] == 0.2
    assert "one JSON object only" in sent["messages"][0]["content"]
    assert show.call_count == 0
    assert harness.records[0].provider == "ollama_chat"


def test_no_key_needed(
    router: respx.MockRouter, harness: Harness, show: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    router.post(OLLAMA_URL).mock(return_value=ollama_ok("Short text."))
    gw = harness.gateway(MODEL, api_base=OLLAMA_BASE)
    gw.check_ready()
    assert gw.complete_text(MESSAGES, purpose="condense") == "Short text."


def test_ndjson_stream_with_progress(
    router: respx.MockRouter, harness: Harness, show: respx.Route
) -> None:
    pieces = pieces_of(GOOD_TEXT, 11)
    route = router.post(OLLAMA_URL).mock(return_value=ollama_ndjson(pieces))
    seen: list[Progress] = []

    result = harness.gateway(MODEL, api_base=OLLAMA_BASE).complete_structured(
        MESSAGES, Review, purpose="draft", stream=True, on_progress=seen.append
    )

    assert result.value == Review.model_validate(GOOD)
    assert [p.text_delta for p in seen] == pieces
    assert result.completion_tokens == 25
    assert body(route)["stream"] is True
    assert show.call_count == 0


def test_chatty_answer_then_repair(
    router: respx.MockRouter, harness: Harness, show: respx.Route
) -> None:
    chatty = (
        'Sure! Here is the JSON: {"summary": "x", "findings": [{"id": "n2", "level": "meets"}]}'
    )
    route = router.post(OLLAMA_URL).mock(side_effect=[ollama_ok(chatty), ollama_ok(GOOD_TEXT)])

    result = harness.gateway(MODEL, api_base=OLLAMA_BASE).complete_structured(
        MESSAGES, Review, purpose="draft", validate=unknown_ids({"n1"})
    )

    # The prose around the object is tolerated; the unknown id is what gets repaired.
    assert result.attempts == 2
    second = body(route, 1)["messages"]
    assert (second[-2]["role"], second[-2]["content"]) == ("assistant", chatty)
    assert "unknown note id 'n2'" in second[-1]["content"]


def test_invalid_json_then_repair(
    router: respx.MockRouter, harness: Harness, show: respx.Route
) -> None:
    route = router.post(OLLAMA_URL).mock(
        side_effect=[ollama_ok("{'summary': 1}"), ollama_ok(GOOD_TEXT)]
    )
    result = harness.gateway(MODEL, api_base=OLLAMA_BASE).complete_structured(
        MESSAGES, Review, purpose="draft"
    )
    assert result.attempts == 2
    assert "not valid JSON" in body(route, 1)["messages"][-1]["content"]


def test_429_then_success_despite_litellm_wrapping(
    router: respx.MockRouter, harness: Harness, show: respx.Route
) -> None:
    # litellm 1.82.6 reports every Ollama HTTP error as APIConnectionError(500); the real
    # status is further down the exception chain.
    limited = httpx.Response(429, json={"error": "busy"}, headers={"retry-after": "2"})
    route = router.post(OLLAMA_URL).mock(side_effect=[limited, ollama_ok(GOOD_TEXT)])

    result = harness.gateway(MODEL, api_base=OLLAMA_BASE).complete_structured(
        MESSAGES, Review, purpose="draft"
    )

    assert route.call_count == 2 and result.attempts == 1
    assert harness.sleeps == [2.0]


def test_429_until_retries_run_out(
    router: respx.MockRouter, harness: Harness, show: respx.Route
) -> None:
    route = router.post(OLLAMA_URL).mock(return_value=httpx.Response(429, json={"error": "busy"}))
    with pytest.raises(RateLimited, match="HTTP 429"):
        harness.gateway(MODEL, api_base=OLLAMA_BASE, max_retries=1).complete_text(
            MESSAGES, purpose="condense"
        )
    assert route.call_count == 2


def test_model_not_pulled(router: respx.MockRouter, harness: Harness, show: respx.Route) -> None:
    missing = httpx.Response(
        404, json={"error": 'model "llama3.1" not found, try pulling it first'}
    )
    route = router.post(OLLAMA_URL).mock(return_value=missing)
    with pytest.raises(UnknownModel) as info:
        harness.gateway(MODEL, api_base=OLLAMA_BASE).complete_text(MESSAGES, purpose="condense")
    assert route.call_count == 1
    assert "ollama pull llama3.1" in str(info.value)


def test_server_down(router: respx.MockRouter, harness: Harness, show: respx.Route) -> None:
    route = router.post(OLLAMA_URL).mock(side_effect=httpx.ConnectError("Connection refused"))
    with pytest.raises(ProviderUnavailable) as info:
        harness.gateway(MODEL, api_base=OLLAMA_BASE, max_retries=2).complete_text(
            MESSAGES, purpose="condense"
        )
    assert route.call_count == 3
    assert OLLAMA_BASE in str(info.value) and "ollama serve" in str(info.value)
    assert json.dumps(harness.records[0].request)  # records stay JSON-able
