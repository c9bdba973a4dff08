"""Provides the Draft screen: generate, then edit every section beside its evidence.

Generation runs ``drafting.service.create_draft`` (or, for one section,
``drafting.regenerate.regenerate_section``) in a worker thread. Its progress lines and
the model's streamed text arrive per chunk; both are buffered and put on screen by timers
ten times a second (the text in a :class:`StreamView`), so a fast stream never re-renders
the screen per token. Esc cancels: the callbacks raise inside the worker, which stops the
stream at the next chunk.

Section edits are saved through ``review.sections.edit_section`` half a second after the
last keystroke and when the editor loses focus, so the gate sees every human edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, ProgressBar, Static, TextArea

from feedback_writer.storage.records import DraftRecord, SectionRecord
from feedback_writer.tui.debounce import Debouncer
from feedback_writer.tui.messages import (
    DraftCancelled,
    DraftFinished,
    DraftProgress,
    DraftStats,
    DraftText,
)
from feedback_writer.tui.screens.base import MainScreen
from feedback_writer.tui.widgets.section_view import cited_ids, diff_text
from feedback_writer.tui.widgets.stream_view import StreamView

_STATE = {
    "edited": ("edited", "green"),
    "approved": ("approved", "cyan"),
    "untouched": ("model", "yellow"),
}


class _Cancel(BaseException):
    """Raised in the worker to stop a generation. A BaseException, so that retry loops
    that catch Exception in the gateway let it through instead of retrying."""


class DraftScreen(MainScreen):
    """The latest draft's sections; g generates a new draft."""

    MODE = "draft"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "generate", "Generate"),
        Binding("escape", "escape", "Cancel/List", show=False),
        Binding("enter", "edit", "Edit", show=False),
        Binding("v", "diff", "Diff"),
        Binding("p", "approve", "Approve"),
        Binding("r", "regenerate", "Regen section"),
    ]
    DEFAULT_CSS = """
    DraftScreen #draft-bar { height: 1; padding: 0 1; }
    DraftScreen #draft-status { width: 1fr; color: $text-muted; }
    DraftScreen #draft-progress { width: 24; display: none; }
    DraftScreen #sections { width: 24; height: 1fr; }
    DraftScreen #edit-box { width: 1fr; border-left: vkey $panel; }
    DraftScreen #section-head { color: $text-muted; height: 1; padding: 0 1; }
    DraftScreen #section-text { height: 1fr; }
    DraftScreen #diff-box { height: 1fr; display: none; padding: 0 1; }
    DraftScreen #evidence-box { width: 30%; border-left: vkey $panel; padding: 0 1; }
    DraftScreen #empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.draft: DraftRecord | None = None
        self._sections: list[SectionRecord] = []
        self._states: dict[str, str] = {}
        self._key: str | None = None  # the section in the editor
        self._text = ""
        self._loading = False
        self._saver = Debouncer(self, self._save)
        self._generating = False
        self._pending_progress: list[str] = []

    def body(self) -> Iterable[Widget]:
        table: DataTable[Any] = DataTable(id="sections", cursor_type="row")
        table.add_columns("State", "Section")
        yield Horizontal(
            Label("", id="draft-status"),
            ProgressBar(total=None, show_eta=False, id="draft-progress"),
            id="draft-bar",
        )
        yield Static(
            "No draft yet. Press [b]g[/b] to generate one from the notes and evidence "
            "(offline when no model is set in Settings).",
            id="empty",
        )
        yield Horizontal(
            table,
            Vertical(
                Label("", id="section-head"),
                TextArea(id="section-text", soft_wrap=True),
                VerticalScroll(Static("", id="diff", markup=False), id="diff-box"),
                id="edit-box",
            ),
            VerticalScroll(Static("", id="evidence", markup=False), id="evidence-box"),
            id="draft-main",
        )
        yield StreamView(id="stream")

    def on_mount(self) -> None:
        self.set_interval(0.1, self._flush_progress)
        self.reload()

    # --- showing ----------------------------------------------------------------------
    def reload(self) -> None:
        if self.person is None:
            return
        from feedback_writer.errors import NotFoundError

        self._saver.flush()
        try:
            draft: DraftRecord | None = self.repo.latest_draft(self.person)
        except NotFoundError:
            draft = None
        if draft is not None and self.draft is not None and draft.id != self.draft.id:
            self._key = None
        self.draft = draft
        self.query_one("#empty").display = draft is None
        self.query_one("#draft-main").display = draft is not None
        if draft is None:
            self._status("")
            return
        self._refresh_sections()
        table: DataTable[Any] = self.query_one("#sections", DataTable)
        if self._key is None and self._sections:
            self._open(self._sections[0])
            table.move_cursor(row=0)
            table.focus()

    def _refresh_sections(self) -> None:
        from feedback_writer.review.gate import gate_status

        assert self.draft is not None
        self._sections = self.repo.sections(self.draft.id)
        status = gate_status(self.repo, self.draft.id, self.ctx.settings.export_policy)
        self._states = dict(status.states)
        table: DataTable[Any] = self.query_one("#sections", DataTable)
        row = table.cursor_row
        table.clear()
        for s in self._sections:
            label, style = _STATE[self._states.get(s.key, "untouched")]
            table.add_row(Text(label, style=style), s.title, key=s.key)
        if self._sections:
            table.move_cursor(row=max(0, min(row, len(self._sections) - 1)))
        done = len(status.edited) + (len(status.approved) if status.policy == "review" else 0)
        who = self.draft.model or self.draft.drafter
        self._status(
            f"draft {self.draft.id} by {who} · {done}/{len(self._sections)} sections "
            f"reviewed · policy '{status.policy}'" + self._usage()
        )

    def _usage(self) -> str:
        usage = (self.draft.meta.get("usage") or {}) if self.draft else {}
        parts = []
        if usage.get("prompt_tokens") or usage.get("completion_tokens"):
            parts.append(
                f"{usage.get('prompt_tokens', 0)}+{usage.get('completion_tokens', 0)} tokens"
            )
        if usage.get("cost_usd") is not None:
            parts.append(f"${usage['cost_usd']:.4f}")
        return (" · " + ", ".join(parts)) if parts else ""

    def _status(self, text: str) -> None:
        for label in self.query("#draft-status").results(Label):
            label.update(text)

    def _open(self, section: SectionRecord) -> None:
        self._saver.flush()
        self._loading = True
        self._key = section.key
        self._text = section.human_text
        state = _STATE[self._states.get(section.key, "untouched")][0]
        self.query_one("#section-head", Label).update(f"[b]{section.title}[/b] · {state}")
        self.query_one("#section-text", TextArea).load_text(section.human_text)
        self._show_evidence(section)
        if self.query_one("#diff-box").display:
            self._show_diff(section)
        self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def _section(self) -> SectionRecord | None:
        return next((s for s in self._sections if s.key == self._key), None)

    def _show_evidence(self, section: SectionRecord) -> None:
        """The notes and expectations the section cites, then the quality findings."""
        from feedback_writer.errors import NotFoundError

        text = section.model_text + "\n" + section.human_text
        lines: list[str] = []
        note_ids, exp_ids = cited_ids(text)
        for note_id in note_ids:
            try:
                note = self.repo.get_note(note_id)
            except NotFoundError:
                continue
            if note.person == self.person:
                when = f" ({note.date})" if note.date else ""
                lines.append(f"{note.id}{when}: {note.text}\n")
        exps = [e for e in exp_ids if self.ladder.has_expectation(e)]
        if exps:
            lines.append("Ladder:")
        for exp_id in exps:
            e = self.ladder.expectation(exp_id)
            lines.append(f"· {e.text} ({e.competency}·{e.level})")
        findings = self._findings(section.key)
        if findings:
            lines.append("\nFindings:")
            lines += [f"! {f}" for f in findings]
        self.query_one("#evidence", Static).update(
            "\n".join(lines) or "This section cites no notes."
        )

    def _findings(self, key: str) -> list[str]:
        from feedback_writer.review.export import findings_for

        assert self.draft is not None
        found = [
            f.message
            for f in findings_for(self.repo, self.ladder, self.draft.id)
            if f.section == key
        ]
        if key == "summary":  # the drafter's warnings are about the whole draft
            found += [str(w) for w in self.draft.meta.get("warnings", [])]
        return found

    def _show_diff(self, section: SectionRecord) -> None:
        body = diff_text(section.model_text, self._text)
        self.query_one("#diff", Static).update(body if body.plain else "No changes yet.")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None
        section = next((s for s in self._sections if s.key == key), None)
        if section is not None and section.key != self._key:
            self._open(section)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    # --- autosave ---------------------------------------------------------------------
    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if not self._loading and event.text_area.text != self._text:
            self._text = event.text_area.text
            self._saver.poke()

    def on_descendant_blur(self) -> None:
        self._saver.flush()

    def on_screen_suspend(self) -> None:
        self._saver.flush()

    def on_unmount(self) -> None:
        self._saver.flush()

    def _save(self) -> None:
        from feedback_writer.review.sections import edit_section

        if self.draft is None or self._key is None:
            return
        try:
            edit_section(self.repo, self.draft.id, self._key, self._text)
        except Exception as exc:
            self.fw.show_error(exc)
            return
        if self.is_attached and self.query("#sections"):
            self._refresh_sections()
            section = self._section()
            if section is not None:
                state = _STATE[self._states.get(section.key, "untouched")][0]
                self.query_one("#section-head", Label).update(
                    f"[b]{section.title}[/b] · {state} · saved"
                )
                if self.query_one("#diff-box").display:
                    self._show_diff(section)

    # --- actions ----------------------------------------------------------------------
    def action_edit(self) -> None:
        if self._key is not None:
            self.query_one("#diff-box").display = False
            self.query_one("#section-text").display = True
            self.query_one("#section-text").focus()

    def action_escape(self) -> None:
        if self._generating:
            self.action_cancel()
        else:
            self._saver.flush()
            self.query_one("#sections").focus()

    def action_diff(self) -> None:
        section = self._section()
        if section is None:
            return
        self._saver.flush()
        box = self.query_one("#diff-box")
        box.display = not box.display
        self.query_one("#section-text").display = not box.display
        if box.display:
            self._show_diff(section)

    def action_approve(self) -> None:
        from feedback_writer.review.sections import approve

        if self.draft is None or self._key is None:
            return
        self._saver.flush()
        approve(self.repo, self.draft.id, self._key)
        self._refresh_sections()
        if self.ctx.settings.export_policy == "edit":
            self.notify(
                "Approved. Under the 'edit' policy a section must also be edited before export.",
                severity="warning",
            )

    def action_generate(self) -> None:
        if self.person is None or self._generating:
            return
        self._saver.flush()
        self._set_generating(True, "preparing the draft…")
        self._generate(self.person, None)

    def action_regenerate(self) -> None:
        if self.person is None or self.draft is None or self._key is None or self._generating:
            return
        self._saver.flush()
        self._set_generating(True, f"regenerating {self._key}…")
        self._generate(self.person, (self.draft.id, self._key))

    def action_cancel(self) -> None:
        self.workers.cancel_group(self, "draft")
        self.query_one(StreamView).clear()
        self._set_generating(False, "")
        self.notify("Generation cancelled.", title="Draft")
        self._refresh_after()

    def _set_generating(self, on: bool, status: str) -> None:
        self._generating = on
        self.query_one("#draft-progress").display = on
        if status:
            self._status(status + ("   Esc cancels" if on else ""))

    def _flush_progress(self) -> None:
        """Show only the newest progress line, at most ten times a second."""
        if self._pending_progress and self._generating:
            self._status(self._pending_progress[-1] + "   Esc cancels")
            self._pending_progress.clear()

    def on_draft_progress(self, message: DraftProgress) -> None:
        self._pending_progress.append(message.text)

    def on_draft_text(self, message: DraftText) -> None:
        if self._generating:  # a piece posted just before a cancel is dropped with the rest
            self.query_one(StreamView).append(message.text)

    @work(thread=True, exclusive=True, group="draft", exit_on_error=False)
    def _generate(self, person: str, section: tuple[int, str] | None) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        stats = DraftStats()

        def progress(line: str) -> None:
            if worker.is_cancelled:
                raise _Cancel()
            self.post_message(DraftProgress(line, stats))

        def text(piece: str) -> None:
            if worker.is_cancelled:
                raise _Cancel()
            stats.chars += len(piece)
            self.post_message(DraftText(piece))

        try:
            if section is None:
                from feedback_writer.drafting.service import create_draft

                record = create_draft(self.ctx, person, on_progress=progress, on_text=text)
                draft_id = record.id
            else:
                from feedback_writer.drafting.regenerate import regenerate_section

                draft_id = section[0]
                regenerate_section(self.ctx, *section, on_progress=progress, on_text=text)
        except _Cancel:
            self.post_message(DraftCancelled())
            return
        except Exception as exc:
            self.fail("Drafting", exc)
            self.post_message(DraftCancelled())
            return
        # Cancelled too late (the drafter does not stream, or the answer was complete): the
        # draft is stored, so say so rather than pretend it was not.
        self.post_message(DraftFinished(draft_id, stats, cancelled=worker.is_cancelled))

    def on_draft_cancelled(self, message: DraftCancelled) -> None:
        self.query_one(StreamView).clear()
        self._set_generating(False, "")
        self._refresh_after()

    def on_draft_finished(self, message: DraftFinished) -> None:
        self.query_one(StreamView).clear()  # the sections take over from the raw answer
        self._set_generating(False, "")
        if message.cancelled:
            self.notify(
                f"The draft was complete before the cancel took effect; it is kept "
                f"as draft {message.draft_id}.",
                severity="warning",
            )
        self._key = None if self.draft is None or message.draft_id != self.draft.id else self._key
        keep = self._key
        self.reload()
        if keep is not None:
            section = self._section()
            if section is not None:
                self._key = None
                self._open(section)
        warnings = (self.draft.meta.get("warnings") or []) if self.draft else []
        self.notify(
            f"Draft {message.draft_id} ready. Edit every section (Enter), then export (5).",
            title="Draft",
        )
        for w in warnings[:2]:
            self.notify(str(w), severity="warning", timeout=8)

    def _refresh_after(self) -> None:
        if self.draft is not None:
            self._refresh_sections()
        else:
            self._status("")
