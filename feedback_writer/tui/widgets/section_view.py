"""Provides what the Draft screen shows beside a section: citations found and the diff.

Pure functions over text (no database): the screen looks the ids up and renders.
"""

from __future__ import annotations

import difflib
import re

from rich.text import Text

_NOTE_REF = re.compile(r"\bn\d+\b")
_EXP_REF = re.compile(r"\b[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*\b")


def cited_ids(text: str) -> tuple[list[str], list[str]]:
    """(note ids, expectation-like ids) in ``text``, in order of appearance, unique.

    Expectation-like ids still need checking against the ladder: prose can match too.
    """
    notes = list(dict.fromkeys(_NOTE_REF.findall(text)))
    expectations = list(dict.fromkeys(_EXP_REF.findall(text)))
    return notes, expectations


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
