"""Provides the follow-up question for a vague note: one with at most one of situation,
behaviour and outcome (the parts and questions are in ``quality/data/notes.yaml``)."""

from __future__ import annotations

from pathlib import Path

from feedback_writer.quality.rules import load_rules
from feedback_writer.quality.text import compile_terms


def note_parts(text: str, rules_dir: str | Path | None = None) -> dict[str, bool]:
    """Which of situation, behaviour and outcome the note has."""
    conf = load_rules(rules_dir).notes
    out: dict[str, bool] = {}
    for name, part in conf["parts"].items():
        pattern = compile_terms(part["terms"])
        out[name] = bool(pattern and pattern.search(text))
    return out


def followup_question(text: str, rules_dir: str | Path | None = None) -> str | None:
    """A question asking for what a vague note lacks, or None when the note is specific
    enough (``notes list`` and the Notes screen show it beside the note)."""
    conf = load_rules(rules_dir).notes
    parts = note_parts(text, rules_dir)
    if sum(parts.values()) >= int(conf.get("min_parts", 2)):
        return None
    return " ".join(conf["parts"][name]["question"] for name, ok in parts.items() if not ok)
