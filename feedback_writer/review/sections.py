"""Provides the only way a section's text changes after drafting: :func:`edit_section`.

The drafter (model or offline) writes ``model_text`` once, at save time. Afterwards every
change goes through here, which decides whether it counts as a human edit and records the
history row. Whitespace-only changes never count: re-flowing a paragraph is not a review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from feedback_writer.storage.records import SectionRecord
from feedback_writer.storage.repository import Repository

HUMAN = "human"


def normalise(text: str) -> str:
    """The text with every run of whitespace collapsed, for "did anything change?" tests."""
    return " ".join(text.split())


def same_text(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ at most in whitespace."""
    return normalise(a) == normalise(b)


def edit_section(
    repo: Repository, draft_id: int, key: str, text: str, actor: str = HUMAN
) -> SectionRecord:
    """Store new text for a section and its history row.

    An unchanged text is a no-op (no history row). A whitespace-only change is stored, so
    the person's formatting is kept, but does not count as an edit. Only ``actor="human"``
    can count as an edit; any other actor (a model rewrite, an import) never does.
    """
    section = repo.section(draft_id, key)
    if text == section.human_text:
        return section
    counts = actor == HUMAN and not same_text(text, section.human_text)
    return repo.record_section_text(section.id, text, actor=actor, counts_as_edit=counts)


def approve(repo: Repository, draft_id: int, key: str) -> SectionRecord:
    """Record that a human approved a section as it stands (policy ``review``)."""
    section = repo.section(draft_id, key)
    return repo.approve_section(section.id)


@dataclass
class ApplyResult:
    """What :func:`apply_texts` did: the sections whose text changed, and the rest."""

    changed: list[str] = field(default_factory=list)
    whitespace_only: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def apply_texts(
    repo: Repository, draft_id: int, texts: Mapping[str, str], actor: str = HUMAN
) -> ApplyResult:
    """Apply several sections' texts at once; only sections whose text changed are written."""
    result = ApplyResult()
    for key, text in texts.items():
        current = repo.section(draft_id, key)
        if text.strip() == current.human_text.strip():
            result.unchanged.append(key)
            continue
        edit_section(repo, draft_id, key, text, actor)
        if same_text(text, current.human_text):
            result.whitespace_only.append(key)
        else:
            result.changed.append(key)
    return result
