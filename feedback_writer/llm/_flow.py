"""Provides the gateway's call logic as generators, shared by the sync and async paths.

A flow never does I/O itself: it yields a :class:`Call` (one HTTP attempt) or a
:class:`Sleep` and is sent back the :class:`Answer` (or ``None`` after a sleep). The
gateway drives a flow with ``litellm.completion`` + ``time.sleep`` or with
``litellm.acompletion`` + ``asyncio.sleep``; retries, repairs, logging and error
mapping exist once.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from feedback_writer.errors import StructuredOutputError
from feedback_writer.llm._failures import (
    backoff_delay,
    classify,
    redact,
    redact_data,
    redact_keys,
    to_error,
)
from feedback_writer.llm._parse import (
    JSON_ONLY,
    parse_answer,
    repair_turn,
    schema_instruction,
    with_system_text,
)
from feedback_writer.llm._records import (
    CallRecord,
    LogFn,
    ModelSettings,
    ProgressFn,
    StructuredResult,
)
from feedback_writer.llm.schema import inline_refs, strict_json_schema

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

# Providers for which litellm translates a json_schema response_format itself, even
# when its model map does not say "supports_response_schema": Anthropic gets a forced
# tool call ("json_tool_call"), Ollama gets the schema as its native `format`.
TRANSLATED_SCHEMA_PROVIDERS = frozenset({"anthropic", "ollama_chat"})
# Providers that run locally and need no API key.
LOCAL_PROVIDERS = frozenset({"ollama", "ollama_chat", "lm_studio", "llamafile", "hosted_vllm"})


@dataclass(frozen=True)
class Capabilities:
    """What litellm says the configured model can do; looked up once per gateway."""

    provider: str
    params: frozenset[str]
    response_schema: bool


@dataclass(frozen=True)
class Call:
    """One HTTP attempt: the kwargs for ``litellm.(a)completion``, never a key."""

    kwargs: dict[str, Any]
    on_progress: ProgressFn | None = None


@dataclass(frozen=True)
class Sleep:
    seconds: float
    message: str | None = None
    """Why, for whoever watches: "rate limited, retrying in 2 s (2/4)"."""


@dataclass
class Answer:
    """What one attempt produced: text and usage, or the exception it raised."""

    text: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost_usd: float | None = None
    latency_ms: float = 0.0
    error: BaseException | None = None


Flow = Generator[Call | Sleep, Answer | None, R]


@dataclass
class FlowContext:
    settings: ModelSettings
    caps: Capabilities
    log: LogFn | None
    rng: random.Random = field(default_factory=random.Random)
    endpoint: str | None = None
    """The base URL calls really go to (logged even when the environment chose it)."""


@dataclass(frozen=True)
class OutputPlan:
    """How to ask for JSON: a response_format to send and/or a system instruction."""

    response_format: dict[str, Any] | None
    instruction: str | None


def plan_output(caps: Capabilities, response_model: type[BaseModel]) -> OutputPlan:
    """Strict json_schema where litellm knows it works, else JSON mode plus instructions."""
    schema = strict_json_schema(response_model)
    name = response_model.__name__
    if caps.response_schema:
        fmt = {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": True},
        }
        return OutputPlan(fmt, None)
    if caps.provider in TRANSLATED_SCHEMA_PROVIDERS:
        if caps.provider == "anthropic" and "values" in response_model.model_fields:
            # litellm unwraps a tool answer's top-level "values" key and drops the rest.
            raise ValueError(
                f"{name} has a top-level field 'values', which litellm's Anthropic JSON "
                "mode unwraps; rename the field"
            )
        flat = inline_refs(schema)
        fmt = {"type": "json_schema", "json_schema": {"name": name, "schema": flat, "strict": True}}
        return OutputPlan(fmt, schema_instruction(flat))
    if "response_format" in caps.params:
        return OutputPlan({"type": "json_object"}, schema_instruction(schema))
    return OutputPlan(None, schema_instruction(schema))


def build_call(
    ctx: FlowContext,
    messages: list[dict[str, Any]],
    response_format: dict[str, Any] | None,
    *,
    stream: bool,
    on_progress: ProgressFn | None,
) -> Call:
    s = ctx.settings
    # Our own retry loop counts attempts, so litellm's and the OpenAI SDK's are off.
    kwargs: dict[str, Any] = {
        "model": s.model,
        "messages": messages,
        "timeout": s.timeout,
        "num_retries": 0,
        "max_retries": 0,
        "drop_params": True,
    }
    if s.api_base:
        kwargs["api_base"] = s.api_base
    if s.temperature is not None and "temperature" in ctx.caps.params:
        kwargs["temperature"] = s.temperature
    if response_format is not None:
        kwargs["response_format"] = response_format
    if stream:
        kwargs["stream"] = True
        if "stream_options" in ctx.caps.params:
            kwargs["stream_options"] = {"include_usage": True}
    return Call(kwargs, on_progress if stream else None)


def _record(ctx: FlowContext, call: Call, answer: Answer, purpose: str) -> None:
    if ctx.log is None:
        return
    kw = call.kwargs
    core = ("model", "api_base", "messages", "response_format")
    request = {key: kw.get(key) for key in core}
    request["api_base"] = kw.get("api_base") or ctx.endpoint
    request["params"] = {k: v for k, v in kw.items() if k not in core}
    request = redact_data(request)
    error = None
    if answer.error is not None:
        error = redact(f"{type(answer.error).__name__}: {answer.error}")
    ctx.log(
        CallRecord(
            model=ctx.settings.model,
            provider=ctx.caps.provider,
            purpose=purpose,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
            cost_usd=answer.cost_usd,
            latency_ms=answer.latency_ms,
            request=request,
            response=answer.text,
            error=error,
        )
    )


def with_retries(ctx: FlowContext, call: Call, purpose: str) -> Flow[Answer]:
    """Run ``call`` until it answers; back off on retryable failures; raise typed errors."""
    s = ctx.settings
    attempt = 0
    while True:
        answer = yield call
        assert answer is not None
        if answer.text:
            # A provider may echo a key back (a proxy's error page, a prompt-injected note):
            # from here on neither the log, a repair turn nor the parsed value can hold it.
            answer.text = redact_keys(answer.text)
        _record(ctx, call, answer, purpose)
        if answer.error is None:
            return answer
        failure = classify(answer.error)
        if not failure.retryable or attempt >= s.max_retries:
            raise to_error(
                failure,
                provider=ctx.caps.provider,
                model=s.model,
                api_base=s.api_base,
                attempts=attempt + 1,
            ) from None
        delay = backoff_delay(attempt, s.backoff_base, failure.retry_after, ctx.rng)
        reason = _REASONS.get(failure.kind, "the call failed")
        total = s.max_retries + 1
        yield Sleep(delay, f"{reason}, retrying in {_secs(delay)} s ({attempt + 2}/{total})")
        attempt += 1


_REASONS = {
    "rate_limit": "rate limited",
    "timeout": "timed out",
    "unavailable": "provider unavailable",
}


def _secs(seconds: float) -> str:
    """2.0 -> "2", 0.51 -> "0.5": a retry delay as people read it."""
    return f"{seconds:.0f}" if seconds >= 1.95 else f"{seconds:.1f}"


def text_flow(
    ctx: FlowContext,
    messages: list[dict[str, Any]],
    purpose: str,
    *,
    stream: bool,
    on_progress: ProgressFn | None,
) -> Flow[str]:
    call = build_call(ctx, list(messages), None, stream=stream, on_progress=on_progress)
    answer = yield from with_retries(ctx, call, purpose)
    return answer.text or ""


def structured_flow(
    ctx: FlowContext,
    messages: list[dict[str, Any]],
    response_model: type[T],
    purpose: str,
    *,
    validate: Callable[[T], list[str]] | None,
    repair_messages: Callable[[list[str], str], list[dict[str, Any]]] | None,
    stream: bool,
    on_progress: ProgressFn | None,
) -> Flow[StructuredResult[T]]:
    """Ask, parse, validate; on problems add a repair turn, at most ``max_repairs`` times."""
    plan = plan_output(ctx.caps, response_model)
    convo = with_system_text(messages, plan.instruction or JSON_ONLY)
    prompt_tokens = completion_tokens = 0
    cost: float | None = 0.0
    warnings: list[str] = []
    attempts = 0
    while True:
        attempts += 1
        call = build_call(ctx, convo, plan.response_format, stream=stream, on_progress=on_progress)
        answer = yield from with_retries(ctx, call, purpose)
        prompt_tokens += answer.prompt_tokens or 0
        completion_tokens += answer.completion_tokens or 0
        cost = None if cost is None or answer.cost_usd is None else cost + answer.cost_usd
        value, errors = parse_answer(answer.text, response_model, validate, answer.finish_reason)
        if value is not None:
            if cost is None:
                warnings.append(f"no price known for {ctx.settings.model}; cost not counted")
            return StructuredResult(
                value=value,
                raw=answer.text or "",
                attempts=attempts,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                cost_usd=cost,
                warnings=warnings,
            )
        if attempts > ctx.settings.max_repairs:
            raise StructuredOutputError(
                f"the answer was still invalid after {attempts} attempt(s): "
                + "; ".join(errors[:5])
                + " (try a stronger model, or raise max_repairs in the settings)",
                attempts=attempts,
                last_errors=errors,
                last_completion=answer.text or "",
                provider=ctx.caps.provider,
                model=ctx.settings.model,
            )
        errors = [redact_keys(e) for e in errors]
        warnings.append(f"attempt {attempts} repaired: " + "; ".join(errors[:3]))
        convo = [*convo, *repair_turn(errors, answer.text or "", repair_messages)]
