"""Provides the drafts dialog: every draft of a person; Enter opens the highlighted one.

Each row shows the draft's id, when it was made, by which drafter or model, and how many
of its sections a human has edited or approved (the gate's states, so an edit counts only
when it is a real one; see docs/authorship.md). The rows are read in a thread worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

if TYPE_CHECKING:
    from feedback_writer.context import AppContext


@dataclass(frozen=True)
class DraftRow:
    """One draft as the dialog lists it."""

    id: int
    created: str
    by: str
    sections: int
    edited: int
    approved: int


def draft_rows(ctx: AppContext, person: str) -> list[DraftRow]:
    """Every draft of ``person``, newest first, with its sections' gate states counted."""
    from feedback_writer.review.gate import gate_status

    rows: list[DraftRow] = []
    for d in ctx.repo.drafts_for(person):
        status = gate_status(ctx.repo, d.id, ctx.settings.export_policy, ctx.settings.min_edit)
        created = d.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        by = f"{d.drafter}/{d.model}" if d.model else d.drafter
        counts = len(status.states), len(status.edited), len(status.approved)
        rows.append(DraftRow(d.id, created, by, *counts))
    return rows


class DraftsDialog(ModalScreen[int | None]):
    """The person's drafts; Enter returns the highlighted draft's id, Esc returns None."""

    DEFAULT_CSS = """
    DraftsDialog { align: center middle; }
    DraftsDialog > Vertical {
        width: 80; max-width: 95%; height: auto; max-height: 90%; padding: 0 1;
        border: thick $primary; background: $surface;
    }
    DraftsDialog DataTable { height: auto; max-height: 20; margin: 1 0; }
    DraftsDialog .help { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Close")]

    def __init__(self, ctx: AppContext, person: str, current: int | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.person = person
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]Drafts of {escape(self.person)}[/b] (newest first)", id="title")
            yield DataTable(id="drafts", cursor_type="row")
            yield Label("Enter opens the highlighted draft · Esc closes", classes="help")

    def on_mount(self) -> None:
        table: DataTable[Any] = self.query_one(DataTable)
        table.add_columns("Draft", "Created", "By", "Edited", "Approved")
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _read(self) -> None:
        try:
            rows = draft_rows(self.ctx, self.person)
        except Exception as exc:  # a broken workspace: say so, keep the UI
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self._fill, rows)

    def _fill(self, rows: list[DraftRow]) -> None:
        if not self.is_attached:
            return
        table: DataTable[Any] = self.query_one(DataTable)
        for r in rows:
            mark = " (shown)" if r.id == self.current else ""
            table.add_row(
                f"{r.id}{mark}", r.created, r.by, f"{r.edited}/{r.sections}",
                f"{r.approved}/{r.sections}", key=str(r.id),
            )  # fmt: skip
        if not rows:
            self.query_one("#title", Label).update("No drafts yet: press g to generate one.")
        current = next((i for i, r in enumerate(rows) if r.id == self.current), 0)
        table.move_cursor(row=current)
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.dismiss(int(event.row_key.value))

    def action_cancel(self) -> None:
        self.dismiss(None)
