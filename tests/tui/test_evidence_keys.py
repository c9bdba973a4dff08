"""Pilot tests of the Evidence screen's keys: a key acts on the row the user sees highlighted.

The demo workspace: every note has five suggestions, none decided yet.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from feedback_writer.cli.demo_cmd import DEMO_PERSON, setup_demo
from feedback_writer.context import AppContext
from feedback_writer.storage.records import MappingRecord
from feedback_writer.tui.app import make_app
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from tests.helpers.tui import wait_for_workers

SIZE = (120, 40)


@pytest.fixture
def demo(ctx: AppContext) -> AppContext:
    setup_demo(ctx)
    return ctx


def _notes(ctx: AppContext) -> list[str]:
    return [n.id for n in ctx.repo.list_notes(DEMO_PERSON, include_excluded=False)]


def _suggestions(ctx: AppContext, note_id: str) -> list[MappingRecord]:
    maps = ctx.repo.mappings_for_note(note_id)
    return [m for m in maps if ctx.ladder.has_expectation(m.expectation_id)]


def _accepted(ctx: AppContext) -> set[tuple[str, str]]:
    return {
        (m.note_id, m.expectation_id)
        for m in ctx.repo.mappings_for_person(DEMO_PERSON)
        if m.status == "accepted"
    }


async def _open(pilot: Pilot[Any]) -> None:
    await pilot.press("3")
    await wait_for_workers(pilot)


def _focused_id(pilot: Pilot[Any]) -> str | None:
    focused = pilot.app.focused
    return focused.id if focused is not None else None


async def test_the_mis_click_accepts_the_second_notes_top_suggestion(demo: AppContext) -> None:
    """3, Enter, Down x3, shift+Tab, Down, a: the second note's TOP suggestion, not its fourth."""
    first, second = _notes(demo)[:2]
    assert len(_suggestions(demo, first)) >= 4 and len(_suggestions(demo, second)) >= 4
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("enter")
        assert _focused_id(pilot) == "ev-maps"
        await pilot.press("down", "down", "down")
        maps = app.screen.query_one("#ev-maps", DataTable)
        assert maps.cursor_row == 3
        await pilot.press("shift+tab")
        assert _focused_id(pilot) == "ev-notes"
        await pilot.press("down")
        await pilot.pause()
        assert maps.cursor_row == 0  # a new note's list starts on its top suggestion
        await pilot.press("a")
        await pilot.pause()
    top = _suggestions(demo, second)[0].expectation_id
    assert _accepted(demo) == {(second, top)}


async def test_keys_typed_in_a_burst_still_hit_the_highlighted_row(demo: AppContext) -> None:
    """The same keys arriving at once (a fast typist, tmux send-keys): each one is handled
    with the focus the keys before it left, so `a` still accepts the second note's top."""
    second = _notes(demo)[1]
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        keys = ["enter", "down", "down", "down", "shift+tab", "down", "a"]
        for key in keys:  # posted without waiting, unlike pilot.press
            app.post_message(events.Key(key, "a" if key == "a" else None))
        await wait_for_workers(pilot)
        await pilot.pause()
    assert _accepted(demo) == {(second, _suggestions(demo, second)[0].expectation_id)}


async def test_tab_and_shift_tab_switch_between_the_lists(demo: AppContext) -> None:
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        assert _focused_id(pilot) == "ev-notes"
        await pilot.press("tab")
        assert _focused_id(pilot) == "ev-maps"
        await pilot.press("tab")
        assert _focused_id(pilot) == "ev-notes"
        await pilot.press("shift+tab")
        assert _focused_id(pilot) == "ev-maps"
        await pilot.press("shift+tab")
        assert _focused_id(pilot) == "ev-notes"


async def test_the_footer_names_what_a_accepts(demo: AppContext) -> None:
    first = _notes(demo)[0]
    ids = [m.expectation_id for m in _suggestions(demo, first)]
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)

        def label() -> str:
            return app.screen.active_bindings["a"].binding.description

        assert label() == f"accept: {ids[0]}"
        await pilot.press("tab", "down")
        await pilot.pause()
        assert label() == f"accept: {ids[1]}"
        await pilot.press("a")
        await pilot.pause()
    assert _accepted(demo) == {(first, ids[1])}


async def test_t_flips_polarity_and_accepts_nothing(demo: AppContext) -> None:
    first = _notes(demo)[0]
    top = _suggestions(demo, first)[0]
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("tab", "t")
        await pilot.pause()
        flipped = _suggestions(demo, first)[0]
        assert flipped.expectation_id == top.expectation_id
        assert flipped.polarity != top.polarity
        assert flipped.status == "suggested"
        assert _accepted(demo) == set()
        await pilot.press("t")
        await pilot.pause()
    again = _suggestions(demo, first)[0]
    assert (again.polarity, again.status) == (top.polarity, "suggested")


async def test_plus_selects_the_row_it_added(demo: AppContext) -> None:
    first = _notes(demo)[0]
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("plus")
        await pilot.pause()
        box = app.screen.query_one(Input)
        box.value = "mentors"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        added = [m for m in _suggestions(demo, first) if m.source == "user"]
        assert len(added) == 1
        screen: Any = app.screen
        assert _focused_id(pilot) == "ev-maps"
        assert screen._mapping().expectation_id == added[0].expectation_id
        assert app.screen.active_bindings["a"].binding.description.endswith(added[0].expectation_id)


async def test_bulk_accept_asks_first_and_lists_what_it_accepts(demo: AppContext) -> None:
    app = make_app(demo, person=DEMO_PERSON)
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot)
        await pilot.press("A")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "high-confidence" in dialog.question
        await pilot.press("n")
        await pilot.pause()
        assert _accepted(demo) == set()
        await pilot.press("A")
        await pilot.pause()
        listed = app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        await wait_for_workers(pilot)
    accepted = _accepted(demo)
    assert accepted
    for note_id, expectation_id in accepted:
        assert _suggestions(demo, note_id)[0].expectation_id == expectation_id
        assert f"{note_id} {expectation_id}" in listed
