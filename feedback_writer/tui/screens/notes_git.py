"""Provides the Notes screen's handling of notes proposed from git history.

Notes imported from a git repository come in *proposed*: the list marks them, drafts
ignore them until kept. :class:`ProposedNotesScreen` is the base of the Notes screen and
adds its keys: ``p`` shows proposed notes only (again: all), ``k`` keeps the highlighted
note, ``r`` drops it (after a confirmation: dropped notes are deleted and never imported
again), ``K`` keeps every proposed note of the highlighted note's repository (after a
confirmation that says how many). A git import runs in a worker with the CLI's defaults
(author: the repository's ``git config user.email``; window: the person's current cycle;
the shipped noise list plus the company's ``git_noise.txt``).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.binding import Binding, BindingType
from textual.message import Message

from feedback_writer.errors import FeedbackWriterError, UsageError
from feedback_writer.notes.model import Note
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from feedback_writer.tui.screens.base import MainScreen
from feedback_writer.tui.widgets.virtual_table import VirtualTable


def repo_of(note: Note) -> str | None:
    """The repository name of a note imported from git (its source is ``git:NAME@sha``)."""
    if not note.source.startswith("git:"):
        return None
    return note.source.removeprefix("git:").rpartition("@")[0] or None


class GitNotesImported(Message):
    """A git import finished: per repository, what was proposed (or why it was skipped)."""

    def __init__(self, lines: list[str], added: int) -> None:
        super().__init__()
        self.lines = lines
        self.added = added


BINDINGS: list[BindingType] = [
    Binding("p", "toggle_proposed", "Proposed"),
    Binding("k", "keep", "Keep"),
    Binding("r", "drop", "Drop"),
    Binding("K", "keep_repository", "Keep repo", show=False),
]
"""The Notes screen's keys for proposed notes (after its own, in the footer)."""


class ProposedNotesScreen(MainScreen):
    """The proposed-notes part of the Notes screen (the list itself is the subclass's)."""

    proposed_only = False
    """Whether the list shows proposed notes only."""
    _return_to: str | None = None
    """A note to put the cursor back on when a filter shows it again."""
    _focus_table_when_shown = False
    """Give the list the focus back when it shows again (a filter hid it while it had the
    focus, which then went to the editor)."""

    @property
    def _current(self) -> str | None:
        raise NotImplementedError

    def _note_at_cursor(self) -> Note | None:
        raise NotImplementedError

    def _status(self, text: str) -> None:
        """The line under the editor (the subclass shows it)."""

    def _after_settle(self) -> None:
        """Re-read the list after notes were kept or dropped."""
        self.reload()

    def shown_notes(self, notes: list[Note]) -> list[Note]:
        return [n for n in notes if n.proposed] if self.proposed_only else notes

    def action_toggle_proposed(self) -> None:
        table = self.query_one(VirtualTable)
        self._return_to = self._current or self._return_to
        self._focus_table_when_shown = self.app.focused is table or not table.display
        self.proposed_only = not self.proposed_only
        self.reload()
        self.notify("Showing proposed notes only." if self.proposed_only else "Showing all notes.")

    def _proposed_at_cursor(self) -> Note | None:
        note = self._note_at_cursor()
        if note is not None and not note.proposed:
            self.notify(f"{note.id} is not a proposed note (it is already kept).")
            return None
        return note

    def _settle(self, ids: list[str], *, keep: bool) -> None:
        if self.person is None:
            return
        try:
            count = self.repo.settle_proposed(self.person, ids, keep=keep)
        except FeedbackWriterError as exc:
            self.fw.show_error(exc)
            return
        self._after_settle()
        verb = "Kept" if keep else "Dropped"
        self.notify(f"{verb} {count} note(s): {' '.join(ids)}.")

    def action_keep(self) -> None:
        note = self._proposed_at_cursor()
        if note is not None:
            self._settle([note.id], keep=True)

    def action_drop(self) -> None:
        note = self._proposed_at_cursor()
        if note is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._settle([note.id], keep=False)

        question = f"Drop {note.id}?\nIt is deleted; importing again never brings it back."
        self.app.push_screen(ConfirmDialog(question, "Drop", "Cancel", safe_default=True), answered)

    def action_keep_repository(self) -> None:
        note = self._note_at_cursor()
        name = repo_of(note) if note is not None else None
        if self.person is None or name is None:
            self.notify("Highlight a note imported from git first.")
            return
        ids = self.repo.proposed_note_ids(self.person, name)
        if not ids:
            self.notify(f"No proposed notes from {name} left.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._settle(ids, keep=True)

        question = f"Keep all {len(ids)} proposed note(s) from {name}?\nDrafts will use them."
        self.app.push_screen(ConfirmDialog(question, f"Keep {len(ids)}", "Cancel"), answered)

    # --- import -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def import_git(self, person: str, path: Path) -> None:
        """Propose notes from the repository at ``path``, as ``notes import --git`` does."""
        from feedback_writer.notes.git_import import (
            company_noise_files,
            load_noise,
            read_repositories,
        )
        from feedback_writer.storage.git_notes import GitNoteRow

        try:
            cycle = self.repo.current_cycle(person)
            since, until = (cycle.start, cycle.end) if cycle is not None else (None, None)
            settings = self.ctx.settings
            noise = load_noise(company_noise_files(settings.ladder, settings.prompts_dir))
            (result,) = read_repositories(
                [str(path)], authors=(), since=since, until=until, noise=noise
            )
            if result.problem or result.repo is None:
                raise UsageError(result.problem or f"{path}: nothing to import")
            seen = self.repo.known_git_shas(person)
            new = [p for p in result.proposals if p.sha not in seen]
            rows = [GitNoteRow(p.text, p.date, p.source, p.repo, p.shas) for p in new]
            added = self.repo.import_git_notes(person, rows)
        except Exception as exc:
            self.fail(f"Import from {path.name}", exc)
            return
        already = len(result.proposals) - len(new)
        line = f"{result.repo.name}: {len(added)} note(s) proposed"
        line += f", {already} already imported" if already else ""
        line += f", {result.noise} left out as noise" if result.noise else ""
        self.post_message(GitNotesImported([line], len(added)))

    def on_git_notes_imported(self, message: GitNotesImported) -> None:
        if message.added:
            self.proposed_only = True
        self._status("")
        self.reload()
        hint = ". Drafts ignore them until kept: k keeps, r drops, K keeps a whole repository."
        self.notify(
            "\n".join(message.lines) + (hint if message.added else ""), title="Import from git"
        )
