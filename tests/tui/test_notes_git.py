"""Pilot tests of proposed notes on the Notes screen: marker, filter, keep, drop, keep a
whole repository, and proposing notes from a git repository through the import dialog."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Label

from feedback_writer.context import AppContext
from feedback_writer.storage.git_notes import GitNoteRow
from feedback_writer.tui.app import make_app
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from feedback_writer.tui.widgets.virtual_table import VirtualTable
from tests.helpers.tui import wait_for_workers

SIZE = (120, 30)


def _propose(ctx: AppContext) -> list[str]:
    """Two proposed notes from 'api' and one from 'web' beside Ana's typed notes."""
    rows = [
        GitNoteRow("Add retry queue for the billing export", dt.date(2026, 3, 6), "", "api", ()),
        GitNoteRow("Stream the billing export (PR #12)", dt.date(2026, 3, 7), "", "api", ()),
        GitNoteRow("Ship the login page", dt.date(2026, 3, 8), "", "web", ()),
    ]
    rows = [
        GitNoteRow(r.text, r.date, f"git:{r.repo}@{i:07x}", r.repo, (f"{i:040x}",))
        for i, r in enumerate(rows, 1)
    ]
    return ctx.repo.import_git_notes("Ana", rows)


def _rows(app: Any) -> list[list[str]]:
    table = app.screen.query_one("#notes-table", VirtualTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _highlight(pilot: Pilot[Any], note_id: str) -> None:
    table = pilot.app.screen.query_one("#notes-table", VirtualTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(note_id))
    await pilot.pause()


async def test_proposed_notes_are_marked_and_filtered(seeded: AppContext) -> None:
    ids = _propose(seeded)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = _rows(app)
        assert len(rows) == 7
        marked = [r[0] for r in rows if r[2].endswith("(proposed)")]
        assert marked == ids
        shown = {
            k: b.binding.description
            for k, b in app.screen.active_bindings.items()
            if b.binding.show
        }
        assert {"p": "Proposed", "k": "Keep", "r": "Drop"}.items() <= shown.items()
        await pilot.press("p")
        await pilot.pause()
        assert [r[0] for r in _rows(app)] == ids
        await pilot.press("p")
        await pilot.pause()
        assert len(_rows(app)) == 7


async def test_keep_makes_a_note_count_and_drop_asks_first(seeded: AppContext) -> None:
    first, second, _ = _propose(seeded)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await _highlight(pilot, first)
        await pilot.press("k")
        await pilot.pause()
        assert not seeded.repo.get_note(first).proposed
        assert not [r for r in _rows(app) if r[0] == first and "(proposed)" in r[2]]
        await _highlight(pilot, second)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Drop " + second in app.screen.question
        await pilot.press("enter")  # the safe default: Cancel
        await pilot.pause()
        assert seeded.repo.get_note(second).proposed
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert second not in [n.id for n in seeded.repo.list_notes("Ana")]
        assert f"{2:040x}" in seeded.repo.known_git_shas("Ana")  # never proposed again
        await _highlight(pilot, "n1")
        await pilot.press("k")  # a typed note: nothing to keep
        await pilot.pause()
        assert any("not a proposed note" in n.message for n in app._notifications)


async def test_keep_all_from_a_repository_says_how_many(seeded: AppContext) -> None:
    first, second, web = _propose(seeded)
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await _highlight(pilot, second)
        await pilot.press("K")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Keep all 2 proposed note(s) from api?" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert not seeded.repo.get_note(first).proposed
        assert not seeded.repo.get_note(second).proposed
        assert seeded.repo.get_note(web).proposed


def _git(path: Path, *args: str, date: str = "2026-02-10T12:00:00+00:00") -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(path.parent),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ana",
        "GIT_AUTHOR_EMAIL": "ana@example.com",
        "GIT_COMMITTER_NAME": "Ana",
        "GIT_COMMITTER_EMAIL": "ana@example.com",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", "-C", str(path), *args], env=env, check=True, capture_output=True)


async def test_import_dialog_proposes_notes_from_a_git_folder(
    seeded: AppContext, tmp_path: Path
) -> None:
    repo = tmp_path / "api"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "ana@example.com")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "Add retry queue for the billing export")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "wip")
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(repo)
        app.screen.query_one("#path", Input).focus()
        await pilot.press("enter")
        await wait_for_workers(pilot)
        proposed = [n for n in seeded.repo.list_notes("Ana") if n.proposed]
        assert [n.text for n in proposed] == ["Add retry queue for the billing export"]
        assert [r[0] for r in _rows(app)] == [proposed[0].id]  # the list shows them
        assert any(
            "api: 1 note(s) proposed, 1 left out as noise" in n.message for n in app._notifications
        )


async def test_showing_all_notes_again_gives_back_the_cursor_and_the_focus(
    seeded: AppContext,
) -> None:
    """With no proposed note, ``p`` empties the list (the focus leaves it); ``p`` again shows
    every note with the same note highlighted and the list focused, so the next key moves it."""
    app = make_app(seeded, person="Ana")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#notes-table", VirtualTable)
        ids = [r[0] for r in _rows(app)]
        assert len(ids) == 4
        await _highlight(pilot, ids[2])
        await pilot.press("p")
        await pilot.pause()
        assert not table.display and app.focused is not table
        await pilot.press("p")
        await pilot.pause()
        assert table.display and app.focused is table
        assert table.cursor_row == 2
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 3
        head = str(app.screen.query_one("#note-head", Label).render())
        assert head.startswith(ids[3] + " ")
