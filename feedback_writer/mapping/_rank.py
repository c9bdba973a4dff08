"""Provides the matcher's ranking helpers over a list of scores by expectation index, each
doing its loop in C where it can."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter


def best_first(
    final: list[float], top_k: int, candidates: Callable[[], list[int]]
) -> list[tuple[int, float]]:
    """The ``top_k`` best (index, score) pairs of ``final``, best first, ties by index.
    ``candidates`` gives the indexes that compete, for when fewer than ``top_k`` score above
    0.0 (a non-candidate scores 0.0)."""
    # The best scores by a float sort in C, their indexes by scans in C (a tie takes the next
    # index). When the last taken scores more than 0.0, no non-candidate was taken.
    best = sorted(final, reverse=True)[:top_k]
    if best and best[-1] > 0.0:
        out: list[tuple[int, float]] = []
        at, last, index = -1, None, final.index
        for v in best:
            at = index(v, at + 1) if v == last else index(v)
            last = v
            out.append((at, v))
        return out
    pairs = [(i, final[i]) for i in candidates()]
    return sorted(pairs, key=_by_score_then_index)[:top_k]


def _by_score_then_index(pair: tuple[int, float]) -> tuple[float, int]:
    return (-pair[1], pair[0])


def items_getter(indexes: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    """``lambda xs: tuple(xs[i] for i in indexes)``, in C when there are two or more."""
    if len(indexes) >= 2:
        return itemgetter(*indexes)
    return lambda xs: tuple(xs[i] for i in indexes)
