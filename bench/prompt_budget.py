"""Prints the draft prompt's size for 50 notes next to a naive prompt (goal: <= 40%).

The naive prompt is the whole ladder file plus every note verbatim with all its fields.
Notes are the first 50 held-out notes of the default ladder's evaluation set, mapped by
the offline matcher. Token counts: a tokenizer-free estimate (~4 characters per token)
and, with --litellm, litellm's token_counter for MODEL (slower: imports litellm).

    python bench/prompt_budget.py [--litellm] [--model gpt-4o-mini]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from feedback_writer.drafting.base import DraftRequest
from feedback_writer.drafting.prompt import (
    CHARS_PER_TOKEN,
    Messages,
    draft_messages,
    draft_variables,
)
from feedback_writer.ladder.loader import load_ladder
from feedback_writer.mapping.matcher import Matcher
from feedback_writer.notes.model import Note
from feedback_writer.paths import default_ladder_path
from feedback_writer.prompting.pseudonym import Pseudonymiser
from feedback_writer.prompting.templates import PromptTemplates
from feedback_writer.storage.records import MappingRecord

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "tests" / "fixtures" / "eval" / "heldout-default.jsonl"


def estimate_tokens(messages: list[dict[str, Any]]) -> int:
    """A tokenizer-free estimate: ~4 characters per token plus a few per message."""
    chars = sum(len(str(m.get("content", ""))) for m in messages)
    return math.ceil(chars / CHARS_PER_TOKEN) + 4 * len(messages)


def naive_messages(templates: PromptTemplates, request: DraftRequest) -> Messages:
    """The prompt a budget is measured against: the whole ladder file and every note
    verbatim with all its fields (what a first attempt would send)."""
    ladder_text = (
        Path(request.ladder.path).read_text(encoding="utf-8")
        if request.ladder.path
        else request.ladder.spec.model_dump_json(indent=1)
    )
    notes = "\n".join(n.model_dump_json() for n in request.notes)
    variables = draft_variables(request)
    return [
        {"role": "system", "content": templates.render("system", variables)},
        {
            "role": "user",
            "content": f"Ladder:\n{ladder_text}\n\nNotes:\n{notes}\n\n"
            f"Draft feedback for {request.person} at level {request.level}.",
        },
    ]


def budget_request(count: int = 50) -> DraftRequest:
    ladder = load_ladder(default_ladder_path())
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = [json.loads(line) for line in NOTES.read_text().splitlines() if line.strip()]
    notes = [
        Note(id=f"n{i}", person="Alex Example", text=row["text"],
             date=dt.date(2026, 1, 1) + dt.timedelta(days=3 * i), created_at=now, updated_at=now)
        for i, row in enumerate(rows[:count], start=1)
    ]  # fmt: skip
    matcher = Matcher(ladder)
    evidence = {
        n.id: [
            MappingRecord(n.id, m.expectation_id, m.score, m.polarity, "matcher", "suggested", now)
            for m in matcher.match(n.text, top_k=3)
        ]
        for n in notes
    }
    return DraftRequest(
        person="Alex Example", mode="manager", level="mid", target="senior", ladder=ladder,
        notes=notes, evidence={k: v for k, v in evidence.items() if v},
    )  # fmt: skip


def figures(request: DraftRequest) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    templates = PromptTemplates()
    hide = Pseudonymiser(request.person)
    return (
        hide.apply_messages(draft_messages(templates, request)),
        naive_messages(templates, request),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--litellm", action="store_true", help="also count with litellm")
    parser.add_argument("--model", default="gpt-4o-mini")
    args = parser.parse_args()
    request = budget_request()
    ours, naive = figures(request)
    a, b = estimate_tokens(ours), estimate_tokens(naive)
    print(
        f"notes: {len(request.notes)}  ladder: {request.ladder.name} "
        f"({len(request.ladder.expectations)} expectations)"
    )
    print(f"estimate (chars/4): draft prompt {a:6d}  naive {b:6d}  ratio {a / b:.2f}")
    if args.litellm:
        import os

        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm

        x = litellm.token_counter(model=args.model, messages=ours)
        y = litellm.token_counter(model=args.model, messages=naive)
        print(f"litellm ({args.model}): draft prompt {x:6d}  naive {y:6d}  ratio {x / y:.2f}")
    print("goal: ratio <= 0.40")


if __name__ == "__main__":
    main()
