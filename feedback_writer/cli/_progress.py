"""Provides the CLI's progress line: ``\\r`` updates on a terminal only, retries on lines
of their own, and a line always ended before anything else (an error) is printed."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import IO

RETRY_MARK = ", retrying in "


def _stderr() -> IO[str]:
    # Looked up per call: a test runner swaps sys.stderr.
    return sys.stderr


class ProgressLine:
    """A status line on stderr; use as a context manager so the line is always ended."""

    force_tty: bool | None = None
    """Tests set this to see the ``\r`` line on a captured stream."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream: IO[str] = stream if stream is not None else _stderr()
        tty = self.force_tty
        if tty is None:
            try:
                tty = self.stream.isatty()
            except (AttributeError, ValueError):
                tty = False
        self.tty = bool(tty)
        self.open = False
        self._width = 0

    def __call__(self, message: str) -> None:
        """A progress update; a retry notice ("rate limited, retrying in 2 s (2/4)")
        gets its own line, on a terminal or not."""
        if RETRY_MARK in message:
            self.line(message)
        elif self.tty:
            pad = " " * max(0, self._width - len(message))
            self.stream.write(f"\r{message}{pad}")
            self.stream.flush()
            self._width = len(message)
            self.open = True

    def line(self, message: str) -> None:
        self.end()
        self.stream.write(message + "\n")
        self.stream.flush()

    def end(self) -> None:
        """End an open progress line, so what follows starts on its own line."""
        if self.open:
            self.stream.write("\n")
            self.stream.flush()
            self.open = False
            self._width = 0

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.end()
