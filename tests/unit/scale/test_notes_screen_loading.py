"""The Notes screen reads the notes once, off the UI thread, and fills its table once."""

from __future__ import annotations

import threading

from textual.widgets import DataTable

from feedback_writer.context import AppContext
from feedback_writer.notes.model import ParsedNote
from feedback_writer.tui.app import make_app
from feedback_writer.tui.screens.notes import NotesScreen
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
        assert app.screen.query_one(DataTable).row_count == 300
    ctx.repo.close()
    assert fills == [300]
    assert reads and not any(reads)  # never read on the UI (main) thread
