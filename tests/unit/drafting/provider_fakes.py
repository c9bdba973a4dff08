"""Provides fake provider answers (Anthropic, Ollama, OpenAI) for the draft-provider tests.

Imported as ``tests.unit.drafting.provider_fakes`` by the draft tests.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import respx

from tests.helpers import provider_http as http
from tests.helpers.provider_http import (  # noqa: F401  (re-exported for the draft tests)
    ANTHROPIC_KEY,
    ANTHROPIC_URL,
    HAIKU,
    OLLAMA_BASE,
    OLLAMA_URL,
    OPENAI_KEY,
    OPENAI_URL,
    anthropic_error,
)

OLLAMA_MODEL = "ollama_chat/llama3.1"
OLLAMA_SHOW = f"{OLLAMA_BASE}/api/show"

OPENAI_MODEL = "gpt-4o-mini"

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


# The provider answers, with the token figures these tests were written against.
anthropic_tool = partial(http.anthropic_tool, prompt=400, completion=200)
anthropic_sse = partial(http.anthropic_sse, prompt=400, completion=200)
ollama_ok = partial(http.ollama_ok, prompt=500, completion=250)
ollama_ndjson = partial(http.ollama_ndjson, prompt=500, completion=250)
openai_sse = partial(http.openai_sse, prompt=400, completion=200)


def pieces_of(text: str, size: int = 40) -> list[str]:
    return http.pieces_of(text, size)
