"""Provides the Export screen: the gate's status, a preview, export to a file, copy.

The gate (``review.gate.gate_status``) decides; this screen only shows its answer. When it
refuses, the untouched sections are listed and nothing can be written or copied.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from feedback_writer.tui.messages import ExportReady
from feedback_writer.tui.screens.base import MainScreen

FORMATS = [("Markdown", "md"), ("Plain text", "txt"), ("JSON with provenance", "json")]


class ExportScreen(MainScreen):
    """e exports to the path on the left; c copies the text to the clipboard."""

    MODE = "export"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export"),
        Binding("c", "copy", "Copy"),
        Binding("ctrl+o", "overwrite", "Overwrite", show=False),
    ]
    DEFAULT_CSS = """
    ExportScreen #gate-box { width: 40; padding: 0 1; }
    ExportScreen #gate { height: auto; margin-bottom: 1; }
    ExportScreen .field { color: $text-muted; }
    ExportScreen #preview-box { width: 1fr; border-left: vkey $panel; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._draft_id: int | None = None
        self._allowed = False
        self._text = ""

    def body(self) -> Iterable[Widget]:
        yield Horizontal(
            VerticalScroll(
                Static("", id="gate"),
                Label("Format", classes="field"),
                Select(FORMATS, value="md", allow_blank=False, id="format"),
                Label("File", classes="field"),
                Input(placeholder="feedback.md", id="path"),
                Label("", id="result"),
                id="gate-box",
            ),
            Vertical(
                Label("[b]Preview[/b]"),
                VerticalScroll(Static("", id="preview", markup=False)),
                id="preview-box",
            ),
        )

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        from feedback_writer.errors import NotFoundError
        from feedback_writer.review.gate import gate_status

        if self.person is None:
            return
        gate = self.query_one("#gate", Static)
        try:
            draft = self.repo.latest_draft(self.person)
        except NotFoundError:
            self._draft_id, self._allowed = None, False
            gate.update("No draft yet: generate one on Draft (4).")
            self._preview("")
            return
        self._draft_id = draft.id
        policy = self.ctx.settings.export_policy
        status = gate_status(self.repo, draft.id, policy, self.ctx.settings.min_edit)
        self._allowed = status.allowed
        titles = {s.key: s.title for s in self.repo.sections(draft.id)}
        path = self.query_one("#path", Input)
        if not path.value:
            slug = "-".join(self.person.lower().split())
            path.value = f"{slug}-feedback.{self._format()}"
        if status.allowed:
            gate.update(
                f"[green b]Ready to export[/] draft {draft.id}: every section has "
                f"been {'edited' if policy == 'edit' else 'edited or approved'} "
                "by you.\n\n[b]e[/b] writes the file, [b]c[/b] copies the text."
            )
            self._render_export(draft.id, self._format(), policy)
        else:
            need = "edited" if policy == "edit" else "edited or approved"
            listed = "\n".join(
                f"  • {titles.get(k, k)}: {status.refusal(k)}" for k in status.untouched
            )
            gate.update(
                f"[red b]Export refused[/]: {len(status.untouched)} section(s) not yet {need} "
                f"by you (policy '{policy}'):\n{listed}\n\nEdit them on Draft (4)."
            )
            self._preview("The preview appears once every section is reviewed.")

    def _format(self) -> str:
        value = self.query_one("#format", Select).value
        return value if isinstance(value, str) else "md"

    def _preview(self, text: str) -> None:
        self._text = text if self._allowed else ""
        self.query_one("#preview", Static).update(text)

    def on_select_changed(self, event: Select.Changed) -> None:
        path = self.query_one("#path", Input)
        if path.value:
            path.value = str(Path(path.value).with_suffix("." + self._format()))
        if self._allowed and self._draft_id is not None:
            self._render_export(self._draft_id, self._format(), self.ctx.settings.export_policy)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _render_export(self, draft_id: int, fmt: str, policy: str) -> None:
        from feedback_writer.review.export import render_export

        try:
            text = render_export(
                self.repo, self.ladder, draft_id, fmt, policy=policy,
                min_edit=self.ctx.settings.min_edit,
            )  # fmt: skip
        except Exception as exc:
            self.fail("Export", exc)
            return
        self.post_message(ExportReady(text))

    def on_export_ready(self, message: ExportReady) -> None:
        if message.path is None:
            self._preview(message.text)
        else:
            self.query_one("#result", Label).update(f"[green]written:[/] {message.path}")
            self.notify(f"Exported to {message.path}", title="Export")

    def _blocked(self) -> bool:
        if self._draft_id is None or not self._allowed or not self._text:
            self.notify(
                "Export is not allowed yet: edit every section on Draft (4).", severity="warning"
            )
            return True
        return False

    def action_copy(self) -> None:
        if self._blocked():
            return
        self.app.copy_to_clipboard(self._text)
        self.notify("Copied to the clipboard (if your terminal allows it: OSC 52).", title="Export")

    def action_export(self, force: bool = False) -> None:
        if self._blocked():
            return
        raw = self.query_one("#path", Input).value.strip()
        if not raw:
            self.notify("Type a file name first.", severity="warning")
            return
        self._write(self._text, Path(raw).expanduser(), force)

    def action_overwrite(self) -> None:
        self.action_export(force=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_export()

    @work(thread=True, exclusive=True, group="export-write", exit_on_error=False)
    def _write(self, text: str, path: Path, force: bool) -> None:
        from feedback_writer.errors import ExportExistsError
        from feedback_writer.review.export import write_export

        try:
            written = write_export(text, path, force)
        except ExportExistsError as exc:
            exc.hint = "press ctrl+o to overwrite it, or change the file name"
            self.fail("Export", exc)
            return
        except Exception as exc:
            self.fail("Export", exc)
            return
        self.post_message(ExportReady(text, str(written[0])))
