"""Provides ``feedback-writer tui`` and :func:`run_tui`, which opens the terminal UI.

Textual is imported inside :func:`run_tui` only, so ``feedback-writer --help`` and every
other command start without it.
"""

from __future__ import annotations

import click

from feedback_writer.cli._common import app, common_options
from feedback_writer.context import AppContext


def run_tui(ctx: AppContext, person: str | None = None) -> None:
    """Open the TUI on ``ctx``'s workspace (on ``person``'s notes when given)."""
    from feedback_writer.tui.app import make_app

    # Fail before the screen switches to the alternate buffer, as a plain CLI error.
    ctx.repo  # noqa: B018 - opening the workspace raises WorkspaceError if it cannot
    ctx.ladder  # noqa: B018 - a broken ladder file is a LadderError naming file and line
    make_app(ctx, person=person).run()


@click.command("tui")
@click.option("--person", "-p", help="Open on this person's notes.")
@common_options
@app
def tui(ctx: AppContext, person: str | None) -> None:
    """Open the terminal UI (the same as running feedback-writer with no command)."""
    run_tui(ctx, person=person)
