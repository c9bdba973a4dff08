"""Provides the notes commands' shared pieces: the --date-order option, the undated-notes
warning, and the file that keeps a typed note the workspace was too busy to store."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from feedback_writer.notes.model import ParsedNote, UndatedNote

date_order_option = click.option(
    "--date-order",
    type=click.Choice(["MDY", "DMY"], case_sensitive=False),
    callback=lambda ctx, param, value: value.upper() if value else None,
    help="Read 03/04/2026 as month first (MDY) or day first (DMY); without it an "
    "ambiguous date leaves the note undated (listed on stderr).",
)


def warn_undated(undated: Sequence[UndatedNote]) -> None:
    """Say on stderr which notes were left undated, one ``FILE:LINE: why`` each."""
    for item in undated:
        click.echo(f"warning: {item}", err=True)
    if undated:
        click.echo(
            f"warning: {len(undated)} note(s) left undated: they stay out of dated windows "
            "(draft --include-undated takes them in); --date-order MDY|DMY reads 03/04 dates",
            err=True,
        )


UNSAVED_NOTES = "unsaved-notes.txt"
"""The file in the workspace that keeps a typed note the workspace was too busy to store."""


def keep_unsaved(workspace: Path, person: str, note: ParsedNote) -> Path:
    """Append ``note`` to the workspace's :data:`UNSAVED_NOTES` (Markdown the importer
    reads back: one bullet, its date in front) and return the file's path."""
    path = workspace / UNSAVED_NOTES
    workspace.mkdir(parents=True, exist_ok=True, mode=0o700)
    when = f"{note.date.isoformat()}: " if note.date else ""
    body = note.text.replace("\n", "\n  ")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        out.write(f"## not yet saved for {person}\n\n")
        out.write(f"- {when}{body}\n\n")
    return path
