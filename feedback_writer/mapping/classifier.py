"""Provides a learned competency re-ranker: a multinomial logistic regression over a note's
stems, bigrams and lexicon concepts, fused with the matcher's own competency scores.

The matcher ranks by shared words; labelled notes carry judgements and relations that share no
word with the ladder ("at QBR the VP asked how it ties to retention" is *product*). A small
linear model trained on labelled notes of one ladder learns which words go with which
competency. It is shipped as data (``data/reranker-<ladder>.json``) keyed to the ladder it was
trained for, by name, version and a hash of its competency and expectation ids: any other
ladder, or an edited one, is left to the matcher alone.

Pure Python (no numpy): a few hundred notes and a few thousand features train in seconds.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial, reduce
from operator import add
from pathlib import Path
from typing import Any

from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping._text import Lexicon, split_compounds, stem, tokens

DATA_DIR = Path(__file__).with_name("data")


def ladder_key(ladder: Ladder) -> str:
    """``name@version#hash`` where the hash covers the ladder's competency and expectation
    ids: a model applies only to the ladder (and the ladder's shape) it was trained on."""
    ids = [c.slug for c in ladder.competencies] + [e.id for e in ladder.expectations]
    digest = hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()[:16]
    return f"{ladder.name}@{ladder.version}#{digest}"


def features(text: str, lexicon: Lexicon) -> dict[str, float]:
    """Binary features of a note, L2-normalised: stems, adjacent-stem bigrams (``a_b``) and the
    lexicon's concepts (``@name``). Stopwords and single letters are left out."""
    return token_features(tokens(text), lexicon)


def token_features(whole: list[str], lexicon: Lexicon) -> dict[str, float]:
    """:func:`features` of a note already split into :func:`tokens` (the matcher has them)."""
    toks = split_compounds(whole)
    keyed = [stem(t) for t in whole]
    return note_features(toks, [stem(t) for t in toks], lexicon.find("concepts", keyed), lexicon)


def note_features(
    toks: list[str],
    stems: list[str],
    concepts: list[tuple[int, int, tuple[str, ...]]],
    lexicon: Lexicon,
) -> dict[str, float]:
    """:func:`token_features` from what the matcher has computed already: the compound-split
    tokens, their stems, and the concept phrases ``lexicon.find("concepts", ...)`` found."""
    stop = lexicon.stopwords
    out: set[str] = set()
    add = out.add
    prev: str | None = None
    for tok, s in zip(toks, stems, strict=True):
        if tok in stop or tok == "n't" or len(tok) < 2 or tok.isdigit():
            prev = None
            continue
        add(s)
        if prev is not None:
            add(f"{prev}_{s}")
        prev = s
    table = lexicon.concepts
    for _, _, phrase in concepts:
        out.update(table[phrase])
    if not out:
        return {}
    w = 1.0 / math.sqrt(len(out))
    return dict.fromkeys(sorted(out), w)


_SCALED_MAX = 100_000
"""Scaled rows a model keeps (about 200 bytes each) before it starts over."""
_sum_in_order = partial(reduce, add)
"""``sum`` with no compensation, left to right, on any Python: the training loop's order."""


@dataclass
class LinearModel:
    """Per-class weights over sparse features; ``probabilities`` is the softmax."""

    classes: list[str]
    weights: dict[str, list[float]]
    bias: list[float]

    frozen: bool = field(default=False, compare=False)
    """Weights that no longer change (a shipped model): scaled rows are kept, see
    :meth:`_scaled`. Training changes rows in place, so a model in training is not."""
    _rows: dict[tuple[str, float], tuple[float, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def logits(self, feats: dict[str, float]) -> list[float]:
        """Per class: the bias plus each known feature's weight times its value, added in
        the features' order (frozen: one ``reduce`` per class over the scaled rows, in C)."""
        if not self.frozen:
            return self._logits(feats)
        weights, scaled, kept = self.weights, self._scaled, self._rows.get
        # A kept row is a non-empty tuple: ``or`` calls ``_scaled`` only for a new one.
        rows = [kept((f, x)) or scaled(f, x) for f, x in feats.items() if f in weights]
        if not rows:
            return list(self.bias)
        return list(map(_sum_in_order, zip(self.bias, *rows, strict=True)))

    def _logits(self, feats: dict[str, float]) -> list[float]:
        z = self.bias
        weights = self.weights
        for f, x in feats.items():
            row = weights.get(f)
            if row is not None:  # the same additions, in the same order, as a loop over k
                z = [zk + w * x for zk, w in zip(z, row, strict=True)]
        return list(z) if z is self.bias else z

    def _scaled(self, feature: str, x: float) -> tuple[float, ...]:
        """A feature's row times ``x``, kept: notes repeat features and values (a note's
        features all weigh ``1/sqrt(n)``)."""
        cache = self._rows
        key = (feature, x)
        row = cache.get(key)
        if row is None:
            if len(cache) >= _SCALED_MAX:
                cache.clear()
            row = cache[key] = tuple([w * x for w in self.weights[feature]])
        return row

    def weight_lines(self) -> list[str]:
        """The weights as JSON members, one feature a line (``"f":[w,...]``), sorted,
        rounded to 3 places; all-zero rows dropped. The shipped data files' format."""
        rows = ((f, [round(w, 3) for w in ws]) for f, ws in sorted(self.weights.items()))
        return [
            f"{json.dumps(f)}:{json.dumps(ws, separators=(',', ':'))}" for f, ws in rows if any(ws)
        ]

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], *, frozen: bool = False, parsed: bool = False
    ) -> LinearModel:
        """A model from data with ``classes``, ``weights`` and ``bias``. ``parsed``: the
        data is straight from :func:`load_json` (keys text, numbers floats), so the weight
        rows are taken as they are rather than converted one number at a time (the
        shipped models hold about 100,000 rows: converting them was a tenth of a second
        of every ``map``)."""
        if parsed:
            return cls(list(data["classes"]), data["weights"], list(data["bias"]), frozen=frozen)
        return cls(
            [str(c) for c in data["classes"]],
            {str(f): [float(w) for w in ws] for f, ws in data["weights"].items()},
            [float(b) for b in data["bias"]],
            frozen=frozen,
        )

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        z = self.logits(feats)
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {c: v / total for c, v in zip(self.classes, e, strict=True)}


def train_logistic(
    samples: Sequence[tuple[dict[str, float], str, float]],
    classes: Sequence[str],
    *,
    l2: float = 1e-3,
    epochs: int = 30,
    rate: float = 0.5,
    seed: int = 0,
) -> LinearModel:
    """Multinomial logistic regression by SGD with L2 (lazy: applied on the rows touched).

    ``samples`` are (features, class, sample weight)."""
    n = len(classes)
    model = LinearModel(list(classes), {}, [0.0] * n)
    order = list(range(len(samples)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        lr = rate / (1 + epoch * 0.2)
        for i in order:
            feats, label, weight = samples[i]
            probs = model.probabilities(feats)
            grads = [probs[c] - (1.0 if c == label else 0.0) for c in classes]
            for k in range(n):
                model.bias[k] -= lr * weight * grads[k]
            for f, x in feats.items():
                row = model.weights.setdefault(f, [0.0] * n)
                for k in range(n):
                    row[k] -= lr * (weight * grads[k] * x + l2 * row[k])
    return model


@dataclass
class Reranker:
    """A trained model for one ladder and how it is fused with the matcher's scores."""

    ladder: str
    """:func:`ladder_key` of the ladder trained for."""
    model: LinearModel
    fusion_weight: float
    """Fused competency score = (1 - w) * matcher share + w * classifier probability, where
    the matcher share is the competency's best raw score over the note's best."""
    trained_on: str = ""

    def competency_factors(
        self, feats: dict[str, float], best: dict[str, float]
    ) -> dict[str, float]:
        """Per competency the matcher found, the factor on its raw scores that orders the
        competencies by fused score and leaves the top one's score where it was."""
        if not best:
            return {}
        top = max(best.values()) or 1.0
        probs = self.model.probabilities(feats)
        w = self.fusion_weight
        fused = {c: (1 - w) * s / top + w * probs.get(c, 0.0) for c, s in best.items()}
        head = max(fused.values()) or 1.0
        return {c: (fused[c] / head) * top / s if s > 0 else 0.0 for c, s in best.items()}

    def rerank(
        self,
        text: str | list[str],
        lexicon: Lexicon,
        scored: list[tuple[int, float]],
        competency_of: Sequence[str],
        *,
        feats: dict[str, float] | None = None,
    ) -> list[tuple[int, float]]:
        """The matcher's (expectation index, raw score) candidates with each competency's raw
        scores scaled by :meth:`competency_factors`; the best raw score is unchanged.
        ``text`` may be the note's :func:`tokens` already; ``feats``, its features already."""
        best: dict[str, float] = {}
        for i, raw in scored:
            c = competency_of[i]
            if raw > best.get(c, 0.0):
                best[c] = raw
            elif c not in best:
                best[c] = 0.0
        if feats is None:
            feats = (
                token_features(text, lexicon) if isinstance(text, list) else features(text, lexicon)
            )
        factors = self.competency_factors(feats, best)
        return [(i, raw * factors[competency_of[i]]) for i, raw in scored]

    def to_json(self) -> str:
        """The model as JSON, one feature a line; weights rounded, all-zero rows dropped."""
        head = {
            "comment": self.trained_on,
            "ladder": self.ladder,
            "fusion_weight": self.fusion_weight,
            "classes": self.model.classes,
            "bias": [round(b, 4) for b in self.model.bias],
        }
        body = ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in head.items())
        lines = self.model.weight_lines()
        return "{\n" + body + ',\n"weights": {\n' + ",\n".join(lines) + "\n}}"

    @classmethod
    def from_json(cls, text: str) -> Reranker:
        data = load_json(text)
        model = LinearModel.from_data(data, frozen=True, parsed=True)
        return cls(str(data["ladder"]), model, float(data["fusion_weight"]), data["comment"])


def load_json(text: str) -> Any:
    """JSON with every number a float (``1`` too), for :meth:`LinearModel.from_data`."""
    return json.loads(text, parse_int=float)


def reranker_path(ladder_name: str) -> Path:
    return DATA_DIR / f"reranker-{ladder_name}.json"


@cache
def _load(path: Path) -> Reranker | None:
    try:
        return Reranker.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def reranker_for(ladder: Ladder) -> Reranker | None:
    """The shipped re-ranker trained for exactly this ladder, or ``None``."""
    found = _load(reranker_path(ladder.name))
    return found if found is not None and found.ladder == ladder_key(ladder) else None


def ladder_samples(
    ladder: Ladder, lexicon: Lexicon, weight: float = 0.5
) -> list[tuple[dict[str, float], str, float]]:
    """Training samples from a ladder itself: each competency's name, motto, signals and
    examples, and each expectation's text, signals and examples, labelled by competency."""
    out: list[tuple[dict[str, float], str, float]] = []
    for c in ladder.competencies:
        for text in [c.name, c.motto, *c.signals, *c.examples]:
            if text.strip():
                out.append((features(text, lexicon), c.slug, weight))
    for e in ladder.expectations:
        for text in [e.text, *e.signals, *e.examples]:
            out.append((features(text, lexicon), e.competency, weight))
    return [s for s in out if s[0]]


def note_samples(
    notes: Sequence[tuple[str, Sequence[str]]],
    lexicon: Lexicon,
    known: set[str],
    secondary_weight: float = 0.0,
) -> list[tuple[dict[str, float], str, float]]:
    """Training samples from labelled notes (text, acceptable competencies, primary first):
    the primary at weight 1, others at ``secondary_weight``; no-evidence notes are skipped."""
    out: list[tuple[dict[str, float], str, float]] = []
    for text, comps in notes:
        feats = features(text, lexicon)
        for k, c in enumerate(c for c in comps if c in known):
            w = 1.0 if k == 0 else secondary_weight
            if w > 0 and feats:
                out.append((feats, c, w))
    return out
