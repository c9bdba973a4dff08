"""Provides the export gate: a draft may leave the tool only once a human has reviewed it.

Policy ``edit`` (the default): every section's text must differ from what the drafter
last wrote by a real human rewrite: at least ``min_edit`` of the drafter's words changed
(see :mod:`feedback_writer.review.authorship`; punctuation, case, whitespace and invisible
characters do not count). Policy ``review``: every section edited as above or explicitly
approved by a human. The drafter writes only ``model_text`` and any
non-human write is recorded with its actor, so nothing the model writes can satisfy this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from feedback_writer.errors import ExportBlocked, UsageError
from feedback_writer.review.authorship import DEFAULT_MIN_EDIT, EditSize, edit_size
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


def is_edited(
    section: SectionRecord, history: Sequence[EditRecord], min_edit: float = DEFAULT_MIN_EDIT
) -> bool:
    """A human rewrote at least ``min_edit`` of the drafter's latest text, and no one else
    changed it since. Editing back to the drafter's text makes the section untouched."""
    if section.edited_at is None or same_text(section.human_text, section.model_text):
        return False
    last = _last_meaningful(history)
    if last is None or last.actor != HUMAN:
        return False
    return edit_size(section.model_text, section.human_text, min_edit).enough


def is_approved(section: SectionRecord, history: Sequence[EditRecord]) -> bool:
    """A human approved the section, and no non-human write changed it afterwards."""
    if section.approved_at is None:
        return False
    approved_at = section.approved_at
    return not any(
        r.actor != HUMAN and r.at >= approved_at and not same_text(r.before, r.after)
        for r in history
    )


def section_state(
    section: SectionRecord, history: Sequence[EditRecord], min_edit: float = DEFAULT_MIN_EDIT
) -> SectionState:
    if is_edited(section, history, min_edit):
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
    sizes: dict[str, EditSize] = field(default_factory=dict)
    """How much of each section a human changed against the drafter's latest text."""

    def refusal(self, key: str) -> str:
        """Why section ``key`` does not pass, for the refusal message."""
        size = self.sizes.get(key)
        return size.describe() if size is not None else "not edited"

    @property
    def edited(self) -> list[str]:
        return [k for k, s in self.states.items() if s == "edited"]

    @property
    def approved(self) -> list[str]:
        return [k for k, s in self.states.items() if s == "approved"]


def gate_status(
    repo: Repository, draft_id: int, policy: str = "edit", min_edit: float = DEFAULT_MIN_EDIT
) -> GateStatus:
    """Each section's state and whether the draft passes ``policy``."""
    check_policy(policy)
    repo.get_draft(draft_id)  # a clear NotFoundError for an unknown draft
    states: dict[str, SectionState] = {}
    sizes: dict[str, EditSize] = {}
    for section in repo.sections(draft_id):
        states[section.key] = section_state(section, repo.section_history(section.id), min_edit)
        sizes[section.key] = edit_size(section.model_text, section.human_text, min_edit)
    # An approval satisfies only the 'review' policy; under 'edit' it is still untouched.
    passing = {"edited"} if policy == "edit" else {"edited", "approved"}
    untouched = [k for k, s in states.items() if s not in passing]
    return GateStatus(not untouched, untouched, policy, states, sizes)


def require_exportable(
    repo: Repository, draft_id: int, policy: str = "edit", min_edit: float = DEFAULT_MIN_EDIT
) -> GateStatus:
    """The gate status, or :class:`ExportBlocked` listing the sections still untouched
    with how much of each was changed and how much is needed."""
    status = gate_status(repo, draft_id, policy, min_edit)
    if not status.allowed:
        person = repo.get_draft(draft_id).person
        details = {k: status.refusal(k) for k in status.untouched}
        raise ExportBlocked(status.untouched, policy, person, details=details)
    return status
