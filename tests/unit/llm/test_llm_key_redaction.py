"""A key a provider reflects in its answer is stored nowhere and never sent back."""

from __future__ import annotations

import json

import pytest
import respx

from feedback_writer.llm._failures import redact_keys, secret_values
from tests.unit.llm.llm_fakes import (
    GOOD_TEXT,
    MESSAGES,
    OPENAI_KEY,
    OPENAI_URL,
    Harness,
    Review,
    body,
    openai_ok,
)

HF_TOKEN = "hf_reflected_token_123"


def test_a_reflected_key_is_redacted_from_the_log_and_the_repair_turn(
    router: respx.MockRouter, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    echoed = f"Sure. Your key is {OPENAI_KEY} and the token {HF_TOKEN}."
    route = router.post(OPENAI_URL).mock(side_effect=[openai_ok(echoed), openai_ok(GOOD_TEXT)])
    gateway = harness.gateway("gpt-4o-mini", max_retries=0)
    leaky = [*MESSAGES[:1], {"role": "user", "content": f"note: pasted {OPENAI_KEY} by mistake"}]

    result = gateway.complete_structured(leaky, Review, purpose="test")

    assert result.attempts == 2 and route.call_count == 2
    repair_body = json.dumps(body(route, 1)["messages"][2:])
    assert OPENAI_KEY not in repair_body and HF_TOKEN not in repair_body
    assert "***" in repair_body
    stored = json.dumps([r.__dict__ for r in harness.records], default=str)
    assert OPENAI_KEY not in stored and HF_TOKEN not in stored
    assert stored.count("***") >= 3  # request, first answer, repair turn in the 2nd request


def test_short_values_and_other_variables_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHORT_API_KEY", "abc12345")  # 8 characters: too short to be a key
    monkeypatch.setenv("EDITOR_PATH", "/usr/bin/some-long-editor")
    assert "abc12345" not in secret_values()
    assert redact_keys("run /usr/bin/some-long-editor and the disk-usage sk- check") == (
        "run /usr/bin/some-long-editor and the disk-usage sk- check"
    )
    assert redact_keys(f"x{OPENAI_KEY}y") == "x***y"
