"""Provides model-assisted mapping: the model picks evidence from the matcher's shortlist.

Notes go to the model in batches. For each note the prompt lists the offline matcher's
best candidates (``top_k=8``, from a matcher that never abstains, so the model can still
find evidence the matcher's threshold dropped); the answer is a :class:`MappingAnswer`
(structured output). The gateway's ``validate`` hook reports ids the ladder does not have,
so the gateway sends them back for repair; on the last allowed attempt the answer is taken
as it is and unknown ids are dropped. Any :class:`GatewayError` falls back to the offline
result for the batch, with a warning; after an error that will not go away by itself
(no key, provider down, unknown model), the remaining batches skip the model.

Each note is rendered with the ``map`` prompt template (company override allowed) and
referred to as ``N1``, ``N2``...; every name of
:func:`~feedback_writer.prompting.pseudonym.person_names` (the person, the configured
names, the notes' authors) becomes a placeholder (``PERSON_1``...) in the values handed
to the template and in the rendered messages, before anything is sent.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from feedback_writer.errors import (
    ContextTooLong,
    GatewayError,
    StructuredOutputError,
    TemplateError,
)
from feedback_writer.ladder.model import Ladder
from feedback_writer.mapping.matcher import Match, Matcher
from feedback_writer.mapping.results import NoteMapping
from feedback_writer.notes.quoting import neutralise_citations

if TYPE_CHECKING:
    from feedback_writer.config import Settings
    from feedback_writer.llm.gateway import Gateway
    from feedback_writer.prompting.pseudonym import Pseudonymiser
    from feedback_writer.prompting.templates import PromptTemplates
    from feedback_writer.storage.repository import Repository

SHORTLIST_K = 8
BATCH_SIZE = 8
PURPOSE = "map"


# --- the answer the model gives ---------------------------------------------------------


class ExpectationChoice(BaseModel):
    """One expectation a note shows evidence of."""

    expectation_id: str = Field(description="An expectation id from the note's candidates.")
    polarity: Literal["positive", "negative"] = Field(
        description="positive: the note shows the expectation met; negative: it shows a gap."
    )
    confidence: float = Field(ge=0.0, le=1.0, description="How sure you are, 0 to 1.")


class NoteAnswer(BaseModel):
    """The evidence in one note."""

    note: str = Field(description="The note's key as given: N1, N2, ...")
    no_evidence: bool = Field(
        description="true when the note shows none of the candidates (e.g. not about work)."
    )
    expectations: list[ExpectationChoice] = Field(
        description="Best first; empty when no_evidence is true."
    )


class MappingAnswer(BaseModel):
    """The answer for one batch of notes: one entry per note, in any order."""

    notes: list[NoteAnswer]


# --- the shortlist -----------------------------------------------------------------------


def candidate_shortlist(matches: Sequence[Match], k: int) -> list[str]:
    """Expectation ids for the model-assisted path: the best ``k``, at most two per competency
    first (so the model sees several competencies), then the rest in score order."""
    picked: list[str] = []
    per_comp: dict[str, int] = defaultdict(int)
    for m in matches:
        if len(picked) < k and per_comp[m.competency] < 2:
            picked.append(m.expectation_id)
            per_comp[m.competency] += 1
    for m in matches:
        if len(picked) >= k:
            break
        if m.expectation_id not in picked:
            picked.append(m.expectation_id)
    return picked


_SHORTLISTERS: weakref.WeakKeyDictionary[Ladder, Matcher] = weakref.WeakKeyDictionary()


def shortlist_matcher(ladder: Ladder) -> Matcher:
    """A matcher that never abstains: the model decides whether a note shows evidence."""
    matcher = _SHORTLISTERS.get(ladder)
    if matcher is None:
        matcher = _SHORTLISTERS[ladder] = Matcher(ladder, min_score=0.0)
    return matcher


@dataclass(frozen=True)
class PromptNote:
    key: str
    text: str
    candidates: list[Match]


# --- the prompt --------------------------------------------------------------------------

SYSTEM = (
    "You map notes about a software engineer's work to the expectations of a career "
    "ladder ({ladder}). For each note, choose the candidate expectations the note is real "
    "evidence of, best first, at most {top_k}. Polarity is negative when the note shows the "
    "expectation not being met (a gap, a mistake, a complaint), else positive. Confidence "
    "is 0 to 1. When the note shows none of its candidates (holidays, logistics, vague "
    "praise), set no_evidence to true and give no expectations. Use only expectation ids "
    "listed as the note's candidates, copied exactly. Answer for every note, by its key. "
    "Names are replaced by placeholders such as PERSON_1."
)


def build_messages(
    ladder: Ladder,
    notes: Sequence[PromptNote],
    top_k: int,
    templates: PromptTemplates,
    hide: Pseudonymiser | None = None,
) -> list[dict[str, Any]]:
    """System and user messages for one batch: the ``map`` template rendered per note
    (with ``hide``, its variables and the result pseudonymised)."""
    blocks = []
    for note in notes:
        candidates = []
        for m in note.candidates:
            e = ladder.expectation(m.expectation_id)
            candidates.append(
                {"id": e.id, "text": e.text, "competency": e.competency, "level": e.level}
            )
        variables = {
            "note": {"id": note.key, "text": note.text},
            "candidates": candidates,
            "top_k": top_k,
            "ladder": {"name": ladder.name},
        }
        if hide is not None:
            variables = hide.apply_data(variables)
        blocks.append(templates.render(PURPOSE, variables))
    messages = [
        {"role": "system", "content": SYSTEM.format(ladder=ladder.name, top_k=top_k)},
        {"role": "user", "content": "\n\n---\n\n".join(blocks)},
    ]
    return hide.apply_messages(messages) if hide is not None else messages


@dataclass
class MappingPlan:
    """What ``map --model --dry-run`` shows: each batch's messages, as they would be sent
    (before the answer's JSON-schema instruction the gateway adds), and the capitalised
    words of the notes that would go out as they are."""

    batches: list[list[dict[str, Any]]]
    unlisted: list[str]


def plan_mapping(
    repo: Repository,
    ladder: Ladder,
    person: str,
    settings: Settings,
    *,
    top_k: int,
    batch_size: int = BATCH_SIZE,
) -> MappingPlan:
    """The messages a model-assisted mapping of ``person``'s notes would send; sends and
    stores nothing (no gateway, no litellm)."""
    from feedback_writer.prompting.pseudonym import pseudonymiser_for_person, unlisted_names
    from feedback_writer.prompting.templates import PromptTemplates

    hide = pseudonymiser_for_person(repo, person, settings)
    templates = PromptTemplates(settings.prompts_dir)
    shortlister = shortlist_matcher(ladder)
    todo = [
        (n.text, cands)
        for n in repo.list_notes(person, include_excluded=False)
        if (cands := shortlister.match(n.text, top_k=SHORTLIST_K))
    ]
    batches = []
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        notes = [
            PromptNote(f"N{j + 1}", neutralise_citations(hide.apply(text)), cands)
            for j, (text, cands) in enumerate(batch)
        ]
        batches.append(build_messages(ladder, notes, top_k, templates, hide))
    unlisted = unlisted_names([hide.apply(text) for text, _ in todo], hide)
    return MappingPlan(batches, unlisted)


# --- checking and reading the answer ----------------------------------------------------


def answer_problems(answer: MappingAnswer, ladder: Ladder, keys: Sequence[str]) -> list[str]:
    """What to send back for repair: unknown ids, unknown/duplicate/missing notes."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in answer.notes:
        if item.note not in keys:
            problems.append(f"note '{item.note}' is not one of {', '.join(keys)}")
            continue
        if item.note in seen:
            problems.append(f"note {item.note} is answered twice; answer each note once")
        seen.add(item.note)
        if item.no_evidence and item.expectations:
            problems.append(f"note {item.note}: no_evidence is true but expectations are listed")
        for choice in item.expectations:
            if not ladder.has_expectation(choice.expectation_id):
                problems.append(
                    f"note {item.note}: '{choice.expectation_id}' is not an expectation id; "
                    "use only ids listed as that note's candidates"
                )
    missing = [k for k in keys if k not in seen]
    if missing:
        problems.append("no answer for note(s) " + ", ".join(missing))
    return problems


def _to_matches(item: NoteAnswer, ladder: Ladder, top_k: int) -> tuple[list[Match], int]:
    """Valid choices as matches (best first, capped) and how many unknown ids were dropped."""
    if item.no_evidence:
        return [], 0
    out: dict[str, Match] = {}
    dropped = 0
    for choice in item.expectations:
        if not ladder.has_expectation(choice.expectation_id):
            dropped += 1
            continue
        if choice.expectation_id in out:
            continue
        e = ladder.expectation(choice.expectation_id)
        out[e.id] = Match(e.id, e.competency, e.level, round(choice.confidence, 4), choice.polarity)
    ranked = sorted(out.values(), key=lambda m: (-m.score, m.expectation_id))
    return ranked[:top_k], dropped


def _fatal(exc: GatewayError | TemplateError) -> bool:
    """Errors that the next batch would meet again (no key, provider down, ...)."""
    return not isinstance(exc, StructuredOutputError | ContextTooLong)


def assisted_mapping(
    gateway: Gateway,
    ladder: Ladder,
    offline: Sequence[NoteMapping],
    *,
    top_k: int,
    names: Sequence[str] = (),
    on_warning: Callable[[str], None],
    on_progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    templates: PromptTemplates | None = None,
) -> list[NoteMapping]:
    """The model's mapping of each note, or the offline one where the model failed."""
    from feedback_writer.prompting.pseudonym import Pseudonymiser
    from feedback_writer.prompting.templates import PromptTemplates

    shortlister = shortlist_matcher(ladder)
    hide = Pseudonymiser(names[0], names[1:]) if names else Pseudonymiser("")
    templates = templates or PromptTemplates()
    results: list[NoteMapping] = list(offline)
    # Notes with no candidate at all cannot show evidence: the model is not asked.
    todo = [
        (i, cands)
        for i, r in enumerate(offline)
        if (cands := shortlister.match(r.text, top_k=SHORTLIST_K))
    ]
    total, done = len(offline), len(offline) - len(todo)
    if on_progress is not None:
        on_progress(done, total)
    stopped: GatewayError | TemplateError | None = None
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        if stopped is None:
            try:
                _ask(gateway, ladder, batch, results, hide, templates, top_k, on_warning)
            except (GatewayError, TemplateError) as exc:
                ids = [offline[i].note_id for i, _ in batch]
                which = ids[0] if len(ids) == 1 else f"{ids[0]}..{ids[-1]}"
                on_warning(
                    f"model mapping failed for {which}, using the offline matcher's "
                    f"suggestions instead: {exc}"
                )
                if _fatal(exc):
                    stopped = exc
        done += len(batch)
        if on_progress is not None:
            on_progress(done, total)
    if stopped is not None and len(todo) > batch_size:
        on_warning("the model was not asked about the remaining notes after that error")
    return results


def _ask(
    gateway: Gateway,
    ladder: Ladder,
    batch: Sequence[tuple[int, list[Match]]],
    results: list[NoteMapping],
    hide: Pseudonymiser,
    templates: PromptTemplates,
    top_k: int,
    on_warning: Callable[[str], None],
) -> None:
    """One model call for a batch; fills ``results`` in place."""

    keys = [f"N{j + 1}" for j in range(len(batch))]
    prompt_notes = [
        PromptNote(key, neutralise_citations(hide.apply(results[i].text)), cands)
        for key, (i, cands) in zip(keys, batch, strict=True)
    ]
    repairs = 0

    def validate(answer: MappingAnswer) -> list[str]:
        # On the last allowed attempt take what came: unknown ids are dropped below and
        # notes left unanswered keep the offline result, which beats failing the batch.
        if repairs >= gateway.settings.max_repairs:
            return []
        return answer_problems(answer, ladder, keys)

    def repair(errors: list[str], bad_completion: str) -> list[dict[str, Any]]:
        nonlocal repairs
        repairs += 1
        listed = "\n".join(f"- {e}" for e in errors)
        return [
            {
                "role": "user",
                "content": hide.apply(
                    f"Your answer could not be used:\n{listed}\n\nAnswer again with "
                    "the complete corrected object, one entry per note, using only the "
                    "candidate ids listed for each note."
                ),
            }
        ]

    result = gateway.complete_structured(
        build_messages(ladder, prompt_notes, top_k, templates, hide), MappingAnswer,
        purpose=PURPOSE, validate=validate, repair_messages=repair,
    )  # fmt: skip
    by_key: dict[str, NoteAnswer] = {}
    for answered in result.value.notes:
        by_key.setdefault(answered.note, answered)
    dropped = 0
    for key, (i, _) in zip(keys, batch, strict=True):
        item = by_key.get(key)
        if item is None:
            on_warning(
                f"the model gave no answer for note {results[i].note_id}; "
                "kept the offline matcher's suggestions"
            )
            continue
        matches, lost = _to_matches(item, ladder, top_k)
        dropped += lost
        results[i] = NoteMapping(results[i].note_id, results[i].text, matches, "model")
    if dropped:
        on_warning(f"dropped {dropped} expectation id(s) the model made up (not in the ladder)")
