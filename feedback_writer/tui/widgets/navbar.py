"""Provides the navigation bar: the six screens with their keys, and whose review it is."""

from __future__ import annotations

from textual.widgets import Static

from feedback_writer.tui.modes import SCREENS


class NavBar(Static):
    """One line: ``1 People  2 Notes ...`` with the current screen highlighted."""

    DEFAULT_CSS = """
    NavBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, active: str) -> None:
        super().__init__(id="nav")
        self.active = active

    def on_mount(self) -> None:
        self.refresh_bar()

    def refresh_bar(self) -> None:
        parts = []
        for mode, (key, title) in SCREENS.items():
            if mode == self.active:
                parts.append(f"[reverse b] {key} {title} [/]")
            else:
                parts.append(f"[@click=app.goto('{mode}')] [b]{key}[/b] {title} [/]")
        person = getattr(self.app, "person", None)
        who = f"  [b]{person}[/b]" if person else "  [i]no person[/i]"
        self.update("".join(parts) + who)
