"""Prints the offline matcher's quality figures, with the alternatives it was chosen over.

For each labelled set and each variant: competency top-1, top-3, level within one, and the share
of no-evidence notes left unmatched. The sets:

* default ladder: the dev set, our tuning notes, our held-out notes (never tuned on), and b1 to
  b9 (b1 terse manager notes, b2 full manager and peer notes, b3 first-person self-review, then
  five and six voices), written by people who saw only the ladder, each measured blind once,
  then read: tuning sets since (the learned models are trained on b1-b7, so figures on those
  are in-sample; b8 and b9 were only read);
* texts-only company ladders (no signals, no examples): globex (tuning), acme (written as
  held-out, then inspected: tuning since the hint-borrowing work), umbrella, initech and hooli
  (written by people who never saw the matcher; measured blind, then inspected: tuning now),
  soylent (written blind to study long third-person texts; read at once: tuning);
* ``--blind``: also vandelay, wonka and tyrell, texts-only ladders with notes written by people
  who never saw the matcher and never looked at by whoever tunes it. Tune on those and they
  stop measuring anything.

Run: ``python bench/mapping_quality.py [--blind]``.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback_writer.ladder.loader import load_ladder  # noqa: E402
from feedback_writer.ladder.model import Ladder  # noqa: E402
from feedback_writer.mapping._text import tokens  # noqa: E402
from feedback_writer.mapping.evaluate import LabelledNote, evaluate, load_labelled  # noqa: E402
from feedback_writer.mapping.matcher import (  # noqa: E402
    DEFAULT_OPTIONS,
    Match,
    Matcher,
    MatcherOptions,
)

DEV = Path("/work/shared/eval/notes-dev.jsonl")
FIXTURES = ROOT / "tests" / "fixtures"


class TfidfBaseline:
    """Plain TF-IDF cosine over the expectation texts; never abstains."""

    def __init__(self, ladder: Ladder) -> None:
        self.ladder = ladder
        docs = [Counter(tokens(e.text)) for e in ladder.expectations]
        df = Counter(t for d in docs for t in d)
        self.idf = {t: math.log(len(docs) / n) + 1 for t, n in df.items()}
        self.vectors = [self._norm({t: c * self.idf[t] for t, c in d.items()}) for d in docs]

    @staticmethod
    def _norm(v: dict[str, float]) -> dict[str, float]:
        n = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / n for t, x in v.items()}

    def match(self, text: str, top_k: int = 5) -> list[Match]:
        q = self._norm({t: c * self.idf.get(t, 0.0) for t, c in Counter(tokens(text)).items()})
        scored = sorted(
            ((sum(q.get(t, 0.0) * x for t, x in v.items()), i) for i, v in enumerate(self.vectors)),
            key=lambda p: (-p[0], p[1]),
        )
        exps = self.ladder.expectations
        return [
            Match(exps[i].id, exps[i].competency, exps[i].level, s, "positive")
            for s, i in scored[:top_k]
        ]


def variants() -> list[tuple[str, MatcherOptions | None]]:
    bare = replace(
        DEFAULT_OPTIONS,
        stemming=False,
        concepts=False,
        bigrams=False,
        ladder_hints=False,
        borrow_hints=False,
        competency_weight=0.0,
        scope_weight=0.0,
    )
    return [
        ("TF-IDF baseline (texts)", None),
        ("BM25 texts only", bare),
        ("+ stemming", replace(bare, stemming=True)),
        ("+ competency document", replace(bare, stemming=True, competency_weight=0.5)),
        (
            "+ lexicon concepts",
            replace(DEFAULT_OPTIONS, ladder_hints=False, borrow_hints=False, bigrams=False),
        ),
        (
            "+ bigrams, scope cues (= texts only)",
            replace(DEFAULT_OPTIONS, ladder_hints=False, borrow_hints=False),
        ),
        ("+ borrowed hints (company ladders)", replace(DEFAULT_OPTIONS, ladder_hints=False)),
        ("+ own signals/examples (full)", DEFAULT_OPTIONS),
        ("full, bigram weight 0.5", replace(DEFAULT_OPTIONS, bigram_weight=0.5)),
        ("full, concept weight 0.5", replace(DEFAULT_OPTIONS, concept_weight=0.5)),
        (
            "full, texts-only concept weight 1.0",
            replace(DEFAULT_OPTIONS, texts_only_concept_weight=1.0),
        ),
        (
            "full, texts-only concept weight 1.5",
            replace(DEFAULT_OPTIONS, texts_only_concept_weight=1.5),
        ),
        (
            "full, borrow from 6 at weight 0.15",
            replace(DEFAULT_OPTIONS, borrow_k=6, w_borrowed=0.15),
        ),
        ("full, borrowed weight 0.5", replace(DEFAULT_OPTIONS, w_borrowed=0.5)),
    ]


def _company(name: str, notes: str) -> tuple[Ladder, list[LabelledNote]]:
    ladder = load_ladder(FIXTURES / "ladders" / f"{name}-nosignals.yaml")
    return ladder, load_labelled(FIXTURES / "eval" / notes)


def main() -> None:
    blind = "--blind" in sys.argv[1:]
    default = load_ladder(ROOT / "ladder" / "default.yaml")
    sets = [
        ("dev", default, load_labelled(DEV) if DEV.exists() else []),
        ("tune", default, load_labelled(FIXTURES / "eval" / "tune-default.jsonl")),
        ("held-out", default, load_labelled(FIXTURES / "eval" / "heldout-default.jsonl")),
        *(
            (f"{p.stem.split('-')[1]} tune", default, load_labelled(p))
            for p in sorted(
                (FIXTURES / "eval").glob("default-b*-tune.jsonl"),
                key=lambda p: int(p.stem.split("-")[1][1:]),
            )
        ),
        ("globex tune", *_company("globex", "globex-tune.jsonl")),
        ("acme tune", *_company("acme", "acme-heldout.jsonl")),
        ("umbrella tune", *_company("umbrella", "umbrella-heldout.jsonl")),
        ("initech tune", *_company("initech", "initech-heldout.jsonl")),
        ("hooli tune", *_company("hooli", "hooli-heldout.jsonl")),
        ("soylent tune", *_company("soylent", "soylent-tune.jsonl")),
    ]
    if blind:
        sets += [
            ("vandelay BLIND", *_company("vandelay", "vandelay-blind.jsonl")),
            ("wonka BLIND", *_company("wonka", "wonka-blind.jsonl")),
            ("tyrell BLIND", *_company("tyrell", "tyrell-blind.jsonl")),
        ]
    print(f"{'variant':36} {'set':16} {'top1':>6} {'top3':>6} {'lvl±1':>6} {'no-ev':>7}")
    for name, opts in variants():
        for set_name, ladder, notes in sets:
            if not notes:
                continue
            m = TfidfBaseline(ladder) if opts is None else Matcher(ladder, options=opts)
            r = evaluate(m, notes)
            print(
                f"{name:36} {set_name:16} {r.top1:6.3f} {r.top3:6.3f} "
                f"{r.level_within_one:6.3f} {r.no_evidence_rate:7.3f}"
            )
    print()
    for set_name, ladder, notes in sets:
        if notes:
            print(f"== default matcher, {set_name} ==")
            print(evaluate(Matcher(ladder), notes).format_table())


if __name__ == "__main__":
    main()
