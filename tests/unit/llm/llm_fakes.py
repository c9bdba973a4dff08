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

OPENAI_KEY = "sk-test-openai-0123456789"
ANTHROPIC_KEY = "sk-ant-test-abcdefghijkl"

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
PROXY_BASE = "http://localhost:4000"
PROXY_URL = f"{PROXY_BASE}/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
OLLAMA_BASE = "http://localhost:11434"
OLLAMA_URL = f"{OLLAMA_BASE}/api/chat"

HAIKU = "anthropic/claude-3-5-haiku-20241022"


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


def openai_sse(pieces: list[str], prompt: int = 30, completion: int = 12) -> httpx.Response:
    def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    events = [chunk({"role": "assistant", "content": ""}, None)]
    events += [chunk({"content": p}, None) for p in pieces]
    events.append(chunk({}, "stop"))
    usage = {"prompt_tokens": prompt, "completion_tokens": completion}
    events.append({**chunk({}, None), "choices": [], "usage": usage})
    text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


def anthropic_tool(
    arguments: dict[str, Any], prompt: int = 40, completion: int = 20
) -> httpx.Response:
    """Anthropic's answer to litellm's forced ``json_tool_call`` tool."""
    return httpx.Response(
        200,
        json={
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-3-5-haiku-20241022",
            "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "json_tool_call", "input": arguments}
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": prompt, "output_tokens": completion},
        },
    )


def anthropic_error(status: int, kind: str, message: str, **headers: str) -> httpx.Response:
    payload = {"type": "error", "error": {"type": kind, "message": message}}
    return httpx.Response(status, json=payload, headers=headers)


def anthropic_sse(json_pieces: list[str]) -> httpx.Response:
    events: list[tuple[str, dict[str, Any]]] = [
        (
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": "msg_1",
                    "type": "message",
                    "role": "assistant",
                    "model": "claude-3-5-haiku-20241022",
                    "content": [],
                    "stop_reason": None,
                    "usage": {"input_tokens": 40, "output_tokens": 1},
                },
            },
        ),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "json_tool_call",
                    "input": {},
                },
            },
        ),
    ]
    for piece in json_pieces:
        delta = {"type": "input_json_delta", "partial_json": piece}
        events.append(
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
        )
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 20},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    text = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


def ollama_ok(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "model": "llama3.1",
            "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": content},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 50,
            "eval_count": 25,
        },
    )


def ollama_ndjson(pieces: list[str]) -> httpx.Response:
    lines = [
        {
            "model": "llama3.1",
            "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": p},
            "done": False,
        }
        for p in pieces
    ]
    lines.append(
        {
            "model": "llama3.1",
            "created_at": "2025-01-01T00:00:01Z",
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 50,
            "eval_count": 25,
        }
    )
    text = "".join(json.dumps(line) + "\n" for line in lines)
    return httpx.Response(
        200, content=text.encode(), headers={"content-type": "application/x-ndjson"}
    )


def pieces_of(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def unknown_ids(known: set[str]) -> Callable[[Review], list[str]]:
    """A caller-side check like the drafter's: every finding must cite a known note."""

    def check(review: Review) -> list[str]:
        return [f"unknown note id '{f.id}'" for f in review.findings if f.id not in known]

    return check


MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "You write engineering review feedback."},
    {"role": "user", "content": "Notes: n1 shipped the migration."},
]
