"""Fixtures for the snapshot tests: steady cursors, a fixed workspace, no toasts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from textual.widgets import Input, TextArea

from feedback_writer.context import AppContext
from feedback_writer.notes.model import AuthorKind, ParsedNote

NOTES = [
    ("2026-01-12", "Led the incident review for the payments outage and wrote the postmortem "
                   "with clear follow-up actions"),
    ("2026-02-03", "Improved the on-call runbooks after the database failover drill"),
    ("2026-02-20", "Mentored two junior engineers through their first code reviews"),
    ("2026-03-05", "Shipped the billing export behind a feature flag, on time, with tests"),
]


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.cursor_blink, "_default", False)


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    """Fixed data only: dated notes, ids n1..n5, no 'now' anywhere on screen."""
    context = AppContext()
    context.repo.update_person("Ana", current_level="mid", target_level="senior")
    context.repo.update_person("Bo", current_level="junior")
    for day, text in NOTES:
        context.repo.add_note("Ana", ParsedNote(text=text, date=dt.date.fromisoformat(day)))
    context.repo.add_note(
        "Ana",
        ParsedNote(text="Ana walked our team through the outage timeline, calmly and clearly",
                   date=dt.date(2026, 1, 20)),
        author_kind=AuthorKind.PEER,
        author_name="Chris",
    )
    yield context
    context.repo.close()
