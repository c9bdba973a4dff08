"""Provides what the Draft screen shows beside a section: citations found and the diff.

Pure functions over text (no database): the screen looks the ids up and renders.
"""

from __future__ import annotations

import difflib

from rich.text import Text

# The citation grammar is the review package's: (note ids, expectation-like ids) in text.
from feedback_writer.citations import cited_ids

__all__ = ["cited_ids", "diff_text"]


def diff_text(model_text: str, human_text: str) -> Text:
    """A coloured unified diff from the drafter's text to the human's; empty if equal."""
    body = Text()
    lines = difflib.unified_diff(
        model_text.splitlines(), human_text.splitlines(), "model text", "your text", lineterm=""
    )
    for line in lines:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
        body.append(line + "\n", style=style)
    return body
