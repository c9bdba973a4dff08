"""Gateway behaviour against Anthropic's Messages API, over respx.

litellm 1.82.6 sends a json_schema response_format to Claude 3.5 models as a forced tool
named ``json_tool_call`` and turns the tool's input back into message content; these
tests pin that down, since the gateway's parsing depends on it.
"""

from __future__ import annotations

import json

import pytest
import respx
from pydantic import BaseModel

from feedback_writer.errors import ContextTooLong, MissingApiKey, ProviderUnavailable
from feedback_writer.llm.gateway import Progress
from tests.unit.llm.llm_fakes import (
    ANTHROPIC_KEY,
    ANTHROPIC_URL,
    GOOD,
    GOOD_TEXT,
    HAIKU,
    MESSAGES,
    Harness,
    Review,
    anthropic_error,
    anthropic_sse,
    anthropic_tool,
    body,
    pieces_of,
    unknown_ids,
)


def test_good_answer_goes_through_the_json_tool(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(ANTHROPIC_URL).mock(return_value=anthropic_tool(GOOD, 40, 20))

    result = harness.gateway(HAIKU).complete_structured(MESSAGES, Review, purpose="draft")

    assert result.value == Review.model_validate(GOOD)
    assert (result.prompt_tokens, result.completion_tokens) == (40, 20)
    sent = body(route)
    assert sent["model"] == "claude-3-5-haiku-20241022"
    assert sent["tool_choice"] == {"name": "json_tool_call", "type": "tool"}
    (tool,) = sent["tools"]
    schema = tool["input_schema"]
    assert schema["required"] == ["summary", "findings", "caveat"]
    assert schema["additionalProperties"] is False
    # $defs are inlined for Anthropic: the nested model's schema sits in place.
    assert "$defs" not in schema
    assert schema["properties"]["findings"]["items"]["properties"]["level"]["enum"] == [
        "meets",
        "exceeds",
    ]
    # The system prompt moves to Anthropic's top-level field, with the JSON instruction.
    system = " ".join(block["text"] for block in sent["system"])
    assert system.startswith(MESSAGES[0]["content"]) and "one JSON object only" in system
    assert sent["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": MESSAGES[1]["content"]}]}
    ]
    assert route.calls[0].request.headers["x-api-key"] == ANTHROPIC_KEY
    dumped = json.dumps([r.request for r in harness.records])
    assert ANTHROPIC_KEY not in dumped


def test_streamed_tool_input_is_rebuilt(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(ANTHROPIC_URL).mock(return_value=anthropic_sse(pieces_of(GOOD_TEXT, 9)))
    seen: list[Progress] = []

    result = harness.gateway(HAIKU).complete_structured(
        MESSAGES, Review, purpose="draft", stream=True, on_progress=seen.append
    )

    assert result.value == Review.model_validate(GOOD)
    assert json.loads("".join(p.text_delta for p in seen)) == GOOD
    assert len(seen) >= 3 and seen[-1].chars == sum(len(p.text_delta) for p in seen)
    assert result.completion_tokens == 20
    sent = body(route)
    assert sent["stream"] is True
    # Anthropic takes no stream_options; sending it would be rejected by litellm.
    assert "stream_options" not in sent


def test_invalid_tool_input_is_repaired(router: respx.MockRouter, harness: Harness) -> None:
    bad = {"summary": "x", "findings": []}
    route = router.post(ANTHROPIC_URL).mock(side_effect=[anthropic_tool(bad), anthropic_tool(GOOD)])

    result = harness.gateway(HAIKU).complete_structured(
        MESSAGES, Review, purpose="draft", validate=unknown_ids({"n1"})
    )

    assert result.attempts == 2
    second = body(route, 1)["messages"]
    assert second[-2]["role"] == "assistant"
    assert json.loads(second[-2]["content"][0]["text"]) == bad
    repair = second[-1]["content"][0]["text"]
    assert "findings: List should have at least 1 item after validation" in repair


def test_validate_unknown_ids_then_repair(router: respx.MockRouter, harness: Harness) -> None:
    wrong = {**GOOD, "findings": [{"id": "n7", "level": "meets"}]}
    route = router.post(ANTHROPIC_URL).mock(
        side_effect=[anthropic_tool(wrong), anthropic_tool(GOOD)]
    )

    result = harness.gateway(HAIKU).complete_structured(
        MESSAGES, Review, purpose="draft", validate=unknown_ids({"n1"})
    )

    assert result.value.findings[0].id == "n1"
    assert "unknown note id 'n7'" in body(route, 1)["messages"][-1]["content"][0]["text"]


def test_429_then_success(router: respx.MockRouter, harness: Harness) -> None:
    limited = anthropic_error(429, "rate_limit_error", "Number of requests exceeded")
    route = router.post(ANTHROPIC_URL).mock(side_effect=[limited, anthropic_tool(GOOD)])

    result = harness.gateway(HAIKU, backoff_base=1.0).complete_structured(
        MESSAGES, Review, purpose="draft"
    )

    assert route.call_count == 2 and result.value.summary == "Solid quarter"
    assert len(harness.sleeps) == 1 and 0.5 <= harness.sleeps[0] <= 1.0


def test_overloaded_529_is_retried_then_unavailable(
    router: respx.MockRouter, harness: Harness
) -> None:
    overloaded = anthropic_error(529, "overloaded_error", "Overloaded")
    route = router.post(ANTHROPIC_URL).mock(return_value=overloaded)

    with pytest.raises(ProviderUnavailable, match="Overloaded"):
        harness.gateway(HAIKU, max_retries=2).complete_text(MESSAGES, purpose="condense")

    assert route.call_count == 3


def test_prompt_too_long(router: respx.MockRouter, harness: Harness) -> None:
    too_long = anthropic_error(
        400, "invalid_request_error", "prompt is too long: 250000 tokens > 200000 maximum"
    )
    route = router.post(ANTHROPIC_URL).mock(return_value=too_long)

    with pytest.raises(ContextTooLong, match="prompt is too long: 250000 tokens"):
        harness.gateway(HAIKU).complete_structured(MESSAGES, Review, purpose="draft")

    assert route.call_count == 1


def test_missing_key_names_anthropic_var(
    router: respx.MockRouter, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(MissingApiKey, match="ANTHROPIC_API_KEY") as info:
        harness.gateway(HAIKU).complete_structured(MESSAGES, Review, purpose="draft")
    assert "set ANTHROPIC_API_KEY in the environment" in str(info.value)
    assert router.calls.call_count == 0


def test_a_top_level_values_field_is_refused(harness: Harness) -> None:
    class Scores(BaseModel):
        values: list[int]
        label: str

    # litellm would unwrap {"values": ...} from the tool input and silently drop "label".
    with pytest.raises(ValueError, match="'values'"):
        harness.gateway(HAIKU).complete_structured(MESSAGES, Scores, purpose="x")
