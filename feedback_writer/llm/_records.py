"""Provides the plain data types the gateway takes and hands back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

# One record for a model call, shared with the call log (storage never imports llm).
from feedback_writer.storage.records import CallRecord as CallRecord

T = TypeVar("T")


@dataclass(frozen=True)
class ModelSettings:
    """Which model to call and how patiently; keys are never part of this."""

    model: str
    """Any litellm model string: "gpt-4o-mini", "anthropic/claude-3-5-haiku-20241022",
    "ollama_chat/llama3.1", or "openai/NAME" behind a LiteLLM proxy."""
    api_base: str | None = None
    """Base URL of a local Ollama or a LiteLLM proxy; None for the provider's own."""
    timeout: float = 60.0
    """Seconds to wait for one HTTP attempt."""
    max_retries: int = 3
    """Extra attempts after a 429, a 5xx, a connection error or a timeout."""
    max_repairs: int = 2
    """Repair turns after an answer that is not valid JSON or fails validation."""
    backoff_base: float = 0.5
    """First backoff delay in seconds; doubles per retry, with jitter."""
    temperature: float | None = 0.2
    """Sampling temperature; None leaves the provider's default."""


@dataclass
class Progress:
    """Streaming progress: the newest text and how much has arrived so far."""

    text_delta: str
    chars: int
    completion_tokens_estimate: int


@dataclass
class StructuredResult(Generic[T]):
    """A validated answer plus what it took to get it (summed over repair turns)."""

    value: T
    raw: str
    attempts: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    warnings: list[str] = field(default_factory=list)


ProgressFn = Callable[[Progress], None]
LogFn = Callable[[CallRecord], None]
