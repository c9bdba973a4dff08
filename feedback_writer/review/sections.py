"""Provides the only way a section's text changes after drafting: :func:`edit_section`.

The drafter (model or offline) writes the section's drafter versions (``model_text`` is
the latest one); every other change goes through here, which decides whether it counts
as a human edit and stores it as the section's next version. Whitespace-only changes
never count: re-flowing a paragraph is not a review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from feedback_writer.storage.drafts import SectionChange
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
    repo: Repository,
    draft_id: int,
    key: str,
    text: str,
    actor: str = HUMAN,
    *,
    based_on: int | None = None,
) -> SectionRecord:
    """Store new text for a section as its next version.

    An unchanged text is a no-op (no version). A whitespace-only change is stored, so
    the person's formatting is kept, but does not count as an edit. Only ``actor="human"``
    can count as an edit; any other actor (a model rewrite, an import) never does.
    ``based_on`` is the version the writer started from (``SectionRecord.version``): if
    the section has a newer one, :class:`~feedback_writer.errors.SaveConflict` is raised
    and the text is kept as a stale version. None means "the version current right now".
    """
    section = repo.section(draft_id, key)
    if text == section.human_text and based_on in (None, section.version):
        return section
    counts = actor == HUMAN and not same_text(text, section.human_text)
    return repo.record_section_text(
        section.id, text, actor=actor, counts_as_edit=counts, based_on=based_on
    )


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
    repo: Repository,
    draft_id: int,
    texts: Mapping[str, str],
    actor: str = HUMAN,
    *,
    based_on: Mapping[str, int] | None = None,
) -> ApplyResult:
    """Apply several sections' texts in ONE transaction: every changed section is written,
    or none is. ``based_on`` gives the version each text started from; a section that
    moved on since refuses the whole batch with :class:`SaveConflict` (see edit_section).
    A section whose text did not change is left alone, whatever its version."""
    result = ApplyResult()
    changes: list[SectionChange] = []
    for key, text in texts.items():
        current = repo.section(draft_id, key)
        if text.strip() == current.human_text.strip():
            result.unchanged.append(key)
            continue
        counts = actor == HUMAN and not same_text(text, current.human_text)
        base = based_on.get(key) if based_on is not None else None
        changes.append((current.id, text, actor, counts, base))
        spaced = same_text(text, current.human_text)
        (result.whitespace_only if spaced else result.changed).append(key)
    if changes:
        repo.record_section_texts(changes)
    return result
