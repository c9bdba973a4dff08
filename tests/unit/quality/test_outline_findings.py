"""The offline outline's own bookkeeping is no claim: counts of notes are not checked
against the notes, "positive"/"negative" in a count are no trait, a name ending a sentence
does not act, and ladder text quoted beside its id is not unsupported."""

from __future__ import annotations

from feedback_writer.context import AppContext
from feedback_writer.quality import CheckContext, CitedNote, check_text

NOTES = (CitedNote("n1", "Cut deploys from 40 to 12 minutes."),)
CTX = CheckContext(notes=NOTES, person="Alex Example", known_terms=("Mid",))


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.category, f.text) for f in check_text(text, context=CTX)]


def test_counts_of_notes_are_no_claims() -> None:
    for text in (
        "Outline of Alex's evidence against Mid: 14 of 15 notes map to the ladder; "
        "3 peer note(s) summarised apart.",
        "Calibration: meets. Evidence at mid (2 note(s) positive, 0 negative).",
        "Insufficient evidence. Fewer than 2 notes carry evidence (1 note(s) positive, 0 "
        "negative).",
        "Below. More negative than positive evidence (1 note(s) positive, 2 negative).",
        "Exceeds. Evidence for 2 expectations above mid and none negative (3 note(s) "
        "positive, 0 negative).",
        "Unconfirmed: 16 note(s) rest on matcher suggestions nobody confirmed.",
    ):
        assert _found(text) == [], text


def test_the_same_words_outside_a_count_are_still_checked() -> None:
    assert ("unsupported", "14") in _found("He cut deploys to 14 minutes [n1].")
    assert ("trait", "negative") in _found("He is negative in every planning meeting.")
    assert ("unsupported", "9") in _found("He fixed 9 of 15 flaky tests [n1].")


def test_a_name_ending_a_sentence_does_not_act() -> None:
    text = (
        "Rewrite every section in your own words. No evidence yet: Communication. "
        "Unconfirmed: 2 note(s) rest on suggestions."
    )
    assert [f for f in check_text(text) if f.category == "person"] == []
    mixed = check_text("You led the review well. Ravi shipped the fix.")
    assert [f.text for f in mixed if f.category == "person"] == ["Ravi"]


def test_the_demo_outline_has_no_silly_findings() -> None:
    from feedback_writer.cli.demo_cmd import setup_demo
    from feedback_writer.quality.draft import draft_findings

    ctx = AppContext()
    draft_id = setup_demo(ctx)
    found = draft_findings(ctx.repo, ctx.ladder, draft_id)
    silly = [
        (f.key, f.finding.category, f.finding.text)
        for f in found
        if f.finding.category in {"unsupported", "trait", "person", "gendered", "hype", "vague"}
    ]
    assert silly == []
    # What is left is real: a growth point with no next step, in a competency section.
    assert {f.finding.category for f in found} <= {"no-next-step"}
    assert all(f.key.startswith("competency:") for f in found)
    ctx.repo.close()


def test_ladder_text_quoted_beside_its_id_is_no_claim() -> None:
    from feedback_writer.notes.model import ParsedNote
    from feedback_writer.quality.draft import draft_findings

    ctx = AppContext()
    repo, ladder = ctx.repo, ctx.ladder
    exp = next(e for e in ladder.expectations if "AI-assisted" in e.text)
    repo.ensure_person("Alex")
    note = repo.add_note("Alex", ParsedNote(text="Cut deploys from 40 to 12 minutes."))
    record = repo.save_draft(
        "Alex", mode="manager", drafter="t", model=None, template_hash=None,
        ladder_name=ladder.name, ladder_version=ladder.version,
        content={"current_level": "mid", "competencies": []},
        sections=[("competency:x", "X", f"- Cut deploys to 12 minutes [{note.id}]\n"
                                        f"- For Senior: {exp.text} [{exp.id}]")],
    )  # fmt: skip
    assert [f.finding.text for f in draft_findings(repo, ladder, record.id)] == []
    repo.close()
