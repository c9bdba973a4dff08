"""Provides the structured draft: the schema both drafters fill and the checks verify.

The same model is the JSON schema sent to a model (strict structured output), the result
of the offline drafter, and what is stored. Every point cites the note ids and the
expectation ids it rests on; :mod:`feedback_writer.drafting.grounding` checks they exist.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(_M):
    """One claim about the person's work, with what it rests on."""

    text: str = Field(description="The claim, specific and in plain words.")
    kind: Literal["strength", "growth"] = Field(
        description="strength: evidence for an expectation; growth: a gap or negative evidence."
    )
    expectation_ids: list[str] = Field(description="Ladder expectation ids this point is about.")
    note_ids: list[str] = Field(description="Ids of the notes that show it (e.g. n12).")


class Calibration(_M):
    """Where the evidence places the person against their current level."""

    rating: Literal["below", "meets", "exceeds", "insufficient-evidence"]
    justification: str


class Guidance(_M):
    """What the next level asks for, drawn from the next level's expectations."""

    text: str
    expectation_ids: list[str]


class CompetencyFeedback(_M):
    competency: str = Field(description="Competency slug from the ladder.")
    points: list[Point]
    calibration: Calibration
    next_level_guidance: list[Guidance]


class PeerInput(_M):
    """Peer notes, summarised apart and attributed as peer input."""

    highlights: list[Point]
    opportunities: list[Point]


class Draft(_M):
    """A feedback draft for one person over one review window."""

    person: str
    mode: Literal["manager", "self"]
    current_level: str
    target_level: str | None
    summary: str
    competencies: list[CompetencyFeedback]
    peer_input: PeerInput | None


SectionKey = str  # "summary", "competency:<slug>", "peer-input"
