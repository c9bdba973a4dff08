"""Provides :class:`SectionConflict`: a save of the open section was refused as stale.

The Draft screen's save function catches :class:`~feedback_writer.errors.SaveConflict`
(someone, e.g. a ``review`` run, saved newer text first) and posts this message; the
screen keeps the user's text in the editor and shows the newer text beside it.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message


class SectionConflict(Message):
    """A save of section ``key`` was refused; ``conflict`` is one SaveConflict entry."""

    def __init__(self, key: str, conflict: dict[str, Any]) -> None:
        super().__init__()
        self.key = key
        self.conflict = conflict
