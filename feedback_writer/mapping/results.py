"""Provides what a mapping run returns: per note, the suggested expectations, best first."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from json.encoder import encode_basestring
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

    def json_text(self) -> str:
        """``json.dumps(self.to_json(), ensure_ascii=False)``, put together with json's own
        string encoder: a 10,000-note map prints 50,000 matches, and making their dicts
        for ``json.dumps`` took three times as long (the same text; tested)."""
        matches = ", ".join(map(_match_text, self.matches))
        return (
            f'{{"note_id": {encode_basestring(self.note_id)}, '
            f'"text": {encode_basestring(self.text)}, "matches": [{matches}]}}'
        )


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


def _match_text(m: Match) -> str:
    return (
        f"{_match_head(m.expectation_id, m.competency, m.level)}{_number(m.score)}, "
        f'"polarity": {encode_basestring(m.polarity)}}}'
    )


@lru_cache(maxsize=4096)
def _match_head(expectation_id: str, competency: str, level: str) -> str:
    """A match's JSON up to its score: the same for every note of one expectation."""
    return (
        f'{{"expectation_id": {encode_basestring(expectation_id)}, '
        f'"competency": {encode_basestring(competency)}, '
        f'"level": {encode_basestring(level)}, "score": '
    )


def _number(x: float) -> str:
    # json writes a finite float as float.__repr__; anything else (an int, NaN) as dumps.
    return float.__repr__(x) if type(x) is float and math.isfinite(x) else json.dumps(x)


def by_score(m: Match) -> tuple[float, str]:
    return (-m.score, m.expectation_id)
