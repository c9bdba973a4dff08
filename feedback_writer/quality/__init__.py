"""Provides the feedback quality checks: word-list rules from data files plus context
checks (unsupported, calibration, recency), and the follow-up question for vague notes.

Public API::

    check_text(text, *, mode="manager", context=None, rules_dir=None) -> list[Finding]
    followup_question(note_text, rules_dir=None) -> str | None
    followup_for_notes(notes, rules_dir=None) -> dict[note_id, question]
    draft_findings(repo, ladder, draft_id, *, rules_dir=None) -> list[SectionFinding]
      (in feedback_writer.quality.draft: it imports storage, so it is not loaded here)
"""

from __future__ import annotations

from pathlib import Path

from feedback_writer.quality.model import CATEGORIES, CheckContext, CitedNote, Finding, Mode
from feedback_writer.quality.notes import followup_for_notes, followup_question, note_parts
from feedback_writer.quality.rules import QualityRulesError, load_rules

__all__ = [
    "CATEGORIES",
    "CheckContext",
    "CitedNote",
    "Finding",
    "Mode",
    "QualityRulesError",
    "check_text",
    "followup_for_notes",
    "followup_question",
    "load_rules",
    "note_parts",
]


def check_text(
    text: str,
    *,
    mode: Mode = "manager",
    context: CheckContext | None = None,
    rules_dir: str | Path | None = None,
) -> list[Finding]:
    """Every quality finding for ``text``, in text order; offsets index into ``text``.

    ``mode`` is whose review it is (manager or self). ``context`` enables the checks that
    need notes, dates, levels or the stated calibration. ``rules_dir`` is a company folder
    whose rule files (and ``learned.json``, the learned models) replace the shipped ones of
    the same name.
    """
    from feedback_writer.quality import context as ctx_checks
    from feedback_writer.quality.engine import run_rules
    from feedback_writer.quality.learned import combine, load_models

    rules = load_rules(rules_dir)
    found = run_rules(rules, text, mode, context)
    found = combine(load_models(rules_dir), rules, text, mode, context, found)
    if context is not None:
        found += ctx_checks.unsupported(rules, text, context)
        found += ctx_checks.calibration(rules, text, context)
        found += ctx_checks.recency(rules, text, context)
    found.sort(key=lambda f: (f.start, f.end, f.rule))
    return found
