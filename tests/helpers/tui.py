"""Provides waits for pilot tests: for the workers and for the autosave, not for the clock.

The snapshot tests and the TUI tests share them as ``tests.helpers.tui``.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot


async def wait_for_workers(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and the messages they posted are handled (a handled
    result may start another worker, e.g. the Draft screen's evidence after its sections)."""
    app = pilot.app
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return
    raise AssertionError("workers still running")


async def wait_for_autosave(pilot: Pilot[Any], seconds: float = 10.0) -> None:
    """Wait until every AutosaveEditor on the screen has stored its text (retries too)."""
    from feedback_writer.tui.widgets.autosave import AutosaveEditor

    for _ in range(int(seconds / 0.05)):
        editors = list(pilot.app.screen.query(AutosaveEditor))
        if not any(e.pending for e in editors):
            await pilot.pause()
            return
        await pilot.pause(0.05)
    raise AssertionError("autosave still pending")
