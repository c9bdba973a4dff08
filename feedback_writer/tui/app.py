"""Provides the Textual application and ``make_app``, the factory the CLI and tests share.

Each main screen is a Textual *mode* (its own screen stack), so switching with the number
keys keeps every screen's state (cursor, scroll, half-typed note) as the user left it.
The person being worked on lives on the app; screens read it when they are shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from feedback_writer.context import AppContext
from feedback_writer.tui.errors import describe_error
from feedback_writer.tui.modes import SCREENS


def _people() -> Screen[Any]:
    from feedback_writer.tui.screens.people import PeopleScreen

    return PeopleScreen()


def _notes() -> Screen[Any]:
    from feedback_writer.tui.screens.notes import NotesScreen

    return NotesScreen()


def _evidence() -> Screen[Any]:
    from feedback_writer.tui.screens.evidence import EvidenceScreen

    return EvidenceScreen()


def _draft() -> Screen[Any]:
    from feedback_writer.tui.screens.draft import DraftScreen

    return DraftScreen()


def _export() -> Screen[Any]:
    from feedback_writer.tui.screens.export import ExportScreen

    return ExportScreen()


def _settings() -> Screen[Any]:
    from feedback_writer.tui.screens.settings import SettingsScreen

    return SettingsScreen()


class FeedbackWriterApp(App[None]):
    """feedback-writer's terminal UI: people, notes, evidence, draft, export, settings."""

    TITLE = "feedback-writer"
    CSS_PATH = "app.tcss"
    # Screens are built on first visit: the first screen shows without importing the rest.
    MODES: ClassVar[dict[str, Any]] = {
        "people": _people,
        "notes": _notes,
        "evidence": _evidence,
        "draft": _draft,
        "export": _export,
        "settings": _settings,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"goto('{mode}')", title, show=False)
            for mode, (key, title) in SCREENS.items()
        ),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, ctx: AppContext, person: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.person: str | None = person
        self.theme = "textual-dark"

    def on_mount(self) -> None:
        start = "people"
        if self.person is not None:
            try:
                self.person = self.ctx.repo.ensure_person(self.person).name
                start = "notes"
            except Exception as exc:  # a bad name from the CLI: start on People instead
                self.person = None
                self.show_error(exc)
        self.switch_mode(start)

    # --- navigation -------------------------------------------------------------------
    def action_goto(self, mode: str) -> None:
        if mode != "people" and mode != "settings" and self.person is None:
            self.notify("Pick or create a person first (Enter on a row, n for a new one).")
            mode = "people"
        if self.current_mode != mode:
            self.switch_mode(mode)

    def choose_person(self, name: str) -> None:
        """Work on ``name`` from now on; the other screens reload when shown."""
        self.person = name
        self.sub_title = name

    def action_help(self) -> None:
        from feedback_writer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, (key, title) in SCREENS.items():
            yield SystemCommand(
                f"Go to {title}",
                f"Open the {title} screen (key {key})",
                lambda m=mode: self.action_goto(m),  # type: ignore[misc]
            )
        yield SystemCommand(
            "Light / dark",
            "Switch between light and dark themes (ctrl+t)",
            self.action_toggle_theme,
        )
        yield SystemCommand("Help", "Keys and flows (?)", self.action_help)

    # --- errors -----------------------------------------------------------------------
    def show_error(self, error: BaseException, *, title: str | None = None) -> None:
        """A notification saying what went wrong and what to do next; never a traceback."""
        kind, message = describe_error(error)
        self.notify(message, title=title or kind, severity="error", timeout=10)


def make_app(ctx: AppContext, person: str | None = None) -> FeedbackWriterApp:
    """The app factory: the CLI (``feedback-writer``, ``tui``, ``demo``) and tests use it."""
    return FeedbackWriterApp(ctx, person=person)
