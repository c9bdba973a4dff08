"""Provides two learned judgements about a note that do not depend on any ladder: whether it is
evidence of work at all, and whether it shows an expectation met or missed.

The matcher's cue readers (``_cues.py``) catch the usual wording ("had to revert", "on leave
next week"), but notes written by other people say the same things in words no list holds
("on-call spent Saturday restoring the orders table", "1:1 agenda: promo packet timeline"). Two
small binary logistic regressions over a note's stems, bigrams and lexicon concepts, plus the cue
readers' own verdicts as features, learn those from labelled notes. They are shipped as data
(``data/note-models.json``), trained by ``bench/mapping_notemodels.py --fit``; when the file is
missing the matcher falls back to its cues alone.

* ``evidence``: P(no evidence); at or above its threshold the note's evidence strength is
  divided by ``MatcherOptions.no_evidence_factor``, so ``min_score`` leaves it unmatched. It
  reads the matcher's best score too, which depends on the ladder, so it is keyed to the ladder
  it was trained for (like the re-ranker); any other ladder is left to the cues.
* ``polarity``: P(negative); at or above its threshold the note reads as negative. It reads
  words and cue verdicts only (no score) and applies to every ladder. Its threshold may depend
  on a feature (``thresholds_given``): a note the cues already read as negative needs less.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter, sub
from pathlib import Path
from typing import Any

from feedback_writer.mapping import _cues
from feedback_writer.mapping._cues import Polarity
from feedback_writer.mapping._text import Lexicon
from feedback_writer.mapping.classifier import LinearModel, load_json
from feedback_writer.mapping.options import MatcherOptions

DATA_FILE = Path(__file__).with_name("data") / "note-models.json"


def cue_features(
    *, score: float, negative: bool, non_work: bool, prospective: bool, rescheduling: bool
) -> dict[str, float]:
    """The cue readers' verdicts and the matcher's best score (in tenths) as features
    (``@cue:...``, ``@score:...``), at weight 1."""
    flags = {
        f"@score:{min(int(score * 10), 9)}": True,
        "@cue:negative": negative,
        "@cue:positive": not negative,
        "@cue:non-work": non_work,
        "@cue:prospective": prospective,
        "@cue:rescheduling": rescheduling,
    }
    return {k: 1.0 for k, on in flags.items() if on}


def judged_features(
    lex: Lexicon,
    opts: MatcherOptions,
    whole: list[str],
    feats: dict[str, float],
    polarity: Polarity,
    score: float,
    verdicts: _cues.Verdicts | None = None,
) -> dict[str, float]:
    """A note's text features (``classifier.note_features``) with :func:`cue_features` of its
    tokens ``whole``, its cue polarity and the matcher's best score added. ``verdicts``: the
    cue readers' on ``whole`` already (:func:`_cues.verdicts`)."""
    v = verdicts or _cues.verdicts(lex, whole, opts.prospective_max_past, opts.schedule_window)
    cues = cue_features(
        score=score,
        negative=polarity == "negative",
        non_work=v.non_work,
        prospective=v.prospective,
        rescheduling=v.rescheduling,
    )
    return feats | cues


@dataclass
class BinaryModel:
    """A two-class :class:`LinearModel` and the probability of ``positive_class`` at which the
    judgement is made."""

    model: LinearModel
    positive_class: str
    threshold: float
    thresholds_given: dict[str, float] = field(default_factory=dict)
    """Feature -> the threshold used instead when the note has that feature (first match)."""
    _bias: float = field(init=False, repr=False, compare=False)
    _diff: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Two classes: the softmax is the logistic of the logit difference, one weight a
        # feature (a third of the work of the general softmax, and no list per feature).
        k = self.model.classes.index(self.positive_class)
        o = 1 - k
        self._bias = self.model.bias[k] - self.model.bias[o]
        rows = self.model.weights
        # In C: the shipped models hold tens of thousands of rows, read by every ``map``.
        diffs = map(sub, map(itemgetter(k), rows.values()), map(itemgetter(o), rows.values()))
        self._diff = dict(zip(rows, diffs, strict=True))

    def probability(self, feats: dict[str, float]) -> float:
        diff = self._diff.get
        z = self._bias + sum([diff(f, 0.0) * x for f, x in feats.items()])
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def threshold_for(self, feats: dict[str, float]) -> float:
        for feature, threshold in self.thresholds_given.items():
            if feature in feats:
                return threshold
        return self.threshold

    def decides(self, feats: dict[str, float]) -> bool:
        return self.probability(feats) >= self.threshold_for(feats)

    def to_json(self) -> str:
        """The model as a JSON object, one weight row a line (``LinearModel.weight_lines``)."""
        head = {
            "classes": self.model.classes,
            "positive_class": self.positive_class,
            "threshold": self.threshold,
            "thresholds_given": self.thresholds_given,
            "bias": [round(b, 4) for b in self.model.bias],
        }
        fields = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in head.items()]
        fields.append('"weights": {\n' + ",\n".join(self.model.weight_lines()) + "\n}")
        return "{\n" + ",\n".join(fields) + "\n}"

    @classmethod
    def from_data(cls, data: dict[str, Any], *, parsed: bool = False) -> BinaryModel:
        """``parsed``: as :meth:`LinearModel.from_data`'s."""
        given = data.get("thresholds_given") or {}
        return cls(
            LinearModel.from_data(data, parsed=parsed),
            str(data["positive_class"]),
            float(data["threshold"]),
            {str(f): float(t) for f, t in given.items()},
        )


@dataclass
class NoteModels:
    """The shipped pair; either may be ``None`` (the cues decide alone)."""

    evidence: BinaryModel | None
    polarity: BinaryModel | None
    comment: str = ""
    evidence_ladder: str = ""
    """``classifier.ladder_key`` of the ladder the evidence model was trained for."""

    def evidence_for(self, ladder_key: str | None) -> BinaryModel | None:
        return self.evidence if ladder_key == self.evidence_ladder else None

    def judge(
        self, judged: dict[str, float], polarity: Polarity, ladder_key: str | None
    ) -> tuple[bool, Polarity]:
        """(whether the note is no evidence, its polarity) from :func:`judged_features`; the
        evidence model judges only for the ladder it was trained for (``ladder_key``, None
        for a ladder matched texts-only), and the cue ``polarity`` stands without a model."""
        evidence = self.evidence_for(ladder_key)
        weak = evidence is not None and evidence.decides(judged)
        if self.polarity is not None:
            polarity = "negative" if self.polarity.decides(judged) else "positive"
        return weak, polarity

    def to_json(self) -> str:
        """One model weight row a line, like the re-ranker's file."""
        head = {"comment": self.comment, "evidence_ladder": self.evidence_ladder}
        parts = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in head.items()]
        for name, model in (("evidence", self.evidence), ("polarity", self.polarity)):
            parts.append(f"{json.dumps(name)}: {model.to_json() if model else 'null'}")
        return "{\n" + ",\n".join(parts) + "\n}\n"

    @classmethod
    def from_json(cls, text: str) -> NoteModels:
        data = load_json(text)
        ev, pol = data.get("evidence"), data.get("polarity")
        return cls(
            BinaryModel.from_data(ev, parsed=True) if ev else None,
            BinaryModel.from_data(pol, parsed=True) if pol else None,
            str(data.get("comment", "")),
            str(data.get("evidence_ladder", "")),
        )


@cache
def default_note_models() -> NoteModels | None:
    """The shipped models, or ``None`` when the data file is absent."""
    try:
        return NoteModels.from_json(DATA_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


__all__ = [
    "DATA_FILE",
    "BinaryModel",
    "NoteModels",
    "cue_features",
    "default_note_models",
    "judged_features",
]
