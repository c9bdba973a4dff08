"""Provides :class:`GenerationController`: the Draft screen's generation worker.

Generation runs ``drafting.service.create_draft`` (or, for one section,
``drafting.regenerate.regenerate_section``) in a worker thread of the screen. Progress
lines and the model's streamed text come back as messages (``DraftProgress``,
``DraftText``); the screen hands them to :meth:`progress` and :meth:`text`. Progress is
buffered and shown by a timer ten times a second, the text by the :class:`StreamView`,
so a fast stream never re-renders the screen per token. Cancelling makes the callbacks
raise inside the worker, which stops the stream at the next chunk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feedback_writer.tui.messages import (
    DraftCancelled,
    DraftFinished,
    DraftProgress,
    DraftStats,
    DraftText,
    WorkFailed,
)
from feedback_writer.tui.widgets.draft.status_bar import DraftBar
from feedback_writer.tui.widgets.stream_view import StreamView

if TYPE_CHECKING:
    from feedback_writer.context import AppContext
    from feedback_writer.llm.gateway import CancelToken
    from feedback_writer.tui.screens.base import MainScreen

GROUP = "draft"
_HINT = "   Esc cancels"


class _Cancel(BaseException):
    """Raised in the worker to stop a generation. A BaseException, so that retry loops
    that catch Exception in the gateway let it through instead of retrying."""


class GenerationController:
    """Starts, shows and cancels one generation at a time for ``screen``."""

    def __init__(self, screen: MainScreen) -> None:
        self._screen = screen
        self.running = False
        self._pending: list[str] = []
        self._token: CancelToken | None = None

    def attach(self) -> None:
        """Start the progress timer (call from the screen's ``on_mount``)."""
        self._screen.set_interval(0.1, self._flush)

    @property
    def _bar(self) -> DraftBar:
        return self._screen.query_one(DraftBar)

    @property
    def _stream(self) -> StreamView:
        return self._screen.query_one(StreamView)

    def start(self, person: str, section: tuple[int, str] | None = None) -> None:
        """Generate a new draft for ``person``, or regenerate ``(draft_id, key)``."""
        if self.running:
            return
        what = "preparing the draft…" if section is None else f"regenerating {section[1]}…"
        self._set(True, what)
        ctx = self._screen.ctx
        self._screen.run_worker(
            lambda: self._generate(ctx, person, section),
            thread=True,
            exclusive=True,
            group=GROUP,
            exit_on_error=False,
        )

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()  # closes the model's HTTP stream now, not at the next chunk
        self._screen.workers.cancel_group(self._screen, GROUP)
        self._stream.clear()
        self._set(False, "")
        self._screen.notify("Generation cancelled.", title="Draft")

    def stopped(self) -> None:
        """The worker ended (finished, failed or cancelled): back to the section list."""
        self._stream.clear()
        self._set(False, "")

    def progress(self, message: DraftProgress) -> None:
        self._pending.append(message.text)

    def text(self, message: DraftText) -> None:
        if self.running:  # a piece posted just before a cancel is dropped with the rest
            self._stream.append(message.text)

    def _set(self, on: bool, status: str) -> None:
        self.running = on
        self._bar.busy(on)
        if status:
            self._bar.status(status + (_HINT if on else ""))

    def _flush(self) -> None:
        """Show only the newest progress line, at most ten times a second."""
        if self._pending and self.running:
            self._bar.status(self._pending[-1] + _HINT)
            self._pending.clear()

    def _generate(self, ctx: AppContext, person: str, section: tuple[int, str] | None) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        screen = self._screen
        stats = DraftStats()

        def progress(line: str) -> None:
            if worker.is_cancelled:
                raise _Cancel()
            screen.post_message(DraftProgress(line, stats))

        def text(piece: str) -> None:
            if worker.is_cancelled:
                raise _Cancel()
            stats.chars += len(piece)
            screen.post_message(DraftText(piece))

        from feedback_writer.llm.gateway import CallCancelled, CancelToken, cancel_scope

        self._token = token = CancelToken()
        try:
            with cancel_scope(token):
                if section is None:
                    from feedback_writer.drafting.service import create_draft

                    record = create_draft(ctx, person, on_progress=progress, on_text=text)
                    draft_id = record.id
                else:
                    from feedback_writer.drafting.regenerate import regenerate_section

                    draft_id = section[0]
                    regenerate_section(
                        ctx, *section, force=True, on_progress=progress, on_text=text
                    )  # the screen asked before replacing human text
        except (_Cancel, CallCancelled):
            screen.post_message(DraftCancelled())
            return
        except Exception as exc:
            screen.post_message(WorkFailed("Drafting", exc))
            screen.post_message(DraftCancelled())
            return
        # Cancelled too late (the drafter does not stream, or the answer was complete): the
        # draft is stored, so say so rather than pretend it was not.
        screen.post_message(DraftFinished(draft_id, stats, cancelled=worker.is_cancelled))
