"""A draft prompt stays within ``max_prompt_tokens``: a window over it is condensed per
competency, still cites every expectation with evidence, and the dry run says so."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from feedback_writer.config import Settings
from feedback_writer.context import AppContext
from feedback_writer.drafting.offline import OfflineDrafter
from feedback_writer.drafting.service import create_draft, plan_draft, prepare
from feedback_writer.notes.model import ParsedNote

MODEL = "openai/gpt-4o-mini"
_PHRASE = (
    "led the incident review for the payments outage and wrote the postmortem mentored a "
    "junior engineer through code reviews improved the on-call runbooks after the drill "
    "shipped the billing export behind a feature flag with tests"
)
WORDS = _PHRASE.split(" ")


def _world(n: int, evidence_ids: int = 40) -> tuple[AppContext, set[str]]:
    """Ana at mid with ``n`` dated notes, each with two accepted mappings."""
    rng = random.Random(5)
    ctx = AppContext()
    repo = ctx.repo
    notes = [
        ParsedNote(
            text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))) + f" ({i})",
            date=dt.date(2026, 1 + i % 12, 1 + i % 28),
        )
        for i in range(n)
    ]
    repo.import_notes("Ana", notes)
    repo.update_person("Ana", current_level="mid", target_level="senior")
    ids = [e.id for e in ctx.ladder.expectations][:evidence_ids]
    rows = [
        (i, eid, round(rng.random(), 3), rng.choice(("positive", "positive", "negative")))
        for i in range(1, n + 1)
        for eid in rng.sample(ids, 2)
    ]
    with repo.transaction() as db:
        db.executemany(
            "INSERT INTO mappings (note_id, expectation_id, score, polarity, source, status, "
            "updated_at) VALUES (?, ?, ?, ?, 'matcher', 'accepted', '2026-01-01T00:00:00+00:00')",
            rows,
        )
    return ctx, {eid for _, eid, _, _ in rows}


def test_a_1000_note_prompt_is_condensed_within_the_budget_and_cites_every_expectation():
    ctx, evidenced = _world(1000)
    assert ctx.settings.max_prompt_tokens == 24000
    plan = plan_draft(ctx, "Ana", model=MODEL)
    assert plan.prompt_tokens <= ctx.settings.max_prompt_tokens
    notice = next(w for w in plan.warnings if w.startswith("condensed: "))
    assert re.fullmatch(
        r"condensed: 1,000 notes -> (\d+) quoted, (\d+) summarised to fit max_prompt_tokens 24000",
        notice,
    )
    user = plan.messages[1]["content"]
    quoted = set(re.findall(r'<note id="(n\d+)"', user))
    assert 0 < len(quoted) < 1000
    cited = set(re.findall(r'maps="[^"]*"', user))
    for eid in evidenced:  # every expectation with evidence is quoted, and counted
        assert any(eid in c for c in cited), eid
    assert "<summarised" in user and "more note(s)" in user
    ctx.repo.close()


def test_the_offline_outline_of_a_condensed_window_rates_on_every_note():
    ctx, _ = _world(1000)
    prepared = prepare(ctx, "Ana")
    condensed = prepared.request.condensed
    assert condensed is not None and condensed.window == 1000
    assert condensed.quoted + condensed.summarised == 1000
    draft = OfflineDrafter().draft(prepared.request).draft
    assert "1000 of 1000 notes map to the ladder" in draft.summary
    cited = {i for c in draft.competencies for p in c.points for i in p.note_ids}
    assert cited == {n.id for n in prepared.request.notes}
    record = create_draft(ctx, "Ana")
    assert len(record.meta["note_ids"]) == 1000  # the window, not just the quoted notes
    ctx.repo.close()


@pytest.mark.parametrize("n", [30])
def test_a_window_within_the_budget_is_not_condensed(n):
    ctx, _ = _world(n)
    prepared = prepare(ctx, "Ana")
    assert prepared.request.condensed is None and len(prepared.request.notes) == n
    plan = plan_draft(ctx, "Ana", model=MODEL)
    assert not any(w.startswith("condensed") for w in plan.warnings)
    assert "<summarised" not in plan.messages[1]["content"]
    ctx.repo.close()


def test_max_prompt_tokens_is_a_documented_setting():
    field = Settings.model_fields["max_prompt_tokens"]
    assert field.default == 24000 and field.description
