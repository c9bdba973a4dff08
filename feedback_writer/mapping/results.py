"""Provides what a mapping run returns: per note, the suggested expectations, best first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from feedback_writer.mapping.matcher import Match

Source = Literal["matcher", "model"]


@dataclass(frozen=True)
class NoteMapping:
    """The suggestions for one note, best first (``by_score``: put in that order when made);
    empty when it shows no ladder evidence."""

    note_id: str
    text: str
    matches: list[Match]
    source: Source = "matcher"

    def __post_init__(self) -> None:
        object.__setattr__(self, "matches", sorted(self.matches, key=by_score))

    def to_json(self) -> dict[str, Any]:
        """The element of ``feedback-writer map --format json`` (exactly these keys)."""
        return {
            "note_id": self.note_id,
            "text": self.text,
            "matches": [_match_json(m) for m in self.matches],
        }


@dataclass
class MappingRun:
    """What one ``suggest`` (or file mapping) produced, in note order."""

    person: str | None
    results: list[NoteMapping]
    source: Source = "matcher"
    """``model`` when the model answered for at least one note."""
    model: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def with_evidence(self) -> int:
        return sum(1 for r in self.results if r.matches)


def _match_json(m: Match) -> dict[str, Any]:
    """The match's fields by name (a map prints ten thousand of these)."""
    return m._asdict()


def by_score(m: Match) -> tuple[float, str]:
    return (-m.score, m.expectation_id)
