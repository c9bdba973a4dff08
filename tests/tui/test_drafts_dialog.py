"""Pilot tests of the drafts dialog: list a person's drafts, open an older one; and the
question before a new draft names what stays in the old one."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Label, TextArea

from feedback_writer.context import AppContext
from feedback_writer.drafting.service import create_draft
from feedback_writer.review.sections import edit_section
from feedback_writer.tui.app import make_app
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from feedback_writer.tui.dialogs.drafts import DraftsDialog, draft_rows
from feedback_writer.tui.screens.draft import DraftScreen
from tests.helpers.tui import wait_for_workers

SIZE = (110, 32)
MINE = "In my own words: she led the payments incident review and the postmortem well."


def two_drafts(ctx: AppContext) -> tuple[int, int]:
    """An older draft with a human edit to its summary, then a newer untouched one."""
    older = create_draft(ctx, "Ana")
    edit_section(ctx.repo, older.id, "summary", MINE)
    newer = create_draft(ctx, "Ana")
    return older.id, newer.id


def test_rows_count_edited_sections(confirmed: AppContext) -> None:
    older, newer = two_drafts(confirmed)
    rows = draft_rows(confirmed, "Ana")
    assert [r.id for r in rows] == [newer, older]
    assert (rows[1].edited, rows[0].edited) == (1, 0)
    assert rows[1].by == "offline-outline" and rows[1].sections > 1


async def test_open_an_older_draft_from_the_dialog(confirmed: AppContext) -> None:
    older, newer = two_drafts(confirmed)
    app = make_app(confirmed, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await wait_for_workers(pilot)
        screen = app.screen
        assert isinstance(screen, DraftScreen) and screen.draft is not None
        assert screen.draft.id == newer
        await pilot.press("d")
        await wait_for_workers(pilot)
        dialog = app.screen
        assert isinstance(dialog, DraftsDialog)
        table: DataTable[Any] = dialog.query_one(DataTable)
        assert [r.value for r in table.rows] == [str(newer), str(older)]
        assert str(table.get_row(str(older))[3]) == f"1/{len(confirmed.repo.sections(older))}"
        assert table.cursor_row == 0  # on the draft shown
        await pilot.press("down", "enter")
        await wait_for_workers(pilot)
        assert app.screen is screen
        assert isinstance(screen, DraftScreen) and screen.draft is not None
        assert screen.draft.id == older
        sections: DataTable[Any] = screen.query_one("#sections", DataTable)
        keys = [r.value for r in sections.rows]
        assert keys == [s.key for s in confirmed.repo.sections(older)]
        assert "edited" in str(sections.get_row("summary")[0])
        assert screen.query_one("#section-text", TextArea).text == MINE
        status = screen.query_one("#draft-status", Label).render()
        assert f"draft {older} by offline-outline" in str(status)
        assert f"older draft (latest: {newer})" in str(status)


async def test_escape_keeps_the_draft_shown(confirmed: AppContext) -> None:
    _, newer = two_drafts(confirmed)
    app = make_app(confirmed, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await wait_for_workers(pilot)
        await pilot.press("d")
        await wait_for_workers(pilot)
        await pilot.press("down", "escape")
        await wait_for_workers(pilot)
        screen = app.screen
        assert isinstance(screen, DraftScreen) and screen.draft is not None
        assert screen.draft.id == newer


@pytest.mark.usefixtures("confirmed")
async def test_new_draft_question_names_what_the_old_draft_keeps(seeded: AppContext) -> None:
    older, _ = two_drafts(seeded)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await wait_for_workers(pilot)
        await pilot.press("d")
        await wait_for_workers(pilot)
        await pilot.press("down", "enter")
        await wait_for_workers(pilot)
        await pilot.press("g")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert f"Draft {older} keeps your edits to 1 section(s) (Summary)" in dialog.question
        assert "open it again with d" in dialog.question
        assert dialog.query_one(Label).size.height >= 2  # wrapped, not cut at the edge
        await pilot.press("y")
        await wait_for_workers(pilot)
        screen = app.screen
        assert isinstance(screen, DraftScreen) and screen.draft is not None
        assert screen.draft.id == seeded.repo.latest_draft("Ana").id  # the new one is shown
        assert seeded.repo.section(older, "summary").human_text == MINE
