"""Pilot tests of the autosave editor: steady typing is saved, a failed save is retried."""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import pytest

from feedback_writer.context import AppContext
from feedback_writer.tui.app import make_app
from feedback_writer.tui.debounce import MIN_DELAY, next_delay
from feedback_writer.tui.widgets.autosave import AutosaveEditor
from tests.helpers.tui import wait_for_autosave, wait_for_workers

SIZE = (100, 30)


def test_next_delay_is_capped_by_the_first_unsaved_change() -> None:
    assert next_delay(now=0.0, first=0.0, delay=0.5, max_wait=2.0) == 0.5
    assert next_delay(now=1.8, first=0.0, delay=0.5, max_wait=2.0) == pytest.approx(0.2)
    # Overdue: soon, but never a 0-second timer (Textual's timer divides by its interval
    # when it fires late, and a 0-second one then dies before it saves).
    assert next_delay(now=2.5, first=0.0, delay=0.5, max_wait=2.0) == MIN_DELAY


async def test_steady_typing_is_saved_within_two_seconds(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        note = seeded.repo.list_notes("Ana")[0]
        await pilot.press("enter")
        start = time.monotonic()
        first_saved: float | None = None
        for _ in range(30):  # a key every 0.1 s for about 3 s, never pausing
            await pilot.press("x")
            await pilot.pause(0.1)
            if first_saved is None and seeded.repo.get_note(note.id).text.startswith("x"):
                first_saved = time.monotonic()
        assert first_saved is not None, "nothing was saved during 3 s of steady typing"
        assert first_saved - start < 2.5  # 2 s ceiling, plus the pilot's own overhead
        await wait_for_autosave(pilot)
        assert seeded.repo.get_note(note.id).text.startswith("x" * 30)


async def test_a_failed_save_is_retried_and_stored(
    seeded: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = seeded.repo.update_note
    calls: list[str] = []

    def locked_once(note_id: str, **kw: Any) -> Any:
        calls.append(note_id)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real(note_id, **kw)

    monkeypatch.setattr(seeded.repo, "update_note", locked_once)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        note = seeded.repo.list_notes("Ana")[0]
        await pilot.press("enter", "A", "b")
        editor = app.screen.query_one("#note-text", AutosaveEditor)
        assert not editor.flush()  # the save meets the lock: kept, not dropped
        assert editor.pending and editor.failing
        assert not seeded.repo.get_note(note.id).text.startswith("Ab")
        await pilot.pause()
        assert any("database is locked" in n.message for n in app._notifications)
        assert "retrying" in str(app.screen.query_one("#save-status").render())
        await wait_for_autosave(pilot)  # the retry timer stores it
        assert seeded.repo.get_note(note.id).text.startswith("Ab")
        assert len(calls) == 2 and not editor.failing


async def test_a_failed_save_survives_opening_another_note(
    seeded: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = seeded.repo.update_note
    calls: list[str] = []

    def locked_once(note_id: str, **kw: Any) -> Any:
        calls.append(note_id)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real(note_id, **kw)

    monkeypatch.setattr(seeded.repo, "update_note", locked_once)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        first, second = seeded.repo.list_notes("Ana")[:2]
        await pilot.press("enter", "Z", "escape", "down")
        await wait_for_autosave(pilot)
        assert seeded.repo.get_note(first.id).text.startswith("Z")
        assert not seeded.repo.get_note(second.id).text.startswith("Z")


@pytest.mark.usefixtures("confirmed")
async def test_draft_section_typing_is_saved_and_the_evidence_loads(seeded: AppContext) -> None:
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4", "g")
        await wait_for_workers(pilot)
        draft = seeded.repo.latest_draft("Ana")
        # a real rewrite (select all, type over it): one added word is not an edit
        await pilot.press("enter", "f7", "M", "y", "space", "o", "w", "n", "space", "w", "o")
        await wait_for_autosave(pilot)
        assert seeded.repo.section(draft.id, "summary").human_text.startswith("My own wo")
        await wait_for_workers(pilot)
        head = str(app.screen.query_one("#section-head").render())
        assert "edited" in head and "saved" in head


async def test_text_still_unsaved_when_the_app_closes_goes_to_the_rescue_file(
    seeded: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from feedback_writer.storage.recovery import UNSAVED_TEXT
    from feedback_writer.tui.widgets import autosave

    def always_locked(note_id: str, **kw: Any) -> Any:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(seeded.repo, "update_note", always_locked)
    monkeypatch.setattr(autosave, "RETRY_SECONDS", (0.01, 0.01, 0.01, 0.01))
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", *"Kept after all")
        editor = app.screen.query_one("#note-text", AutosaveEditor)
        assert not editor.flush() and editor.pending
    rescue = seeded.workspace / UNSAVED_TEXT
    assert rescue.exists(), "the unsaved text was dropped when the app closed"
    assert "Kept after all" in rescue.read_text(encoding="utf-8")
    assert oct(rescue.stat().st_mode & 0o777) == "0o600"
