"""Provides the coverage grid: competencies by evidence at the current and next level.

A cell reads ``notes (covered/expected)``; a competency with no evidence at a level is
shown in the error colour, so the gaps stand out at a glance.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable


class CoverageGrid(DataTable[Any]):
    """Fill it with :meth:`show`; rows are keyed by competency slug."""

    DEFAULT_CSS = """
    CoverageGrid { height: auto; max-height: 14; }
    """

    def show(self, cov: Any) -> None:
        """Render a :class:`feedback_writer.mapping.coverage.Coverage`."""
        self.clear(columns=True)
        nxt = cov.next_level or "—"
        self.add_columns("Competency", f"at {cov.level}", f"at {nxt}", "+", "−")
        for c in cov.competencies:
            self.add_row(
                c.name,
                _cell(
                    c.current_count, c.expected_current - len(c.missing_current), c.expected_current
                ),
                _cell(c.next_count, c.expected_next - len(c.missing_next), c.expected_next),
                str(c.positive),
                Text(str(c.negative), style="bold" if c.negative else ""),
                key=c.slug,
            )


def _cell(notes: int, covered: int, expected: int) -> Text:
    if expected == 0:
        return Text("—", style="dim")
    style = "bold red" if notes == 0 else ("yellow" if covered * 2 < expected else "green")
    return Text(f"{notes} ({covered}/{expected})", style=style)
