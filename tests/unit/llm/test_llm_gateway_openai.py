"""Gateway behaviour against OpenAI (and a LiteLLM proxy speaking its API), over respx."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from feedback_writer.errors import (
    ContextTooLong,
    GatewayError,
    MissingApiKey,
    ModelTimeout,
    ProviderUnavailable,
    RateLimited,
    StructuredOutputError,
    UnknownModel,
)
from feedback_writer.llm.gateway import Progress
from feedback_writer.llm.schema import strict_json_schema
from tests.unit.llm.llm_fakes import (
    GOOD,
    GOOD_TEXT,
    MESSAGES,
    OPENAI_KEY,
    OPENAI_URL,
    PROXY_BASE,
    PROXY_URL,
    Harness,
    Review,
    body,
    openai_error,
    openai_ok,
    openai_sse,
    pieces_of,
    unknown_ids,
)


def test_good_answer_sends_strict_schema_and_returns_model(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_ok(GOOD_TEXT, 30, 12))
    gw = harness.gateway("gpt-4o-mini", temperature=0.3)

    result = gw.complete_structured(MESSAGES, Review, purpose="draft")

    assert result.value == Review.model_validate(GOOD)
    assert (result.attempts, result.prompt_tokens, result.completion_tokens) == (1, 30, 12)
    assert result.cost_usd is not None and result.cost_usd > 0
    assert result.raw == GOOD_TEXT
    sent = body(route)
    assert sent["model"] == "gpt-4o-mini"
    assert sent["temperature"] == 0.3
    assert sent["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "Review", "schema": strict_json_schema(Review), "strict": True},
    }
    # The caller's system prompt is kept first and the user message untouched.
    assert sent["messages"][0]["role"] == "system"
    assert sent["messages"][0]["content"].startswith(MESSAGES[0]["content"])
    assert sent["messages"][1] == MESSAGES[1]
    # The gateway's own retries count; the OpenAI SDK must not retry behind its back.
    assert route.calls[0].request.headers["x-stainless-retry-count"] == "0"


def test_fenced_answer_is_accepted(router: respx.MockRouter, harness: Harness) -> None:
    router.post(OPENAI_URL).mock(return_value=openai_ok(f"```json\n{GOOD_TEXT}\n```"))
    result = harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="d")
    assert result.value.summary == "Solid quarter"


def test_proxy_model_gets_json_mode_and_schema_in_the_prompt(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.post(PROXY_URL).mock(return_value=openai_ok(GOOD_TEXT, model="team-model"))
    gw = harness.gateway("openai/team-model", api_base=PROXY_BASE)

    result = gw.complete_structured(MESSAGES, Review, purpose="draft")

    assert result.value.findings[0].id == "n1"
    sent = body(route)
    assert sent["model"] == "team-model"
    # litellm's map does not know a proxy's alias, so no strict schema: JSON mode + prompt.
    assert sent["response_format"] == {"type": "json_object"}
    system = sent["messages"][0]["content"]
    assert "one JSON object only" in system
    assert '"findings"' in system and '"additionalProperties": false' in system
    assert route.calls[0].request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    # Unknown price behind a proxy: no cost, and the result says so.
    assert result.cost_usd is None
    assert any("cost not counted" in w for w in result.warnings)


def test_streaming_reports_progress_and_rebuilds_text(
    router: respx.MockRouter, harness: Harness
) -> None:
    pieces = pieces_of(GOOD_TEXT)
    route = router.post(OPENAI_URL).mock(return_value=openai_sse(pieces, 30, 12))
    seen: list[Progress] = []

    result = harness.gateway("gpt-4o-mini").complete_structured(
        MESSAGES, Review, purpose="draft", stream=True, on_progress=seen.append
    )

    assert result.value == Review.model_validate(GOOD)
    assert "".join(p.text_delta for p in seen) == GOOD_TEXT
    assert [p.chars for p in seen] == [len("".join(pieces[: i + 1])) for i in range(len(pieces))]
    assert seen[-1].completion_tokens_estimate > 0
    assert (result.prompt_tokens, result.completion_tokens) == (30, 12)
    sent = body(route)
    assert sent["stream"] is True
    assert sent["stream_options"] == {"include_usage": True}


def test_invalid_json_is_repaired_with_the_error_in_the_second_request(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.post(OPENAI_URL).mock(
        side_effect=[openai_ok('{"summary": "x", "findings": [}'), openai_ok(GOOD_TEXT)]
    )
    result = harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="d")

    assert result.attempts == 2
    assert (result.prompt_tokens, result.completion_tokens) == (60, 24)
    assert result.warnings and "not valid JSON" in result.warnings[0]
    second = body(route, 1)["messages"]
    assert second[: len(MESSAGES)] == body(route, 0)["messages"]
    assert second[-2] == {"role": "assistant", "content": '{"summary": "x", "findings": [}'}
    assert second[-1]["role"] == "user"
    assert "the answer is not valid JSON" in second[-1]["content"]


def test_schema_violation_is_repaired_with_pydantic_errors(
    router: respx.MockRouter, harness: Harness
) -> None:
    bad = json.dumps({"summary": "x", "findings": [{"id": "n1", "level": "superb"}]})
    route = router.post(OPENAI_URL).mock(side_effect=[openai_ok(bad), openai_ok(GOOD_TEXT)])

    harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="d")

    repair = body(route, 1)["messages"][-1]["content"]
    assert "findings.0.level: Input should be 'meets' or 'exceeds'" in repair


def test_validate_errors_trigger_a_repair_with_custom_messages(
    router: respx.MockRouter, harness: Harness
) -> None:
    wrong = json.dumps({**GOOD, "findings": [{"id": "n9", "level": "meets"}]})
    route = router.post(OPENAI_URL).mock(side_effect=[openai_ok(wrong), openai_ok(GOOD_TEXT)])
    got: list[tuple[list[str], str]] = []

    def repair(errors: list[str], bad: str) -> list[dict[str, str]]:
        got.append((errors, bad))
        return [{"role": "user", "content": "Cite only notes n1..n3. " + "; ".join(errors)}]

    result = harness.gateway("gpt-4o-mini").complete_structured(
        MESSAGES, Review, purpose="d", validate=unknown_ids({"n1"}), repair_messages=repair
    )

    assert result.value.findings[0].id == "n1"
    assert got == [(["unknown note id 'n9'"], wrong)]
    second = body(route, 1)["messages"]
    assert second[-2] == {"role": "assistant", "content": wrong}
    assert second[-1]["content"] == "Cite only notes n1..n3. unknown note id 'n9'"


def test_repairs_run_out_into_structured_output_error(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_ok("not json at all"))
    gw = harness.gateway("gpt-4o-mini", max_repairs=2)

    with pytest.raises(StructuredOutputError) as info:
        gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 3
    err = info.value
    assert err.attempts == 3 and err.last_completion == "not json at all"
    assert err.last_errors and "not valid JSON" in err.last_errors[0]
    assert err.provider == "openai" and "gpt-4o-mini" in str(err)


def test_429_then_success_honours_retry_after(router: respx.MockRouter, harness: Harness) -> None:
    limited = openai_error(429, "Rate limit reached", "rate_limit_exceeded", **{"retry-after": "7"})
    route = router.post(OPENAI_URL).mock(side_effect=[limited, openai_ok(GOOD_TEXT)])

    result = harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 2 and result.attempts == 1
    assert harness.sleeps == [7.0]
    assert [r.error is not None for r in harness.records] == [True, False]


def test_500_until_retries_run_out(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_error(500, "boom", "server_error"))
    gw = harness.gateway("gpt-4o-mini", max_retries=3, backoff_base=0.5)

    with pytest.raises(ProviderUnavailable) as info:
        gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 3 + 1
    assert len(harness.sleeps) == 3
    # Exponential with jitter in [0.5, 1.0] of 0.5 s, 1 s, 2 s.
    for n, slept in enumerate(harness.sleeps):
        assert 0.5 * 2**n * 0.5 <= slept <= 0.5 * 2**n
    message = str(info.value)
    assert message.startswith("openai (gpt-4o-mini): provider unavailable (HTTP 500)")
    assert "boom" in message and "after 4 attempt(s)" in message
    assert "Traceback" not in message and "hint:" in message


def test_timeout_becomes_model_timeout(router: respx.MockRouter, harness: Harness) -> None:
    route = router.post(OPENAI_URL).mock(side_effect=httpx.ReadTimeout("read timed out"))
    gw = harness.gateway("gpt-4o-mini", max_retries=1)

    with pytest.raises(ModelTimeout, match="no answer in time after 2 attempt") as info:
        gw.complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 2
    assert info.value.hint is not None and "raise the timeout" in info.value.hint


def test_missing_key_raises_before_any_request(
    router: respx.MockRouter, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    route = router.post(OPENAI_URL).mock(return_value=openai_ok(GOOD_TEXT))
    gw = harness.gateway("gpt-4o-mini")

    with pytest.raises(MissingApiKey) as info:
        gw.complete_structured(MESSAGES, Review, purpose="d")

    assert "OPENAI_API_KEY" in str(info.value)
    assert "set OPENAI_API_KEY in the environment" in str(info.value)
    assert route.call_count == 0 and router.calls.call_count == 0
    assert harness.records == []


def test_rejected_key_is_reported_without_the_key(
    router: respx.MockRouter, harness: Harness
) -> None:
    rejected = openai_error(401, f"Incorrect API key provided: {OPENAI_KEY}", "invalid_api_key")
    route = router.post(OPENAI_URL).mock(return_value=rejected)

    with pytest.raises(MissingApiKey) as info:
        harness.gateway("gpt-4o-mini").complete_text(MESSAGES, purpose="d")

    assert route.call_count == 1
    assert OPENAI_KEY not in str(info.value) and "OPENAI_API_KEY" in str(info.value)
    assert OPENAI_KEY not in (harness.records[0].error or "")


def test_context_too_long_is_not_retried(router: respx.MockRouter, harness: Harness) -> None:
    too_long = openai_error(
        400,
        "This model's maximum context length is 128000 tokens. However, your messages "
        "resulted in 200000 tokens.",
        "context_length_exceeded",
    )
    route = router.post(OPENAI_URL).mock(return_value=too_long)

    with pytest.raises(ContextTooLong, match="maximum context length is 128000"):
        harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="d")

    assert route.call_count == 1 and harness.sleeps == []


def test_unknown_model(router: respx.MockRouter, harness: Harness) -> None:
    with pytest.raises(UnknownModel, match="cannot tell which provider"):
        harness.gateway("no-such-model").complete_text(MESSAGES, purpose="d")
    missing = openai_error(404, "The model `gpt-9` does not exist", "model_not_found")
    router.post(OPENAI_URL).mock(return_value=missing)
    with pytest.raises(UnknownModel, match="does not exist"):
        harness.gateway("openai/gpt-9").complete_text(MESSAGES, purpose="d")


def test_other_bad_request_is_a_plain_gateway_error(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.post(OPENAI_URL).mock(return_value=openai_error(400, "bad 'tools'", "invalid_value"))
    with pytest.raises(GatewayError, match="request failed \\(HTTP 400\\): bad 'tools'") as info:
        harness.gateway("gpt-4o-mini").complete_text(MESSAGES, purpose="d")
    assert type(info.value) is GatewayError


def test_log_records_every_attempt_without_keys(router: respx.MockRouter, harness: Harness) -> None:
    limited = openai_error(429, "Rate limit reached", "rate_limit_exceeded")
    router.post(OPENAI_URL).mock(side_effect=[limited, openai_ok(GOOD_TEXT, 30, 12)])

    harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="draft")

    failed, ok = harness.records
    assert failed.error is not None and "Rate limit reached" in failed.error
    assert failed.response is None
    assert ok.error is None and ok.response == GOOD_TEXT
    assert (ok.prompt_tokens, ok.completion_tokens) == (30, 12)
    assert ok.cost_usd is not None and ok.cost_usd > 0
    for record in (failed, ok):
        assert (record.model, record.provider, record.purpose) == ("gpt-4o-mini", "openai", "draft")
        assert record.latency_ms >= 0
        assert record.request["messages"][1] == MESSAGES[1]
        assert record.request["response_format"]["type"] == "json_schema"
        dumped = json.dumps(record.request)
        assert OPENAI_KEY not in dumped and "api_key" not in dumped


def test_complete_text_returns_plain_text_without_response_format(
    router: respx.MockRouter, harness: Harness
) -> None:
    route = router.post(OPENAI_URL).mock(return_value=openai_sse(["Condensed ", "notes."]))
    seen: list[Progress] = []
    text = harness.gateway("gpt-4o-mini").complete_text(
        MESSAGES, purpose="condense", stream=True, on_progress=seen.append
    )
    assert text == "Condensed notes."
    assert "response_format" not in body(route)
    assert body(route)["messages"] == MESSAGES
    assert [p.text_delta for p in seen] == ["Condensed ", "notes."]


def test_out_of_quota_429_fails_at_once(router: respx.MockRouter, harness: Harness) -> None:
    quota = openai_error(429, "You exceeded your current quota", "insufficient_quota")
    route = router.post(OPENAI_URL).mock(return_value=quota)

    with pytest.raises(RateLimited) as info:
        harness.gateway("gpt-4o-mini").complete_text(MESSAGES, purpose="d")

    assert route.call_count == 1 and harness.sleeps == []
    assert info.value.hint is not None and "billing" in info.value.hint


def test_429_until_retries_run_out(router: respx.MockRouter, harness: Harness) -> None:
    limited = openai_error(429, "Rate limit reached", "rate_limit_exceeded")
    route = router.post(OPENAI_URL).mock(return_value=limited)
    with pytest.raises(RateLimited, match="rate limited \\(HTTP 429\\) after 3 attempt"):
        harness.gateway("gpt-4o-mini", max_retries=2).complete_text(MESSAGES, purpose="d")
    assert route.call_count == 3 and len(harness.records) == 3
