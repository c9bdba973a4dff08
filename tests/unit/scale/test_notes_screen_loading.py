"""The Notes screen reads the notes once, off the UI thread, and shows them all at once (a
long list first shows a first page while the rest is read)."""

from __future__ import annotations

import threading

from feedback_writer.context import AppContext
from feedback_writer.notes.model import ParsedNote
from feedback_writer.tui.app import make_app
from feedback_writer.tui.screens.notes import NotesScreen
from feedback_writer.tui.widgets.virtual_table import VirtualTable
from tests.helpers.tui import wait_for_workers


async def test_the_notes_screen_fills_its_table_once_from_a_worker(monkeypatch):
    ctx = AppContext()
    ctx.repo.import_notes("Ana", [ParsedNote(text=f"note {i}") for i in range(300)])
    reads: list[bool] = []
    real_list = type(ctx.repo).list_notes

    def list_notes(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        reads.append(threading.current_thread() is threading.main_thread())
        return real_list(self, *args, **kwargs)

    fills: list[int] = []
    real_fill = NotesScreen._fill_table

    def fill(self, notes):  # type: ignore[no-untyped-def]
        fills.append(len(notes))
        real_fill(self, notes)

    monkeypatch.setattr(type(ctx.repo), "list_notes", list_notes)
    monkeypatch.setattr(NotesScreen, "_fill_table", fill)
    monkeypatch.setattr(NotesScreen, "READ_IN_WORKER_FROM", 100)
    app = make_app(ctx, person="Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_workers(pilot)
        await pilot.pause()
        assert app.screen.query_one(VirtualTable).row_count == 300
    ctx.repo.close()
    assert fills == [300]
    assert reads and not any(reads)  # never read on the UI (main) thread


async def test_a_long_list_opens_with_a_first_page_then_shows_every_note(monkeypatch):
    ctx = AppContext()
    ctx.repo.import_notes("Ana", [ParsedNote(text=f"note {i}") for i in range(300)])
    pages: list[int] = []
    real_first = NotesScreen._show_first_page

    def first_page(self, person, notes):  # type: ignore[no-untyped-def]
        pages.append(len(notes))
        real_first(self, person, notes)

    monkeypatch.setattr(NotesScreen, "_show_first_page", first_page)
    monkeypatch.setattr(NotesScreen, "READ_IN_WORKER_FROM", 100)
    monkeypatch.setattr(NotesScreen, "FILL_AT_ONCE", 50)
    monkeypatch.setattr(NotesScreen, "FIRST_PAGE", 20)
    app = make_app(ctx, person="Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_workers(pilot)
        await pilot.pause()
        table = app.screen.query_one(VirtualTable)
        assert table.row_count == 300
        assert [table.get_row_at(i)[0] for i in range(3)] == ["n1", "n2", "n3"]
        assert table.cursor_row == 0
    ctx.repo.close()
    assert pages == [20]
