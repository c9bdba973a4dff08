"""Provides fake provider answers, test response models and constants for the gateway tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import respx
from pydantic import BaseModel, Field

from feedback_writer.llm.gateway import CallRecord, Gateway, ModelSettings
from tests.helpers.provider_http import (  # noqa: F401  (re-exported for the gateway tests)
    ANTHROPIC_KEY,
    ANTHROPIC_URL,
    HAIKU,
    OLLAMA_BASE,
    OLLAMA_URL,
    OPENAI_KEY,
    OPENAI_URL,
    anthropic_error,
    anthropic_sse,
    anthropic_tool,
    ollama_ndjson,
    ollama_ok,
    openai_sse,
    pieces_of,
)

PROXY_BASE = "http://localhost:4000"
PROXY_URL = f"{PROXY_BASE}/chat/completions"


class Finding(BaseModel):
    """A small nested response model, like a draft's evidence item."""

    id: str = Field(description="note id")
    level: Literal["meets", "exceeds"]


class Review(BaseModel):
    summary: str
    findings: list[Finding] = Field(min_length=1)
    caveat: str | None = None


GOOD = {"summary": "Solid quarter", "findings": [{"id": "n1", "level": "exceeds"}], "caveat": None}
GOOD_TEXT = json.dumps(GOOD)


@dataclass
class Harness:
    """Builds gateways whose log and sleeps land in lists the test can inspect."""

    records: list[CallRecord] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def gateway(self, model: str, api_base: str | None = None, **settings: Any) -> Gateway:
        async def asleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        return Gateway(
            ModelSettings(model=model, api_base=api_base, **settings),
            log=self.records.append,
            sleep=self.sleeps.append,
            asleep=asleep,
        )


def body(route: respx.Route, index: int = -1) -> dict[str, Any]:
    """The JSON body of one recorded request."""
    parsed: dict[str, Any] = json.loads(route.calls[index].request.content)
    return parsed


# --- fake provider answers -------------------------------------------------------------


def openai_ok(
    content: str, prompt: int = 30, completion: int = 12, model: str = "gpt-4o-mini"
) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        },
    )


def openai_error(status: int, message: str, code: str, **headers: str) -> httpx.Response:
    error = {"message": message, "type": "invalid_request_error", "param": None, "code": code}
    return httpx.Response(status, json={"error": error}, headers=headers)


def unknown_ids(known: set[str]) -> Callable[[Review], list[str]]:
    """A caller-side check like the drafter's: every finding must cite a known note."""

    def check(review: Review) -> list[str]:
        return [f"unknown note id '{f.id}'" for f in review.findings if f.id not in known]

    return check


MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "You write engineering review feedback."},
    {"role": "user", "content": "Notes: n1 shipped the migration."},
]
