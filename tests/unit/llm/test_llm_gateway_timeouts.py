"""Anthropic and Ollama paths: timeouts become ModelTimeout after the retries; unknown ids
from Ollama go back for repair."""

from __future__ import annotations

import httpx
import pytest
import respx

from feedback_writer.errors import ModelTimeout
from tests.unit.llm.llm_fakes import (
    ANTHROPIC_URL,
    GOOD,
    HAIKU,
    MESSAGES,
    OLLAMA_BASE,
    OLLAMA_URL,
    Harness,
    Review,
    anthropic_tool,
    ollama_ok,
)


def test_anthropic_timeout_then_success(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(ANTHROPIC_URL).mock(
        side_effect=[httpx.ReadTimeout("read timed out"), anthropic_tool(GOOD)]
    )
    gw = harness.gateway(HAIKU, max_retries=2)

    result = gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 2
    assert result.value.summary == GOOD["summary"]


def test_anthropic_timeouts_run_out(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(ANTHROPIC_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
    gw = harness.gateway(HAIKU, max_retries=1)

    with pytest.raises(ModelTimeout, match="no answer in time after 2 attempt") as info:
        gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 2
    assert "anthropic" in str(info.value)


def test_ollama_timeouts_run_out(router: respx.MockRouter, harness: Harness) -> None:
    router.post(f"{OLLAMA_BASE}/api/show").mock(return_value=httpx.Response(200, json={}))
    route = router.post(OLLAMA_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
    gw = harness.gateway("ollama_chat/llama3.1", api_base=OLLAMA_BASE, max_retries=1)

    with pytest.raises(ModelTimeout):
        gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 2


def test_ollama_timeout_then_success(router: respx.MockRouter, harness: Harness) -> None:
    router.post(f"{OLLAMA_BASE}/api/show").mock(return_value=httpx.Response(200, json={}))
    route = router.post(OLLAMA_URL).mock(
        side_effect=[
            httpx.ReadTimeout("read timed out"),
            ollama_ok(Review.model_validate(GOOD).model_dump_json()),
        ]
    )
    gw = harness.gateway("ollama_chat/llama3.1", api_base=OLLAMA_BASE, max_retries=2)

    result = gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 2
    assert result.value.summary == GOOD["summary"]


def test_ollama_unknown_ids_then_repair(router: respx.MockRouter, harness: Harness) -> None:
    import json

    from tests.unit.llm.llm_fakes import body, unknown_ids

    show = router.post(f"{OLLAMA_BASE}/api/show").mock(return_value=httpx.Response(200, json={}))
    wrong = {**GOOD, "findings": [{"id": "n7", "level": "meets"}]}
    route = router.post(OLLAMA_URL).mock(
        side_effect=[ollama_ok(json.dumps(wrong)), ollama_ok(json.dumps(GOOD))]
    )
    gw = harness.gateway("ollama_chat/llama3.1", api_base=OLLAMA_BASE)

    result = gw.complete_structured(MESSAGES, Review, purpose="d", validate=unknown_ids({"n1"}))

    assert result.value.findings[0].id == "n1"
    assert route.call_count == 2
    assert "unknown note id 'n7'" in json.dumps(body(route, 1)["messages"][-1])
    assert show.call_count == 0
