"""Regenerates docs/screenshots/*.svg: each main screen at 100x30 on fixed sample data.

Run from the repository root: ``python docs/screenshots/make_screenshots.py``. It uses a
throwaway workspace and config, never yours, and drafts offline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

NOTES = [
    (
        "2026-01-12",
        "Led the incident review for the payments outage and wrote the postmortem "
        "with clear follow-up actions",
    ),
    ("2026-02-03", "Improved the on-call runbooks after the database failover drill"),
    ("2026-02-20", "Mentored two junior engineers through their first code reviews"),
    ("2026-03-05", "Shipped the billing export behind a feature flag, on time, with tests"),
]

SHOTS = {
    "people": (None, ()),
    "notes": ("Ana", ()),
    "evidence": ("Ana", ("3",)),
    "coverage": ("Ana", ("3", "g")),
    "draft": ("Ana", ("4",)),
    "export": ("Ana", ("5",)),
    "settings": ("Ana", ("6",)),
}


async def shoot(name: str, person: str | None, keys: tuple[str, ...]) -> None:
    from feedback_writer.context import AppContext
    from feedback_writer.drafting.service import create_draft
    from feedback_writer.mapping import service
    from feedback_writer.notes.model import AuthorKind, ParsedNote
    from feedback_writer.review.sections import edit_section
    from feedback_writer.tui.app import make_app

    os.environ["FEEDBACK_WRITER_HOME"] = tempfile.mkdtemp(prefix="fw-shots-")
    os.environ["FEEDBACK_WRITER_CONFIG"] = str(Path(tempfile.mkdtemp()) / "none.toml")
    ctx = AppContext()
    ctx.repo.update_person("Ana", current_level="mid", target_level="senior")
    ctx.repo.update_person("Bo", current_level="junior")
    for day, text in NOTES:
        ctx.repo.add_note("Ana", ParsedNote(text=text, date=dt.date.fromisoformat(day)))
    ctx.repo.add_note(
        "Ana",
        ParsedNote(text="Ana walked our team through the outage timeline, calmly and clearly",
                   date=dt.date(2026, 1, 20)),
        author_kind=AuthorKind.PEER, author_name="Chris",
    )  # fmt: skip
    service.suggest(ctx.repo, ctx.ladder, "Ana")
    seen: set[str] = set()
    for m in ctx.repo.mappings_for_person("Ana"):
        if m.note_id not in seen:
            seen.add(m.note_id)
            service.accept(ctx.repo, ctx.ladder, m.note_id, m.expectation_id)
    record = create_draft(ctx, "Ana")
    first = ctx.repo.sections(record.id)[0]
    edit_section(ctx.repo, record.id, first.key, "In my words: " + first.human_text)
    app = make_app(ctx, person=person)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in keys:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause(0.2)
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(f"{name}.svg", path=str(HERE))
    ctx.repo.close()


def main() -> None:
    for name, (person, keys) in SHOTS.items():
        asyncio.run(shoot(name, person, keys))
        print(HERE / f"{name}.svg")


if __name__ == "__main__":
    main()
