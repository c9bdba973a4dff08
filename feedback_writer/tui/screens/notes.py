"""Provides the Notes screen: list, add, edit (autosaved), delete with undo, import a file.

There is no save key. The editor saves half a second after the last keystroke and when it
loses focus or the screen is left, through ``Repository.add_note``/``update_note`` (a local
SQLite write of a few milliseconds, so it runs on the event loop and keeps the order of
edits simple). Imports parse and store in a worker thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label, Static, TextArea

from feedback_writer.errors import FeedbackWriterError
from feedback_writer.notes.model import Note, ParsedNote
from feedback_writer.storage.records import MappingRecord
from feedback_writer.tui.debounce import Debouncer
from feedback_writer.tui.dialogs.file_picker import FilePickerDialog, ImportRequest
from feedback_writer.tui.messages import NotesImported
from feedback_writer.tui.screens.base import MainScreen


def _first_line(text: str, width: int = 30) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _who(note: Note) -> str:
    if note.author_kind.value == "manager":
        return ""
    return note.author_kind.value + (f": {note.author_name}" if note.author_name else "")


def _source(note: Note) -> str:
    who = _who(note)
    where = Path(note.source_label).name
    where = where if len(where) <= 16 else "…" + where[-15:]
    return (who + " · " if who else "") + where


class NotesScreen(MainScreen):
    """A person's notes, oldest first, with an editor beside the list."""

    MODE = "notes"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add"),
        Binding("enter", "edit", "Edit", show=False),
        Binding("d", "delete", "Delete"),
        Binding("u", "undo", "Undo"),
        Binding("i", "import_file", "Import"),
        Binding("x", "toggle_excluded", "Exclude"),
        Binding("escape", "leave_editor", "List", show=False),
    ]
    DEFAULT_CSS = """
    NotesScreen #notes-table { width: 1fr; }
    NotesScreen #editor { width: 40; border-left: vkey $panel; padding: 0 1; }
    NotesScreen #note-date { margin-bottom: 0; }
    NotesScreen #note-text { height: 1fr; }
    NotesScreen #note-head, NotesScreen #save-status { color: $text-muted; height: 1; }
    NotesScreen #empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._notes: list[Note] = []
        self._current: str | None = None  # note id in the editor; None: a new note
        self._undo: list[tuple[Note, list[MappingRecord]]] = []
        self._loading = False
        self._saver = Debouncer(self, self._save)
        # What the editor holds, kept here so a save still works while the screen unmounts.
        self._text = ""
        self._date_raw = ""

    def body(self) -> Iterable[Widget]:
        table: DataTable[str] = DataTable(id="notes-table", cursor_type="row")
        table.add_columns("Id", "Date", "Note", "Source")
        yield Horizontal(
            Vertical(
                table,
                Static(
                    "No notes yet. [b]a[/b] adds one (type, it saves itself); "
                    "[b]i[/b] imports a Markdown, text or JSONL file.",
                    id="empty",
                ),
            ),
            Vertical(
                Label("new note", id="note-head"),
                Input(placeholder="date YYYY-MM-DD (optional)", id="note-date"),
                TextArea(id="note-text", soft_wrap=True, show_line_numbers=False),
                Label("", id="save-status"),
                id="editor",
            ),
        )

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    # --- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        if self.person is None:
            return
        self._saver.flush()
        table: DataTable[str] = self.query_one(DataTable)
        row = table.cursor_row
        self._fill_table()
        if self._current is not None and any(n.id == self._current for n in self._notes):
            table.move_cursor(row=table.get_row_index(self._current))
        elif self._notes:
            table.move_cursor(row=max(0, min(row, len(self._notes) - 1)))
            self._load(self._notes[table.cursor_row])
        else:
            self._load(None)

    def _fill_table(self) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        self._notes = self.repo.list_notes(self.person or "")
        table.clear()
        for n in self._notes:
            table.add_row(
                n.id,
                n.date.isoformat() if n.date else "",
                _first_line(n.text) + (" (excluded)" if n.excluded else ""),
                _source(n),
                key=n.id,
            )
        self.query_one("#empty").display = not self._notes
        table.display = bool(self._notes)

    def _load(self, note: Note | None) -> None:
        """Put ``note`` in the editor (None: an empty editor for a new note)."""
        self._saver.flush()
        self._loading = True
        self._current = note.id if note else None
        head = "new note: type, it saves itself"
        if note is not None:
            who = _who(note)
            head = f"{note.id} · {note.source_label}" + (f" · {who}" if who else "")
        self._text = note.text if note else ""
        self._date_raw = note.date.isoformat() if note and note.date else ""
        self.query_one("#note-head", Label).update(head)
        self.query_one("#note-date", Input).value = self._date_raw
        self.query_one("#note-text", TextArea).load_text(self._text)
        self._status("")
        self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def _note_at_cursor(self) -> Note | None:
        table: DataTable[str] = self.query_one(DataTable)
        if not self._notes or table.cursor_row < 0:
            return None
        return self._notes[min(table.cursor_row, len(self._notes) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        note = self._note_at_cursor()
        if note is not None and note.id != self._current:
            self._load(note)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    # --- autosave ---------------------------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Loading a note into the editor also sends Changed: only a different text is an edit.
        if not self._loading and event.text_area.text != self._text:
            self._text = event.text_area.text
            self._status("editing…")
            self._saver.poke()

    def on_input_changed(self, event: Input.Changed) -> None:
        if not self._loading and event.input.id == "note-date" and event.value != self._date_raw:
            self._date_raw = event.value
            self._saver.poke()

    def on_descendant_blur(self) -> None:
        self._saver.flush()

    def on_screen_suspend(self) -> None:
        self._saver.flush()

    def on_unmount(self) -> None:
        self._saver.flush()

    def _status(self, text: str) -> None:
        if self.is_attached:
            for label in self.query("#save-status").results(Label):
                label.update(text)

    def _date(self) -> tuple[dt.date | None, bool]:
        raw = self._date_raw.strip()
        if not raw:
            return None, True
        try:
            return dt.date.fromisoformat(raw), True
        except ValueError:
            return None, False

    def _save(self) -> None:
        if self.person is None:
            return
        text = self._text
        date, date_ok = self._date()
        if not text.strip():
            self._status("empty notes are not saved (d deletes)")
            return
        try:
            if self._current is None:
                note = self.repo.add_note(self.person, ParsedNote(text=text.strip(), date=date))
                self._current = note.id
                for head in self.query("#note-head").results(Label):
                    head.update(f"{note.id} · typed")
            else:
                self.repo.update_note(self._current, text=text, date=date)
        except FeedbackWriterError as exc:
            self.fw.show_error(exc)
            return
        self._status("saved" if date_ok else "saved; the date must look like 2026-03-14")
        if self.is_attached and self.query("#notes-table"):
            self._refresh_row()

    def _refresh_row(self) -> None:
        """Show the saved text in the list without moving the editor's cursor."""
        self._loading = True
        try:
            table: DataTable[str] = self.query_one(DataTable)
            keep = self._current
            self._fill_table()
            if keep is not None:
                table.move_cursor(row=table.get_row_index(keep))
        finally:
            self.call_after_refresh(self._done_loading)

    # --- actions ----------------------------------------------------------------------
    def action_add(self) -> None:
        self._load(None)
        self.query_one("#note-text", TextArea).focus()

    def action_edit(self) -> None:
        self.query_one("#note-text", TextArea).focus()

    def action_leave_editor(self) -> None:
        self._saver.flush()
        self.query_one(DataTable).focus()

    def action_delete(self) -> None:
        note = self._note_at_cursor()
        if note is None:
            return
        self._saver.flush()
        try:
            self._undo.append(self.repo.delete_note(note.id))
        except FeedbackWriterError as exc:
            self.fw.show_error(exc)
            return
        self._current = None
        self.reload()
        self.notify(f"Deleted {note.id}. Press u to undo.", title="Note deleted")

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo.")
            return
        note, mappings = self._undo.pop()
        try:
            self.repo.restore_note(note, mappings)
        except FeedbackWriterError as exc:
            self.fw.show_error(exc)
            return
        self._current = note.id
        self.reload()
        self.notify(f"Restored {note.id}.")

    def action_toggle_excluded(self) -> None:
        note = self._note_at_cursor()
        if note is None:
            return
        self.repo.set_note_excluded(note.id, not note.excluded)
        self.reload()
        state = "left out of drafts" if not note.excluded else "back in drafts"
        self.notify(f"{note.id} {state}.")

    def action_import_file(self) -> None:
        def picked(request: ImportRequest | None) -> None:
            if request is not None and self.person is not None:
                self._status(f"importing {request.path.name}…")
                self._import(self.person, request)

        self.app.push_screen(FilePickerDialog(Path.cwd()), picked)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, person: str, request: ImportRequest) -> None:
        from feedback_writer.notes.parse import parse_file

        try:
            parsed = parse_file(request.path)
            result = self.repo.import_notes(
                person, parsed, author_kind=request.author_kind, author_name=request.author_name
            )
        except Exception as exc:
            self.fail(f"Import of {request.path.name}", exc)
            return
        self.post_message(NotesImported(str(request.path), result.added, result.skipped))

    def on_notes_imported(self, message: NotesImported) -> None:
        self.reload()
        self.query_one(DataTable).focus()
        skipped = f", {message.skipped} already there" if message.skipped else ""
        self._status("")
        self.notify(
            f"{Path(message.path).name}: {message.added} note(s) imported{skipped}.", title="Import"
        )
