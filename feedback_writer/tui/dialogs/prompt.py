"""Provides a one-line text dialog: ``PromptDialog(title)`` returns the text or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PromptDialog(ModalScreen[str | None]):
    """Ask for one line; Enter submits (if ``check`` accepts it), Esc cancels."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical {
        width: 64; max-width: 95%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PromptDialog #problem { color: $error; height: auto; }
    PromptDialog .help { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        help_text: str = "Enter to confirm, Esc to cancel",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.help_text = help_text
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield Label("", id="problem")
            yield Label(self.help_text, classes="help")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#problem", Label).update("Type something, or Esc to cancel.")
            return
        problem = self.check(text) if self.check else None
        if problem:
            self.query_one("#problem", Label).update(problem)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
