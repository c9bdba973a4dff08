"""Retries are announced and the log names the endpoint a call really went to."""

from __future__ import annotations

import pytest
import respx

from tests.unit.llm.llm_fakes import (
    GOOD_TEXT,
    MESSAGES,
    OPENAI_URL,
    Harness,
    Review,
    openai_error,
    openai_ok,
)


def test_retries_are_announced(router: respx.MockRouter, harness: Harness) -> None:
    router.post(OPENAI_URL).mock(
        side_effect=[
            openai_error(429, "Rate limit reached", "rate_limit_exceeded", **{"retry-after": "2"}),
            openai_error(503, "Overloaded", "server_error"),
            openai_ok(GOOD_TEXT),
        ]
    )
    told: list[str] = []
    gateway = harness.gateway("gpt-4o-mini", max_retries=3)
    gateway.complete_structured(MESSAGES, Review, purpose="test", on_retry=told.append)
    assert told[0] == "rate limited, retrying in 2 s (2/4)"
    assert told[1].startswith("provider unavailable, retrying in ") and told[1].endswith("(3/4)")
    assert harness.sleeps[0] == 2.0


def test_the_log_records_the_endpoint_the_environment_chose(
    router: respx.MockRouter, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_BASE", "http://proxy.example:4000/v1")
    route = router.post("http://proxy.example:4000/v1/chat/completions").mock(
        return_value=openai_ok(GOOD_TEXT)
    )
    gateway = harness.gateway("gpt-4o-mini")
    gateway.complete_structured(MESSAGES, Review, purpose="test")
    assert route.call_count == 1
    assert harness.records[0].request["api_base"] == "http://proxy.example:4000/v1"
    assert gateway.endpoint == "http://proxy.example:4000/v1"


def test_the_log_records_the_public_endpoint_by_default(
    router: respx.MockRouter, harness: Harness
) -> None:
    router.post(OPENAI_URL).mock(return_value=openai_ok(GOOD_TEXT))
    harness.gateway("gpt-4o-mini").complete_structured(MESSAGES, Review, purpose="test")
    assert harness.records[0].request["api_base"] == "https://api.openai.com/v1"
