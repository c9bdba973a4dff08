"""Pilot tests of the Notes screen's list at 1,200 notes (a :class:`VirtualTable`): the
cursor moves by row, page and to either end, the view follows it, the editor shows the
highlighted note, and the keys act on the highlighted row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Label

from feedback_writer.context import AppContext
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage.git_notes import GitNoteRow
from feedback_writer.tui.app import make_app
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from feedback_writer.tui.widgets.autosave import AutosaveEditor
from feedback_writer.tui.widgets.virtual_table import VirtualTable
from tests.helpers.tui import wait_for_workers

SIZE = (120, 30)
COUNT = 1200


def _many(ctx: AppContext) -> None:
    """Ana with COUNT dated notes, n1 oldest; n1201 (the newest) is proposed from git."""
    start = dt.date(2023, 1, 1)
    notes = [
        ParsedNote(text=f"worked on item {i}", date=start + dt.timedelta(days=i))
        for i in range(COUNT)
    ]
    ctx.repo.import_notes("Ana", notes)
    row = GitNoteRow("Add the retry queue", dt.date(2026, 6, 1), "git:api@0000001", "api",
                     ("1" * 40,))  # fmt: skip
    ctx.repo.import_git_notes("Ana", [row])


async def _open(pilot: Pilot[Any]) -> VirtualTable:
    await wait_for_workers(pilot)
    table = pilot.app.screen.query_one("#notes-table", VirtualTable)
    assert table.row_count == COUNT + 1
    assert pilot.app.focused is table
    return table


def _head(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#note-head", Label).render())


def _focused(pilot: Pilot[Any]) -> object:
    return pilot.app.focused


def _shown(table: VirtualTable) -> list[str]:
    """The ids on screen, top to bottom (the header line left out)."""
    lines = (table.render_line(y).text for y in range(1, table.size.height))
    return [line.split()[0] for line in lines if line.strip()]


async def test_the_cursor_moves_and_the_view_and_editor_follow(ctx: AppContext) -> None:
    _many(ctx)
    app = make_app(ctx, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        table = await _open(pilot)
        assert table.cursor_row == 0 and _head(pilot).startswith("n1 ·")
        await pilot.press("down", "down", "up")
        assert table.cursor_row == 1 and _head(pilot).startswith("n2 ·")
        page = table.size.height - 1
        await pilot.press("pagedown")
        assert table.cursor_row == 1 + page
        assert _head(pilot).startswith(f"n{2 + page} ·")
        assert f"n{2 + page}" in _shown(table)
        for _ in range(10):
            await pilot.press("pagedown")
        assert table.cursor_row == 1 + 11 * page
        # The view scrolled a page each time: the cursor stays on the second line.
        assert _shown(table)[1] == f"n{2 + 11 * page}"
        await pilot.press("end")
        assert table.cursor_row == COUNT and _shown(table)[-1] == "n1201"
        await pilot.press("pagedown", "down")
        assert table.cursor_row == COUNT  # stays on the last row
        await pilot.press("pageup")
        assert table.cursor_row == COUNT - page
        await pilot.press("home", "up")
        assert table.cursor_row == 0 and _shown(table)[0] == "n1"
        assert _head(pilot).startswith("n1 ·")


async def test_enter_and_a_click_on_the_highlighted_row_open_the_editor(ctx: AppContext) -> None:
    _many(ctx)
    app = make_app(ctx, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        table = await _open(pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, AutosaveEditor)
        await pilot.press("escape")
        assert _focused(pilot) is table
        await pilot.click(table, offset=(3, 4))  # the header, then rows 0..2: row 3
        assert table.cursor_row == 3 and _focused(pilot) is table
        assert _head(pilot).startswith("n4 ·")
        await pilot.click(table, offset=(3, 4))
        assert isinstance(_focused(pilot), AutosaveEditor)


async def test_the_keys_act_on_the_highlighted_row(ctx: AppContext) -> None:
    _many(ctx)
    app = make_app(ctx, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        table = await _open(pilot)
        await pilot.press("pagedown", "pagedown", "down")
        row = table.cursor_row
        note_id = table.get_row_at(row)[0]
        await pilot.press("x")
        await wait_for_workers(pilot)
        assert ctx.repo.get_note(note_id).excluded
        assert table.cursor_row == row and table.get_row_at(row)[2].endswith("(excluded)")
        await pilot.press("k")  # not a proposed note: nothing changes
        await pilot.press("end", "r")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # cancelled: still there
        assert ctx.repo.get_note("n1201").proposed
        await pilot.press("k")
        await wait_for_workers(pilot)
        assert not ctx.repo.get_note("n1201").proposed
        assert not table.get_row_at(COUNT)[2].endswith("(proposed)")
        await pilot.press("d")
        await wait_for_workers(pilot)
        assert table.row_count == COUNT
        assert "n1201" not in {table.get_row_at(i)[0] for i in range(COUNT - 3, COUNT)}
