"""Provides the plain records the repository returns (people, cycles, mappings, drafts, calls)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["manager", "self"]
MappingStatus = Literal["suggested", "accepted", "rejected"]
Polarity = Literal["positive", "negative"]


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    current_level: str | None
    target_level: str | None
    mode: Mode
    created_at: dt.datetime


@dataclass(frozen=True)
class Cycle:
    id: int
    person_id: int
    name: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class MappingRecord:
    note_id: str
    expectation_id: str
    score: float
    polarity: Polarity
    source: str  # matcher, model or user
    status: MappingStatus
    updated_at: dt.datetime


@dataclass(frozen=True)
class SectionRecord:
    id: int
    draft_id: int
    key: str
    title: str
    position: int
    model_text: str
    human_text: str
    edited_at: dt.datetime | None
    approved_at: dt.datetime | None
    version: int = 1
    """The number of the section's current version; a save names the one it was based on."""


VersionKind = Literal["drafter", "human", "other"]


@dataclass(frozen=True)
class VersionRecord:
    """One version of a section's text: every drafter and every human text is kept.

    ``stale`` marks a save refused because the section had moved on since ``based_on``:
    its text is kept here so nothing typed is lost, but it never became current.
    """

    section_id: int
    number: int
    kind: VersionKind
    actor: str
    text: str
    at: dt.datetime
    based_on: int | None = None
    stale: bool = False


@dataclass(frozen=True)
class EditRecord:
    section_id: int
    at: dt.datetime
    actor: str
    before: str
    after: str


@dataclass(frozen=True)
class DraftRecord:
    id: int
    person: str
    mode: Mode
    drafter: str
    model: str | None
    template_hash: str | None
    ladder_name: str
    ladder_version: str
    created_at: dt.datetime
    content: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CallRecord:
    """One model call (an HTTP attempt that got an answer or a final error).

    The gateway makes one for every attempt and hands it to the call log; the log gives
    it back with ``id`` and ``at`` set. ``request`` holds the model, api_base, messages,
    response_format and params; it never holds an API key or an auth header.
    """

    model: str
    provider: str
    purpose: str
    prompt_tokens: int | None
    completion_tokens: int | None
    cost_usd: float | None
    latency_ms: float
    request: dict[str, Any]
    response: str | None
    error: str | None
    at: dt.datetime | None = None
    """When the call was logged; None until it is."""
    id: int | None = None
    """The call log's row number; None until it is logged."""


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int
    note_ids: list[str]
