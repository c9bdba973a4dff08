"""Provides the Export screen (waiting on its core module)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Static

from feedback_writer.tui.screens.base import MainScreen


class ExportScreen(MainScreen):
    """Not available yet: its core module has not landed."""

    MODE = "export"

    def body(self) -> Iterable[Widget]:
        yield Static("Not available yet in this version.", classes="unavailable")
