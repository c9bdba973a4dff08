"""Prints how fast the offline matcher maps 10,000 notes on the default ladder.

A benchmark, not a test: the target is 10,000 notes in under 2 s on a 2-core machine.
Run: ``python bench/mapping_speed.py``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedback_writer.ladder.loader import load_ladder  # noqa: E402
from feedback_writer.mapping.matcher import Matcher  # noqa: E402

N = 10_000


def main() -> None:
    ladder = load_ladder(ROOT / "ladder" / "default.yaml")
    t0 = time.perf_counter()
    matcher = Matcher(ladder)
    built = time.perf_counter() - t0
    path = ROOT / "tests" / "fixtures" / "eval" / "heldout-default.jsonl"
    base = [json.loads(line)["text"] for line in path.read_text().splitlines() if line]
    # Vary each note so the stemmer's cache cannot serve every word from the first pass.
    texts = [f"{base[i % len(base)]} (item {i})" for i in range(N)]
    t0 = time.perf_counter()
    matcher.match_many(texts, top_k=5)
    total = time.perf_counter() - t0
    print(f"index built in {built:.3f} s ({len(ladder.expectations)} expectations)")
    print(f"mapped {N} notes in {total:.3f} s: {N / total:,.0f} notes/s")


if __name__ == "__main__":
    main()
