"""Provides hint borrowing: a ladder with only expectation texts takes signals and examples from
the bundled default ladder.

A company ladder imported from a spreadsheet says "Chooses technologies for the organization"
and nothing more; a note says "picked Kafka over RabbitMQ after a bake-off". The two share no
word. The default ladder's expectations carry the words people use (signals) and notes that
show them (examples). Each expectation of a texts-only ladder is matched, as if it were a note,
against the default ladder; the signals and examples of its nearest default expectations become
its borrowed hints, weighted well below a ladder's own. Ladder texts resemble ladder texts far
more than notes do, so this step is much easier than matching notes directly.

Nothing here knows a particular company ladder; the default ladder is the only source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

from feedback_writer.ladder.model import Ladder


class Reference(Protocol):
    """What hints are borrowed through: the default ladder's matcher (borrowing nothing)."""

    ladder: Ladder

    def raw_scores(self, text: str) -> list[tuple[int, float]]: ...


@dataclass(frozen=True)
class Hints:
    """Signals and examples an expectation borrows, and the default expectations they come from."""

    signals: tuple[str, ...]
    examples: tuple[str, ...]
    lenders: tuple[str, ...]


@cache
def default_ladder() -> Ladder | None:
    """The bundled default ladder, loaded once per process; None if it cannot be loaded."""
    from feedback_writer.errors import LadderError
    from feedback_writer.ladder.loader import load_ladder
    from feedback_writer.paths import default_ladder_path

    try:
        return load_ladder(default_ladder_path())
    except (OSError, LadderError):  # a broken install must not stop matching
        return None


def _same_ladder(a: Ladder, b: Ladder) -> bool:
    return a.name == b.name and [e.id for e in a.expectations] == [e.id for e in b.expectations]


def borrowed_hints(
    reference: Reference | None, ladder: Ladder, k: int, relative: float
) -> list[Hints] | None:
    """Borrowed hints for each of ``ladder``'s expectations, in ``ladder.expectations`` order.

    ``k`` default expectations at most lend to each one, and only those scoring at least
    ``relative`` times the best lender. None when there is nothing to borrow from: the default
    ladder is missing (no ``reference``), or ``ladder`` is the default ladder itself.
    """
    if reference is None or _same_ladder(ladder, reference.ladder):
        return None
    lenders_all = reference.ladder.expectations
    names = {c.slug: c.name for c in ladder.competencies}
    out: list[Hints] = []
    for e in ladder.expectations:
        ranked = reference.raw_scores(f"{names[e.competency]}. {e.text}")[:k]
        signals: list[str] = []
        examples: list[str] = []
        lenders: list[str] = []
        if ranked and ranked[0][1] > 0:
            floor = relative * ranked[0][1]
            for i, raw in ranked:
                if raw < floor:
                    break
                lender = lenders_all[i]
                signals.extend(lender.signals)
                examples.extend(lender.examples)
                lenders.append(lender.id)
        out.append(Hints(tuple(signals), tuple(examples), tuple(lenders)))
    return out
