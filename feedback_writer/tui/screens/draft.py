"""Provides the Draft screen: generate, then edit every section beside its evidence.

The screen lays the parts out and routes messages between them. Generation (worker,
progress, cancel) is :class:`GenerationController`; every database read runs in a thread
worker whose result comes back as a message (``DraftLoaded``, ``EvidenceLoaded``), so moving
the cursor never waits on SQLite. The editor is an :class:`AutosaveEditor` bound to each
opened section (``review.sections.edit_section``); ``f``: see :class:`FindingsPanel`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from feedback_writer.storage.records import DraftRecord, SectionRecord
from feedback_writer.tui.controllers.conflict import SectionConflict
from feedback_writer.tui.controllers.generation import GenerationController
from feedback_writer.tui.messages import (
    DraftCancelled,
    DraftFinished,
    DraftLoaded,
    DraftProgress,
    DraftText,
    EditorSaved,
    EditorSaveFailed,
    EvidenceLoaded,
)
from feedback_writer.tui.screens.base import MainScreen
from feedback_writer.tui.widgets.autosave import AutosaveEditor
from feedback_writer.tui.widgets.draft.diff_panel import DiffPanel
from feedback_writer.tui.widgets.draft.evidence_panel import EvidencePanel
from feedback_writer.tui.widgets.draft.findings import FindingsPanel
from feedback_writer.tui.widgets.draft.status_bar import DraftBar
from feedback_writer.tui.widgets.stream_view import StreamView

_STATE = {
    "edited": ("edited", "green"),
    "approved": ("approved", "cyan"),
    "untouched": ("model", "yellow"),
}


class DraftScreen(MainScreen):
    """A draft's sections (the latest, or one picked with d); g generates a new draft."""

    MODE = "draft"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "generate", "Generate"),
        Binding("escape", "escape", "Cancel/List", show=False),
        Binding("enter", "edit", "Edit", show=False),
        Binding("v", "diff", "Diff"),
        Binding("p", "approve", "Approve"),
        Binding("r", "regenerate", "Regen section"),
        Binding("d", "drafts", "Drafts"),
        Binding("f", "finding", "Fix finding"),
    ]
    DEFAULT_CSS = """
    DraftScreen #sections { width: 24; height: 1fr; }
    DraftScreen #edit-box { width: 1fr; border-left: vkey $panel; }
    DraftScreen #section-head { color: $text-muted; height: 1; padding: 0 1; }
    DraftScreen #section-text { height: 1fr; }
    DraftScreen #empty { padding: 1 2; color: $text-muted; }
    DraftScreen #side-box { width: 30%; border-left: vkey $panel; }
    DraftScreen #side-box EvidencePanel { width: 1fr; height: 1fr; border-left: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.draft: DraftRecord | None = None
        self._sections: list[SectionRecord] = []
        self._states: dict[str, str] = {}
        self._key: str | None = None  # the section in the editor
        self.generation = GenerationController(self)
        self._reopen: str | None = None  # the section to open once the draft is loaded
        self._announce: int | None = None  # the new draft whose warnings to show on load
        self._chosen: tuple[str, int] | None = None  # (person, draft) opened with d

    @property
    def generating(self) -> bool:
        return self.generation.running

    @property
    def _editor(self) -> AutosaveEditor:
        return self.query_one("#section-text", AutosaveEditor)

    @property
    def _text(self) -> str:
        return self._editor.text

    def body(self) -> Iterable[Widget]:
        table: DataTable[Any] = DataTable(id="sections", cursor_type="row")
        self._state_column, _ = table.add_columns("State", "Section")
        yield DraftBar(id="draft-bar")
        yield Static(
            "No draft yet. Press [b]g[/b] to generate one from the notes and evidence "
            "(offline when no model is set in Settings).",
            id="empty",
        )
        yield Horizontal(
            table,
            Vertical(
                Label("", id="section-head"),
                AutosaveEditor(id="section-text"),
                DiffPanel(id="diff-box"),
                id="edit-box",
            ),
            Vertical(EvidencePanel(id="evidence-box"), FindingsPanel(), id="side-box"),
            id="draft-main",
        )
        yield StreamView(id="stream")

    def on_mount(self) -> None:
        self.generation.attach()
        self.query_one("#draft-main").display = False
        self.query_one("#empty").display = False
        self.reload()

    # --- loading (worker threads) -------------------------------------------------------
    def reload(self) -> None:
        if self.person is None:
            return
        self._editor.flush()
        self._load(self.person)

    @work(thread=True, exclusive=True, group="draft-load", exit_on_error=False)
    def _load(self, person: str, saved: bool = False) -> None:
        from textual.worker import get_current_worker

        from feedback_writer.tui.controllers.draft_data import load_view

        chosen = self._chosen[1] if self._chosen and self._chosen[0] == person else None
        try:
            view = load_view(self.ctx, person, chosen)
        except Exception as exc:
            self.fail("Loading the draft", exc)
            return
        if not get_current_worker().is_cancelled:  # a newer load replaced this one
            self.post_message(DraftLoaded(person, view, saved=saved))

    @work(thread=True, exclusive=True, group="evidence", exit_on_error=False)
    def _load_evidence(self, draft: DraftRecord, section: SectionRecord, text: str) -> None:
        from feedback_writer.tui.controllers.draft_data import evidence_text

        try:
            body = evidence_text(self.ctx, self.person or "", draft, section, text)
        except Exception as exc:
            self.fail("Loading the evidence", exc)
            return
        self.post_message(EvidenceLoaded(draft.id, section.key, body))

    def on_draft_loaded(self, message: DraftLoaded) -> None:
        if message.person != self.person:
            return  # the person changed meanwhile; a newer load is on its way
        view = message.view
        draft = view.draft
        if draft is None or (self.draft is not None and draft.id != self.draft.id):
            self._key = None
        self.draft = draft
        self._sections, self._states = view.sections, view.states
        self.query_one("#empty").display = draft is None
        self.query_one("#draft-main").display = draft is not None
        self.query_one(DraftBar).status("" if self.generating else view.status)
        if draft is None:
            return
        self.query_one(FindingsPanel).recheck(self.ctx, draft.id)  # worker, after each save
        table: DataTable[Any] = self.query_one("#sections", DataTable)
        same_rows = [r.value for r in table.rows] == [s.key for s in self._sections]
        if same_rows:  # only the states changed: leave the cursor where the user has it
            for s in self._sections:
                label, style = _STATE[self._states.get(s.key, "untouched")]
                table.update_cell(
                    s.key, self._state_column, Text(label, style=style), update_width=True
                )
        else:
            table.clear()
            for s in self._sections:
                label, style = _STATE[self._states.get(s.key, "untouched")]
                table.add_row(Text(label, style=style), s.title, key=s.key)
        section = self._section()
        if section is not None:
            if not same_rows:
                table.move_cursor(row=self._sections.index(section))
            self._head(section, saved=message.saved)
        elif self._sections:
            reopen = next((s for s in self._sections if s.key == self._reopen), None)
            index = self._sections.index(reopen) if reopen else 0
            table.move_cursor(row=index)
            self._open(self._sections[index])
            table.focus()
        self._reopen = None
        if self._announce == draft.id:
            self._announce = None
            for w in (draft.meta.get("warnings") or [])[:2]:
                self.notify(str(w), severity="warning", timeout=8)

    def on_evidence_loaded(self, message: EvidenceLoaded) -> None:
        if self.draft is not None and message.draft_id == self.draft.id:
            self.query_one(EvidencePanel).show(message.key, message.text)

    # --- showing ------------------------------------------------------------------------
    def _open(self, section: SectionRecord) -> None:
        assert self.draft is not None
        draft_id, key = self.draft.id, section.key

        base = {"version": section.version}

        def save(text: str) -> None:
            from feedback_writer.errors import SaveConflict
            from feedback_writer.review.sections import edit_section

            try:
                saved = edit_section(self.repo, draft_id, key, text, based_on=base["version"])
            except SaveConflict as exc:
                # Someone (a `review` run) saved newer text first: ours is kept in the
                # history, stays in the editor, and the newer text is shown. The next
                # save builds on the newer version: the user has now seen it.
                conflict = exc.conflicts[0]
                base["version"] = int(conflict["kept"])
                self.post_message(SectionConflict(key, conflict))
                return
            base["version"] = saved.version

        # The editor saves what was typed before to the previous section, then switches.
        self._editor.load(section.human_text, save)
        self._key = section.key
        self._head(section)
        self._show_evidence(section)
        self.query_one(FindingsPanel).show(section.key)
        if self.query_one(DiffPanel).display:
            self.query_one(DiffPanel).show(section.model_text, self._text)

    def _head(self, section: SectionRecord, saved: bool = False, note: str = "") -> None:
        state = _STATE[self._states.get(section.key, "untouched")][0]
        note = "saved" if saved and not self._editor.failing else note
        label = self.query_one("#section-head", Label)
        label.update(f"[b]{section.title}[/b] · {state}" + (f" · {note}" if note else ""))

    def _section(self) -> SectionRecord | None:
        return next((s for s in self._sections if s.key == self._key), None)

    def _show_evidence(self, section: SectionRecord) -> None:
        if self.draft is not None:
            self.query_one(EvidencePanel).expect(section.key)
            self._load_evidence(self.draft, section, self._text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        section = next((s for s in self._sections if s.key == key), None)
        if section is not None and section.key != self._key:
            self._open(section)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    # --- autosave -----------------------------------------------------------------------
    def on_descendant_blur(self) -> None:
        self._editor.flush()

    def on_screen_suspend(self) -> None:
        self._editor.flush()

    def on_editor_saved(self, message: EditorSaved) -> None:
        for i, s in enumerate(self._sections):  # what the diff and a later reopen show
            if s.key == self._key:
                self._sections[i] = dataclasses.replace(s, human_text=message.text)
        section = self._section()
        if self.is_attached and self.person is not None:
            self._load(self.person, saved=True)
            if section is not None and self.query_one(DiffPanel).display:
                self.query_one(DiffPanel).show(section.model_text, self._text)

    def on_section_conflict(self, message: SectionConflict) -> None:
        c = message.conflict
        section = self._section()
        if section is not None and message.key == section.key:
            self._head(section, note=f"CONFLICT: newer text saved elsewhere (v{c['current']})")
            box = self.query_one(DiffPanel)
            box.display = True
            box.show(str(c["text"]), self._text)
        self.notify(
            f"'{message.key}' was changed elsewhere (version {c['current']}, {c['actor']}) "
            f"while you edited it. Your text stays in the editor and is kept as version "
            f"{c['kept']}; the diff shows the newer text. Typing on saves yours over it.",
            title="Conflict",
            severity="error",
            timeout=15,
        )

    def on_editor_save_failed(self, message: EditorSaveFailed) -> None:
        section = self._section()
        if section is not None:
            self._head(section, note=f"not saved yet ({message.error}); retrying…")

    # --- actions ------------------------------------------------------------------------
    def action_edit(self) -> None:
        if self._key is not None:
            self.query_one(DiffPanel).display = False
            self.query_one("#section-text").display = True
            self.query_one("#section-text").focus()

    def action_finding(self) -> None:
        """Apply the highlighted finding's direct replacement, else select its span."""
        if self._key is not None:
            self.action_edit()
            self.notify(self.query_one(FindingsPanel).act(self._editor), timeout=6)

    def on_findings_panel_highlighted(self, message: FindingsPanel.Highlighted) -> None:
        if message.finding.section == self._key:
            self.query_one(FindingsPanel).show_span(self._editor)

    def action_escape(self) -> None:
        if self.generating:
            self.generation.cancel()
            self._refresh()
        else:
            self._editor.flush()
            self.query_one("#sections").focus()

    def action_diff(self) -> None:
        section = self._section()
        if section is None:
            return
        self._editor.flush()
        box = self.query_one(DiffPanel)
        box.display = not box.display
        self.query_one("#section-text").display = not box.display
        if box.display:
            box.show(section.model_text, self._text)

    def action_approve(self) -> None:
        from feedback_writer.review.sections import approve

        if self.draft is None or self._key is None:
            return
        self._editor.flush()
        approve(self.repo, self.draft.id, self._key)
        self._refresh()
        if self.ctx.settings.export_policy == "edit":
            self.notify(
                "Approved. Under the 'edit' policy a section must also be edited before export.",
                severity="warning",
            )

    def action_generate(self) -> None:
        if self.person is None or self.generating:
            return
        self._editor.flush()
        person = self.person
        edited = [s.title for s in self._sections if self._edited(s)]
        if not edited:
            self.generation.start(person)
            return
        old = self.draft.id if self.draft else ""
        question = (
            f"Draft {old} keeps your edits to {len(edited)} section(s) "
            f"({', '.join(edited[:3])}); open it again with d. A new draft starts again "
            "from the model's text. Generate a new draft?"
        )
        self._confirm(question, lambda: self.generation.start(person), yes="New draft")

    def action_regenerate(self) -> None:
        section = self._section()
        if self.person is None or self.draft is None or section is None or self.generating:
            return
        self._editor.flush()
        person, target = self.person, (self.draft.id, section.key)
        if not self._edited(section):
            self.generation.start(person, target)
            return
        question = (
            f"'{section.title}' has your edits. Regenerating replaces them with new model "
            "text. Regenerate it?"
        )
        self._confirm(question, lambda: self.generation.start(person, target))

    def action_drafts(self) -> None:
        """List the person's drafts; the one picked is shown (until another is made)."""
        from feedback_writer.tui.dialogs.drafts import DraftsDialog

        if self.person is None or self.generating:
            return
        self._editor.flush()
        person = self.person

        def picked(draft_id: int | None) -> None:
            if draft_id is not None and person == self.person:
                self._chosen = (person, draft_id)
                self._load(person)

        current = self.draft.id if self.draft else None
        self.app.push_screen(DraftsDialog(self.ctx, person, current), picked)

    def _edited(self, section: SectionRecord) -> bool:
        """The human changed this section's text (saved, or still in the editor)."""
        text = self._text if section.key == self._key else section.human_text
        return self._states.get(section.key) == "edited" or text.strip() != (
            section.model_text.strip()
        )

    def _confirm(self, question: str, then: Callable[[], None], yes: str = "Replace") -> None:
        """Ask before human text is thrown away; "no" changes nothing."""
        from feedback_writer.tui.dialogs.confirm import ask_before_discarding

        ask_before_discarding(
            self.app, question, then, yes=yes, still_ok=lambda: not self.generating
        )

    def _refresh(self) -> None:
        if self.person is not None:
            self._load(self.person)

    # --- generation messages ------------------------------------------------------------
    def on_draft_progress(self, message: DraftProgress) -> None:
        self.generation.progress(message)

    def on_draft_text(self, message: DraftText) -> None:
        self.generation.text(message)

    def on_draft_cancelled(self, message: DraftCancelled) -> None:
        self.generation.stopped()
        self._refresh()

    def on_draft_finished(self, message: DraftFinished) -> None:
        self.generation.stopped()  # the sections take over from the raw answer
        if message.cancelled:
            self.notify(
                f"The draft was complete before the cancel took effect; it is kept "
                f"as draft {message.draft_id}.",
                severity="warning",
            )
        if self.draft is not None and message.draft_id == self.draft.id:
            self._reopen = self._key  # regenerated: show the new text of the same section
        self._key = None
        if self.person is not None:  # show the draft just made (or regenerated)
            self._chosen = (self.person, message.draft_id)
        self._announce = message.draft_id
        self._refresh()
        self.notify(
            f"Draft {message.draft_id} ready. Edit every section (Enter), then export (5).",
            title="Draft",
        )
