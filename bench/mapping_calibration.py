"""Prints how honest the offline matcher's confidence is, per labelled set; fits the map.

For each set: the top suggestion of every matched note, grouped by band of confidence (score
band, count, share whose competency is right, mean confidence), and the expected calibration
error (ECE) of the raw score and of the calibrated confidence. A matched no-evidence note
counts as a wrong suggestion. The calibration map is fitted on the four default-ladder tuning
sets pooled (b1 terse manager notes, b2 full manager and peer notes, b3 self-review, b4 five
voices with stakeholders); their
figures are TUNING figures, and ``cross-fit`` shows each set scored by a map fitted on the other
sets, a fairer guess of what an unseen set would show.

The learned re-ranker (``bench/mapping_learned.py``) is trained on b1-b4 too, so on them its top
suggestions are nearly always right. Each tuning set is therefore scored OUT OF FOLD: by a
matcher whose re-ranker was trained on all allowed data except that set. The map is fitted on
those out-of-fold suggestions, and cross-fit is leave-one-set-out twice over (re-ranker and map
both fitted without the set scored).

Run: ``python bench/mapping_calibration.py [--fit]`` (``--fit`` rewrites the data file).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapping_learned import ALWAYS  # noqa: E402
from mapping_notemodels import fold_matcher  # noqa: E402

from feedback_writer.ladder.loader import load_ladder  # noqa: E402
from feedback_writer.mapping.calibration import (  # noqa: E402
    CALIBRATION_PATH,
    Calibration,
    default_calibration,
    expected_calibration_error,
    fit_isotonic,
)
from feedback_writer.mapping.evaluate import LabelledNote, load_labelled  # noqa: E402
from feedback_writer.mapping.matcher import Matcher  # noqa: E402

EVAL = ROOT / "tests" / "fixtures" / "eval"
TUNING = sorted(p.stem for p in EVAL.glob("default-b*-tune.jsonl")) + sorted(
    p.stem for p in EVAL.glob("default-t*-train.jsonl")
)
OTHERS = ["tune-default", "heldout-default"]
BANDS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def top_pairs(matcher: Matcher, notes: list[LabelledNote]) -> list[tuple[float, float, bool]]:
    """(score, confidence, right) of the top suggestion of each matched note."""
    out: list[tuple[float, float, bool]] = []
    for note in notes:
        matches = matcher.match(note.text, top_k=1)
        if matches:
            top = matches[0]
            out.append((top.score, top.confidence, top.competency in note.competencies))
    return out


def table(pairs: list[tuple[float, bool]]) -> str:
    rows = [f"  {'band':10} {'count':>6} {'right':>7} {'mean conf':>10}"]
    for lo, hi in BANDS:
        group = [(p, ok) for p, ok in pairs if lo <= p < hi]
        if group:
            right = sum(ok for _, ok in group) / len(group)
            mean = sum(p for p, _ in group) / len(group)
            rows.append(
                f"  {lo:.1f}-{min(hi, 1.0):.1f}    {len(group):6} {right:7.3f} {mean:10.3f}"
            )
    return "\n".join(rows)


def write_map(cal: Calibration, n: int) -> None:
    CALIBRATION_PATH.write_text(
        "# Calibration map of the offline matcher: score -> probability that the top suggestion's\n"
        "# competency is right (piecewise linear between knots, flat outside them). Fitted by\n"
        "# bench/mapping_calibration.py --fit (isotonic regression) on the default ladder's\n"
        f"# tuning sets {', '.join(TUNING)} pooled ({n} matched notes;\n"
        "# a matched no-evidence note counts as wrong), each scored out of fold: with the learned\n"
        "# re-ranker and note models trained without that set. Refit when the matcher, the\n"
        "# re-ranker or the note models change.\n"
        f"scores: [{', '.join(f'{x:g}' for x in cal.scores)}]\n"
        f"probabilities: [{', '.join(f'{y:g}' for y in cal.probabilities)}]\n",
        encoding="utf-8",
    )


def main() -> None:
    ladder = load_ladder(ROOT / "ladder" / "default.yaml")
    matcher = Matcher(ladder)
    sets = {name: load_labelled(EVAL / f"{name}.jsonl") for name in TUNING + OTHERS}
    allowed = {name: load_labelled(path) for name, path in ALWAYS.items()}
    allowed |= {name: sets[name] for name in TUNING}
    folds: dict[str, Matcher] = {}
    for name in TUNING:
        rest = [n for other, ns in allowed.items() if other != name for n in ns]
        folds[name] = fold_matcher(ladder, rest)

    def score_all() -> dict[str, list[tuple[float, float, bool]]]:
        return {name: top_pairs(folds.get(name, matcher), notes) for name, notes in sets.items()}

    scored = score_all()
    pooled = [(s, ok) for name in TUNING for s, _, ok in scored[name]]
    if "--fit" in sys.argv[1:]:
        fitted = fit_isotonic(pooled)
        write_map(fitted, len(pooled))
        print(f"wrote {CALIBRATION_PATH.relative_to(ROOT)} from {len(pooled)} suggestions")
        default_calibration.cache_clear()
        scored = score_all()
    pooled_conf = [(c, ok) for name in TUNING for _, c, ok in scored[name]]
    cross_pairs: list[tuple[float, bool]] = []
    for name in TUNING:
        rest = [(s, ok) for other in TUNING if other != name for s, _, ok in scored[other]]
        cross = fit_isotonic(rest)
        cross_pairs += [(cross(s), ok) for s, _, ok in scored[name]]
    print(
        "tuning sets pooled"
        f", out of fold: ECE raw {expected_calibration_error(pooled):.3f}, "
        f"calibrated {expected_calibration_error(pooled_conf):.3f}, "
        f"leave-one-set-out {expected_calibration_error(cross_pairs):.3f}"
    )
    for name in TUNING + OTHERS:
        kind = (
            "TUNING, out of fold"
            if name in TUNING
            else "regression (never trained or fitted on)"
            if name == "heldout-default"
            else "re-ranker trained on it"
        )
        triples = scored[name]
        conf = [(c, ok) for _, c, ok in triples]
        raw = [(s, ok) for s, _, ok in triples]
        high = [ok for c, ok in conf if c >= 0.8]
        print(f"== {name} ({kind}): {len(triples)} suggestions ==")
        print(table(conf))
        print(
            f"  ECE raw score {expected_calibration_error(raw):.3f}, "
            f"calibrated {expected_calibration_error(conf):.3f}; "
            f"confidence >= 0.8: {sum(high)}/{len(high)} right"
        )
        if name in TUNING:
            rest = [(s, ok) for other in TUNING if other != name for s, _, ok in scored[other]]
            cross = fit_isotonic(rest)
            ece = expected_calibration_error([(cross(s), ok) for s, ok in raw])
            print(f"  cross-fit ECE {ece:.3f} (map fitted on the other sets)")


if __name__ == "__main__":
    main()
