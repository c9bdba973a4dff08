"""Test helpers: the categories a text is flagged with, by the full check or the rules alone."""

from __future__ import annotations

from feedback_writer.quality import check_text
from feedback_writer.quality.engine import run_rules
from feedback_writer.quality.rules import load_rules


def cats(text: str, mode: str = "manager") -> set[str]:
    """Categories of the full check (rules and learned models) on ``text``."""
    return {f.category for f in check_text(text, mode=mode)}  # type: ignore[arg-type]


def rule_cats(text: str, mode: str = "manager") -> set[str]:
    """Categories of the shipped rules alone on ``text``."""
    return {f.category for f in run_rules(load_rules(None), text, mode, None)}
