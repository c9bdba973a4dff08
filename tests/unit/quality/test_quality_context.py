"""The context checks (unsupported, calibration, recency) and the vague-note question."""

from __future__ import annotations

import datetime as dt

from feedback_writer.quality import CheckContext, CitedNote, check_text, followup_question


def _of(cat: str, text: str, ctx: CheckContext) -> list[str]:
    return [f.text for f in check_text(text, context=ctx) if f.category == cat]


def test_section_without_citations_is_unsupported() -> None:
    ctx = CheckContext(notes=())
    assert _of("unsupported", "She led the launch. It went well.", ctx) == [
        "She led the launch.",
        "It went well.",
    ]


def test_numbers_and_names_missing_from_notes() -> None:
    notes = (CitedNote("n1", "Cut the Atlas build from 40 to 12 minutes in March."),)
    ctx = CheckContext(notes=notes)
    text = "She cut the Atlas build from 40 to 9 minutes and moved Hermes to Kafka."
    assert _of("unsupported", text, ctx) == ["9", "Hermes", "Kafka"]


def test_no_context_no_context_checks() -> None:
    assert _of("unsupported", "She moved Hermes to Kafka in 2 days.", CheckContext()) == []


def test_promotion_claim_needs_next_level_evidence() -> None:
    text = "She is ready for senior."
    bad = CheckContext(level="mid", next_level="senior", expectation_levels=("mid",))
    good = CheckContext(level="mid", next_level="senior", expectation_levels=("mid", "senior"))
    assert _of("calibration", text, bad) == ["ready for senior"]
    assert _of("calibration", text, good) == []


def test_below_needs_a_growth_point_and_words_must_agree() -> None:
    assert _of(
        "calibration", "Solid work.", CheckContext(calibration="below", has_growth_point=False)
    )
    assert _of("calibration", "She exceeds expectations.", CheckContext(calibration="meets")) == [
        "exceeds"
    ]
    assert _of("calibration", "She meets expectations.", CheckContext(calibration="meets")) == []


def test_recency_reports_late_evidence_and_coverage() -> None:
    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    late = tuple(CitedNote(f"n{i}", "x", dt.date(2026, 11, 10 + i)) for i in range(3))
    found = [
        f
        for f in check_text("Text.", context=CheckContext(notes=late, window=window))
        if f.category == "recency"
    ]
    assert len(found) == 1
    assert "3 of 3" in found[0].message and "of 364 days" in found[0].message
    spread = (
        CitedNote("a", "x", dt.date(2026, 2, 1)),
        CitedNote("b", "x", dt.date(2026, 7, 1)),
        CitedNote("c", "x", dt.date(2026, 12, 1)),
    )
    assert _of("recency", "Text.", CheckContext(notes=spread, window=window)) == []


def test_followup_question_for_vague_notes() -> None:
    assert followup_question("Great job this year") is not None
    question = followup_question("Good attitude")
    assert question is not None and "result" in question
    assert (
        followup_question(
            "In the March outage she rolled back the config, which cut the outage to 10 minutes."
        )
        is None
    )
