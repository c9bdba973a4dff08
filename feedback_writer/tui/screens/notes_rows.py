"""Provides the Notes screen's pieces that hold no widget: a note's table cells and source
label, the empty-list texts, a typed "2026-01-12:" prefix read as the importer reads it, and
the note an editor is bound to (:class:`NoteTarget`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feedback_writer.notes.model import Note


def _first_line(text: str, width: int = 30) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def who(note: Note) -> str:
    if note.author_kind.value == "manager":
        return ""
    return note.author_kind.value + (f": {note.author_name}" if note.author_name else "")


def _source(note: Note) -> str:
    author = who(note)
    where = Path(note.source_label).name
    where = where if len(where) <= 16 else "…" + where[-15:]
    return (author + " · " if author else "") + where


NO_NOTES = (
    "No notes yet. [b]a[/b] adds one (type, it saves itself); [b]i[/b] imports a Markdown, "
    "text or JSONL file, or proposes notes from a git repository's folder."
)
NO_PROPOSED = "No proposed notes. [b]p[/b] shows all notes again."


def leading_date_of(text: str) -> tuple[dt.date | None, str]:
    """A "2026-01-12:" prefix read as the importer reads it: the date and the rest; a
    prefix that does not resolve to one day leaves the text as it is."""
    from feedback_writer.notes.dates import DateNotFound, leading_date

    try:
        found = leading_date(text.strip())
    except DateNotFound:
        return None, text
    if found is None or found.date is None or not found.rest.strip():
        return None, text
    return found.date, found.rest.strip()


def cells(note: Note) -> tuple[str, str, str, str]:
    """The table row of a note: id, date, first line, source."""
    return (
        note.id,
        note.date.isoformat() if note.date else "",
        _first_line(note.text)
        + (" (excluded)" if note.excluded else "")
        + (" (proposed)" if note.proposed else ""),
        _source(note),
    )


class NoteTarget:
    """The note in the editor (``note_id`` None: a new one, set by its first save) and its
    date as typed. A failed save retried later still goes to this note."""

    def __init__(self, note_id: str | None, date_raw: str) -> None:
        self.note_id = note_id
        self.date_raw = date_raw

    def date(self) -> tuple[dt.date | None, bool]:
        raw = self.date_raw.strip()
        if not raw:
            return None, True
        try:
            return dt.date.fromisoformat(raw), True
        except ValueError:
            return None, False
