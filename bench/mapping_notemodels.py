"""Measures the learned note models (``mapping/notemodels.py``: evidence-or-not and polarity) by
leave-one-set-out over the default ladder's blind-written tuning sets; ``--fit`` trains the
shipped models on all allowed data and writes ``mapping/data/note-models.json``.

Allowed training data: ``tests/fixtures/eval/tune-default.jsonl``,
``/work/shared/eval/notes-dev.jsonl``, the ``default-b*-tune.jsonl`` sets and the
``default-t*-train.jsonl`` training sets (written by outside writers who saw only the ladder,
never measured blind: training data only), and the ladder's own expectation texts as examples
of evidence. Never trained on: ``heldout-default.jsonl`` (only measured) and
``/work/shared/eval/external``.

For each fold the models are trained on everything allowed except the test set; the test set is
scored by the matcher with its cues alone and with the models at several thresholds. These are
TUNING figures (leave-one-set-out on read sets), not blind.

Run: ``python bench/mapping_notemodels.py [--fit] [--grid]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapping_learned import train as train_reranker  # noqa: E402

from feedback_writer.ladder.loader import load_ladder  # noqa: E402
from feedback_writer.ladder.model import Ladder  # noqa: E402
from feedback_writer.mapping.classifier import ladder_key, train_logistic  # noqa: E402
from feedback_writer.mapping.evaluate import LabelledNote, evaluate, load_labelled  # noqa: E402
from feedback_writer.mapping.matcher import Matcher  # noqa: E402
from feedback_writer.mapping.notemodels import DATA_FILE, BinaryModel, NoteModels  # noqa: E402

EVAL = ROOT / "tests" / "fixtures" / "eval"
DEV = Path("/work/shared/eval/notes-dev.jsonl")
FOLDS = sorted(p.stem for p in EVAL.glob("default-b*-tune.jsonl"))
TRAIN_ONLY = sorted(p.stem for p in EVAL.glob("default-t*-train.jsonl"))
ALWAYS = {"tune-default": EVAL / "tune-default.jsonl", "notes-dev": DEV}
HELDOUT = EVAL / "heldout-default.jsonl"

# Chosen settings (see --grid).
L2, POLARITY_L2, EPOCHS, LADDER_W = 1e-3, 3e-3, 30, 0.3
EVIDENCE_THRESHOLD, POLARITY_THRESHOLD, POLARITY_THRESHOLD_CUE_NEGATIVE = 0.3, 0.5, 0.1
NONE_WEIGHT = 1.0


Samples = list[tuple[dict[str, float], str, float]]


def samples(matcher: Matcher, ladder: Ladder, notes: list[LabelledNote]) -> tuple[Samples, Samples]:
    """(evidence samples, polarity samples) from labelled notes and the ladder's texts."""
    ev: Samples = []
    pol: Samples = []
    for n in notes:
        feats = matcher.judgement_features(n.text)
        if not feats:
            continue
        ev.append(
            (
                feats,
                "evidence" if n.competencies else "none",
                1.0 if n.competencies else NONE_WEIGHT,
            )
        )
        if n.competencies and n.polarity in ("+", "-"):
            words = {k: v for k, v in feats.items() if not k.startswith("@score:")}
            pol.append((words, "negative" if n.polarity == "-" else "positive", 1.0))
    for e in ladder.expectations:
        feats = matcher.judgement_features(e.text)
        if feats:
            ev.append((feats, "evidence", LADDER_W))
    return ev, pol


def train(
    matcher: Matcher,
    ladder: Ladder,
    notes: list[LabelledNote],
    *,
    l2: float = L2,
    ev_t: float = EVIDENCE_THRESHOLD,
    pol_t: float = POLARITY_THRESHOLD,
    pol_cue_t: float = POLARITY_THRESHOLD_CUE_NEGATIVE,
    comment: str = "",
) -> NoteModels:
    ev, pol = samples(matcher, ladder, notes)
    em = train_logistic(ev, ["evidence", "none"], l2=l2, epochs=EPOCHS)
    pm = train_logistic(pol, ["positive", "negative"], l2=POLARITY_L2, epochs=EPOCHS)
    return NoteModels(
        BinaryModel(em, "none", ev_t),
        BinaryModel(pm, "negative", pol_t, {"@cue:negative": pol_cue_t}),
        comment,
        ladder_key(ladder),
    )


def fold_matcher(ladder: Ladder, notes: list[LabelledNote]) -> Matcher:
    """A matcher whose re-ranker and note models are trained on ``notes`` only."""
    matcher = Matcher(ladder)
    if matcher.reranker is not None:
        matcher.reranker = train_reranker(ladder, notes)
    matcher.note_models = train(matcher, ladder, notes)
    return matcher


def line(label: str, matcher: Matcher, notes: list[LabelledNote]) -> tuple[float, ...]:
    r = evaluate(matcher, notes)
    print(
        f"  {label:28} top-1 {r.top1:.3f}  top-3 {r.top3:.3f}  polarity {r.polarity_accuracy:.3f}"
        f"  no-ev {r.no_evidence_unmatched}/{r.no_evidence_total}"
        f"  ev-unmatched {r.evidence_unmatched}"
    )
    return r.top1, r.top3, r.polarity_accuracy, r.no_evidence_rate, r.evidence_unmatched


def load_sets() -> dict[str, list[LabelledNote]]:
    sets = {name: load_labelled(path) for name, path in ALWAYS.items() if path.exists()}
    sets |= {name: load_labelled(EVAL / f"{name}.jsonl") for name in FOLDS + TRAIN_ONLY}
    return sets


def loso(ladder: Ladder, grid: bool) -> None:
    matcher = Matcher(ladder)
    sets = load_sets()
    heldout = load_labelled(HELDOUT)
    settings = (
        [
            (L2, et, pt, pc)
            for et in (0.5, 0.6, 0.7)
            for pt in (0.4, 0.5, 0.6)
            for pc in (0.1, 0.2, 0.3, 0.5)
        ]
        if grid
        else [(L2, EVIDENCE_THRESHOLD, POLARITY_THRESHOLD, POLARITY_THRESHOLD_CUE_NEGATIVE)]
    )
    means: dict[str, list[float]] = {}
    for test in FOLDS:
        rest = [n for name, ns in sets.items() if name != test for n in ns]
        print(f"== test {test}: trained on {len(rest)} notes (re-ranker too) ==")
        matcher.reranker = train_reranker(ladder, rest)
        matcher.note_models = None
        vals = line("cues alone", matcher, sets[test])
        acc = means.setdefault("cues alone", [0.0] * 5)
        for k, v in enumerate(vals):
            acc[k] += v / len(FOLDS)
        for l2 in sorted({s[0] for s in settings}):
            models = train(matcher, ladder, rest, l2=l2)
            for l2_, et, pt, pc in settings:
                if l2_ != l2:
                    continue
                assert models.evidence and models.polarity
                models.evidence.threshold, models.polarity.threshold = et, pt
                models.polarity.thresholds_given = {"@cue:negative": pc}
                matcher.note_models = models
                label = f"ev>={et} neg>={pt} cue-neg>={pc}"
                vals = line(label, matcher, sets[test])
                acc = means.setdefault(label, [0.0] * 5)
                for k, v in enumerate(vals):
                    acc[k] += v / len(FOLDS)
        if not grid:
            line("held-out (regression)", matcher, heldout)
    print(f"== mean over {len(FOLDS)} folds: top-1 top-3 polarity no-ev-rate ev-unmatched ==")
    for label, v in means.items():
        print(f"  {label:28} " + "  ".join(f"{x:.3f}" for x in v))


def fit(ladder: Ladder) -> None:
    matcher = Matcher(ladder)
    sets = load_sets()
    notes = [n for ns in sets.values() for n in ns]
    comment = (
        "Learned note models (evidence-or-not, polarity), written by "
        f"bench/mapping_notemodels.py --fit. Binary logistic regressions (L2 {L2:g}, {EPOCHS} "
        f"SGD epochs; polarity L2 {POLARITY_L2:g}) over stems, bigrams, lexicon concepts and "
        "the cue verdicts. Trained ONLY "
        f"on {len(notes)} labelled notes: "
        + ", ".join(f"{k} ({len(v)})" for k, v in sets.items())
        + f", and the default ladder's expectation texts as evidence (weight {LADDER_W}). Not "
        "trained on heldout-default.jsonl or any external set."
    )
    models = train(matcher, ladder, notes, comment=comment)
    DATA_FILE.write_text(models.to_json(), encoding="utf-8")
    print(f"wrote {DATA_FILE.relative_to(ROOT)} ({DATA_FILE.stat().st_size // 1024} KiB)")


def main() -> None:
    ladder = load_ladder(ROOT / "ladder" / "default.yaml")
    if "--fit" in sys.argv[1:]:
        fit(ladder)
    else:
        loso(ladder, "--grid" in sys.argv[1:])


if __name__ == "__main__":
    main()
