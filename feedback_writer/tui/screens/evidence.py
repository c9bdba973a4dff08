"""Provides the Evidence screen: each note's suggested expectations, decisions, coverage.

Suggestions come from ``mapping.service.suggest`` in a worker (the offline matcher, and
the configured model when there is one); decisions go through ``mapping.service`` accept,
reject and add, which keep them across later suggestion runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from feedback_writer.mapping.calibration import score_confidence
from feedback_writer.notes.model import Note
from feedback_writer.storage.records import MappingRecord
from feedback_writer.tui.dialogs.confirm import ConfirmDialog
from feedback_writer.tui.dialogs.ladder_picker import LadderPickerDialog
from feedback_writer.tui.messages import SuggestionsReady
from feedback_writer.tui.screens.base import MainScreen
from feedback_writer.tui.widgets.coverage import CoverageGrid
from feedback_writer.tui.widgets.evidence_cells import (
    bulk_question,
    evidence_cell,
    score_cell,
    short,
    status_cell,
)


class _NotesTable(DataTable[Any]):
    """The notes: Enter moves to the note's suggestions at once, while the key is handled
    (not by a message handled later), so keys typed right after it go there too."""

    def action_select_cursor(self) -> None:
        super().action_select_cursor()
        screen = self.screen
        if isinstance(screen, EvidenceScreen):
            screen.open_note()


class EvidenceScreen(MainScreen):
    """Notes on the left; the highlighted note's evidence on the right; g: coverage."""

    MODE = "evidence"
    BINDINGS: ClassVar[list[BindingType]] = [
        # a, r and t act on the highlighted suggestion: first, so the footer always has room.
        Binding("a", "decide('accepted')", "Accept"),
        Binding("r", "decide('rejected')", "Reject"),
        Binding("t", "flip", "Flip ±"),
        Binding("plus", "add", "Add", key_display="+"),
        Binding("s", "suggest", "Suggest"),
        Binding("g", "coverage", "Coverage"),
        Binding("A", "accept_all", "Accept all high"),
        Binding("tab", "switch_pane", "Switch", show=False),
        Binding("shift+tab", "switch_pane", "Switch", show=False),
    ]
    DEFAULT_CSS = """
    EvidenceScreen #ev-notes { width: 1fr; }
    EvidenceScreen #ev-side { width: 62%; border-left: vkey $panel; padding: 0 1; }
    EvidenceScreen #ev-note { height: auto; max-height: 5; color: $text; margin-bottom: 1; }
    EvidenceScreen #ev-maps { height: 1fr; }
    EvidenceScreen #ev-exp { height: auto; max-height: 4; color: $text-muted; }
    EvidenceScreen #ev-coverage { padding: 0 1; }
    EvidenceScreen #cov-summary { color: $text-muted; }
    EvidenceScreen #cov-gaps { height: auto; color: $text-muted; }
    EvidenceScreen #empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._notes: list[Note] = []
        self._maps: list[MappingRecord] = []
        self._by_note: dict[str, list[MappingRecord]] = {}
        self._auto_suggested: set[str] = set()
        self._shown_note: str | None = None
        """The note whose suggestions the right-hand list shows."""

    def body(self) -> Iterable[Widget]:
        notes: DataTable[Any] = _NotesTable(id="ev-notes", cursor_type="row")
        notes.add_columns("Id", "Note", "Evidence")
        maps: DataTable[Any] = DataTable(id="ev-maps", cursor_type="row")
        maps.add_columns(" ", "Competency·level", "Score", "±", "Expectation")
        yield Horizontal(
            Vertical(
                notes,
                Static("No notes to map yet: add some on Notes (2).", id="empty"),
            ),
            Vertical(
                Static("", id="ev-note", markup=False),
                maps,
                Static("", id="ev-exp", markup=False),
                id="ev-side",
            ),
            id="ev-main",
        )
        yield VerticalScroll(
            Label("", id="cov-summary"),
            CoverageGrid(id="cov-grid", cursor_type="row"),
            Static("", id="cov-gaps", markup=False),
            id="ev-coverage",
        )

    def on_mount(self) -> None:
        self.query_one("#ev-coverage").display = False
        self.reload()
        self.query_one("#ev-notes").focus()

    # --- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        if self.person is None:
            return
        self._notes = self.repo.list_notes(self.person, include_excluded=False)
        self._by_note = {}
        for m in self.repo.mappings_for_person(self.person):
            self._by_note.setdefault(m.note_id, []).append(m)
        table: DataTable[Any] = self.query_one("#ev-notes", DataTable)
        row = max(table.cursor_row, 0)
        table.clear()
        for n in self._notes:
            cell = evidence_cell(self._by_note.get(n.id, []))
            table.add_row(n.id, short(n.text, 24), cell, key=n.id)
        self.query_one("#empty").display = not self._notes
        table.display = bool(self._notes)
        if self._notes:
            table.move_cursor(row=min(row, len(self._notes) - 1))
        self._show_note()
        if self.query_one("#ev-coverage").display:
            self._show_coverage()
        # First visit with notes but no suggestions at all: run the offline matcher once
        # (no model, nothing leaves the machine), so the screen is never empty for no reason.
        if self._notes and not self._by_note and self.person not in self._auto_suggested:
            self._auto_suggested.add(self.person)
            self._run_suggest(self.person, offline=True)

    def _note(self) -> Note | None:
        table: DataTable[Any] = self.query_one("#ev-notes", DataTable)
        if not self._notes or table.cursor_row < 0:
            return None
        return self._notes[min(table.cursor_row, len(self._notes) - 1)]

    def _show_note(self, select: str | None = None) -> None:
        """Show the highlighted note's suggestions. The cursor starts on the top one for a
        newly shown note; for the same note it stays on its expectation (or ``select``)."""
        note = self._note()
        maps_table: DataTable[Any] = self.query_one("#ev-maps", DataTable)
        current = self._mapping()
        same_note = note is not None and note.id == self._shown_note
        if select is None and current is not None and same_note:
            select = current.expectation_id
        self._shown_note = note.id if note is not None else None
        maps_table.clear()
        self._maps = []
        if note is None:
            self.query_one("#ev-note", Static).update("")
            self.query_one("#ev-exp", Static).update("")
            self._label_keys(None)
            return
        self.query_one("#ev-note", Static).update(f"{note.id}: {note.text}")
        self._maps = [
            m
            for m in self.repo.mappings_for_note(note.id)
            if self.ladder.has_expectation(m.expectation_id)
        ]
        for m in self._maps:
            competency, level, slug = m.expectation_id.split(".", 2)
            maps_table.add_row(
                status_cell(m),
                f"{competency}·{level}",
                score_cell(m),
                Text(
                    "−" if m.polarity == "negative" else "+",
                    style="red" if m.polarity == "negative" else "green",
                ),
                slug,
                key=m.expectation_id,
            )
        if self._maps:
            ids = [m.expectation_id for m in self._maps]
            maps_table.move_cursor(row=ids.index(select) if select in ids else 0)
        self._show_expectation()

    def _mapping(self) -> MappingRecord | None:
        table: DataTable[Any] = self.query_one("#ev-maps", DataTable)
        if not self._maps or table.cursor_row < 0:
            return None
        return self._maps[min(table.cursor_row, len(self._maps) - 1)]

    def _show_expectation(self) -> None:
        m = self._mapping()
        text = "No ladder evidence suggested for this note. + adds one from the ladder."
        if m is not None:
            e = self.ladder.expectation(m.expectation_id)
            comp = self.ladder.competency(e.competency).name
            text = f"{comp} · {self.ladder.level(e.level).name}: {e.text}"
            if m.source != "user":
                p, band = score_confidence(m.score)
                if band == "low":
                    text = f"Low confidence (about {p:.0%} of such suggestions are right). {text}"
        self.query_one("#ev-exp", Static).update(text)
        self._label_keys(m)

    def _label_keys(self, m: MappingRecord | None) -> None:
        """Say in the footer which suggestion a acts on (r and t act on the same one)."""
        text = f"accept: {m.expectation_id}" if m is not None else "Accept"
        bindings = self._bindings.key_to_bindings
        bindings["a"] = [replace(b, description=text) for b in bindings["a"]]
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "ev-notes":
            self._show_note()
        elif event.data_table.id == "ev-maps":
            self._show_expectation()

    def open_note(self) -> None:
        """Enter on a note: to its suggestions, the top one highlighted."""
        self._show_note()
        self.set_focus(self.query_one("#ev-maps"))

    def _refresh_counts(self, select: str | None = None) -> None:
        note = self._note()
        if note is None or self.person is None:
            return
        self._by_note[note.id] = self.repo.mappings_for_note(note.id)
        table: DataTable[Any] = self.query_one("#ev-notes", DataTable)
        cell = evidence_cell(self._by_note[note.id])
        table.update_cell(note.id, table.ordered_columns[2].key, cell)
        self._show_note(select)

    def action_switch_pane(self) -> None:
        """Tab and shift+Tab: between the notes and the highlighted note's suggestions."""
        if self.query_one("#ev-coverage").display:
            self.focus_next()
            return
        notes, maps = self.query_one("#ev-notes"), self.query_one("#ev-maps")
        # set_focus and `focused`, not focus() and has_focus: those wait for the message
        # queue, and keys typed meanwhile would go to the list being left.
        self.set_focus(notes if self.focused is maps else maps)

    def _target(self) -> tuple[Note, MappingRecord] | tuple[None, None]:
        """The highlighted note and the suggestion highlighted in its list."""
        note = self._note()
        if note is None:
            return None, None
        if note.id != self._shown_note:  # a key before the list caught up: show it first
            self._show_note()
        m = self._mapping()
        return (note, m) if m is not None else (None, None)

    # --- decisions --------------------------------------------------------------------
    def action_decide(self, status: str) -> None:
        from feedback_writer.mapping import service

        note, m = self._target()
        if note is None or m is None:
            self.notify("Highlight a suggestion first (Tab moves to the list on the right).")
            return
        decide = service.accept if status == "accepted" else service.reject
        try:
            decide(self.repo, self.ladder, note.id, m.expectation_id, person=self.person)
        except Exception as exc:
            self.fw.show_error(exc)
            return
        self._refresh_counts()

    def action_flip(self) -> None:
        """Flip the highlighted suggestion's polarity; its status (open, accepted,
        rejected) stays as it is: a or r decides."""
        note, m = self._target()
        if note is None or m is None:
            return
        flipped = "positive" if m.polarity == "negative" else "negative"
        try:
            self.repo.set_mapping(note.id, m.expectation_id, m.status, polarity=flipped)
        except Exception as exc:
            self.fw.show_error(exc)
            return
        self._refresh_counts()

    def action_add(self) -> None:
        note = self._note()
        if note is None:
            return
        person = self.repo.get_person(self.person or "")
        levels = None
        if person.current_level:
            # The levels that matter for this review: up to the next one.
            top = self.ladder.next_level(person.current_level) or person.current_level
            levels = self.ladder.level_slugs[: self.ladder.level_index(top) + 1]

        def picked(expectation_id: str | None) -> None:
            from feedback_writer.mapping import service

            if expectation_id is None:
                return
            try:
                service.add(self.repo, self.ladder, note.id, expectation_id, person=self.person)
            except Exception as exc:
                self.fw.show_error(exc)
                return
            self._refresh_counts(select=expectation_id)
            self.query_one("#ev-maps").focus()
            self.notify(f"{note.id}: added {expectation_id}.")

        self.app.push_screen(LadderPickerDialog(self.ladder, levels=levels), picked)

    def action_accept_all(self) -> None:
        """Accept every note's top suggestion with high confidence, after a dialog that
        lists them (notes with accepted evidence are left alone)."""
        from feedback_writer.mapping import service

        person = self.person
        if person is None:
            return
        chosen = service.bulk_candidates(self.repo, self.ladder, person, "high")
        if not chosen:
            self.notify("No note without accepted evidence has a high-confidence suggestion.")
            return
        question = bulk_question(chosen)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            pairs = [(m.note_id, m.expectation_id) for m in chosen]
            try:
                service.accept_many(self.repo, self.ladder, pairs, person=person)
            except Exception as exc:
                self.fw.show_error(exc)
                return
            self.reload()
            self.notify(f"Accepted {len(pairs)} suggestion(s).", title="Evidence")

        dialog = ConfirmDialog(question, yes="Accept", no="Cancel", safe_default=True)
        self.app.push_screen(dialog, answered)

    # --- suggestions and coverage -----------------------------------------------------
    def action_suggest(self) -> None:
        if self.person is None:
            return
        self.notify("Suggesting evidence…", timeout=2)
        self._run_suggest(self.person, offline=False)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _run_suggest(self, person: str, offline: bool) -> None:
        from feedback_writer.mapping import service

        try:
            run = service.suggest_configured(
                self.repo, self.ladder, person, self.ctx.settings, offline=offline
            )
        except Exception as exc:
            self.fail("Suggesting evidence", exc)
            return
        by = "the model" if run.source == "model" else "the offline matcher"
        summary = (
            f"{run.with_evidence} of {len(run.results)} note(s) show ladder evidence "
            f"(by {by}). a accepts, r rejects."
        )
        self.post_message(SuggestionsReady(summary, run.warnings))

    def on_suggestions_ready(self, message: SuggestionsReady) -> None:
        self.reload()
        self.notify(message.summary, title="Evidence")
        for warning in message.warnings[:3]:
            self.notify(warning, severity="warning", timeout=8)

    def action_coverage(self) -> None:
        box = self.query_one("#ev-coverage")
        box.display = not box.display
        self.query_one("#ev-main").display = not box.display
        if box.display:
            self._show_coverage()
            self.query_one(CoverageGrid).focus()
        else:
            self.query_one("#ev-notes").focus()

    def _show_coverage(self) -> None:
        from feedback_writer.mapping import service

        person = self.person or ""
        try:
            cov = service.coverage(self.repo, self.ladder, person)
        except Exception as exc:
            self.query_one("#cov-summary", Label).update("")
            self.query_one("#cov-gaps", Static).update("")
            self.fw.show_error(exc)
            return
        self.query_one("#cov-summary", Label).update(
            f"{person} at {cov.level}: {cov.notes_with_evidence} of {cov.notes} note(s) carry "
            "accepted evidence. Cells: notes (expectations covered/expected); red: none yet."
        )
        self.query_one(CoverageGrid).show(cov)
        gaps = [c for c in cov.competencies if c.current_count == 0 or c.next_count == 0]
        lines = ["Gaps:"] if gaps else ["No competency without evidence."]
        for c in gaps:
            where = [
                lv
                for lv, n in ((cov.level, c.current_count), (cov.next_level, c.next_count))
                if lv and n == 0
            ]
            lines.append(f"  {c.name}: nothing at {' or '.join(where)}")
        self.query_one("#cov-gaps", Static).update("\n".join(lines))
