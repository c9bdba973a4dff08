"""Provides the draft prompt's budget: whether a window's notes fit ``max_prompt_tokens``,
and when they do not, which notes are quoted and which are only counted.

Condensing is per competency, from light rows (no note text is read to decide): for each
expectation and polarity the strongest notes (score, then the most recent) and the most
recent ones are quoted verbatim; every other note carrying evidence is counted per
expectation and polarity. The number kept per expectation shrinks until the estimate fits;
the strongest note of each expectation is always kept, so every expectation with evidence
is still cited. Notes without evidence are left out of a condensed window.

Estimates count :data:`~feedback_writer.drafting.prompt.CHARS_PER_TOKEN` characters a token
plus a fixed cost per note line, and aim at :data:`FILL` of the budget.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from feedback_writer.drafting.base import CondensedNotes, SummarisedMapping
from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import AuthorKind

if TYPE_CHECKING:
    from feedback_writer.storage.records import Person
    from feedback_writer.storage.repository import Repository

CHARS_PER_TOKEN = 4
NOTE_TOKENS = 24
"""A note line's tag, id, date and punctuation."""
MAP_TOKENS = 12
"""Each ``for: id`` a note line carries."""
BASE_TOKENS = 1500
"""Instructions and headings of the draft prompt, without expectations or notes."""
SUMMARY_TOKENS = 16
"""One line of counts (expectation, polarity, notes) in a condensed prompt."""
FILL = 0.9
"""Share of the budget the estimate may fill: estimates are rough."""
KEEP = (8, 6, 4, 3, 2, 1)
"""Notes kept per expectation and polarity, by strength and by recency, tried in turn."""

WindowRow = tuple[int, str, str, int]
"""(note row id, day, author kind, text length): ``Repository.window_rows``."""
EvidenceRow = tuple[int, str, float, str, str]
"""(note row id, expectation id, score, polarity, status): ``Repository.evidence_rows``."""


@dataclass
class Window:
    """A draft window read light: its notes' rows and their evidence, no text."""

    rows: list[WindowRow]
    evidence: dict[int, list[EvidenceRow]]

    def found(self) -> tuple[int, int]:
        """(notes carrying evidence, of them resting on an unconfirmed suggestion)."""
        guessed = sum(1 for maps in self.evidence.values() if any(m[4] != "accepted" for m in maps))
        return len(self.evidence), guessed


def read_window(
    repo: Repository,
    ladder: Ladder,
    person: Person,
    since: dt.date | None,
    until: dt.date | None,
    exclude: Sequence[str],
    include_undated: bool,
    threshold: float | None,
) -> Window:
    """The window ``drafting.service.window_notes`` reads, and its evidence as
    ``mapping.evidence.select_evidence`` picks it, from two cursors of plain rows."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError(f"the threshold must be between 0 and 1 (got {threshold})")
    for note_id in exclude:
        owner = repo.get_note(note_id).person
        if owner != person.name:
            raise UsageError(f"--exclude {note_id}: that note belongs to {owner}")
    skip = {int(i[1:]) for i in exclude}
    rows = repo.window_rows(person, since=since, until=until, include_undated=include_undated)
    if skip:
        rows = [r for r in rows if r[0] not in skip]
    inside = {r[0] for r in rows}
    known = {e.id: e.id for e in ladder.expectations}  # one string per id, not one per row
    evidence: dict[int, list[EvidenceRow]] = {}
    for note, eid, score, polarity, status in repo.evidence_rows(person, list(known), threshold):
        if note in inside:
            evidence.setdefault(note, []).append((note, known[eid], score, polarity, status))
    return Window(rows, evidence)


@dataclass(frozen=True)
class BudgetPlan:
    """A condensed window: the notes to quote (row ids, window order) and the counts."""

    quoted: list[int]
    condensed: CondensedNotes


def note_tokens(length: int, maps: int) -> int:
    """Estimated tokens of one note line of ``length`` characters with ``maps`` mappings."""
    return math.ceil(length / CHARS_PER_TOKEN) + NOTE_TOKENS + MAP_TOKENS * maps


def base_tokens(ladder: Ladder) -> int:
    """Estimated tokens of the prompt without notes (every expectation's text at most)."""
    return BASE_TOKENS + sum(
        math.ceil(len(e.text) / CHARS_PER_TOKEN) + 8 for e in ladder.expectations
    )


def plan_notes(
    rows: Sequence[WindowRow],
    evidence: Mapping[int, Sequence[EvidenceRow]],
    ladder: Ladder,
    budget: int,
) -> BudgetPlan | None:
    """``None`` when the whole window fits ``budget``; else the notes to quote and the
    counts of the rest (see the module docstring). ``evidence``: the window's notes only."""
    limit = budget * FILL
    base = base_tokens(ladder)
    whole = base + sum(note_tokens(r[3], len(evidence.get(r[0], ()))) for r in rows)
    if whole <= limit:
        return None
    info = {r[0]: r for r in rows}
    groups: dict[tuple[str, str], list[tuple[float, str, int]]] = {}
    for note, maps in evidence.items():
        for _, eid, score, polarity, _ in maps:
            groups.setdefault((eid, polarity), []).append((score, info[note][1], note))
    strongest: dict[tuple[str, str], list[int]] = {}
    recent: dict[tuple[str, str], list[int]] = {}
    for key, items in groups.items():
        items.sort(key=lambda t: (t[1], t[2]), reverse=True)  # most recent first
        recent[key] = [t[2] for t in items]
        items.sort(key=lambda t: t[0], reverse=True)  # strongest first, then most recent
        strongest[key] = [t[2] for t in items]

    def cost(chosen: set[int]) -> int:
        notes = sum(note_tokens(info[n][3], len(evidence[n])) for n in chosen)
        return base + notes + SUMMARY_TOKENS * len(groups)

    quoted: set[int] = set()
    for keep in KEEP:
        quoted = {n for key in groups for n in (*strongest[key][:keep], *recent[key][:keep])}
        if cost(quoted) <= limit:
            break
    else:
        quoted = {strongest[key][0] for key in groups}
    return BudgetPlan(
        [r[0] for r in rows if r[0] in quoted],
        _condensed(rows, evidence, ladder, budget, groups, quoted),
    )


def _condensed(
    rows: Sequence[WindowRow],
    evidence: Mapping[int, Sequence[EvidenceRow]],
    ladder: Ladder,
    budget: int,
    groups: Mapping[tuple[str, str], Sequence[tuple[float, str, int]]],
    quoted: set[int],
) -> CondensedNotes:
    peer = AuthorKind.PEER.value
    peers = {r[0] for r in rows if r[2] == peer}
    counts = {
        key: n
        for key, items in groups.items()
        if (n := sum(1 for t in items if t[2] not in quoted))
    }
    by_competency: dict[str, set[int]] = {}
    own: dict[str, list[SummarisedMapping]] = {}
    for note, maps in evidence.items():
        if note in quoted:
            continue
        for m in maps:
            by_competency.setdefault(ladder.expectation(m[1]).competency, set()).add(note)
        if note not in peers:
            own[f"n{note}"] = [SummarisedMapping(m[1], m[2], m[3], m[4]) for m in maps]
    return CondensedNotes(
        window=len(rows),
        quoted=len(quoted),
        summarised=sum(1 for n in evidence if n not in quoted),
        budget=budget,
        own_window=len(rows) - len(peers),
        peer_window=len(peers),
        counts=counts,
        competency_notes={c: len(v) for c, v in by_competency.items()},
        own_evidence=own,
    )
