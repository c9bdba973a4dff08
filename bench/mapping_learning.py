"""Prints whether the matcher would gain from learning the workspace's confirmations.

A simulation on labelled sets: the first half of each set is "confirmed" (each evidence
note becomes an accepted example of its expectations, weighted below the ladder's own
examples), and the second half is measured before and after: competency top-1 and top-3
(as ``feedback-writer eval`` counts them), and, on sets labelled with expectations,
expectation top-1 and top-3 (the best-ranked expectation, or one of the first three, is
a labelled one).

What "confirmed" means per set:

* default ladder, b1/b2/b3 (labelled with expectations): the labelled expectations;
* texts-only company ladders (labelled with competencies and a level only): what a person
  accepting the right suggestion would confirm, the matcher's best-ranked expectation in a
  labelled competency (else the first expectation of the primary competency at the labelled
  level, as if added from the ladder).

The blind sets (vandelay, wonka, tyrell) are left out so they stay blind.

Run: ``python bench/mapping_learning.py [--weight W ...]`` (default weights 0.5 and 1.0;
the ladder's own examples weigh 2.0).

Result when written (competency top-1 / top-3 on the second halves, all nine sets,
weighted by evidence notes; before 0.706 / 0.907): weight 2.0 gives 0.604 / 0.882, 1.0
gives 0.652 / 0.901, 0.5 gives 0.693 / 0.907, 0.25 gives 0.696 / 0.914, 0.1 gives
0.709 / 0.911 (five sets up, three down: about one note in 380, noise). No weight gains,
so the matcher does not learn from confirmations; rerun this after matcher changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback_writer.ladder.loader import load_ladder  # noqa: E402
from feedback_writer.ladder.model import Ladder  # noqa: E402
from feedback_writer.mapping.evaluate import LabelledNote, evaluate, load_labelled  # noqa: E402
from feedback_writer.mapping.matcher import Matcher  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
DEPTH = 60


class LearningMatcher(Matcher):
    """The matcher with confirmed notes as extra examples of their expectations, at
    ``weight`` in the expectation's document (and proportionally in its competency's)."""

    def __init__(self, ladder: Ladder, learned: Mapping[str, Sequence[str]], weight: float):
        self._learned = learned
        self._weight = weight
        super().__init__(ladder)

    def _expectation_doc(self, i: int) -> dict[str, float]:
        doc = super()._expectation_doc(i)
        self._bag(self._learned.get(self._expectations[i].id, ()), self._weight, doc)
        return doc

    def _competency_doc(self, j: int) -> dict[str, float]:
        doc = super()._competency_doc(j)
        scale = self.options.w_comp_hints * self._weight / self.options.w_examples
        for i in self._exps_of_comp[j]:
            self._bag(self._learned.get(self._expectations[i].id, ()), scale, doc)
        return doc


def _expectations(path: Path) -> dict[str, list[str]]:
    """note id -> labelled expectation ids (load_labelled keeps competencies only)."""
    out: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[row["id"]] = list(row.get("expectations") or [])
    return out


def _confirmed(
    base: Matcher, ladder: Ladder, note: LabelledNote, labelled: Sequence[str]
) -> list[str]:
    """What a person would have accepted for ``note`` (see the module docstring)."""
    known = [e for e in labelled if ladder.has_expectation(e)]
    if known:
        return known
    for m in base.match(note.text, top_k=DEPTH):
        if m.competency in note.competencies:
            return [m.expectation_id]
    primary = note.competencies[0]
    level = note.level if note.level in ladder.level_slugs else ladder.level_slugs[0]
    at = ladder.expectations_at(level, primary) or ladder.expectations_up_to(
        ladder.level_slugs[-1], primary
    )
    return [at[0].id] if at else []


def _expectation_topk(
    matcher: Matcher, notes: Sequence[LabelledNote], labels: dict[str, list[str]]
) -> tuple[float, float, int] | None:
    scored = [n for n in notes if labels.get(n.id)]
    if not scored:
        return None
    top1 = top3 = 0
    for n in scored:
        ids = [m.expectation_id for m in matcher.match(n.text, top_k=3)]
        top1 += bool(ids[:1] and ids[0] in labels[n.id])
        top3 += bool(set(ids) & set(labels[n.id]))
    return top1 / len(scored), top3 / len(scored), len(scored)


def sets() -> list[tuple[str, Ladder, Path]]:
    default = load_ladder(ROOT / "ladder" / "default.yaml")
    out = [(f"{b} (default)", default, FIXTURES / "eval" / f"default-{b}-tune.jsonl")
           for b in ("b1", "b2", "b3")]  # fmt: skip
    for company, notes in (
        ("globex", "globex-tune.jsonl"),
        ("acme", "acme-heldout.jsonl"),
        ("umbrella", "umbrella-heldout.jsonl"),
        ("initech", "initech-heldout.jsonl"),
        ("hooli", "hooli-heldout.jsonl"),
        ("soylent", "soylent-tune.jsonl"),
    ):
        ladder = load_ladder(FIXTURES / "ladders" / f"{company}-nosignals.yaml")
        out.append((f"{company} (texts only)", ladder, FIXTURES / "eval" / notes))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weight", type=float, action="append")
    weights = parser.parse_args().weight or [0.5, 1.0]
    header = f"{'set':<22} {'conf':>4} {'test':>4}  {'comp top-1':>16}  {'comp top-3':>16}"
    header += f"  {'exp top-1':>16}  {'exp top-3':>16}"
    for w in weights:
        print(f"\nlearned-example weight {w} (ladder examples: 2.0); before -> after")
        print(header)
        totals = [0.0, 0.0, 0.0, 0.0, 0]
        for name, ladder, path in sets():
            notes = load_labelled(path)
            labels = _expectations(path)
            half = len(notes) // 2
            confirm, test = notes[:half], notes[half:]
            base = Matcher(ladder)
            learned: dict[str, list[str]] = {}
            for n in confirm:
                if n.has_evidence:
                    for e in _confirmed(base, ladder, n, labels.get(n.id, [])):
                        learned.setdefault(e, []).append(n.text)
            after_m = LearningMatcher(ladder, learned, w)
            before, after = evaluate(base, test), evaluate(after_m, test)
            row = f"{name:<22} {sum(len(v) for v in learned.values()):>4} {len(test):>4}  "
            row += f"{before.top1:.3f} -> {after.top1:.3f}  {before.top3:.3f} -> {after.top3:.3f}"
            eb, ea = _expectation_topk(base, test, labels), _expectation_topk(after_m, test, labels)
            if eb and ea:
                row += f"  {eb[0]:.3f} -> {ea[0]:.3f}  {eb[1]:.3f} -> {ea[1]:.3f}"
            print(row)
            totals[0] += before.top1 * before.evidence
            totals[1] += after.top1 * after.evidence
            totals[2] += before.top3 * before.evidence
            totals[3] += after.top3 * after.evidence
            totals[4] += before.evidence
        n = totals[4] or 1
        print(
            f"{'all (evidence-weighted)':<32}  {totals[0] / n:.3f} -> {totals[1] / n:.3f}  "
            f"{totals[2] / n:.3f} -> {totals[3] / n:.3f}"
        )


if __name__ == "__main__":
    main()
