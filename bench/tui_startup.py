"""Time to the first screen of the TUI: ``App.run_test`` until the People screen is mounted.

Prints seconds (median of several runs, plus the first, cold, run that includes imports).
The target is under 1 s on the 2-core development machine. Run it with:

    python bench/tui_startup.py [--people N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _workspace(people: int, notes_each: int) -> str:
    """A workspace with ``people`` people and their notes, like a real team's."""
    import datetime as dt

    from feedback_writer.notes.model import ParsedNote
    from feedback_writer.storage.repository import Repository

    home = tempfile.mkdtemp(prefix="fw-bench-")
    repo = Repository(Path(home) / "workspace.sqlite3")
    for p in range(people):
        name = f"Person {p:02d}"
        repo.update_person(name, current_level="mid", target_level="senior")
        repo.import_notes(
            name,
            [
                ParsedNote(
                    text=f"Note {i} about shipping and on-call work",
                    date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                )
                for i in range(notes_each)
            ],
        )
    repo.close()
    return home


async def _first_screen(home: str) -> float:
    started = time.perf_counter()
    from feedback_writer.context import AppContext
    from feedback_writer.tui.app import make_app
    from feedback_writer.tui.screens.people import PeopleScreen

    app = make_app(AppContext(workspace=home))
    async with app.run_test(size=(100, 30)) as pilot:
        while not (isinstance(app.screen, PeopleScreen) and app.screen.is_mounted):
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - started
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--notes", type=int, default=80, help="notes per person")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("FEEDBACK_WRITER_CONFIG", str(Path(tempfile.mkdtemp()) / "none.toml"))
    home = _workspace(args.people, args.notes)
    times = [asyncio.run(_first_screen(home)) for _ in range(args.runs)]
    print(f"workspace: {args.people} people x {args.notes} notes")
    print(f"first screen, cold (imports included): {times[0]:.3f} s")
    print(f"first screen, median of {len(times)}: {statistics.median(times):.3f} s")
    print(f"first screen, worst: {max(times):.3f} s")


if __name__ == "__main__":
    main()
