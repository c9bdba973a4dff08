"""Pilot tests of the whole flow: person, notes, evidence, draft offline, edit, export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static, TextArea

from feedback_writer.context import AppContext
from feedback_writer.tui.app import FeedbackWriterApp, make_app
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from tests.helpers.tui import wait_for_autosave, wait_for_workers

SIZE = (100, 30)


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages land."""
    await wait_for_workers(pilot)


async def type_keys(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


def notifications(app: FeedbackWriterApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_whole_flow_from_nothing_to_export(ctx: AppContext, tmp_path: Path) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        # People: a new person, their levels, then work on them.
        await pilot.press("n")
        await type_keys(pilot, "Ana")
        await pilot.press("enter")
        await pilot.pause()
        assert ctx.repo.get_person("Ana").mode == "manager"
        app.screen.query_one("#level", Select).value = "mid"
        app.screen.query_one("#target", Select).value = "senior"
        await pilot.pause()
        person = ctx.repo.get_person("Ana")
        assert (person.current_level, person.target_level) == ("mid", "senior")
        await pilot.press("enter")
        assert app.current_mode == "notes"

        # Notes: typed, saved without a save key.
        texts = [
            "Led the incident review for the payments outage and wrote the postmortem",
            "Improved the on-call runbooks after the failover drill",
            "Mentored two junior engineers through their first code reviews",
        ]
        for text in texts:
            await pilot.press("a")
            app.screen.query_one("#note-text", TextArea).insert(text)
            await wait_for_autosave(pilot)  # saved by the timer, not by leaving
            await pilot.press("escape")
        assert [n.text for n in ctx.repo.list_notes("Ana")] == texts

        # Evidence: suggestions appear on their own (offline); accept the first of each.
        await pilot.press("3")
        await settle(pilot)
        assert ctx.repo.mappings_for_person("Ana"), "the matcher suggested nothing"
        notes_table = app.screen.query_one("#ev-notes", DataTable)
        for row in range(len(texts)):
            notes_table.focus()
            notes_table.move_cursor(row=row)
            await pilot.pause()
            await pilot.press("tab")
            await pilot.press("a")
            await pilot.pause()
        accepted = [m for m in ctx.repo.mappings_for_person("Ana") if m.status == "accepted"]
        assert len({m.note_id for m in accepted}) == len(texts)

        # Draft offline.
        await pilot.press("4")
        await pilot.press("g")
        await settle(pilot)
        draft = ctx.repo.latest_draft("Ana")
        sections = ctx.repo.sections(draft.id)
        assert len(sections) >= 2

        # Export is refused while sections are untouched.
        await pilot.press("5")
        await pilot.pause()
        assert "Export refused" in str(app.screen.query_one("#gate", Static).render())
        target = tmp_path / "ana.md"
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("e")
        await settle(pilot)
        assert not target.exists()

        # Edit every section beside its evidence.
        await pilot.press("4")
        await pilot.pause()
        table = app.screen.query_one("#sections", DataTable)
        for row in range(len(sections)):
            table.focus()
            table.move_cursor(row=row)
            await pilot.pause()
            await pilot.press("enter")
            # A real rewrite: appending a word is not an edit (docs/authorship.md).
            await pilot.press("f7")  # select all, then type over it
            await type_keys(pilot, "Rewritten in my own words ")
            await pilot.press("escape")  # leaving the editor saves at once
            await pilot.pause()
        from feedback_writer.review.gate import gate_status

        assert gate_status(ctx.repo, draft.id).allowed

        # Export.
        await pilot.press("5")
        await settle(pilot)
        assert "Ready to export" in str(app.screen.query_one("#gate", Static).render())
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("e")
        await settle(pilot)
        written = target.read_text(encoding="utf-8")
        assert written.count("Rewritten in my own words") == len(sections)
        await pilot.press("c")
        assert app.clipboard == written


@pytest.mark.usefixtures("confirmed")
async def test_export_refused_names_the_untouched_section(
    seeded: AppContext, tmp_path: Path
) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("4", "g")
        await settle(pilot)
        draft = seeded.repo.latest_draft("Ana")
        sections = seeded.repo.sections(draft.id)
        table = app.screen.query_one("#sections", DataTable)
        for row in range(len(sections) - 1):  # all but the last
            table.focus()
            table.move_cursor(row=row)
            await pilot.pause()
            await pilot.press("enter")
            await pilot.press("f7")  # select all: a real rewrite
            await type_keys(pilot, "Mine is my rewrite ")
            await pilot.press("escape")
        await pilot.press("5")
        await pilot.pause()
        gate = str(app.screen.query_one("#gate", Static).render())
        assert "Export refused" in gate and "1 section(s)" in gate
        assert sections[-1].title in gate
        target = tmp_path / "out.md"
        app.screen.query_one("#path", Input).value = str(target)
        await pilot.press("e", "c")
        await settle(pilot)
        assert not target.exists()
        assert app.clipboard == ""
        assert any("not allowed yet" in m for m in notifications(app))


@pytest.mark.usefixtures("confirmed")
async def test_whitespace_only_edit_does_not_open_the_gate(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await settle(pilot)
        draft = seeded.repo.latest_draft("Ana")
        await pilot.press("enter")
        await pilot.press("space", "space", "escape")
        await pilot.pause()
        from feedback_writer.review.gate import gate_status

        status = gate_status(seeded.repo, draft.id)
        assert status.states["summary"] == "untouched"


async def test_note_delete_and_undo_keeps_mappings(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause()
        first = seeded.repo.list_notes("Ana")[0]
        maps_before = seeded.repo.mappings_for_note(first.id)
        await pilot.press("d")
        await pilot.pause()
        assert first.id not in [n.id for n in seeded.repo.list_notes("Ana")]
        await pilot.press("u")
        await pilot.pause()
        assert seeded.repo.get_note(first.id).text == first.text
        assert seeded.repo.mappings_for_note(first.id) == maps_before


async def test_edit_saves_after_half_a_second_and_on_leaving(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        note = seeded.repo.list_notes("Ana")[0]
        await pilot.press("enter")
        await type_keys(pilot, "Also ")
        await wait_for_autosave(pilot)
        assert seeded.repo.get_note(note.id).text.startswith("Also ")
        await type_keys(pilot, "then ")
        app.screen.query_one("#notes-table").focus()  # blur: saved before any timer fires
        await pilot.pause()
        assert seeded.repo.get_note(note.id).text.startswith("Also then ")


async def test_new_note_typed_then_screen_switched_is_kept(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await type_keys(pilot, "Quick note")
        await pilot.press("escape", "3")  # no pause: the debounce has not fired yet
        await pilot.pause()
        assert seeded.repo.list_notes("Ana")[-1].text == "Quick note"


async def test_import_through_the_file_picker(seeded: AppContext, tmp_path: Path) -> None:
    good = tmp_path / "more.md"
    good.write_text(
        "- 2026-03-10: Ran the quarterly planning for the team\n"
        "- Wrote the design doc for the new queue\n",
        encoding="utf-8",
    )
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(good)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        texts = [n.text for n in seeded.repo.list_notes("Ana")]
        assert "Wrote the design doc for the new queue" in texts
        assert any("2 note(s) imported" in m for m in notifications(app))


async def test_bad_file_is_a_notification_not_a_crash(seeded: AppContext, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"- caf\xe9 notes\n")
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        before = seeded.repo.count_notes("Ana")
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(bad)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert seeded.repo.count_notes("Ana") == before
        assert any("not UTF-8" in m and "bad.md:1" in m for m in notifications(app))


@pytest.mark.usefixtures("confirmed")
async def test_missing_key_tells_what_to_do(seeded: AppContext) -> None:
    seeded.set_flag("model", "gpt-4o-mini")  # no OPENAI_API_KEY in the test environment
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await settle(pilot)
        assert app.is_running
        messages = notifications(app)
        assert any("OPENAI_API_KEY" in m or "key" in m.lower() for m in messages), messages
        assert not any("Traceback" in m for m in messages)


@pytest.mark.usefixtures("confirmed")
async def test_escape_cancels_a_running_draft(seeded: AppContext, monkeypatch: Any) -> None:
    import threading

    from feedback_writer.drafting import service

    started = threading.Event()

    def slow_draft(ctx: AppContext, person: str, *, on_progress: Any = None, **_: Any) -> Any:
        started.set()
        for i in range(2000):  # a stream that would take 20 s
            on_progress(f"drafting: ~{i} tokens")
            threading.Event().wait(0.01)
        raise AssertionError("not cancelled")

    monkeypatch.setattr(service, "create_draft", slow_draft)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        status = app.screen.query_one("#draft-status")
        for _ in range(200):  # until the worker runs and its progress is on screen
            if started.is_set() and "tokens" in str(status.render()):
                break
            await pilot.pause(0.05)
        assert "Esc cancels" in str(status.render())
        await pilot.press("escape")
        await settle(pilot)
        assert not app.screen.generating  # type: ignore[attr-defined]
        assert any("cancelled" in m for m in notifications(app))
        from feedback_writer.errors import NotFoundError

        try:
            seeded.repo.latest_draft("Ana")
            raise AssertionError("a cancelled draft was stored")
        except NotFoundError:
            pass


async def test_person_required_before_other_screens(ctx: AppContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        assert app.current_mode == "people"
        await pilot.press("question_mark")
        from feedback_writer.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"


async def test_evidence_add_from_the_ladder_and_flip_polarity(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        note = seeded.repo.list_notes("Ana", include_excluded=False)[0]
        await pilot.press("plus")
        await pilot.pause()
        await type_keys(pilot, "delivery timelines")
        await pilot.press("enter")
        await pilot.pause()
        added = {m.expectation_id: m for m in seeded.repo.mappings_for_note(note.id)}
        exp_id = "delivery.senior.owns-delivery-timelines"
        assert added[exp_id].status == "accepted"
        await pilot.press("tab")
        maps = app.screen.query_one("#ev-maps", DataTable)
        maps.move_cursor(row=maps.get_row_index(exp_id))
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        flipped = {m.expectation_id: m for m in seeded.repo.mappings_for_note(note.id)}
        assert flipped[exp_id].polarity != added[exp_id].polarity


@pytest.mark.usefixtures("confirmed")
async def test_regenerate_one_section_makes_it_model_text_again(seeded: AppContext) -> None:
    from feedback_writer.review.gate import gate_status

    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await settle(pilot)
        draft = seeded.repo.latest_draft("Ana")
        await pilot.press("enter")
        await pilot.press("f7")  # select all: a real rewrite
        await type_keys(pilot, "Mine is my rewrite ")
        await pilot.press("escape")
        await pilot.pause()
        assert gate_status(seeded.repo, draft.id).states["summary"] == "edited"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # the edit would be thrown away: ask
        await pilot.press("y")
        await settle(pilot)
        assert seeded.repo.latest_draft("Ana").id == draft.id  # no new draft stored
        assert gate_status(seeded.repo, draft.id).states["summary"] == "untouched"
        summary = seeded.repo.section(draft.id, "summary")
        assert not summary.human_text.startswith("Mine ")


@pytest.mark.usefixtures("confirmed")
async def test_settings_preview_shows_the_prompt_for_the_person(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        preview = str(app.screen.query_one("#preview", Static).render())
        assert "── system ──" in preview and "── user ──" in preview
        assert "runbooks" in preview  # a note of Ana's, in the prompt


@pytest.mark.usefixtures("confirmed")
async def test_regenerate_an_edited_section_asks_and_no_keeps_the_text(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)  # nothing of the human's to lose
        draft = seeded.repo.latest_draft("Ana")
        await pilot.press("enter")
        await pilot.press("f7")  # select all: a real rewrite
        await type_keys(pilot, "Mine is my rewrite ")
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # the focus is on "no": a reflexive Enter keeps the text
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert seeded.repo.section(draft.id, "summary").human_text.startswith("Mine ")
        assert app.screen.query_one("#section-text", TextArea).text.startswith("Mine ")
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        assert seeded.repo.section(draft.id, "summary").human_text.startswith("Mine ")


@pytest.mark.usefixtures("confirmed")
async def test_generate_over_an_edited_draft_asks(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await settle(pilot)
        draft = seeded.repo.latest_draft("Ana")
        await pilot.press("enter")
        await pilot.press("f7")  # select all: a real rewrite
        await type_keys(pilot, "Mine is my rewrite ")
        await pilot.press("escape", "g")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert seeded.repo.latest_draft("Ana").id == draft.id  # no new draft
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert seeded.repo.latest_draft("Ana").id != draft.id
        assert seeded.repo.section(draft.id, "summary").human_text.startswith("Mine ")


@pytest.mark.usefixtures("confirmed")
async def test_a_review_save_while_the_section_is_open_is_a_shown_conflict(
    seeded: AppContext,
) -> None:
    from feedback_writer.review.sections import edit_section

    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await settle(pilot)
        draft = seeded.repo.latest_draft("Ana")
        await pilot.press("enter")
        await pilot.pause()
        # a `review` run saves newer text while the section is open in the TUI
        edit_section(seeded.repo, draft.id, "summary", "Saved by a review run meanwhile.")
        await pilot.press("f7")
        await type_keys(pilot, "Mine is my rewrite ")
        await pilot.press("escape")
        await settle(pilot)
        summary = seeded.repo.section(draft.id, "summary")
        assert summary.human_text == "Saved by a review run meanwhile."  # not overwritten
        kept = seeded.repo.section_versions(summary.id)[-1]
        assert kept.stale and kept.text.startswith("Mine is my rewrite")
        assert app.screen.query_one("#section-text", TextArea).text.startswith("Mine ")
        assert any("changed elsewhere" in m for m in notifications(app))
