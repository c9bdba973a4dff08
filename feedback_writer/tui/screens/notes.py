"""Provides the Notes screen: list, add, edit (autosaved), delete with undo, import a file
or propose notes from a git repository (keep/drop them: :mod:`.notes_git`).

There is no save key. The editor is an :class:`AutosaveEditor` (half a second after the
last keystroke, every two seconds while typing goes on, at once on leaving; a failed save
is retried, never dropped); each loaded note gets a save function bound to that note
(``Repository.add_note``/``update_note``). Imports parse and store in a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from feedback_writer.errors import FeedbackWriterError
from feedback_writer.notes.model import Note, ParsedNote
from feedback_writer.storage.records import MappingRecord
from feedback_writer.tui.dialogs.file_picker import FilePickerDialog, GitRequest, ImportRequest
from feedback_writer.tui.messages import EditorSaved, EditorSaveFailed, NotesImported
from feedback_writer.tui.screens.notes_git import BINDINGS as PROPOSED_BINDINGS
from feedback_writer.tui.screens.notes_git import ProposedNotesScreen
from feedback_writer.tui.screens.notes_rows import (
    NO_NOTES,
    NO_PROPOSED,
    NoteTarget,
    cells,
    leading_date_of,
    who,
)
from feedback_writer.tui.widgets.autosave import AutosaveEditor
from feedback_writer.tui.widgets.virtual_table import VirtualTable


class NotesScreen(ProposedNotesScreen):
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
        *PROPOSED_BINDINGS,
    ]
    DEFAULT_CSS = """
    NotesScreen #notes-table { width: 1fr; }
    NotesScreen #editor { width: 40; border-left: vkey $panel; padding: 0 1; }
    NotesScreen #note-date { margin-bottom: 0; }
    NotesScreen #note-text { height: 1fr; }
    NotesScreen #note-followup { color: $warning; height: auto; max-height: 4; }
    NotesScreen #note-head, NotesScreen #save-status { color: $text-muted; height: 1; }
    NotesScreen #empty { padding: 1 2; color: $text-muted; }
    """

    READ_IN_WORKER_FROM = 500
    """From this many notes on, they are read in a worker thread, not on the UI thread."""

    FILL_AT_ONCE = 1000
    """Up to this many notes are read at once; more open with a first page while the rest
    is read (the table itself shows any number at once: it renders only the rows in view)."""
    FIRST_PAGE = 200
    """Rows a long table opens with."""

    def __init__(self) -> None:
        super().__init__()
        self._notes: list[Note] = []
        self._target = NoteTarget(None, "")
        self._undo: list[tuple[Note, list[MappingRecord]]] = []
        self._loading = False

    @property
    def _current(self) -> str | None:
        """The id of the note in the editor; None: a new note."""
        return self._target.note_id

    @property
    def _editor(self) -> AutosaveEditor:
        return self.query_one("#note-text", AutosaveEditor)

    def body(self) -> Iterable[Widget]:
        table = VirtualTable("Id", "Date", "Note", "Source", id="notes-table")
        yield Horizontal(
            Vertical(
                table,
                Static(NO_NOTES, id="empty"),
            ),
            Vertical(
                Label("new note", id="note-head"),
                Input(placeholder="date YYYY-MM-DD (optional)", id="note-date"),
                AutosaveEditor(id="note-text"),
                Static("", id="note-followup", markup=False),
                Label("", id="save-status"),
                id="editor",
            ),
        )

    def on_mount(self) -> None:
        # No reload here: the screen's first resume reads the notes (once, in a worker).
        self.query_one(VirtualTable).focus()

    # --- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read the notes (many: in a worker thread) and fill the table once."""
        if self.person is None:
            return
        self._editor.flush()
        count = self.repo.count_notes(self.person)
        if count < self.READ_IN_WORKER_FROM:
            self._show_notes(self.person, self.repo.list_notes(self.person))
        else:
            # A long list opening empty shows its first page while the rest is read.
            first_page = count > self.FILL_AT_ONCE and not self._notes
            self._read_notes(self.person, first_page)

    @work(thread=True, exclusive=True, group="notes-read", exit_on_error=False)
    def _read_notes(self, person: str, first_page: bool = False) -> None:
        try:
            if first_page:
                first = self.repo.list_notes(person, limit=self.FIRST_PAGE)
                self.app.call_from_thread(self._show_first_page, person, first)
            notes = self.repo.list_notes(person)
        except Exception as exc:
            self.fail("Reading the notes", exc)
            return
        self.app.call_from_thread(self._show_notes, person, notes)

    def _show_first_page(self, person: str, notes: list[Note]) -> None:
        """The first notes of a long list, shown while the whole list is read."""
        shown = self.shown_notes(notes)
        if person != self.person or not self.is_attached or self._notes or not shown:
            return
        table = self.query_one(VirtualTable)
        table.set_rows([cells(n) for n in shown], [n.id for n in shown])
        self._notes = shown
        self.query_one("#empty", Static).display = False
        table.display = True
        self._load(shown[0])

    def _show_notes(self, person: str, notes: list[Note]) -> None:
        """Fill the table with ``notes`` (read off the UI thread) and place the cursor."""
        if person != self.person or not self.is_attached:
            return
        table = self.query_one(VirtualTable)
        row = table.cursor_row
        self._fill_table(notes)
        wanted = self._current or self._return_to
        if wanted is not None and any(n.id == wanted for n in self._notes):
            table.move_cursor(row=table.get_row_index(wanted))
            if wanted != self._current:
                self._load(self._notes[table.cursor_row])
        elif self._notes:
            table.move_cursor(row=max(0, min(row, len(self._notes) - 1)))
            self._load(self._notes[table.cursor_row])
        else:
            self._load(None)
        if self._notes:
            self._return_to = None
            if self._focus_table_when_shown:
                table.focus()
        self._focus_table_when_shown = False

    def _fill_table(self, notes: list[Note]) -> None:
        """Show ``notes`` (those the filter lets through), all at once."""
        table = self.query_one(VirtualTable)
        self._notes = self.shown_notes(notes)
        table.set_rows([cells(n) for n in self._notes], [n.id for n in self._notes])
        empty = self.query_one("#empty", Static)
        empty.update(NO_PROPOSED if self.proposed_only else NO_NOTES)
        empty.display = not self._notes
        table.display = bool(self._notes)

    def _load(self, note: Note | None) -> None:
        """Put ``note`` in the editor (None: an empty editor for a new note)."""
        self._loading = True
        head = "new note: type, it saves itself"
        if note is not None:
            author = who(note)
            head = f"{note.id} · {note.source_label}" + (f" · {author}" if author else "")
        target = NoteTarget(
            note.id if note else None, note.date.isoformat() if note and note.date else ""
        )
        # The editor saves what was typed before to the previous note, then switches.
        self._editor.load(note.text if note else "", lambda text: self._save(target, text))
        self._target = target
        self.query_one("#note-head", Label).update(head)
        self.query_one("#note-date", Input).value = target.date_raw
        self._status("")
        self._followup(note.text if note else "")
        self.call_after_refresh(self._done_loading)

    def _followup(self, text: str) -> None:
        """The follow-up question for a vague note, under the editor (none: hidden)."""
        from feedback_writer.quality import followup_question

        rules = self.ctx.settings.quality_rules_dir
        question = followup_question(text, rules) if text.strip() else None
        box = self.query_one("#note-followup", Static)
        box.update(f"? {question}" if question else "")
        box.display = question is not None

    def _done_loading(self) -> None:
        self._loading = False

    def _note_at_cursor(self) -> Note | None:
        table = self.query_one(VirtualTable)
        if not self._notes or table.cursor_row < 0:
            return None
        return self._notes[min(table.cursor_row, len(self._notes) - 1)]

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        note = self._note_at_cursor()
        if note is not None and note.id != self._current:
            self._load(note)

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.action_edit()

    # --- autosave ---------------------------------------------------------------------
    def on_text_area_changed(self) -> None:
        if self._editor.dirty and not self._editor.failing:
            self._status("editing…")

    def on_input_changed(self, event: Input.Changed) -> None:
        target = self._target
        if not self._loading and event.input.id == "note-date" and event.value != target.date_raw:
            target.date_raw = event.value
            self._editor.touch()

    def on_descendant_blur(self) -> None:
        self._editor.flush()

    def on_screen_suspend(self) -> None:
        self._editor.flush()

    def on_editor_saved(self, message: EditorSaved) -> None:
        _, date_ok = self._target.date()
        self._status("saved" if date_ok else "saved; the date must look like 2026-03-14")
        self._followup(self._editor.text)
        if self.is_attached and self.query("#notes-table"):
            self._refresh_row()

    def on_editor_save_failed(self, message: EditorSaveFailed) -> None:
        self._status(f"not saved yet ({message.error}); retrying…")

    def _status(self, text: str) -> None:
        if self.is_attached:
            for label in self.query("#save-status").results(Label):
                label.update(text)

    def _save(self, target: NoteTarget, text: str) -> None:
        """Store ``text`` in ``target``'s note (a new note on its first save). Raises on a
        failure: the editor keeps the text and retries."""
        if self.person is None:
            return
        date, _ = target.date()
        if not text.strip():
            self._status("empty notes are not saved (d deletes)")
            return
        if date is None and not target.date_raw.strip():
            date, text = leading_date_of(text)
        if target.note_id is None:
            note = self.repo.add_note(self.person, ParsedNote(text=text.strip(), date=date))
            target.note_id = note.id
            if target is self._target:
                for head in self.query("#note-head").results(Label):
                    head.update(f"{note.id} · typed")
        else:
            self.repo.update_note(target.note_id, text=text, date=date)

    def _refresh_row(self) -> None:
        """Show the saved note in the list without moving the editor's cursor: its row is
        updated in place; a new note re-reads the list."""
        keep = self._current
        if keep is None:
            return
        index = next((i for i, n in enumerate(self._notes) if n.id == keep), None)
        if index is None:
            self.reload()
            return
        note = self.repo.get_note(keep)
        self._notes[index] = note
        self.query_one(VirtualTable).update_row(keep, cells(note))

    # --- actions ----------------------------------------------------------------------
    def action_add(self) -> None:
        self._load(None)
        self._editor.focus()

    def action_edit(self) -> None:
        self._editor.focus()

    def action_leave_editor(self) -> None:
        self._editor.flush()
        self.query_one(VirtualTable).focus()

    def action_delete(self) -> None:
        note = self._note_at_cursor()
        if note is None:
            return
        self._editor.flush()
        try:
            self._undo.append(self.repo.delete_note(note.id))
        except FeedbackWriterError as exc:
            self.fw.show_error(exc)
            return
        self._target = NoteTarget(None, "")
        self.reload()
        self.notify(f"Deleted {note.id}. Press u to undo.", title="Note deleted")

    def _settle(self, ids: list[str], *, keep: bool) -> None:
        self._editor.flush()
        if not keep and self._current in ids:
            self._target = NoteTarget(None, "")  # dropped: the editor moves to another note
        super()._settle(ids, keep=keep)

    def action_undo(self) -> None:
        if not self._undo:
            self.notify("Nothing to undo.")
            return
        note, mappings = self._undo.pop()
        try:
            restored = self.repo.restore_note(note, mappings)
        except FeedbackWriterError as exc:
            self.fw.show_error(exc)
            return
        self._editor.flush()
        self._load(restored)  # the list, re-read, puts its cursor on it
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
        def picked(request: ImportRequest | GitRequest | None) -> None:
            if request is None or self.person is None:
                return
            self._status(f"importing {request.path.name}…")
            if isinstance(request, GitRequest):
                self.import_git(self.person, request.path)
            else:
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
        self.query_one(VirtualTable).focus()
        skipped = f", {message.skipped} already there" if message.skipped else ""
        self._status("")
        self.notify(
            f"{Path(message.path).name}: {message.added} note(s) imported{skipped}.", title="Import"
        )
