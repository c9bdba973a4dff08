"""Measures the learned competency re-ranker (``mapping/classifier.py``) by leave-one-set-out
over the default ladder's blind-written tuning sets b1-b5; ``--fit`` trains the shipped
model on all allowed data and writes ``mapping/data/reranker-default.json``.

Allowed training data: the default ladder's own texts, signals and examples
(``ladder/default.yaml``), ``tests/fixtures/eval/tune-default.jsonl``,
``/work/shared/eval/notes-dev.jsonl``, ``default-b*-tune.jsonl`` and the training-only sets
``default-t*-train.jsonl`` (written by outside writers who saw only the ladder; never measured
blind, never folds). Never trained on:
``heldout-default.jsonl`` (the regression set, only measured) and ``/work/shared/eval/external``.

For each fold the model is trained on everything allowed except the test set, then the test set
is scored by the matcher alone, the classifier alone (ranking the competencies of notes the
matcher matches) and the fusion at several weights. These are TUNING figures (the sets were read
in the fifth round, b4 after its one blind measure in the seventh), leave-one-set-out: not
blind.

Run: ``python bench/mapping_learned.py [--fit] [--grid]``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback_writer.ladder.loader import load_ladder  # noqa: E402
from feedback_writer.ladder.model import Ladder  # noqa: E402
from feedback_writer.mapping._text import default_lexicon  # noqa: E402
from feedback_writer.mapping.classifier import (  # noqa: E402
    Reranker,
    features,
    ladder_key,
    ladder_samples,
    note_samples,
    reranker_path,
    train_logistic,
)
from feedback_writer.mapping.evaluate import LabelledNote, evaluate, load_labelled  # noqa: E402
from feedback_writer.mapping.matcher import DEFAULT_OPTIONS, Matcher  # noqa: E402

EVAL = ROOT / "tests" / "fixtures" / "eval"
DEV = Path("/work/shared/eval/notes-dev.jsonl")
FOLDS = sorted(p.stem for p in EVAL.glob("default-b*-tune.jsonl"))
TRAIN_ONLY = sorted(p.stem for p in EVAL.glob("default-t*-train.jsonl"))
ALWAYS = {"tune-default": EVAL / "tune-default.jsonl", "notes-dev": DEV}
HELDOUT = EVAL / "heldout-default.jsonl"
WEIGHTS = [0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0]

# Chosen settings (see --grid): L2, SGD epochs, ladder-text weight, secondary-label weight.
L2, EPOCHS, LADDER_W, SECONDARY_W, FUSION_W = 1e-3, 30, 0.5, 0.0, 0.9


def train(
    ladder: Ladder,
    notes: list[LabelledNote],
    *,
    l2: float = L2,
    ladder_w: float = LADDER_W,
    secondary_w: float = SECONDARY_W,
    fusion_w: float = FUSION_W,
    trained_on: str = "",
) -> Reranker:
    lex = default_lexicon()
    known = {c.slug for c in ladder.competencies}
    samples = ladder_samples(ladder, lex, ladder_w) + note_samples(
        [(n.text, n.competencies) for n in notes], lex, known, secondary_w
    )
    model = train_logistic(samples, [c.slug for c in ladder.competencies], l2=l2, epochs=EPOCHS)
    return Reranker(ladder_key(ladder), model, fusion_w, trained_on)


def classifier_alone(
    matcher: Matcher, rr: Reranker, notes: list[LabelledNote]
) -> tuple[float, float]:
    """Top-1 / top-3 of the classifier's own ranking, over evidence notes (unmatched = miss)."""
    lex = default_lexicon()
    ev = [n for n in notes if n.competencies]
    t1 = t3 = 0
    for n in ev:
        if not matcher.match(n.text, top_k=1):
            continue
        probs = rr.model.probabilities(features(n.text, lex))
        ranked = sorted(probs, key=lambda c: -probs[c])
        t1 += ranked[0] in n.competencies
        t3 += bool(set(ranked[:3]) & set(n.competencies))
    return t1 / len(ev), t3 / len(ev)


def row(label: str, matcher: Matcher, notes: list[LabelledNote]) -> tuple[float, float]:
    r = evaluate(matcher, notes)
    print(
        f"  {label:24} top-1 {r.top1:.3f}  top-3 {r.top3:.3f}  level±1 {r.level_within_one:.3f}"
        f"  polarity {r.polarity_accuracy:.3f}  no-ev {r.no_evidence_unmatched}/"
        f"{r.no_evidence_total}  ev-unmatched {r.evidence_unmatched}"
    )
    return r.top1, r.top3


def loso(ladder: Ladder, sets: dict[str, list[LabelledNote]], heldout: list[LabelledNote]) -> None:
    matcher = Matcher(ladder, options=DEFAULT_OPTIONS)
    totals: dict[str, list[float]] = {}
    for test in FOLDS:
        train_notes = [n for name, notes in sets.items() if name != test for n in notes]
        start = time.perf_counter()
        rr = train(ladder, train_notes)
        print(
            f"== test {test}, trained on {len(train_notes)} notes + ladder "
            f"({time.perf_counter() - start:.1f} s) =="
        )
        c1, c3 = classifier_alone(matcher, rr, sets[test])
        print(f"  {'classifier alone':24} top-1 {c1:.3f}  top-3 {c3:.3f}")
        for w in WEIGHTS:
            rr.fusion_weight = w
            matcher.reranker = rr if w > 0 else None
            label = "matcher alone" if w == 0 else f"fusion w={w}"
            t1, t3 = row(label, matcher, sets[test])
            totals.setdefault(label, [0.0, 0.0])
            totals[label][0] += t1 / len(FOLDS)
            totals[label][1] += t3 / len(FOLDS)
        rr.fusion_weight = FUSION_W
        matcher.reranker = rr
        row(f"held-out, w={FUSION_W}", matcher, heldout)
    print(f"== mean over the {len(FOLDS)} folds (top-1 / top-3) ==")
    for label, (t1, t3) in totals.items():
        print(f"  {label:24} {t1:.3f} / {t3:.3f}")


def grid(ladder: Ladder, sets: dict[str, list[LabelledNote]]) -> None:
    matcher = Matcher(ladder, options=DEFAULT_OPTIONS)
    for l2 in (1e-4, 1e-3, 3e-3):
        for ladder_w in (0.25, 0.5, 1.0):
            for secondary_w in (0.0, 0.5):
                mean = {w: 0.0 for w in WEIGHTS[1:]}
                for test in FOLDS:
                    train_notes = [n for name, ns in sets.items() if name != test for n in ns]
                    rr = train(
                        ladder, train_notes, l2=l2, ladder_w=ladder_w, secondary_w=secondary_w
                    )
                    for w in mean:
                        rr.fusion_weight = w
                        matcher.reranker = rr
                        mean[w] += evaluate(matcher, sets[test]).top1 / len(FOLDS)
                cells = "  ".join(f"w={w}: {v:.3f}" for w, v in mean.items())
                print(
                    f"l2={l2:g} ladder_w={ladder_w} secondary_w={secondary_w}  {cells}", flush=True
                )


def fit(ladder: Ladder, sets: dict[str, list[LabelledNote]]) -> None:
    notes = [n for ns in sets.values() for n in ns]
    comment = (
        f"Learned competency re-ranker for ladder {ladder_key(ladder)}, written by "
        "bench/mapping_learned.py --fit. Multinomial logistic regression (L2 "
        f"{L2:g}, {EPOCHS} SGD epochs) over stems, bigrams and lexicon concepts, fused with "
        f"the matcher's competency scores at weight {FUSION_W}. Trained ONLY on: the ladder's "
        f"own texts, signals and examples (weight {LADDER_W}) and the primary competency of "
        f"{len(notes)} labelled notes: "
        + ", ".join(f"{k} ({len(v)})" for k, v in sets.items())
        + ". Not trained on heldout-default.jsonl or any external set."
    )
    rr = train(ladder, notes, trained_on=comment)
    path = reranker_path(ladder.name)
    path.write_text(rr.to_json() + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


def main() -> None:
    ladder = load_ladder(ROOT / "ladder" / "default.yaml")
    sets = {name: load_labelled(path) for name, path in ALWAYS.items()}
    sets |= {name: load_labelled(EVAL / f"{name}.jsonl") for name in FOLDS + TRAIN_ONLY}
    heldout = load_labelled(HELDOUT)
    if "--fit" in sys.argv[1:]:
        fit(ladder, sets)
    elif "--grid" in sys.argv[1:]:
        grid(ladder, sets)
    else:
        loso(ladder, sets, heldout)


if __name__ == "__main__":
    main()
