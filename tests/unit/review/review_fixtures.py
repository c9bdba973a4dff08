"""Provides the review tests' shared data: a person, notes and a stored draft's content.

Drafts are saved straight through Repository.save_draft, so these tests do not depend on
the drafting code; the workspace is the one the CLI opens ($FEEDBACK_WRITER_HOME).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feedback_writer.drafting.model import (
    Calibration,
    CompetencyFeedback,
    Draft,
    Guidance,
    PeerInput,
    Point,
)
from feedback_writer.ladder.model import Ladder
from feedback_writer.storage.records import DraftRecord
from feedback_writer.storage.repository import Repository

PERSON = "Ana"
RUNBOOKS = "reliability.mid.improves-runbooks"
AI_PROMPTS = "ai.mid.writes-effective-prompts"

MODEL_TEXTS = {
    "summary": "Ana had a strong half, with reliable delivery and clear runbooks.",
    "competency:reliability": "- Rewrote the payments runbook after the March incident [n1].",
    "competency:ai": "- Wrote prompt templates the team reuses [n2].",
    "peer-input": "Peers value her calm during incidents [n3].",
}


@dataclass
class Workspace:
    repo: Repository
    ladder: Ladder
    draft: DraftRecord
    notes: dict[str, str]  # label -> note id
    root: Path


def draft_content(ladder: Ladder, notes: dict[str, str]) -> dict[str, Any]:
    guidance_id = next(e.id for e in ladder.next_level_expectations("mid", "reliability"))
    draft = Draft(
        person=PERSON,
        mode="manager",
        current_level="mid",
        target_level="senior",
        summary=MODEL_TEXTS["summary"],
        competencies=[
            CompetencyFeedback(
                competency="reliability",
                points=[
                    Point(
                        text="Rewrote the payments runbook",
                        kind="strength",
                        expectation_ids=[RUNBOOKS],
                        note_ids=[notes["runbook"]],
                    )
                ],
                calibration=Calibration(rating="meets", justification="Runbook work."),
                next_level_guidance=[
                    Guidance(text="Lead incidents", expectation_ids=[guidance_id])
                ],
            ),
            CompetencyFeedback(
                competency="ai",
                points=[
                    Point(
                        text="Prompt templates",
                        kind="strength",
                        expectation_ids=[AI_PROMPTS],
                        note_ids=[notes["prompts"]],
                    )
                ],
                calibration=Calibration(rating="meets", justification="Templates."),
                next_level_guidance=[],
            ),
        ],
        peer_input=PeerInput(
            highlights=[
                Point(
                    text="Calm in incidents",
                    kind="strength",
                    expectation_ids=[],
                    note_ids=[notes["peer"]],
                )
            ],
            opportunities=[],
        ),
    )
    return draft.model_dump(mode="json")
