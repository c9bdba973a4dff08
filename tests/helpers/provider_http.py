"""Provides fake provider HTTP answers (OpenAI, Anthropic, Ollama) shared by every test folder.

Token figures are parameters so each folder's fakes can keep the numbers its tests assert on.
Imported as ``tests.helpers.provider_http`` (tests/ is a package).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

OPENAI_KEY = "sk-test-openai-0123456789"
ANTHROPIC_KEY = "sk-ant-test-abcdefghijkl"

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
OLLAMA_BASE = "http://localhost:11434"
OLLAMA_URL = f"{OLLAMA_BASE}/api/chat"

HAIKU = "anthropic/claude-3-5-haiku-20241022"


def _sse(events: list[tuple[str, dict[str, Any]]]) -> httpx.Response:
    text = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


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
    usage = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
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


def anthropic_sse(json_pieces: list[str], prompt: int = 40, completion: int = 20) -> httpx.Response:
    """A streamed ``json_tool_call``: the tool input arrives as partial JSON deltas."""
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-haiku-20241022",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": prompt, "output_tokens": 1},
    }
    block = {"type": "tool_use", "id": "toolu_1", "name": "json_tool_call", "input": {}}
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": message}),
        (
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": block},
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
                "usage": {"output_tokens": completion},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return _sse(events)


def _ollama_done(prompt: int, completion: int, at: str) -> dict[str, Any]:
    return {
        "model": "llama3.1",
        "created_at": at,
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": prompt,
        "eval_count": completion,
    }


def ollama_ok(content: str, prompt: int = 50, completion: int = 25) -> httpx.Response:
    answer = {"message": {"role": "assistant", "content": content}}
    return httpx.Response(
        200, json={**_ollama_done(prompt, completion, "2025-01-01T00:00:00Z"), **answer}
    )


def ollama_ndjson(pieces: list[str], prompt: int = 50, completion: int = 25) -> httpx.Response:
    lines: list[dict[str, Any]] = [
        {
            "model": "llama3.1",
            "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": p},
            "done": False,
        }
        for p in pieces
    ]
    last = _ollama_done(prompt, completion, "2025-01-01T00:00:01Z")
    lines.append({**last, "message": {"role": "assistant", "content": ""}})
    text = "".join(json.dumps(line) + "\n" for line in lines)
    return httpx.Response(
        200, content=text.encode(), headers={"content-type": "application/x-ndjson"}
    )


def pieces_of(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]
