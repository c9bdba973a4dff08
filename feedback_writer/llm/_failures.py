"""Provides the mapping of litellm and httpx exceptions to retry decisions and typed errors.

Classification looks at class names along the exception chain instead of importing
litellm, so this module stays import-light and works on whatever litellm wraps. The
chain matters: for Ollama, litellm 1.82.6 turns every HTTP error into an
``APIConnectionError`` with a made-up status 500, and the real status (429, 404, ...)
survives only on the ``OllamaError`` it chains from.
"""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from feedback_writer.errors import (
    ContextTooLong,
    GatewayError,
    MissingApiKey,
    ModelTimeout,
    ProviderUnavailable,
    RateLimited,
    UnknownModel,
)

Kind = Literal["rate_limit", "unavailable", "timeout", "context", "auth", "unknown_model", "other"]

RETRYABLE: frozenset[Kind] = frozenset({"rate_limit", "unavailable", "timeout"})
MAX_BACKOFF = 30.0
# A provider asking for a longer pause than this is out of quota, not briefly busy.
MAX_RETRY_AFTER = 60.0

_CONTEXT = re.compile(
    r"context_length_exceeded|maximum context length|context window|prompt is too long"
    r"|exceeds the context|context length",
    re.IGNORECASE,
)
_QUOTA = re.compile(r"insufficient_quota|exceeded your current quota", re.IGNORECASE)
_SECRET = re.compile(
    r"((?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{3,}|Bearer\s+\S+|x-api-key[\"':=\s]+\S+)", re.IGNORECASE
)
_PREFIX = re.compile(r"^(?:litellm\.\w+:\s*|\w+Error:\s*|\w+Exception\s*-\s*|\w+Error\s*-\s*)+")
_TAIL = re.compile(r"\s*(Handle with `litellm|Received Model Group|LiteLLM Retried|Error_str:).*$")
_TIMEOUT_NAMES = {"Timeout", "APITimeoutError", "TimeoutException"}
_CONNECTION_NAMES = {"APIConnectionError", "TransportError", "ServiceUnavailableError"}
_CONNECTION_NAMES |= {"InternalServerError", "BadGatewayError", "RemoteProtocolError"}

KEY_VARS = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "groq": "GROQ_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
}


@dataclass(frozen=True)
class Failure:
    """What went wrong with one attempt, in the gateway's terms."""

    kind: Kind
    status: int | None
    detail: str
    retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE and (
            self.retry_after is None or self.retry_after <= MAX_RETRY_AFTER
        )


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in out and len(out) < 12:
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _status(chain: list[BaseException]) -> int | None:
    for exc in chain:
        # litellm's APIConnectionError carries an invented 500; trust the wrapped one.
        if type(exc).__name__ == "APIConnectionError":
            continue
        code = getattr(exc, "status_code", None)
        if isinstance(code, int) and code > 0:
            return code
    return None


def _header(headers: Any, name: str) -> str | None:
    try:
        value = headers.get(name)
    except AttributeError:
        return None
    return value if isinstance(value, str) else None


def _retry_after(chain: list[BaseException]) -> float | None:
    for exc in chain:
        response = getattr(exc, "response", None)
        for headers in (
            getattr(exc, "litellm_response_headers", None),
            getattr(response, "headers", None),
        ):
            if headers is None:
                continue
            millis = _header(headers, "retry-after-ms")
            if millis:
                try:
                    return float(millis) / 1000.0
                except ValueError:
                    pass
            seconds = _header(headers, "retry-after")
            if seconds:
                try:
                    return max(0.0, float(seconds))
                except ValueError:
                    try:
                        when = parsedate_to_datetime(seconds)
                    except (TypeError, ValueError):
                        continue
                    from datetime import UTC, datetime

                    return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return None


# Environment variables whose values are secrets a provider may be sent (litellm reads
# OPENAI_API_KEY, ANTHROPIC_API_KEY, HF_TOKEN, AZURE_AD_TOKEN, ...).
_SECRET_SUFFIXES = ("_API_KEY", "_KEY", "_TOKEN", "_SECRET")
# Shorter values are too likely to be ordinary words.
_MIN_SECRET = 9


def secret_values() -> list[str]:
    """The values of key-like environment variables longer than 8 characters, longest
    first (so a key containing another is masked whole)."""
    values = {
        value
        for name, value in os.environ.items()
        if name.upper().endswith(_SECRET_SUFFIXES) and len(value) >= _MIN_SECRET
    }
    return sorted(values, key=len, reverse=True)


def redact_keys(text: str) -> str:
    """``text`` with every configured key value masked; nothing else changes (safe for
    note text and answers, unlike :func:`redact`'s key-shaped patterns)."""
    for value in secret_values():
        if value in text:
            text = text.replace(value, "***")
    return text


def redact_data(data: Any) -> Any:
    """:func:`redact_keys` on every string inside nested dicts and lists."""
    if isinstance(data, str):
        return redact_keys(data)
    if isinstance(data, list | tuple):
        return [redact_data(v) for v in data]
    if isinstance(data, dict):
        return {k: redact_data(v) for k, v in data.items()}
    return data


def redact(text: str) -> str:
    """``text`` without API keys: known key env values and key-shaped tokens masked."""
    return _SECRET.sub("***", redact_keys(text))


def clean_detail(exc: BaseException) -> str:
    """The provider's own words for ``exc``, without litellm's prefixes, links or keys."""
    text = str(exc).strip()
    previous = None
    while text != previous:
        previous = text
        text = _PREFIX.sub("", text).strip()
    text = _TAIL.sub("", text).strip()
    # Anthropic and Ollama errors arrive as the raw JSON body; keep only its message.
    start = text.find("{")
    if start >= 0:
        try:
            body, _ = json.JSONDecoder().raw_decode(text[start:])
        except json.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            err = body.get("error", body)
            message = err.get("message") if isinstance(err, dict) else err
            if isinstance(message, str) and message:
                text = (text[:start].strip(" -:") + " " + message).strip()
    text = " ".join(text.split())
    text = text if len(text) <= 300 else text[:297] + "..."
    return redact(text) or type(exc).__name__


def classify(exc: BaseException) -> Failure:
    """Sort ``exc`` into a :data:`Kind`, with the HTTP status and Retry-After if known."""
    chain = _chain(exc)
    names = set().union(*(_names(e) for e in chain))
    status = _status(chain)
    detail = clean_detail(exc)
    text = " ".join(str(e) for e in chain)
    if "ContextWindowExceededError" in names or (
        status in (400, 413, None) and _CONTEXT.search(text)
    ):
        return Failure("context", status, detail)
    if "LLM Provider NOT provided" in text or "LiteLLMUnknownProvider" in names:
        return Failure("unknown_model", status, detail)
    if status == 429 or (status is None and "RateLimitError" in names):
        if _QUOTA.search(text):
            return Failure("rate_limit", status, detail, retry_after=float("inf"))
        return Failure("rate_limit", status, detail, _retry_after(chain))
    if status in (401, 403) or (
        status is None and names & {"AuthenticationError", "PermissionDeniedError"}
    ):
        return Failure("auth", status, detail)
    if status == 404:
        return Failure("unknown_model", status, detail)
    if status == 408 or names & _TIMEOUT_NAMES:
        return Failure("timeout", status, detail)
    if (status is not None and status >= 500) or (status is None and names & _CONNECTION_NAMES):
        return Failure("unavailable", status, detail, _retry_after(chain))
    if names & {"ConnectError", "NetworkError"}:
        return Failure("unavailable", status, detail)
    return Failure("other", status, detail)


def backoff_delay(
    retry_number: int, base: float, retry_after: float | None, rng: random.Random
) -> float:
    """Seconds to wait before retry ``retry_number`` (0-based): Retry-After wins if sent."""
    if retry_after is not None:
        return min(retry_after, MAX_RETRY_AFTER)
    # Jitter in [0.5, 1.0] of the exponential step spreads out clients that failed together.
    return min(MAX_BACKOFF, base * (2.0**retry_number)) * rng.uniform(0.5, 1.0)


def key_var(provider: str) -> str:
    """The env var that holds ``provider``'s key, as litellm reads it."""
    return KEY_VARS.get(provider, f"{provider.upper()}_API_KEY")


def to_error(
    failure: Failure, *, provider: str, model: str, api_base: str | None, attempts: int
) -> GatewayError:
    """The typed, user-facing error for a failure that will not be retried (again)."""
    http = f" (HTTP {failure.status})" if failure.status else ""
    tries = f" after {attempts} attempt(s)" if attempts > 1 else ""
    where = dict(provider=provider, model=model)
    server = f"the server at {api_base}" if api_base else f"{provider}'s service"
    if failure.kind == "rate_limit":
        if failure.retry_after is not None and failure.retry_after > MAX_RETRY_AFTER:
            hint = "the account is out of quota or over its limit: check billing and limits"
        else:
            hint = "wait a minute and try again, or use a model with a higher rate limit"
        return RateLimited(f"rate limited{http}{tries}: {failure.detail}", hint=hint, **where)
    if failure.kind == "unavailable":
        hint = f"check that {server} is up (for Ollama: 'ollama serve'), then try again"
        return ProviderUnavailable(
            f"provider unavailable{http}{tries}: {failure.detail}", hint=hint, **where
        )
    if failure.kind == "timeout":
        return ModelTimeout(
            f"no answer in time{tries}: {failure.detail}",
            hint="raise the timeout in the settings, shorten the input, or use a faster model",
            **where,
        )
    if failure.kind == "context":
        return ContextTooLong(
            f"the prompt does not fit the model's context window: {failure.detail}",
            hint="condense the notes (fewer or shorter ones) or pick a model with a larger "
            "context window",
            **where,
        )
    if failure.kind == "auth":
        var = key_var(provider)
        return MissingApiKey(
            f"the API key was rejected{http}: {failure.detail}",
            hint=f"set a valid {var} in the environment",
            **where,
        )
    if failure.kind == "unknown_model":
        if provider.startswith("ollama"):
            name = model.split("/", 1)[-1]
            hint = f"pull it first: 'ollama pull {name}'"
        else:
            hint = (
                "check the model name; litellm expects 'provider/model', e.g. 'openai/gpt-4o-mini'"
            )
        return UnknownModel(f"unknown model{http}: {failure.detail}", hint=hint, **where)
    return GatewayError(
        f"request failed{http}: {failure.detail}",
        hint="see the call log for the request that was sent",
        **where,
    )
