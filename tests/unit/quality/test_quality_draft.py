"""The quality findings of a stored draft: context filled from the workspace, per section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from feedback_writer import citations
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import AuthorKind, ParsedNote
from feedback_writer.quality import followup_for_notes
from feedback_writer.quality.draft import (
    cited,
    draft_findings,
    mask_citations,
    section_contexts,
)
from feedback_writer.storage.repository import Repository

PERSON = "Priya Raman"


def _content(rating: str, growth: bool) -> dict[str, Any]:
    kind = "growth" if growth else "strength"
    point = {"text": "x", "kind": kind, "expectation_ids": [], "note_ids": []}
    block = {
        "competency": "reliability",
        "points": [point],
        "calibration": {"rating": rating, "justification": ""},
        "next_level_guidance": [],
    }
    return {"person": PERSON, "mode": "manager", "current_level": "mid", "competencies": [block]}


def _world(repo: Repository, *, rating: str = "meets", growth: bool = True) -> tuple[int, str]:
    repo.ensure_person(PERSON)
    dates = ["2026-01-15", "2026-11-02", "2026-11-20", "2026-12-01"]
    texts = [
        "Moved the billing jobs to Airflow; 14 retries a week down to 2.",
        "Wrote the Kafka consumer runbook.",
        "Led the December capacity review.",
        "Paired with the intern on tests.",
    ]
    ids = [
        repo.add_note(PERSON, ParsedNote(text=t, date=dt.date.fromisoformat(d))).id
        for t, d in zip(texts, dates, strict=True)
    ]
    repo.start_cycle(PERSON, "2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    a, b, c, d = ids
    reliability = (
        f"- She moved the billing jobs to Airflow, cutting retries to 3. [{a}; "
        f"reliability.mid.improves-runbooks]\n"
        f"- Wrote the runbook [{b}] and led the capacity review [{c}; "
        f"reliability.senior.leads-incident-prevention].\n"
        f"- She paired with the intern [{d}]. She is ready for staff."
    )
    record = repo.save_draft(
        PERSON,
        mode="manager",
        drafter="test",
        model=None,
        template_hash=None,
        ladder_name="t",
        ladder_version="1",
        content=_content(rating, growth),
        sections=[
            ("summary", "Summary", "A strong year on Hermes."),
            ("competency:reliability", "Reliability", reliability),
            ("competency:delivery", "Delivery", "She shipped the exporter."),
        ],
    )
    return record.id, reliability


def _by(found: list[Any], key: str, cat: str) -> list[str]:
    return [f.finding.text for f in found if f.key == key and f.finding.category == cat]


def test_unsupported_findings_per_section_with_offsets(
    repo: Repository, default_ladder: Ladder
) -> None:
    draft_id, text = _world(repo)
    found = draft_findings(repo, default_ladder, draft_id)
    # The summary is checked against every note the draft cites: Hermes is in none.
    assert _by(found, "summary", "unsupported") == ["Hermes"]
    # 3 is not in the cited notes (14 and 2 are); Airflow is.
    assert _by(found, "competency:reliability", "unsupported") == ["3"]
    key = "competency:reliability"
    hit = next(f.finding for f in found if f.finding.category == "unsupported" and f.key == key)
    assert text[hit.start : hit.end] == "3"
    # A section citing nothing: every sentence is unsupported.
    assert _by(found, "competency:delivery", "unsupported") == ["She shipped the exporter."]
    assert all(f.as_dict()["section"] == f.key for f in found)


def test_calibration_and_recency_from_the_draft_and_the_cycle(
    repo: Repository, default_ladder: Ladder
) -> None:
    draft_id, _ = _world(repo, rating="exceeds", growth=False)
    found = draft_findings(repo, default_ladder, draft_id)
    recency = [f for f in found if f.finding.category == "recency"]
    # 3 of 4 cited notes fall in the last quarter of the 2026 cycle (the summary is
    # checked against all the draft's notes); the delivery section cites none.
    assert [f.key for f in recency] == ["summary", "competency:reliability"]
    assert "3 of 4" in recency[0].finding.message
    ctx = {s.key: c for s, _, c in section_contexts(repo, default_ladder, draft_id)[1]}
    reliability = ctx["competency:reliability"]
    assert reliability.level == "mid" and reliability.next_level == "senior"
    assert reliability.expectation_levels == ("mid", "senior")
    assert reliability.calibration == "exceeds" and reliability.has_growth_point is False
    assert reliability.window == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert reliability.person == PERSON


def test_promotion_claim_without_next_level_evidence(
    repo: Repository, default_ladder: Ladder
) -> None:
    draft_id, _ = _world(repo)
    section = repo.section(draft_id, "competency:delivery")
    note = repo.list_notes(PERSON)[0].id
    repo.record_section_text(
        section.id,
        f"She shipped the exporter [{note}; delivery.mid.delivers-features-independently]. "
        "She is ready for senior.",
        actor="human",
        counts_as_edit=True,
    )
    found = draft_findings(repo, default_ladder, draft_id)
    calibration = [f for f in found if f.finding.category == "calibration"]
    assert [(f.key, f.finding.text) for f in calibration] == [
        ("competency:delivery", "ready for senior")
    ]
    # The edited text is the one checked: the old "cites nothing" finding is gone.
    assert _by(found, "competency:delivery", "unsupported") == []
    current = repo.section(draft_id, "competency:delivery").human_text
    f = calibration[0].finding
    assert current[f.start : f.end] == "ready for senior"


def test_below_without_growth_point(repo: Repository, default_ladder: Ladder) -> None:
    draft_id, _ = _world(repo, rating="below", growth=False)
    found = draft_findings(repo, default_ladder, draft_id)
    rules = {(f.key, f.finding.rule) for f in found}
    assert ("competency:reliability", "calibration.below-without-growth") in rules


def test_reads_the_cited_notes_only(
    repo: Repository, default_ladder: Ladder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export of a person with 100,000 notes read them all for its findings (316 MB):
    the findings read the notes the sections cite, and the note authors' names."""
    draft_id, text = _world(repo)
    peer = repo.add_note(
        PERSON, ParsedNote(text="Uncited peer note."), author_kind=AuthorKind.PEER,
        author_name="Tomás Ruiz",
    )  # fmt: skip
    section = repo.section(draft_id, "competency:reliability")
    first = citations.cited_ids(text)[0][0]
    edited = f"{text}\n- Tomás Ruiz reviewed the Airflow move [{first}]."
    repo.record_section_text(section.id, edited, actor="human", counts_as_edit=True)
    read: list[list[str]] = []
    original = Repository.notes_by_ids

    def by_ids(self: Repository, note_ids: Any) -> Any:
        read.append(list(note_ids))
        return original(self, note_ids)

    def everything(self: Repository, person: str, **kw: Any) -> Any:
        raise AssertionError("the findings read all of a person's notes")

    monkeypatch.setattr(Repository, "notes_by_ids", by_ids)
    monkeypatch.setattr(Repository, "list_notes", everything)
    found = draft_findings(repo, default_ladder, draft_id)
    assert len(read) == 1 and peer.id not in read[0] and len(read[0]) == 4
    # The uncited peer's name is still no claim to check against the notes.
    assert _by(found, "competency:reliability", "unsupported") == ["3"]


def test_offline_draft_headings_are_not_growth_points(tmp_path: Path) -> None:
    from feedback_writer.drafting.service import create_draft
    from tests.unit.drafting.drafting_fakes import PERSON as ALEX
    from tests.unit.drafting.drafting_fakes import build_world

    world = build_world(tmp_path)
    record = create_draft(world.ctx, ALEX, level="mid", target="senior")
    found = draft_findings(world.ctx.repo, world.ctx.ladder, record.id)
    assert not [f for f in found if f.finding.text.startswith("**")]
    # The rendered dates and citations are never "unsupported".
    assert not [f for f in found if f.finding.category == "unsupported" and "-" in f.finding.text]
    world.ctx.repo.close()


@pytest.mark.parametrize(
    "text",
    [
        "Did it [n1; a.mid.b] and [n2, n3] then n4 and c.senior.d [e.staff.f].",
        "No citation here.",
        "[n12;reliability.mid.improves-runbooks;] tail",
    ],
)
def test_citation_grammar_matches_review(text: str) -> None:
    notes, _ = cited(text)
    assert notes == citations.cited_ids(text)[0]
    assert len(mask_citations(text)) == len(text)
    assert citations.parse_citations(mask_citations(text)) == []


def test_followup_for_notes() -> None:
    class N:
        def __init__(self, id: str, text: str) -> None:
            self.id, self.text = id, text

    notes = [N("n1", "Great job this year"), N("n2", "In the March outage she rolled back "
             "the config, which cut the outage to 10 minutes.")]  # fmt: skip
    assert list(followup_for_notes(notes)) == ["n1"]
