"""Provides :class:`AutosaveEditor`: a text area that stores itself, on Notes and Draft.

There is no save key. The screen gives the editor a save function with the text it
loads (:meth:`AutosaveEditor.load`); the editor calls it half a second after the last
keystroke and, while typing goes on, at least every two seconds (:class:`Debouncer`), and
at once when asked (:meth:`AutosaveEditor.flush`: the screen leaves the editor, another
text is loaded, the screen or app closes). Saves are local SQLite writes of a few
milliseconds, so they run on the event loop, in order.

A save that raises (``database is locked`` while another process imports) is never
dropped: the text stays pending, the user is told once (a notification; the screen
shows ``EditorSaveFailed`` in its status line), and it is tried again until it goes
through. Loading another text meanwhile keeps the failed one, with its own save
function, in a backlog that is retried first.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.timer import Timer
from textual.widgets import TextArea

from feedback_writer.tui.debounce import Debouncer
from feedback_writer.tui.messages import EditorSaved, EditorSaveFailed

SaveFn = Callable[[str], object]
"""Stores the text given; raises when it could not (the editor then retries)."""

RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)
CLOSING_ATTEMPTS = 3


class AutosaveEditor(TextArea):
    """A TextArea whose edits are stored by the save function of the loaded text."""

    def __init__(
        self,
        *,
        id: str | None = None,
        soft_wrap: bool = True,
        show_line_numbers: bool = False,
        delay: float = 0.5,
        max_wait: float = 2.0,
    ) -> None:
        super().__init__(id=id, soft_wrap=soft_wrap, show_line_numbers=show_line_numbers)
        self._save: SaveFn | None = None
        self._saved = ""  # the text known to be stored by ``_save``
        self._touched = False  # something beside the text (a note's date) changed
        self._backlog: list[tuple[SaveFn, str]] = []  # failed saves of earlier texts
        self._debouncer = Debouncer(self, self.save_now, delay, max_wait)
        self._retry: Timer | None = None
        self._failures = 0
        self.rescue: Callable[[list[str]], object] | None = None
        """Called with the texts still unsaved when the editor closes (the screen writes
        them to the workspace's rescue file), so a closing app never drops them."""

    # --- state ----------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """The loaded text has changes not stored yet."""
        return self._save is not None and (self._touched or self.text != self._saved)

    @property
    def pending(self) -> bool:
        """Anything (this text, or an earlier one that failed) still waits to be stored."""
        return self.dirty or bool(self._backlog)

    @property
    def failing(self) -> bool:
        return self._failures > 0

    # --- the screen's calls ---------------------------------------------------------------
    def load(self, text: str, save: SaveFn | None) -> None:
        """Show ``text``, stored from now on by ``save`` (None: read only until loaded again).

        What was typed before is saved first; if that fails it is kept for a retry."""
        self.flush()
        if self.dirty and self._save is not None:
            self._backlog.append((self._save, self.text))
        self._save, self._saved, self._touched = save, text, False
        self.load_text(text)

    def touch(self) -> None:
        """Something saved along with the text changed (a note's date): save it too."""
        if self._save is not None:
            self._touched = True
            self._debouncer.poke()

    def flush(self) -> bool:
        """Save what is pending now. True when nothing is left pending."""
        self._debouncer.cancel()
        return self.save_now() if self.pending else True

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Loading a text sends Changed too: only a text that differs from the stored one
        # is an edit. The event still bubbles up to the screen.
        if event.text_area is self and self.dirty:
            self._debouncer.poke()

    def on_mount(self) -> None:
        if self.rescue is None:  # the screen keeps what could not be stored (see rescue)
            self.rescue = getattr(self.screen, "rescue_texts", None)

    def on_unmount(self) -> None:
        """The screen or app is closing: no timer will fire again, so retry right here."""
        self._debouncer.cancel()
        for attempt in range(CLOSING_ATTEMPTS):
            if not self.pending or self.save_now():
                return
            time.sleep(RETRY_SECONDS[attempt])
        texts = [text for _, text in self._backlog] + ([self.text] if self.dirty else [])
        kept = None
        if self.rescue is not None:
            try:
                kept = self.rescue(texts)
            except OSError as exc:
                self.log.error(f"autosave: rescue file not written: {exc}")
        self.log.error(f"autosave: {len(texts)} text(s) not stored when closing; kept: {kept}")

    # --- saving ---------------------------------------------------------------------------
    def save_now(self) -> bool:
        """Store the backlog, then the current text. True when all went through."""
        try:
            while self._backlog:
                save, text = self._backlog[0]
                save(text)
                self._backlog.pop(0)
            if self.dirty and self._save is not None:
                text = self.text
                self._save(text)
                self._saved, self._touched = text, False
                self._post(EditorSaved(self, text))
        except Exception as exc:
            self._failed(exc)
            return False
        if self._failures:
            self._failures = 0
            self._stop_retry()
            self._notify("Saved after all.", severity="information")
        return True

    def _failed(self, error: Exception) -> None:
        self._failures += 1
        self._post(EditorSaveFailed(self, error, self._failures))
        if self._failures == 1:
            self._notify(
                f"Not saved yet ({type(error).__name__}: {error}); retrying. Your text is kept.",
                severity="warning",
            )
        self._stop_retry()
        if self.is_attached:
            wait = RETRY_SECONDS[min(self._failures, len(RETRY_SECONDS)) - 1]
            self._retry = self.set_timer(wait, self._retry_now)

    def _retry_now(self) -> None:
        self._retry = None
        if self.pending:
            self.save_now()

    def _stop_retry(self) -> None:
        if self._retry is not None:
            self._retry.stop()
            self._retry = None

    def _post(self, message: EditorSaved | EditorSaveFailed) -> None:
        if self.is_attached:
            self.post_message(message)

    def _notify(self, text: str, severity: str) -> None:
        if self.is_attached:
            self.app.notify(text, title="Autosave", severity=severity)  # type: ignore[arg-type]
