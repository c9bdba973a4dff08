"""Provides parsing of model answers into pydantic models, and the repair-turn messages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)

JSON_ONLY = "Answer with one JSON object only: no prose before or after it, no code fences."


def extract_json_text(text: str) -> str:
    """The JSON part of an answer: fences and chatter around one object removed."""
    stripped = text.strip()
    fenced = _FENCE.search(stripped)
    if fenced:
        return fenced.group(1).strip()
    if not stripped.startswith("{"):
        # Small local models like to say "Here is the JSON:" first.
        start, end = stripped.find("{"), stripped.rfind("}")
        if 0 <= start < end:
            return stripped[start : end + 1]
    return stripped


def format_validation_errors(error: ValidationError) -> list[str]:
    """One readable line per pydantic error: ``path.to.field: message (got value)``."""
    lines = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"]) or "(root)"
        got = json.dumps(item.get("input"), default=str)
        got = got if len(got) <= 80 else got[:77] + "..."
        lines.append(f"{where}: {item['msg']} (got {got})")
    return lines


def parse_answer(
    text: str | None,
    response_model: type[T],
    validate: Callable[[T], list[str]] | None,
    finish_reason: str | None = None,
) -> tuple[T | None, list[str]]:
    """``(value, [])`` for a good answer, else ``(None, errors)`` to send back in a repair."""
    if not text or not text.strip():
        return None, ["the answer was empty; it must be one JSON object"]
    cut = (
        ["the answer was cut off at the output token limit; give a shorter answer"]
        if finish_reason == "length"
        else []
    )
    candidate = extract_json_text(text)
    try:
        data: Any = json.loads(candidate)
    except json.JSONDecodeError as exc:
        return None, [*cut, f"the answer is not valid JSON: {exc.msg} at line {exc.lineno}"]
    if not isinstance(data, dict):
        return None, [*cut, f"the answer must be a JSON object, got {type(data).__name__}"]
    try:
        value = response_model.model_validate(data)
    except ValidationError as exc:
        return None, [*cut, *format_validation_errors(exc)]
    extra = validate(value) if validate is not None else []
    if extra:
        return None, list(extra)
    return value, []


def schema_instruction(schema: dict[str, Any]) -> str:
    """The system text that asks for JSON when the provider cannot enforce a schema."""
    return (
        f"{JSON_ONLY}\nIt must match this JSON schema (every property present; use null "
        f"where a value is unknown and null is allowed):\n{json.dumps(schema, indent=1)}"
    )


def with_system_text(messages: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """``messages`` with ``text`` appended to the system prompt (or as a new one first).

    Appending to the existing system message rather than adding a second one keeps
    providers happy that take a single system prompt.
    """
    out = [dict(m) for m in messages]
    if out and out[0].get("role") == "system" and isinstance(out[0].get("content"), str):
        out[0]["content"] = f"{out[0]['content']}\n\n{text}"
        return out
    return [{"role": "system", "content": text}, *out]


def default_repair_messages(errors: list[str], bad_completion: str) -> list[dict[str, Any]]:
    """The built-in user message of a repair turn: the problems, then what to do."""
    listed = "\n".join(f"- {e}" for e in errors)
    return [
        {
            "role": "user",
            "content": (
                f"Your previous answer could not be used:\n{listed}\n\n"
                f"Fix these problems and answer again with the complete corrected object. "
                f"{JSON_ONLY}"
            ),
        }
    ]


def repair_turn(
    errors: list[str],
    bad_completion: str,
    repair_messages: Callable[[list[str], str], list[dict[str, Any]]] | None,
) -> list[dict[str, Any]]:
    """The assistant's bad answer followed by the message(s) that list its errors."""
    # Anthropic rejects empty text blocks, so an empty answer is shown as a placeholder.
    said = {"role": "assistant", "content": bad_completion.strip() or "(empty answer)"}
    follow = (repair_messages or default_repair_messages)(errors, bad_completion)
    return [said, *follow]
