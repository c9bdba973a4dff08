"""Provides the export gate: a draft may leave the tool only once a human has reviewed it.

Policy ``edit`` (the default): every section's text must differ from what the drafter
wrote, beyond whitespace, by a human's edit. Policy ``review``: every section edited as
above or explicitly approved by a human. The drafter writes only ``model_text`` and any
non-human write is recorded with its actor, so nothing the model writes can satisfy this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from feedback_writer.errors import ExportBlocked, UsageError
from feedback_writer.review.sections import HUMAN, same_text
from feedback_writer.storage.records import EditRecord, SectionRecord
from feedback_writer.storage.repository import Repository

POLICIES = ("edit", "review")
SectionState = Literal["edited", "approved", "untouched"]


def _last_meaningful(history: Sequence[EditRecord]) -> EditRecord | None:
    """The latest history row that changed more than whitespace."""
    for record in reversed(history):
        if not same_text(record.before, record.after):
            return record
    return None


def is_edited(section: SectionRecord, history: Sequence[EditRecord]) -> bool:
    """A human changed the drafter's text beyond whitespace, and no one else changed it
    since. Editing back to the drafter's text makes the section untouched again."""
    if section.edited_at is None or same_text(section.human_text, section.model_text):
        return False
    last = _last_meaningful(history)
    return last is not None and last.actor == HUMAN


def is_approved(section: SectionRecord, history: Sequence[EditRecord]) -> bool:
    """A human approved the section, and no non-human write changed it afterwards."""
    if section.approved_at is None:
        return False
    approved_at = section.approved_at
    return not any(
        r.actor != HUMAN and r.at >= approved_at and not same_text(r.before, r.after)
        for r in history
    )


def section_state(section: SectionRecord, history: Sequence[EditRecord]) -> SectionState:
    if is_edited(section, history):
        return "edited"
    if is_approved(section, history):
        return "approved"
    return "untouched"


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise UsageError(
            f"unknown export policy '{policy}'", hint="export_policy is 'edit' or 'review'"
        )
    return policy


@dataclass(frozen=True)
class GateStatus:
    """Whether a draft may be exported, and each section's state (keys in draft order)."""

    allowed: bool
    untouched: list[str]
    policy: str = "edit"
    states: dict[str, SectionState] = field(default_factory=dict)

    @property
    def edited(self) -> list[str]:
        return [k for k, s in self.states.items() if s == "edited"]

    @property
    def approved(self) -> list[str]:
        return [k for k, s in self.states.items() if s == "approved"]


def gate_status(repo: Repository, draft_id: int, policy: str = "edit") -> GateStatus:
    """Each section's state and whether the draft passes ``policy``."""
    check_policy(policy)
    repo.get_draft(draft_id)  # a clear NotFoundError for an unknown draft
    states: dict[str, SectionState] = {}
    for section in repo.sections(draft_id):
        states[section.key] = section_state(section, repo.section_history(section.id))
    # An approval satisfies only the 'review' policy; under 'edit' it is still untouched.
    passing = {"edited"} if policy == "edit" else {"edited", "approved"}
    untouched = [k for k, s in states.items() if s not in passing]
    return GateStatus(not untouched, untouched, policy, states)


def require_exportable(repo: Repository, draft_id: int, policy: str = "edit") -> GateStatus:
    """The gate status, or :class:`ExportBlocked` listing the sections still untouched."""
    status = gate_status(repo, draft_id, policy)
    if not status.allowed:
        person = repo.get_draft(draft_id).person
        raise ExportBlocked(status.untouched, policy, person)
    return status
