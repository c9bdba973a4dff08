"""Provides the base of the main screens: nav bar, footer, app context and errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer

from feedback_writer.tui.messages import WorkFailed
from feedback_writer.tui.widgets.navbar import NavBar

if TYPE_CHECKING:
    from feedback_writer.context import AppContext
    from feedback_writer.ladder.model import Ladder
    from feedback_writer.storage.repository import Repository
    from feedback_writer.tui.app import FeedbackWriterApp


class MainScreen(Screen[None]):
    """A main screen: subclasses set ``MODE`` and implement ``body`` and ``reload``."""

    MODE: ClassVar[str] = ""

    @property
    def fw(self) -> FeedbackWriterApp:
        return self.app  # type: ignore[return-value]

    @property
    def ctx(self) -> AppContext:
        return self.fw.ctx

    @property
    def repo(self) -> Repository:
        return self.fw.ctx.repo

    @property
    def ladder(self) -> Ladder:
        return self.fw.ctx.ladder

    @property
    def person(self) -> str | None:
        return self.fw.person

    def compose(self) -> ComposeResult:
        yield NavBar(self.MODE)
        yield from self.body()
        yield Footer()

    def body(self) -> Iterable[Widget]:
        return ()

    def on_screen_resume(self) -> None:
        self.query_one(NavBar).refresh_bar()
        try:
            self.reload()
        except Exception as exc:  # a broken workspace or ladder: say so, keep the UI
            self.fw.show_error(exc)

    def reload(self) -> None:
        """Re-read what the screen shows (the person may have changed meanwhile)."""

    def on_work_failed(self, message: WorkFailed) -> None:
        self.fw.show_error(message.error, title=f"{message.what} failed")

    def fail(self, what: str, error: BaseException) -> None:
        """From a worker thread: report ``error`` on the screen."""
        self.post_message(WorkFailed(what, error))

    def rescue_texts(self, texts: list[str]) -> object:
        """Keep texts an editor of this screen could not store before closing (the
        workspace's rescue file); returns where they went."""
        from feedback_writer.storage.recovery import keep_unsaved_texts

        what = f"{self.person or 'no person'}, {type(self).__name__}"
        return keep_unsaved_texts(self.ctx.workspace, what, texts)
