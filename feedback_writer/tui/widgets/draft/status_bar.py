"""Provides :class:`DraftBar`: the Draft screen's top line (gate status or progress)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class DraftBar(Horizontal):
    """A status line, and an indeterminate progress bar while a draft generates."""

    DEFAULT_CSS = """
    DraftBar { height: 1; padding: 0 1; }
    DraftBar #draft-status { width: 1fr; color: $text-muted; }
    DraftBar #draft-progress { width: 24; display: none; }
    """

    def compose(self) -> ComposeResult:
        yield Label("", id="draft-status")
        yield ProgressBar(total=None, show_eta=False, id="draft-progress")

    def status(self, text: str) -> None:
        self.query_one("#draft-status", Label).update(text)

    def busy(self, on: bool) -> None:
        self.query_one("#draft-progress").display = on
