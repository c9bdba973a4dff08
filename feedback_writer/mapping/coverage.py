"""Provides the coverage view: per competency, how much evidence a person has at their
level and the next, and which expectations have none yet.

Levels are cumulative, so "at the current level" means every expectation up to and
including it. Evidence is what drafts would use (:func:`evidence.confirmed_evidence`):
accepted mappings, or with a threshold also open suggestions scoring at least that. The
figures are SQL aggregates (``Repository.evidence_counts``): no note is read one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.storage.repository import Repository

_CURRENT = "\x1fcurrent"
_NEXT = "\x1fnext"


@dataclass(frozen=True)
class CompetencyCoverage:
    """One competency's evidence. Counts are distinct notes."""

    slug: str
    name: str
    current_count: int
    """Notes with evidence on an expectation at or below the level."""
    next_count: int
    """Notes with evidence on an expectation of the next level."""
    positive: int
    """Notes with positive evidence on this competency (any level)."""
    negative: int
    """Notes with negative evidence (a gap shown) on this competency (any level)."""
    missing_current: list[str]
    """Expectation ids at or below the level with no evidence."""
    missing_next: list[str]
    """Expectation ids of the next level with no evidence."""
    expected_current: int
    expected_next: int


@dataclass(frozen=True)
class Coverage:
    """The coverage view of one person at one level."""

    person: str
    level: str
    next_level: str | None
    threshold: float | None
    notes: int
    """Notes considered (not excluded)."""
    notes_with_evidence: int
    competencies: list[CompetencyCoverage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def coverage(
    repo: Repository,
    ladder: Ladder,
    person: str,
    level: str | None = None,
    *,
    threshold: float | None = None,
) -> Coverage:
    """The coverage of ``person`` at ``level`` (default: the person's current level)."""
    if level is None:
        level = repo.get_person(person).current_level
        if level is None:
            raise UsageError(
                f"no level known for '{person}'",
                hint=f"give --level, or set it: feedback-writer people set '{person}' "
                f"--level {ladder.level_slugs[0]}",
            )
    ladder.level_index(level)
    nxt = ladder.next_level(level)
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError(f"the threshold must be between 0 and 1 (got {threshold})")
    # Groups counted in SQL: every expectation under its competency (for the polarity
    # counts), and the level's and the next level's under competency/current and /next.
    tiers: dict[str, tuple[list[Any], list[Any]]] = {}
    groups: list[tuple[str, str]] = [(e.id, e.competency) for e in ladder.expectations]
    for comp in ladder.competencies:
        current = ladder.expectations_up_to(level, comp.slug)
        upcoming = ladder.next_level_expectations(level, comp.slug)
        tiers[comp.slug] = (current, upcoming)
        groups += [(e.id, f"{comp.slug}{_CURRENT}") for e in current]
        groups += [(e.id, f"{comp.slug}{_NEXT}") for e in upcoming]
    counts = repo.evidence_counts(person, groups, threshold)
    covered = counts.per_expectation
    rows = []
    for comp in ladder.competencies:
        current, upcoming = tiers[comp.slug]
        rows.append(
            CompetencyCoverage(
                slug=comp.slug,
                name=comp.name,
                current_count=counts.per_group.get(f"{comp.slug}{_CURRENT}", 0),
                next_count=counts.per_group.get(f"{comp.slug}{_NEXT}", 0),
                positive=counts.per_group_polarity.get((comp.slug, "positive"), 0),
                negative=counts.per_group_polarity.get((comp.slug, "negative"), 0),
                missing_current=[e.id for e in current if e.id not in covered],
                missing_next=[e.id for e in upcoming if e.id not in covered],
                expected_current=len(current),
                expected_next=len(upcoming),
            )
        )
    return Coverage(
        person=person,
        level=level,
        next_level=nxt,
        threshold=threshold,
        notes=repo.count_notes(person, include_excluded=False),
        notes_with_evidence=counts.notes_with_evidence,
        competencies=rows,
    )


def format_coverage(cov: Coverage, *, show_missing: bool = True) -> str:
    """The coverage as text for the terminal: a table, then the expectations lacking evidence."""
    basis = (
        "accepted evidence"
        if cov.threshold is None
        else f"accepted evidence and suggestions scoring >= {cov.threshold:g}"
    )
    nxt = cov.next_level or "-"
    lines = [
        f"{cov.person}: coverage at {cov.level} (next: {nxt}), from {basis}",
        f"{cov.notes_with_evidence} of {cov.notes} note(s) carry evidence",
        "",
    ]
    width = max([len(c.name) for c in cov.competencies] + [len("competency")])
    lines.append(
        f"{'competency':<{width}}  {'at ' + cov.level:>14}  {'at ' + nxt:>14}  {'+':>3} {'-':>3}"
    )
    for c in cov.competencies:
        here = f"{c.current_count} ({c.expected_current - len(c.missing_current)}/"
        here += f"{c.expected_current})"
        there = f"{c.next_count} ({c.expected_next - len(c.missing_next)}/{c.expected_next})"
        lines.append(f"{c.name:<{width}}  {here:>14}  {there:>14}  {c.positive:>3} {c.negative:>3}")
    lines.append("")
    lines.append("counts: notes with evidence (expectations covered/expected)")
    if show_missing:
        gaps = [c for c in cov.competencies if c.missing_current or c.missing_next]
        if gaps:
            lines.append("")
            lines.append("expectations with no evidence:")
        for c in gaps:
            for eid in c.missing_current:
                lines.append(f"  {eid}")
            for eid in c.missing_next:
                lines.append(f"  {eid}  (next level)")
    return "\n".join(lines)
