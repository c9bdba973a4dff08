"""Provides the evidence and people CLI tests' fixtures: a workspace with a person's notes
mapped by the offline matcher, and a runner for the real command group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result

from feedback_writer.context import AppContext
from tests.unit.evidence_cli.evcli_data import NOTES, PERSON, Run


@pytest.fixture
def ctx() -> Iterator[AppContext]:
    context = AppContext()
    yield context
    if "repo" in context.__dict__:
        context.repo.close()


@pytest.fixture
def dana(ctx: AppContext) -> AppContext:
    """Dana (mid) with the five NOTES (n1..n5), suggestions stored by the offline matcher."""
    from feedback_writer.mapping import service
    from feedback_writer.notes.model import ParsedNote

    ctx.repo.update_person(PERSON, current_level="mid")
    for i, text in enumerate(NOTES):
        ctx.repo.add_note(PERSON, ParsedNote(text=text, date=dt.date(2026, 1, 1 + i)))
    service.suggest(ctx.repo, ctx.ladder, PERSON)
    return ctx


@pytest.fixture
def run() -> Run:
    from feedback_writer.cli import cli

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input)

    return invoke
