"""Provides :class:`EvidencePanel`: what a draft section cites, shown beside the editor.

The panel only shows text; the screen reads the notes and findings in a worker thread
(``controllers.draft_data.evidence_text``) and hands the result over with :meth:`show`.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class EvidencePanel(VerticalScroll):
    """The cited notes, ladder expectations and findings of one section."""

    DEFAULT_CSS = """
    EvidencePanel { width: 30%; border-left: vkey $panel; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.key: str | None = None  # the section shown (or being loaded)

    def compose(self) -> ComposeResult:
        yield Static("", id="evidence", markup=False)

    def expect(self, key: str) -> None:
        """A section was opened; its evidence is on the way."""
        self.key = key

    def show(self, key: str, text: str) -> None:
        """Show ``text`` if it belongs to the section still open (late answers are dropped)."""
        if key == self.key:
            self.query_one("#evidence", Static).update(text)
