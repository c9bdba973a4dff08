"""Provides fake provider answers (Anthropic, Ollama, OpenAI) for the draft-provider tests.

Shared through this uniquely named module (the drafting conftest puts this folder on
sys.path; with --import-mode=importlib a ``from conftest import`` would clash).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

ANTHROPIC_KEY = "sk-ant-test-abcdefghijkl"
OPENAI_KEY = "sk-test-openai-0123456789"

HAIKU = "anthropic/claude-3-5-haiku-20241022"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"

OLLAMA_MODEL = "ollama_chat/llama3.1"
OLLAMA_BASE = "http://localhost:11434"
OLLAMA_URL = f"{OLLAMA_BASE}/api/chat"
OLLAMA_SHOW = f"{OLLAMA_BASE}/api/show"

OPENAI_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1/chat/completions"

RUNBOOK = "reliability.mid.improves-runbooks"
INCIDENTS = "reliability.mid.active-in-incidents"


def draft_answer(runbook_note: str, incident_note: str) -> dict[str, Any]:
    """A grounded draft as a model would write it: only placeholders, never names."""
    return {
        "person": "PERSON_1",
        "mode": "manager",
        "current_level": "mid",
        "target_level": None,
        "summary": "PERSON_1 made on-call calmer; PERSON_2 praised the pairing.",
        "competencies": [
            {
                "competency": "reliability",
                "points": [
                    {
                        "text": "PERSON_1 rewrote the on-call runbook",
                        "kind": "strength",
                        "expectation_ids": [RUNBOOK],
                        "note_ids": [runbook_note],
                    },
                    {
                        "text": "PERSON_1 responded actively in the checkout incident",
                        "kind": "strength",
                        "expectation_ids": [INCIDENTS],
                        "note_ids": [incident_note],
                    },
                ],
                "calibration": {"rating": "meets", "justification": "two notes"},
                "next_level_guidance": [],
            }
        ],
        "peer_input": None,
    }


def sent(route: respx.Route, index: int = -1) -> dict[str, Any]:
    """The JSON body of one recorded request."""
    body: dict[str, Any] = json.loads(route.calls[index].request.content)
    return body


def raw(route: respx.Route, index: int = -1) -> str:
    """The raw request body as text (for "this name never left the machine")."""
    content: bytes = route.calls[index].request.content
    return content.decode()


# --- Anthropic -------------------------------------------------------------------------


def anthropic_tool(arguments: dict[str, Any]) -> httpx.Response:
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
            "usage": {"input_tokens": 400, "output_tokens": 200},
        },
    )


def anthropic_error(status: int, kind: str, message: str, **headers: str) -> httpx.Response:
    payload = {"type": "error", "error": {"type": kind, "message": message}}
    return httpx.Response(status, json=payload, headers=headers)


def anthropic_sse(json_pieces: list[str]) -> httpx.Response:
    """A streamed ``json_tool_call``: the tool input arrives as partial JSON deltas."""
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-haiku-20241022",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 400, "output_tokens": 1},
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
                "usage": {"output_tokens": 200},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    text = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


# --- Ollama ----------------------------------------------------------------------------


def ollama_ok(content: str) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "model": "llama3.1",
            "created_at": "2025-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": content},
            "done": True,
            "done_reason": "stop",
            "prompt_eval_count": 500,
            "eval_count": 250,
        },
    )


def ollama_ndjson(pieces: list[str]) -> httpx.Response:
    lines: list[dict[str, Any]] = [
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
            "prompt_eval_count": 500,
            "eval_count": 250,
        }
    )
    text = "".join(json.dumps(line) + "\n" for line in lines)
    return httpx.Response(
        200, content=text.encode(), headers={"content-type": "application/x-ndjson"}
    )


# --- OpenAI ----------------------------------------------------------------------------


def openai_sse(pieces: list[str]) -> httpx.Response:
    def chunk(delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": OPENAI_MODEL,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    events = [chunk({"role": "assistant", "content": ""}, None)]
    events += [chunk({"content": p}, None) for p in pieces]
    events.append(chunk({}, "stop"))
    usage = {"prompt_tokens": 400, "completion_tokens": 200, "total_tokens": 600}
    events.append({**chunk({}, None), "choices": [], "usage": usage})
    text = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return httpx.Response(200, content=text.encode(), headers={"content-type": "text/event-stream"})


def pieces_of(text: str, size: int = 40) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]
