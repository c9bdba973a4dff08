"""Provides :class:`DiffPanel`: the drafter's text against the human's, coloured."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from feedback_writer.tui.widgets.section_view import diff_text


class DiffPanel(VerticalScroll):
    """Hidden until toggled; :meth:`show` renders a diff from texts already in memory."""

    DEFAULT_CSS = """
    DiffPanel { height: 1fr; display: none; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="diff", markup=False)

    def show(self, model_text: str, human_text: str) -> None:
        body = diff_text(model_text, human_text)
        self.query_one("#diff", Static).update(body if body.plain else "No changes yet.")
