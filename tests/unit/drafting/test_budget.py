"""The prompt budget: 50 notes cost at most 40% of the naive prompt; condensing keeps ids."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from feedback_writer.drafting.prompt import condense_notes
from feedback_writer.prompting.templates import PromptTemplates

BENCH = Path(__file__).resolve().parents[3] / "bench" / "prompt_budget.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("prompt_budget", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_budget_ratio_on_50_notes() -> None:
    bench = _bench()
    request = bench.budget_request(50)
    ours, naive = bench.figures(request)
    assert len(request.notes) == 50
    text = "\n".join(m["content"] for m in ours)
    assert all(f'id="{n.id}"' in text for n in request.notes)  # every note is still sent
    assert bench.estimate_tokens(ours) <= 0.4 * bench.estimate_tokens(naive)


def test_condensing_runs_in_chunks_and_keeps_every_id() -> None:
    views = [{"id": f"n{i}", "text": "word " * 200} for i in range(1, 11)]
    calls: list[str] = []

    def complete(messages: list[dict[str, Any]]) -> str:
        calls.append(messages[-1]["content"])
        # The model answers for every note but the first of the chunk.
        ids = [line.split('"')[1] for line in messages[-1]["content"].splitlines()
               if line.startswith("<note id=")]  # fmt: skip
        return "\n".join(f"{i}: short" for i in ids[1:])

    out = condense_notes(PromptTemplates(), views, complete, chunk_tokens=600)
    assert len(calls) > 1
    assert [v["id"] for v in out] == [v["id"] for v in views]
    assert sum(v["text"] == "short" for v in out) == len(views) - len(calls)
    assert all(len(v["text"]) <= 200 for v in out)
