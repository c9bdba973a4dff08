"""Error classification, backoff, redaction and answer parsing, without HTTP."""

from __future__ import annotations

import random

import httpx
import pytest

from feedback_writer.llm._failures import backoff_delay, classify, clean_detail, redact
from feedback_writer.llm._parse import extract_json_text, parse_answer, with_system_text
from tests.unit.llm.llm_fakes import Review, unknown_ids


class _StatusError(Exception):
    def __init__(self, message: str, status_code: int, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status_code = status_code
        self.litellm_response_headers = httpx.Headers(headers or {})


class APIConnectionError(Exception):
    """Named like litellm's: carries an invented status 500."""

    status_code = 500


def _wrapped(inner: BaseException) -> APIConnectionError:
    try:
        try:
            raise inner
        except BaseException as exc:
            raise APIConnectionError("Ollama_chatException - wrapped") from exc
    except APIConnectionError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "kind", "retryable"),
    [
        (_StatusError("Rate limit", 429), "rate_limit", True),
        (_StatusError("insufficient_quota: exceeded your current quota", 429), "rate_limit", False),
        (_StatusError("boom", 503), "unavailable", True),
        (_StatusError("prompt is too long: 300000 tokens", 400), "context", False),
        (_StatusError("bad key", 401), "auth", False),
        (_StatusError("no such model", 404), "unknown_model", False),
        (_StatusError("invalid tools", 400), "other", False),
        (_wrapped(_StatusError("busy", 429)), "rate_limit", True),
        (_wrapped(_StatusError("missing", 404)), "unknown_model", False),
        (_wrapped(httpx.ReadTimeout("slow")), "timeout", True),
        (_wrapped(httpx.ConnectError("refused")), "unavailable", True),
    ],
)
def test_classify(exc: BaseException, kind: str, retryable: bool) -> None:
    failure = classify(exc)
    assert (failure.kind, failure.retryable) == (kind, retryable)


def test_retry_after_header_and_long_waits() -> None:
    assert classify(_StatusError("x", 429, {"retry-after": "4"})).retry_after == 4.0
    assert classify(_StatusError("x", 429, {"retry-after-ms": "1500"})).retry_after == 1.5
    # A provider asking for ten minutes is out of quota: fail now, don't hang.
    assert not classify(_StatusError("x", 429, {"retry-after": "600"})).retryable


def test_backoff_is_exponential_jittered_and_capped() -> None:
    rng = random.Random(1)
    delays = [backoff_delay(n, 0.5, None, rng) for n in range(8)]
    for n, d in enumerate(delays):
        step = min(30.0, 0.5 * 2**n)
        assert step * 0.5 <= d <= step
    assert backoff_delay(0, 0.5, 9.0, rng) == 9.0


def test_redaction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "plainsecretvalue")
    text = redact("key plainsecretvalue and sk-proj-abc123XYZ and Bearer tok.en")
    assert "plainsecretvalue" not in text and "sk-proj" not in text and "tok.en" not in text


def test_clean_detail_strips_litellm_noise() -> None:
    exc = Exception(
        'litellm.InternalServerError: AnthropicException - {"type":"error","error":'
        '{"type":"overloaded_error","message":"Overloaded"}}. Handle with `litellm.X`'
    )
    assert clean_detail(exc) == "Overloaded"


def test_extract_json_text() -> None:
    assert extract_json_text('```json\n{"a": 1}\n```') == '{"a": 1}'
    assert extract_json_text('Here you go:\n{"a": 1}\nThanks!') == '{"a": 1}'
    assert extract_json_text(' {"a": 1} ') == '{"a": 1}'


def test_parse_answer_reports_each_problem() -> None:
    value, errors = parse_answer("", Review, None)
    assert value is None and "empty" in errors[0]
    value, errors = parse_answer("[1]", Review, None)
    assert errors == ["the answer must be a JSON object, got list"]
    value, errors = parse_answer('{"summary": "s"', Review, None, finish_reason="length")
    assert "cut off" in errors[0] and "not valid JSON" in errors[1]
    value, errors = parse_answer('{"summary": 3, "findings": []}', Review, None)
    assert any(e.startswith("summary: Input should be a valid string") for e in errors)
    assert any(e.startswith("findings: List should have at least 1 item") for e in errors)
    good = '{"summary": "s", "findings": [{"id": "n2", "level": "meets"}]}'
    value, errors = parse_answer(good, Review, unknown_ids({"n1"}))
    assert value is None and errors == ["unknown note id 'n2'"]
    value, errors = parse_answer(good, Review, unknown_ids({"n2"}))
    assert value is not None and errors == []


def test_with_system_text_appends_to_the_system_prompt() -> None:
    msgs = [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "hi"}]
    out = with_system_text(msgs, "JSON only.")
    assert out[0]["content"] == "Be kind.\n\nJSON only." and out[1] == msgs[1]
    assert msgs[0]["content"] == "Be kind."  # the caller's list is not mutated
    assert with_system_text(msgs[1:], "JSON only.")[0] == {
        "role": "system",
        "content": "JSON only.",
    }
