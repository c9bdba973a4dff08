"""Provides a small debouncer: run a save half a second after the last change.

Autosave without a save key: every change (re)starts the timer, and leaving the editor
calls :meth:`Debouncer.flush` so nothing waits on a timer that will never fire. A killed
terminal loses at most the last ``delay`` seconds of typing.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer


class Debouncer:
    """Calls ``action`` once, ``delay`` seconds after the last :meth:`poke`."""

    def __init__(self, owner: MessagePump, action: Callable[[], None], delay: float = 0.5):
        self._owner = owner
        self._action = action
        self._delay = delay
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def poke(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._owner.set_timer(self._delay, self._fire)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def flush(self) -> None:
        """Run the pending action now (if any)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self._action()

    def _fire(self) -> None:
        self._timer = None
        self._action()
