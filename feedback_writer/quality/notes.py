"""Provides the follow-up question for a vague note: one with at most one of situation,
behaviour and outcome (the parts and questions are in ``quality/data/notes.yaml``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from feedback_writer.quality.rules import load_note_rules
from feedback_writer.quality.text import compile_terms


def note_parts(text: str, rules_dir: str | Path | None = None) -> dict[str, bool]:
    """Which of situation, behaviour and outcome the note has."""
    conf = load_note_rules(rules_dir)
    out: dict[str, bool] = {}
    for name, part in conf["parts"].items():
        pattern = compile_terms(part["terms"])
        out[name] = bool(pattern and pattern.search(text))
    return out


def followup_question(text: str, rules_dir: str | Path | None = None) -> str | None:
    """A question asking for what a vague note lacks, or None when the note is specific
    enough (``notes list`` and the Notes screen show it beside the note)."""
    conf = load_note_rules(rules_dir)
    parts = note_parts(text, rules_dir)
    if sum(parts.values()) >= int(conf.get("min_parts", 2)):
        return None
    return " ".join(conf["parts"][name]["question"] for name, ok in parts.items() if not ok)


class _NoteLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...


def followup_for_notes(
    notes: Iterable[_NoteLike], rules_dir: str | Path | None = None
) -> dict[str, str]:
    """Note id -> follow-up question, for the notes that need one (the rest are left out)."""
    out: dict[str, str] = {}
    for note in notes:
        question = followup_question(note.text, rules_dir)
        if question is not None:
            out[note.id] = question
    return out
