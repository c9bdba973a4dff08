"""Provides the Evidence screen's cells and texts: a note's evidence counts, a suggestion's
status mark and score with its confidence band, and the bulk-accept question."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from feedback_writer.mapping.calibration import score_confidence
from feedback_writer.storage.records import MappingRecord

STATUS = {"accepted": ("✓", "green"), "rejected": ("✗", "red"), "suggested": ("?", "yellow")}
BAND_STYLE = {"high": "green", "medium": "yellow", "low": "red"}
LISTED = 15
"""At most this many suggestions listed in the bulk-accept dialog."""


def short(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def evidence_cell(maps: Sequence[MappingRecord]) -> Text:
    """ "2✓ 3?": accepted and open suggestions of a note; "none" without any."""
    accepted = sum(1 for m in maps if m.status == "accepted")
    open_ = sum(1 for m in maps if m.status == "suggested")
    if not maps:
        return Text("none", style="dim")
    return Text.assemble(
        (f"{accepted}✓", "green" if accepted else "dim"),
        " ",
        (f"{open_}?", "yellow" if open_ else "dim"),
    )


def status_cell(m: MappingRecord) -> Text:
    mark, style = STATUS[m.status]
    return Text(mark, style=style)


def score_cell(m: MappingRecord) -> Text:
    """The score and its confidence band ("0.42 low"); evidence the user added has none."""
    if m.source == "user":
        return Text.assemble(f"{m.score:.2f} ", ("yours", "dim"))
    _, band = score_confidence(m.score)
    return Text.assemble(f"{m.score:.2f} ", (band, BAND_STYLE[band]))


def bulk_question(chosen: Sequence[MappingRecord]) -> str:
    """What the bulk-accept dialog asks: each note and the suggestion it would accept."""
    shown = [f"  {m.note_id} {m.expectation_id}" for m in chosen[:LISTED]]
    if len(chosen) > LISTED:
        shown.append(f"  … and {len(chosen) - LISTED} more")
    head = f"Accept {len(chosen)} high-confidence top suggestion(s)?"
    return "\n".join([head, *shown])
