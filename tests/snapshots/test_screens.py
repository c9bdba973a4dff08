"""Snapshot tests of every screen at 100x30 and 80x24 (fixed data, offline drafts)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from feedback_writer.context import AppContext
from feedback_writer.tui.app import make_app
from tests.helpers.tui import wait_for_workers

SIZES = [(100, 30), (80, 24)]


async def _settle(pilot: Pilot[Any]) -> None:
    await wait_for_workers(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def _accept_top(ctx: AppContext) -> None:
    """Accept the best suggestion of every note, as a user confirming evidence would."""
    from feedback_writer.mapping import service

    service.suggest(ctx.repo, ctx.ladder, "Ana")
    seen: set[str] = set()
    for m in ctx.repo.mappings_for_person("Ana"):
        if m.note_id not in seen:
            seen.add(m.note_id)
            service.accept(ctx.repo, ctx.ladder, m.note_id, m.expectation_id)


def _draft(ctx: AppContext, edit: str = "none") -> None:
    from feedback_writer.drafting.service import create_draft
    from feedback_writer.review.sections import edit_section

    _accept_top(ctx)
    record = create_draft(ctx, "Ana")
    sections = ctx.repo.sections(record.id)
    chosen = sections if edit == "all" else sections[:1] if edit == "first" else []
    for s in chosen:
        # A real rewrite (docs/authorship.md): the banner goes, half the lines are mine.
        lines = [x for x in s.human_text.splitlines() if "offline-outline" not in x]
        mine = "In my words, reviewed and rewritten by me: " + "\n".join(lines[: len(lines) // 2])
        edit_section(ctx.repo, record.id, s.key, mine)


def _draft_with_findings(ctx: AppContext) -> None:
    """A draft whose summary a human rewrote with a trait word in it: findings to show."""
    from feedback_writer.review.sections import edit_section

    _draft(ctx)
    draft = ctx.repo.latest_draft("Ana")
    text = "Ana is abrasive in code reviews; next quarter she will ask questions first [n1]."
    edit_section(ctx.repo, draft.id, "summary", text)


def _keys(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run


CASES: dict[str, tuple[str | None, Callable[[AppContext], None], tuple[str, ...]]] = {
    # name: (person, setup, keys)
    "people": (None, lambda ctx: None, ()),
    "notes": ("Ana", lambda ctx: None, ()),
    "evidence": ("Ana", _accept_top, ("3",)),
    "coverage": ("Ana", _accept_top, ("3", "g")),
    "draft": ("Ana", lambda ctx: _draft(ctx, "first"), ("4",)),
    "draft-diff": ("Ana", lambda ctx: _draft(ctx, "first"), ("4", "v")),
    "draft-findings": ("Ana", _draft_with_findings, ("4",)),
    "export-refused": ("Ana", lambda ctx: _draft(ctx, "first"), ("5",)),
    "export-ready": ("Ana", lambda ctx: _draft(ctx, "all"), ("5",)),
    "settings": ("Ana", _accept_top, ("6",)),
    "help": ("Ana", lambda ctx: None, ("question_mark",)),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", list(CASES))
def test_screen(case: str, size: tuple[int, int], ctx: AppContext, snap_compare: Any) -> None:
    person, setup, keys = CASES[case]
    setup(ctx)
    app = make_app(ctx, person=person)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _keys(*keys)(pilot)
        # The focused table's cursor row is part of the picture: always the first row.
        focused = pilot.app.focused
        if isinstance(focused, DataTable) and case != "draft-diff":
            focused.move_cursor(row=0)
            await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
