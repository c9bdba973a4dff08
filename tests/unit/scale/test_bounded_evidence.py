"""Coverage from SQL aggregates and evidence from a cursor agree with the evidence
selection in Python (``select_evidence``) on the same mappings."""

from __future__ import annotations

import random
from typing import Any

import pytest

from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.coverage import coverage
from feedback_writer.mapping.evidence import select_evidence
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage.repository import Repository


def _seed(repo: Repository, ladder: Ladder, n: int = 120) -> None:
    rng = random.Random(11)
    repo.import_notes("Ana", [ParsedNote(text=f"note {i}") for i in range(n)])
    repo.update_person("Ana", current_level="mid")
    ids = [*[e.id for e in ladder.expectations][:12], "gone.mid.unknown"]
    with repo.transaction() as db:
        db.executemany(
            "INSERT OR IGNORE INTO mappings (note_id, expectation_id, score, polarity, source, "
            "status, updated_at) VALUES (?, ?, ?, ?, 'matcher', ?, '2026-01-01T00:00:00+00:00')",
            [
                (i, rng.choice(ids), round(rng.choice([0.5, 0.52, 0.6, rng.random()]), 2),
                 rng.choice(("positive", "negative")),
                 rng.choice(("accepted", "suggested", "suggested", "rejected")))
                for i in range(1, n + 1)
                for _ in range(3)
            ],
        )  # fmt: skip
    for i in range(1, n + 1, 9):
        repo.set_note_excluded(f"n{i}", True)


def _expected(repo: Repository, ladder: Ladder, threshold: float | None) -> dict[str, Any]:
    """The coverage figures as the Python selection computes them."""
    wanted = {n.id for n in repo.list_notes("Ana", include_excluded=False)}
    evidence = select_evidence(repo.mappings_for_person("Ana"), ladder, wanted, threshold)
    out: dict[str, Any] = {"notes": len(wanted), "with": len(evidence), "rows": []}
    for comp in ladder.competencies:
        cur = {e.id for e in ladder.expectations_up_to("mid", comp.slug)}
        nxt = {e.id for e in ladder.next_level_expectations("mid", comp.slug)}

        def notes(test: Any, evidence: Any = evidence) -> int:
            return sum(1 for recs in evidence.values() if any(test(r) for r in recs))

        covered = {r.expectation_id for recs in evidence.values() for r in recs}
        out["rows"].append(
            (
                notes(lambda r, cur=cur: r.expectation_id in cur),
                notes(lambda r, nxt=nxt: r.expectation_id in nxt),
                *(
                    notes(
                        lambda r, p=p, c=comp.slug: (
                            r.polarity == p and ladder.expectation(r.expectation_id).competency == c
                        )
                    )
                    for p in ("positive", "negative")
                ),
                sorted(cur - covered),
                sorted(nxt - covered),
            )
        )
    return out


@pytest.mark.parametrize("threshold", [None, 0.0, 0.5, 0.9])
def test_sql_coverage_matches_the_python_selection(repo, default_ladder, threshold):
    _seed(repo, default_ladder)
    cov = coverage(repo, default_ladder, "Ana", threshold=threshold)
    expected = _expected(repo, default_ladder, threshold)
    assert (cov.notes, cov.notes_with_evidence) == (expected["notes"], expected["with"])
    got = [
        (c.current_count, c.next_count, c.positive, c.negative,
         sorted(c.missing_current), sorted(c.missing_next))
        for c in cov.competencies
    ]  # fmt: skip
    assert got == expected["rows"]


@pytest.mark.parametrize("threshold", [None, 0.5])
def test_iter_evidence_is_the_python_selection(repo, default_ladder, threshold):
    _seed(repo, default_ladder)
    wanted = {n.id for n in repo.list_notes("Ana", include_excluded=False)}
    expected = select_evidence(repo.mappings_for_person("Ana"), default_ladder, wanted, threshold)
    known = [e.id for e in default_ladder.expectations]
    got: dict[str, list[Any]] = {}
    for m in repo.iter_evidence("Ana", known, threshold):
        got.setdefault(m.note_id, []).append(m)
    assert got == expected
    some = sorted(expected)[:3]
    limited = list(repo.iter_evidence("Ana", known, threshold, note_ids=some))
    assert {m.note_id for m in limited} == set(some)
