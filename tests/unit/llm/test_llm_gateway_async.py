"""The async path (acomplete_*) shares the sync logic; these pin the driver itself."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from feedback_writer.errors import ModelTimeout, ProviderUnavailable
from feedback_writer.llm.gateway import Progress
from tests.unit.llm.llm_fakes import (
    ANTHROPIC_URL,
    GOOD,
    GOOD_TEXT,
    HAIKU,
    MESSAGES,
    OLLAMA_BASE,
    OLLAMA_URL,
    OPENAI_URL,
    Harness,
    Review,
    anthropic_error,
    anthropic_tool,
    body,
    ollama_ndjson,
    openai_error,
    openai_ok,
    openai_sse,
    pieces_of,
)


async def test_good_answer(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_ok(GOOD_TEXT, 30, 12))

    result = await harness.gateway("gpt-4o-mini").acomplete_structured(
        MESSAGES, Review, purpose="draft"
    )

    assert result.value == Review.model_validate(GOOD)
    assert body(route)["response_format"]["json_schema"]["strict"] is True
    assert route.calls[0].request.headers["x-stainless-async"].startswith("async")
    (record,) = harness.records
    assert (record.prompt_tokens, record.completion_tokens, record.error) == (30, 12, None)


async def test_429_then_success_uses_the_async_sleep(
    router: respx.MockRouter, harness: Harness
) -> None:
    limited = openai_error(429, "Rate limit reached", "rate_limit_exceeded", **{"retry-after": "3"})
    route = router.post(OPENAI_URL).mock(side_effect=[limited, openai_ok(GOOD_TEXT)])

    result = await harness.gateway("gpt-4o-mini").acomplete_structured(
        MESSAGES, Review, purpose="draft"
    )

    assert route.call_count == 2 and result.value.summary == "Solid quarter"
    assert harness.sleeps == [3.0]


async def test_anthropic_429_then_success(router: respx.MockRouter, harness: Harness) -> None:
    limited = anthropic_error(429, "rate_limit_error", "slow down")
    route = router.post(ANTHROPIC_URL).mock(side_effect=[limited, anthropic_tool(GOOD)])
    result = await harness.gateway(HAIKU).acomplete_structured(MESSAGES, Review, purpose="d")
    assert route.call_count == 2 and result.value == Review.model_validate(GOOD)


async def test_repair_and_stream(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(OPENAI_URL).mock(
        side_effect=[openai_sse(["{not json"]), openai_sse(pieces_of(GOOD_TEXT))]
    )
    seen: list[Progress] = []

    result = await harness.gateway("gpt-4o-mini").acomplete_structured(
        MESSAGES, Review, purpose="draft", stream=True, on_progress=seen.append
    )

    assert result.attempts == 2
    assert "not valid JSON" in body(route, 1)["messages"][-1]["content"]
    assert "".join(p.text_delta for p in seen) == "{not json" + GOOD_TEXT


async def test_ollama_stream_text(router: respx.MockRouter, harness: Harness) -> None:
    router.post(f"{OLLAMA_BASE}/api/show").mock(return_value=httpx.Response(200, json={}))
    router.post(OLLAMA_URL).mock(return_value=ollama_ndjson(["Short ", "summary."]))
    text = await harness.gateway("ollama_chat/llama3.1", api_base=OLLAMA_BASE).acomplete_text(
        MESSAGES, purpose="condense", stream=True
    )
    assert text == "Short summary."


async def test_500s_and_timeouts_run_out(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_error(503, "overloaded", "x"))
    with pytest.raises(ProviderUnavailable):
        await harness.gateway("gpt-4o-mini", max_retries=2).acomplete_text(MESSAGES, purpose="d")
    assert route.call_count == 3

    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(ModelTimeout):
        await harness.gateway("gpt-4o-mini", max_retries=0).acomplete_text(MESSAGES, purpose="d")
    assert route.call_count == 4
    assert all(json.dumps(r.request) for r in harness.records)
