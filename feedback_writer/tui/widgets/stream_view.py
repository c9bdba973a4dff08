"""Provides :class:`StreamView`: a model's answer shown as it streams, in batches.

Pieces are appended to a buffer as they arrive (cheap, once per token) and a timer puts
the buffer on screen at most ten times a second, so a fast stream never re-renders the
widget per token. Only the tail is rendered: the whole answer can run to many kilobytes.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

FLUSH_SECONDS = 0.1
SHOWN_CHARS = 4000


class StreamView(VerticalScroll):
    """Hidden until text arrives; :meth:`clear` empties and hides it again."""

    DEFAULT_CSS = """
    StreamView { height: 1fr; display: none; padding: 0 1; border-top: hkey $panel; }
    StreamView > Static { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pending: list[str] = []
        self._text = ""
        self.flushes = 0  # how many times the text was rendered (tests check the batching)

    def compose(self) -> ComposeResult:
        yield Static("", markup=False)

    def on_mount(self) -> None:
        self.set_interval(FLUSH_SECONDS, self.flush)

    @property
    def text(self) -> str:
        """Everything received so far, shown or still pending."""
        return self._text + "".join(self._pending)

    def append(self, piece: str) -> None:
        """Queue ``piece``; it appears on the next flush."""
        if piece:
            self._pending.append(piece)

    def flush(self) -> None:
        if not self._pending:
            return
        self._text += "".join(self._pending)
        self._pending.clear()
        self.query_one(Static).update(self._text[-SHOWN_CHARS:])
        self.display = True
        self.flushes += 1
        self.scroll_end(animate=False)

    def clear(self) -> None:
        self._pending.clear()
        self._text = ""
        self.query_one(Static).update("")
        self.display = False
