"""Provides ``feedback-writer notes``: add, import, list and remove a person's notes."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path

import click

from feedback_writer.cli._common import app, common_options, person_option
from feedback_writer.context import AppContext
from feedback_writer.errors import NotesImportError, UsageError, WorkspaceBusy
from feedback_writer.notes.dates import DateOrder
from feedback_writer.notes.model import AuthorKind, ParsedNote, UndatedNote

_KINDS = click.Choice([k.value for k in AuthorKind])

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


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)") from None


@click.group()
def notes() -> None:
    """Collect notes about a person's work: type them, or import Markdown, text or JSONL
    files (each top-level bullet or paragraph is a note; '2026-03-14:' dates it)."""


@notes.command("add")
@person_option
@click.argument("text", nargs=-1, required=True)
@click.option("--date", callback=_date, help="When it happened (YYYY-MM-DD).")
@click.option("--author-kind", type=_KINDS, default="manager", show_default=True)
@click.option("--author", help="Who wrote it (for peer notes).")
@common_options
@app
def add(
    ctx: AppContext,
    person: str,
    text: tuple[str, ...],
    date: dt.date | None,
    author_kind: str,
    author: str | None,
) -> None:
    """Add one note: feedback-writer notes add -p Ana "Led the incident review"."""
    from feedback_writer.notes.textfile import bad_char

    body = " ".join(text).strip()
    if not body:
        raise UsageError("the note is empty")
    found = bad_char(body)
    if found is not None:
        raise UsageError(f"the note contains {found[1]}; remove it and retry")
    parsed = ParsedNote(text=body, date=date)
    try:
        note = ctx.repo.add_note(
            person, parsed, author_kind=AuthorKind(author_kind), author_name=author
        )
    except WorkspaceBusy as exc:
        try:
            kept = keep_unsaved(ctx.workspace, person, parsed)
        except OSError:
            raise WorkspaceBusy(
                f"{exc.message}\nthe note was not saved; here it is:\n{body}", hint=exc.hint
            ) from None
        raise WorkspaceBusy(
            f"{exc.message}\nyour note was not lost: it is kept in {kept}",
            hint=f'add it later with: feedback-writer notes import -p "{person}" "{kept}"',
        ) from None
    click.echo(f"added {note.id} for {person}")


@notes.command("import")
@person_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--author-kind",
    type=_KINDS,
    default="manager",
    show_default=True,
    help="Peer feedback: --author-kind peer --author NAME.",
)
@click.option("--author", help="Who wrote these notes.")
@date_order_option
@common_options
@app
def import_(
    ctx: AppContext,
    person: str,
    files: tuple[str, ...],
    author_kind: str,
    author: str | None,
    date_order: DateOrder | None,
) -> None:
    """Import notes files (.md, .txt, .jsonl). Each file lands whole or not at all;
    importing the same file again adds nothing. Notes whose date cannot be read are
    kept undated and listed on stderr (FILE:LINE)."""
    from feedback_writer.notes.parse import read_notes_file

    parsed: list[tuple[str, list[ParsedNote]]] = []
    undated: list[UndatedNote] = []
    problems: list[str] = []
    for path in files:
        try:
            read = read_notes_file(path, date_order=date_order)
        except NotesImportError as exc:
            problems += exc.problems
            continue
        parsed.append((path, read.notes))
        undated += read.undated
    if problems:
        raise NotesImportError(problems, hint="nothing was imported; fix the file and retry")
    warn_undated(undated)
    for path, items in parsed:
        result = ctx.repo.import_notes(
            person, items, author_kind=AuthorKind(author_kind), author_name=author
        )
        skipped = f", {result.skipped} already there" if result.skipped else ""
        click.echo(f"{path}: {result.added} note(s) imported for {person}{skipped}")


@notes.command("list")
@person_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@common_options
@app
def list_(ctx: AppContext, person: str, fmt: str) -> None:
    """List a person's notes, oldest first."""
    items = ctx.repo.list_notes(person)
    if fmt == "json":
        click.echo(json.dumps([n.model_dump(mode="json") for n in items], indent=2))
        return
    if not items:
        click.echo(f"no notes for {person} yet")
    for n in items:
        when = n.date.isoformat() if n.date else "          "
        flag = " (excluded)" if n.excluded else ""
        who = f" [{n.author_kind.value}{': ' + n.author_name if n.author_name else ''}]"
        first = n.text.splitlines()[0]
        click.echo(f"{n.id:>5}  {when}  {first}{who if n.author_kind != 'manager' else ''}{flag}")


@notes.command("rm")
@person_option
@click.argument("note_ids", nargs=-1, required=True)
@common_options
@app
def rm(ctx: AppContext, person: str, note_ids: tuple[str, ...]) -> None:
    """Remove notes by id (n12 ...)."""
    for note_id in note_ids:
        note = ctx.repo.get_note(note_id)
        if note.person != person:
            raise UsageError(f"{note_id} belongs to {note.person}, not {person}")
    for note_id in note_ids:
        ctx.repo.delete_note(note_id)
        click.echo(f"removed {note_id}")
