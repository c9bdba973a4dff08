"""Provides a yes/no dialog: ``ConfirmDialog(question)`` returns True or False.

For a question whose "yes" throws something away, ``safe_default=True`` puts the focus on
"no", so a reflexive Enter keeps the text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmDialog(ModalScreen[bool]):
    """Ask a question; y confirms, n/Esc declines, Enter presses the focused button."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 60; max-width: 95%; height: auto; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    ConfirmDialog > Vertical > Label { width: 100%; }
    ConfirmDialog Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmDialog Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(
        self, question: str, yes: str = "Yes", no: str = "No", *, safe_default: bool = False
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.safe_default = safe_default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            with Horizontal():
                yield Button(self.no, id="no")
                yield Button(self.yes, id="yes", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no" if self.safe_default else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


def ask_before_discarding(
    app: App[Any], question: str, then: Callable[[], None], *, yes: str = "Replace",
    still_ok: Callable[[], bool] = lambda: True,
) -> None:  # fmt: skip
    """Ask ``question`` with the focus on "Keep my text"; run ``then`` only on a yes (and
    only if ``still_ok()`` then holds: the state may have moved on while the dialog was up)."""

    def answered(confirmed: bool | None) -> None:
        if confirmed and still_ok():
            then()

    app.push_screen(
        ConfirmDialog(question, yes=yes, no="Keep my text", safe_default=True), answered
    )
