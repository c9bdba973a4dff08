"""Provides ladder enrichment: a model writes signals and example notes per expectation.

Only the ladder is sent (competency, expectation ids and texts, the hints already there),
never a note about a person. One call per competency; the caller supplies that call
(:data:`Ask`, the CLI wires it to the gateway), so this module never imports the LLM
layer. Every answer is checked: it must name exactly the competency's expectation ids
(a renamed, missing or invented id is refused and repaired, never written), with signals
and 3-6 example notes each. What the model wrote lands in ``generated_signals`` and
``generated_examples`` of each expectation, beside the hand-written ``signals`` and
``examples``, so a person can review it before use. Nothing is written until every
competency is done and the result loads with the ladder loader with every id unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from feedback_writer.errors import UsageError
from feedback_writer.ladder.model import Ladder, LadderFile

MIN_EXAMPLES = 3
MAX_EXAMPLES = 6
MAX_SIGNALS = 10

Messages = list[dict[str, Any]]


class ExpectationHints(BaseModel):
    """What the model writes for one expectation."""

    id: str = Field(description="The expectation id exactly as given; never change it.")
    signals: list[str] = Field(description="2-10 short words or phrases that hint at it.")
    examples: list[str] = Field(
        description="3-6 one-sentence notes a manager or peer might write; varied voices, "
        "at least one showing a gap (negative)."
    )


class CompetencyHints(BaseModel):
    """The answer for one competency: one entry per expectation id given."""

    expectations: list[ExpectationHints]


Check = Callable[[CompetencyHints], list[str]]
Ask = Callable[[Messages, Check], CompetencyHints]
"""Sends ``messages`` and returns an answer that passes ``Check`` (repairing if need be),
or raises; the CLI's implementation is the gateway's ``complete_structured``."""

SYSTEM = (
    "You help a company enrich its engineering career ladder so an offline matcher can "
    "recognise evidence in review notes. For each expectation given, write signals (short "
    "words or phrases a note showing it would contain) and "
    f"{MIN_EXAMPLES}-{MAX_EXAMPLES} example notes: one sentence each, written as a manager, "
    "a peer or the engineer would jot them (vary the voice), concrete about the work, with "
    "no real names (say 'they' or 'I'), and at least one example showing a gap or a miss "
    "(negative evidence). Keep every expectation id exactly as given; do not add, drop or "
    "rename ids. Answer with the JSON object only."
)


def competency_payload(ladder: Ladder, slug: str) -> dict[str, Any]:
    """What is sent about one competency: ladder text only."""
    comp = ladder.competency(slug)
    return {
        "ladder": ladder.spec.title or ladder.name,
        "competency": {"slug": comp.slug, "name": comp.name, "motto": comp.motto},
        "levels": [lv.slug for lv in ladder.levels],
        "expectations": [
            {
                "id": e.id,
                "level": e.level,
                "text": e.text,
                "existing_signals": list(e.signals),
                "existing_examples": list(e.examples),
            }
            for e in ladder.expectations
            if e.competency == slug
        ],
    }


def enrich_messages(ladder: Ladder, slug: str) -> Messages:
    """The system and user message of one competency's call."""
    payload = competency_payload(ladder, slug)
    user = (
        "Write signals and example notes for every expectation of this competency. "
        "Existing hints are there to avoid repeating them.\n\n"
        + json.dumps(payload, indent=2, ensure_ascii=False)
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def answer_problems(ladder: Ladder, slug: str, answer: CompetencyHints) -> list[str]:
    """Why an answer cannot be used (empty: usable). Ids must match the competency's ids
    exactly: a renamed id is reported as unknown and its original as missing."""
    wanted = [e.id for e in ladder.expectations if e.competency == slug]
    got = [h.id for h in answer.expectations]
    problems = [
        f"unknown expectation id '{i}' (keep the ids given)" for i in got if i not in wanted
    ]
    problems += [f"missing expectation id '{i}'" for i in wanted if i not in got]
    problems += [f"expectation id '{i}' answered twice" for i in set(got) if got.count(i) > 1]
    for h in answer.expectations:
        examples = [x for x in h.examples if x.strip()]
        if not MIN_EXAMPLES <= len(examples) <= MAX_EXAMPLES:
            problems.append(
                f"{h.id}: {len(examples)} examples (write {MIN_EXAMPLES}-{MAX_EXAMPLES})"
            )
        if not any(s.strip() for s in h.signals):
            problems.append(f"{h.id}: no signals")
    return problems


def _clean(items: list[str], existing: list[str], limit: int) -> list[str]:
    """One-line, de-duplicated items not already hand-written, at most ``limit``."""
    seen = {x.casefold() for x in existing}
    out: list[str] = []
    for item in items:
        one = " ".join(item.split())
        if one and one.casefold() not in seen:
            seen.add(one.casefold())
            out.append(one)
    return out[:limit]


def apply_hints(ladder: Ladder, answers: dict[str, CompetencyHints]) -> LadderFile:
    """A copy of the ladder's file with each answer in ``generated_signals`` and
    ``generated_examples``; every other field and every id unchanged."""
    by_id = {h.id: h for a in answers.values() for h in a.expectations}
    doc = ladder.spec.model_dump(mode="json")
    for comp in doc["competencies"]:
        for level, cell in comp.get("levels", {}).items():
            for e in cell.get("expectations", []):
                hint = by_id.get(f"{comp['slug']}.{level}.{e['slug']}")
                if hint is None:
                    continue
                e["generated_signals"] = _clean(hint.signals, e.get("signals", []), MAX_SIGNALS)
                e["generated_examples"] = _clean(hint.examples, e.get("examples", []), MAX_EXAMPLES)
    return LadderFile.model_validate(doc)


def dump_ladder(spec: LadderFile, as_json: bool) -> str:
    """The file text (YAML, or JSON when ``as_json``), defaults left out."""
    import yaml

    data = spec.model_dump(mode="json", exclude_defaults=True)
    if as_json:
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    head = (
        "# Enriched by 'feedback-writer ladder enrich': generated_signals and\n"
        "# generated_examples were written by a model. Review them before use.\n"
    )
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def enrich(
    ladder: Ladder,
    ask: Ask,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> dict[str, CompetencyHints]:
    """One checked answer per competency (in ladder order); raises on the first failure."""
    answers: dict[str, CompetencyHints] = {}
    with_expectations = {e.competency for e in ladder.expectations}
    slugs = [c.slug for c in ladder.competencies if c.slug in with_expectations]
    for i, slug in enumerate(slugs, start=1):
        if on_progress:
            on_progress(f"enriching {i}/{len(slugs)}: {slug}")

        def check(answer: CompetencyHints, _slug: str = slug) -> list[str]:
            return answer_problems(ladder, _slug, answer)

        answer = ask(enrich_messages(ladder, slug), check)
        problems = check(answer)
        if problems:  # the caller's ask must not hand back a refused answer
            raise UsageError(f"the model's answer for '{slug}' is unusable: " + "; ".join(problems))
        answers[slug] = answer
    return answers


def verify(original: Ladder, text: str, source: str) -> Ladder:
    """The enriched text loaded with the ladder loader; every id of ``original`` kept."""
    from feedback_writer.ladder.loader import parse_ladder

    enriched = parse_ladder(text, source)
    before = [e.id for e in original.expectations]
    after = [e.id for e in enriched.expectations]
    if before != after or [c.slug for c in original.competencies] != [
        c.slug for c in enriched.competencies
    ]:
        raise UsageError(f"{source}: the enriched ladder changed ids; nothing was written")
    return enriched
