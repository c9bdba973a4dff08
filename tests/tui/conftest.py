"""Fixtures for the TUI tests: no cursor blink, a seeded workspace, the app factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from textual.widgets import Input, TextArea

from feedback_writer.context import AppContext
from feedback_writer.notes.model import AuthorKind, ParsedNote

NOTES = [
    (
        "2026-01-12",
        "Led the incident review for the payments outage and wrote the postmortem "
        "with clear follow-up actions",
    ),
    ("2026-02-03", "Improved the on-call runbooks after the database failover drill"),
    ("2026-02-20", "Mentored two junior engineers through their first code reviews"),
    ("2026-03-05", "Shipped the billing export behind a feature flag, on time, with tests"),
]


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes screenshots depend on timing; keep it steady."""
    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.cursor_blink, "_default", False)


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    """An app context on the test's own workspace (FEEDBACK_WRITER_HOME from tests/conftest)."""
    context = AppContext()
    yield context
    if "repo" in context.__dict__:
        context.repo.close()


def seed(ctx: AppContext, *, peer: bool = False) -> None:
    """Ana, mid aiming at senior, with four dated notes (and a peer note when asked)."""
    ctx.repo.update_person("Ana", current_level="mid", target_level="senior")
    ctx.repo.update_person("Bo", current_level="junior")
    for day, text in NOTES:
        ctx.repo.add_note("Ana", ParsedNote(text=text, date=dt.date.fromisoformat(day)))
    if peer:
        ctx.repo.add_note(
            "Ana",
            ParsedNote(
                text="Ana explained the outage timeline clearly to our team",
                date=dt.date(2026, 1, 20),
            ),
            author_kind=AuthorKind.PEER,
            author_name="Chris",
        )


@pytest.fixture
def seeded(ctx: AppContext) -> AppContext:
    seed(ctx)
    return ctx


def confirm_evidence(ctx: AppContext, person: str = "Ana") -> None:
    """Offline suggestions for ``person``, the best one per note accepted: drafts rest on
    confirmed evidence."""
    from feedback_writer.mapping import service

    service.suggest(ctx.repo, ctx.ladder, person)
    seen: set[str] = set()
    for m in ctx.repo.mappings_for_person(person):
        if m.note_id not in seen:
            seen.add(m.note_id)
            service.accept(ctx.repo, ctx.ladder, m.note_id, m.expectation_id)


@pytest.fixture
def confirmed(seeded: AppContext) -> AppContext:
    """``seeded`` with one confirmed mapping per note, so the Draft screen can draft."""
    confirm_evidence(seeded)
    return seeded
