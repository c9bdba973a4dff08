"""Provides the quality checker's value types: a finding and the optional check context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

CATEGORIES = (
    "trait",
    "vague",
    "absolute",
    "hype",
    "team-credit",
    "no-next-step",
    "gendered",
    "unsupported",
    "calibration",
    "recency",
    "person",
)

Mode = Literal["manager", "self"]


@dataclass(frozen=True)
class Finding:
    """One quality remark: ``text[start:end]`` is the span it is about (character offsets)."""

    rule: str
    category: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "message": self.message,
            "suggestion": self.suggestion,
        }


@dataclass(frozen=True)
class CitedNote:
    """A note a section cites: its id, text and date (when known)."""

    id: str
    text: str
    date: dt.date | None = None


@dataclass(frozen=True)
class CheckContext:
    """What the context checks need; every field is optional and a check runs only when
    its inputs are given.

    ``notes``: the notes the section cites (unsupported, recency). ``window``: the review
    window (recency). ``level``/``next_level``: the person's level and the one above;
    ``expectation_levels``: the levels of the expectations the section cites;
    ``calibration``: the section's stated rating (below, meets, exceeds,
    insufficient-evidence); ``has_growth_point``: whether the section has a growth point
    (calibration). ``person``: the person's name (subject detection, pronoun checks).
    ``known_terms``: capitalised words that are no claim to check against the notes (the
    ladder's level and competency names, note authors) (unsupported).
    """

    notes: tuple[CitedNote, ...] | None = None
    window: tuple[dt.date, dt.date] | None = None
    level: str | None = None
    next_level: str | None = None
    expectation_levels: tuple[str, ...] = ()
    calibration: str | None = None
    has_growth_point: bool | None = None
    person: str | None = None
    known_terms: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
