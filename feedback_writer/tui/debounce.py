"""Provides a debouncer with a ceiling: run a save soon after the last change, and often
while changes keep coming.

Autosave without a save key. Each change (re)starts a ``delay`` timer, but never past
``max_wait`` after the first change that is not yet saved: someone typing steadily is
saved every ``max_wait`` seconds, not only when they pause. Leaving the editor calls
:meth:`Debouncer.flush` so nothing waits on a timer that will never fire. A killed
terminal loses at most the last ``max_wait`` seconds of typing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

MIN_DELAY = 0.01
"""The shortest timer set. Textual's timer divides by its interval when it fires late (a
busy machine): a 0-second timer then dies with ZeroDivisionError and its save never runs."""


def next_delay(now: float, first: float, delay: float, max_wait: float) -> float:
    """Seconds from ``now`` to the save: ``delay`` after this change, but no later than
    ``max_wait`` after the ``first`` unsaved change (and never under ``MIN_DELAY``)."""
    return max(MIN_DELAY, min(delay, first + max_wait - now))


class Debouncer:
    """Calls ``action`` ``delay`` seconds after the last :meth:`poke`, and at the latest
    ``max_wait`` seconds after the first poke since the last call."""

    def __init__(
        self,
        owner: MessagePump,
        action: Callable[[], object],
        delay: float = 0.5,
        max_wait: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._owner = owner
        self._action = action
        self._delay = delay
        self._max_wait = max_wait
        self._clock = clock
        self._timer: Timer | None = None
        self._first: float | None = None  # when the oldest unsaved change came

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def poke(self) -> None:
        now = self._clock()
        if self._first is None:
            self._first = now
        if self._timer is not None:
            self._timer.stop()
        wait = next_delay(now, self._first, self._delay, self._max_wait)
        self._timer = self._owner.set_timer(wait, self._fire)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self._first = None

    def flush(self) -> None:
        """Run the pending action now (if any)."""
        if self._timer is not None:
            self.cancel()
            self._action()

    def _fire(self) -> None:
        self._timer = None
        self._first = None
        self._action()
