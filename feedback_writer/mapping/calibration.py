"""Provides honest confidence for matcher suggestions: a calibration map and confidence bands.

A match's ``score`` ranks well but is not a probability: on notes written blind, suggestions
scored 0.85 were right about 70% of the time. The calibration map, fitted by
``bench/mapping_calibration.py --fit`` (isotonic regression of "the top suggestion's competency
is right" on its score) and stored in ``data/calibration.yaml``, turns a score into the share
of suggestions with that score that were right. Where a learned re-ranker (``classifier.py``)
was trained on the fitting notes, they are scored out of fold, by a re-ranker trained without
them, so the map reflects unseen notes. :func:`confidence_band` groups those shares
into the words a screen shows.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

CALIBRATION_PATH = Path(__file__).with_name("data") / "calibration.yaml"

Band = Literal["high", "medium", "low"]
HIGH = 0.8
"""Confidence at or above which a suggestion is shown as high."""
LOW = 0.5
"""Confidence below which a suggestion is shown as low."""


def confidence_band(p: float) -> Band:
    """``"high"`` at or above 0.8, ``"low"`` below 0.5, ``"medium"`` between."""
    if p >= HIGH:
        return "high"
    if p < LOW:
        return "low"
    return "medium"


@dataclass(frozen=True)
class Calibration:
    """A non-decreasing piecewise-linear map from score to probability of being right."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.scores) != len(self.probabilities) or not self.scores:
            raise ValueError("calibration: scores and probabilities must pair up, at least one")
        if list(self.scores) != sorted(self.scores):
            raise ValueError("calibration: scores must increase")

    def __call__(self, score: float) -> float:
        xs, ys = self.scores, self.probabilities
        if score <= xs[0]:
            return ys[0]
        if score >= xs[-1]:
            return ys[-1]
        k = bisect_right(xs, score)
        x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (score - x0) / (x1 - x0)


def fit_isotonic(pairs: Sequence[tuple[float, bool]], bins: int = 12) -> Calibration:
    """Isotonic (pool-adjacent-violators) fit of correctness on score, then one knot per
    pooled block (at most ``bins``, merging the smallest neighbours) so the file stays small;
    each knot's probability is smoothed by Laplace's rule."""
    ordered = sorted(pairs)
    blocks: list[list[float]] = []  # [sum of scores, sum of hits, count]
    for score, ok in ordered:
        blocks.append([score, float(ok), 1.0])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            s, h, n = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += h
            blocks[-1][2] += n
    while len(blocks) > bins:
        i = min(range(len(blocks) - 1), key=lambda j: blocks[j][2] + blocks[j + 1][2])
        s, h, n = blocks.pop(i + 1)
        blocks[i][0] += s
        blocks[i][1] += h
        blocks[i][2] += n
    # Laplace's rule of succession: a block of 5 right out of 5 says 0.86, not certainty;
    # the running maximum keeps the smoothed map non-decreasing.
    probs: list[float] = []
    for b in blocks:
        probs.append(max([(b[1] + 1) / (b[2] + 2), *probs[-1:]]))
    return Calibration(
        tuple(round(b[0] / b[2], 4) for b in blocks),
        tuple(round(p, 4) for p in probs),
    )


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float:
    """ECE: the count-weighted gap between mean confidence and share right, per equal-width bin."""
    if not pairs:
        return 0.0
    total = 0.0
    for b in range(bins):
        group = [(p, ok) for p, ok in pairs if min(int(p * bins), bins - 1) == b]
        if group:
            conf = sum(p for p, _ in group) / len(group)
            right = sum(1 for _, ok in group if ok) / len(group)
            total += len(group) / len(pairs) * abs(conf - right)
    return total


@cache
def default_calibration() -> Calibration:
    """The calibration map shipped with the package."""
    data = yaml.safe_load(CALIBRATION_PATH.read_text(encoding="utf-8"))
    return Calibration(
        tuple(float(x) for x in data["scores"]),
        tuple(float(y) for y in data["probabilities"]),
    )


def score_confidence(score: float) -> tuple[float, Band]:
    """A stored suggestion's score as (calibrated probability, band), through the shipped
    calibration map: what the TUI and ``evidence list`` show beside the score."""
    p = round(default_calibration()(score), 4)
    return p, confidence_band(p)
