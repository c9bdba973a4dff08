"""Provides the one drafting interface: :class:`DraftRequest` in, :class:`DraftResult` out.

The offline drafter and the model drafter both implement :class:`Drafter`. Everything
after a drafter (grounding checks, rendering, storage, review, export) sees only a
:class:`DraftResult`, never which implementation produced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Protocol, runtime_checkable

from feedback_writer.drafting.model import Draft
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import AuthorKind, Note
from feedback_writer.storage.records import MappingRecord

Mode = Literal["manager", "self"]
ProgressCallback = Callable[[str], None]
TextCallback = Callable[[str], None]
"""Receives each piece of the model's streamed answer, names already restored."""


class SummarisedMapping(NamedTuple):
    """The evidence of a note that is counted, not quoted (what the offline tally needs)."""

    expectation_id: str
    score: float
    polarity: str
    status: str


@dataclass(frozen=True)
class CondensedNotes:
    """Set on a request whose window did not fit ``max_prompt_tokens``: the request's
    ``notes`` are the quoted ones; these are the counts of the rest (drafting.budget)."""

    window: int
    """Notes in the window."""
    quoted: int
    summarised: int
    """Notes carrying evidence that are counted, not quoted."""
    budget: int
    own_window: int
    """Notes in the window that are not peer input."""
    peer_window: int
    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """(expectation id, polarity) -> summarised notes."""
    competency_notes: Mapping[str, int] = field(default_factory=dict)
    """competency slug -> summarised notes with evidence on it."""
    own_evidence: Mapping[str, Sequence[SummarisedMapping]] = field(default_factory=dict)
    """Summarised notes that are not peer input -> their evidence (for ratings)."""

    def notice(self) -> str:
        left = self.window - self.quoted - self.summarised
        rest = f", {left:,} without evidence left out" if left else ""
        return (
            f"condensed: {self.window:,} notes -> {self.quoted:,} quoted, "
            f"{self.summarised:,} summarised{rest} to fit max_prompt_tokens {self.budget}"
        )


@dataclass(frozen=True)
class DraftRequest:
    """Everything a drafter may use: the window's notes, their evidence and the ladder."""

    person: str
    mode: Mode
    level: str
    target: str | None
    ladder: Ladder
    notes: Sequence[Note]
    """The notes inside the review window, exclusions already removed."""
    evidence: Mapping[str, Sequence[MappingRecord]]
    """note id -> the mappings that count as evidence (accepted, or suggestions)."""
    since: dt.date | None = None
    until: dt.date | None = None
    pseudonymise: Sequence[str] = ()
    """Other names (besides the person's) to hide from any remote call."""
    on_progress: ProgressCallback | None = None
    """Status lines ("drafting with X: ~N tokens"); setting it makes the model stream."""
    on_text: TextCallback | None = None
    """The streamed answer itself, piece by piece (setting it also makes the model stream)."""
    condensed: CondensedNotes | None = None
    """Set when the window's notes were condensed to fit ``max_prompt_tokens``."""

    @property
    def peer_notes(self) -> list[Note]:
        return [n for n in self.notes if n.author_kind == AuthorKind.PEER]

    @property
    def own_notes(self) -> list[Note]:
        """Notes that are not peer input (manager, self, other)."""
        return [n for n in self.notes if n.author_kind != AuthorKind.PEER]

    @property
    def guidance_level(self) -> str | None:
        """The level guidance points to: the target when given, else the next level."""
        return self.target or self.ladder.next_level(self.level)


@dataclass
class DraftResult:
    """A validated, grounded draft plus what it took to produce it."""

    draft: Draft
    warnings: list[str]
    drafter: str
    model: str | None = None
    template_hash: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Drafter(Protocol):
    """Turns a request into a draft that passes the grounding check."""

    name: str

    def draft(self, request: DraftRequest) -> DraftResult: ...
