"""Provides the evidence drafts and the coverage view are built from: accepted mappings, or
with a threshold also the best open suggestions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import Note
from feedback_writer.storage.mappings import UNCONFIRMED_MARGIN, UNCONFIRMED_PER_NOTE
from feedback_writer.storage.records import MappingRecord
from feedback_writer.storage.repository import Repository


def confirmed_evidence(
    repo: Repository,
    ladder: Ladder,
    person: str,
    *,
    notes: Iterable[Note | str] | None = None,
    threshold: float | None = None,
) -> dict[str, list[MappingRecord]]:
    """Evidence per note id, best first: accepted mappings; with ``threshold``, for notes
    with no accepted mapping, the best open suggestions scoring at least that (see
    :func:`_best_guesses`). Rejected mappings never count, nor ids the
    ladder no longer has. ``notes`` limits the result to those notes (default: the
    person's notes that are not excluded). Notes without evidence are absent."""
    if notes is None:
        wanted = {n.id for n in repo.list_notes(person, include_excluded=False)}
    else:
        wanted = {n if isinstance(n, str) else n.id for n in notes}
    return select_evidence(repo.mappings_for_person(person), ladder, wanted, threshold)


def select_evidence(
    mappings: Iterable[MappingRecord],
    ladder: Ladder,
    wanted: Collection[str],
    threshold: float | None = None,
) -> dict[str, list[MappingRecord]]:
    """:func:`confirmed_evidence` from mappings already read, for the notes in ``wanted``."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UsageError(f"the threshold must be between 0 and 1 (got {threshold})")
    out: dict[str, list[MappingRecord]] = {}
    unconfirmed: dict[str, list[MappingRecord]] = {}
    for m in mappings:
        if m.note_id not in wanted or not ladder.has_expectation(m.expectation_id):
            continue
        if m.status == "accepted":
            out.setdefault(m.note_id, []).append(m)
        elif threshold is not None and m.status == "suggested" and m.score >= threshold:
            unconfirmed.setdefault(m.note_id, []).append(m)
    for note_id, records in unconfirmed.items():
        if note_id not in out:  # a human's decisions on a note replace the guesses
            out[note_id] = _best_guesses(records)
    for records in out.values():
        records.sort(key=lambda r: (-r.score, r.expectation_id))
    return out


def _best_guesses(records: list[MappingRecord]) -> list[MappingRecord]:
    """Unconfirmed suggestions standing in for evidence: the best one, and a runner-up
    only when it scores within a small margin. A note rarely shows more than two
    expectations, and the matcher's lower ranks are alternatives, not extra evidence."""
    ranked = sorted(records, key=lambda r: (-r.score, r.expectation_id))
    best = ranked[0].score
    return [r for r in ranked[:UNCONFIRMED_PER_NOTE] if r.score >= best - UNCONFIRMED_MARGIN]
