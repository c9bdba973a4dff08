"""Provides the model drafter: the prompt, pseudonymised, sent through the gateway.

Flow: render the templates, pseudonymise (names become PERSON_n), count tokens and
condense the notes when they do not fit, ask the gateway for a :class:`Draft` with the
grounding check as its validator (a failing check becomes a repair turn that names the
unknown ids), restore the names, and drop whatever is still ungrounded with a warning.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from feedback_writer.drafting.base import DraftRequest, DraftResult
from feedback_writer.drafting.grounding import enforce_grounding, grounding_problems
from feedback_writer.drafting.model import Draft
from feedback_writer.drafting.prompt import (
    ANSWER_RESERVE,
    Messages,
    condense_notes,
    draft_messages,
    note_view,
    pseudonymiser_for,
    unlisted_notice,
)
from feedback_writer.errors import StructuredOutputError
from feedback_writer.prompting.pseudonym import Pseudonymiser, StreamRestorer, unlisted_names
from feedback_writer.prompting.templates import PromptTemplates

if TYPE_CHECKING:
    from feedback_writer.llm.gateway import Gateway, Progress

NAME = "model"
TEMPLATES_USED = ("system", "draft_manager", "draft_self", "repair", "condense")
_UNKNOWN = re.compile(r"unknown (?:note|expectation) id\(s\) ([^()]+?) \(")


@dataclass
class DraftPlan:
    """What would be sent: the pseudonymised messages and their size."""

    messages: Messages
    prompt_tokens: int
    context_window: int | None
    needs_condensing: bool
    pseudonymiser: Pseudonymiser
    notes: list[dict[str, Any]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """For ``--dry-run``: capitalised words of the notes that go out as they are."""


def unknown_ids(errors: list[str]) -> list[str]:
    """The ids a grounding report calls unknown, in order, once each."""
    found: list[str] = []
    for e in errors:
        m = _UNKNOWN.search(e)
        if m:
            found += [i.strip() for i in m.group(1).split(",") if i.strip()]
    return list(dict.fromkeys(found))


class ModelDrafter:
    """Drafts through a :class:`Gateway` (see the module docstring)."""

    name = NAME

    def __init__(
        self,
        gateway: Gateway,
        templates: PromptTemplates,
        names_for: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        self.gateway = gateway
        self.templates = templates
        # person -> every name to hide (prompting.pseudonym.person_names); without it,
        # the request's own names (subject, configured, the window's note authors).
        self.names_for = names_for

    def pseudonymiser(self, request: DraftRequest) -> Pseudonymiser:
        """The names hidden for ``request``: the same list mapping and regenerating use."""
        if self.names_for is None:
            return pseudonymiser_for(request)
        extra = dataclasses.replace(request, pseudonymise=self.names_for(request.person)[1:])
        return pseudonymiser_for(extra)

    @property
    def model(self) -> str:
        return self.gateway.settings.model

    def template_hash(self) -> str:
        return self.templates.hash(TEMPLATES_USED)

    def plan(self, request: DraftRequest) -> DraftPlan:
        """Render and measure the prompt; sends nothing (this is what --dry-run shows)."""
        pseud = self.pseudonymiser(request)
        views = [note_view(n, request) for n in request.notes]
        messages = draft_messages(self.templates, request, hide=pseud)
        tokens = self.gateway.count_tokens(messages)
        window = self.gateway.context_window()
        too_big = window is not None and tokens > window - ANSWER_RESERVE
        notice = unlisted_notice(unlisted_names([pseud.apply(v["text"]) for v in views], pseud))
        notices = [notice] if notice else []
        return DraftPlan(messages, tokens, window, too_big, pseud, views, notices)

    def draft(self, request: DraftRequest) -> DraftResult:
        plan = self.plan(request)
        pseud = plan.pseudonymiser
        messages = plan.messages
        warnings: list[str] = []
        condensed = False
        if plan.needs_condensing and plan.context_window is not None:
            budget = max(1024, (plan.context_window - ANSWER_RESERVE) // 2)

            def complete(msgs: Messages) -> str:
                return self.gateway.complete_text(
                    msgs, purpose="condense", on_retry=request.on_progress
                )

            shorter = condense_notes(
                self.templates, plan.notes, complete, chunk_tokens=budget,
                on_progress=request.on_progress, hide=pseud,
            )  # fmt: skip
            messages = draft_messages(self.templates, request, shorter, hide=pseud)
            condensed = True
            warnings.append(
                f"the notes ({plan.prompt_tokens} tokens) exceed {self.model}'s context; "
                "they were condensed before drafting"
            )
        note_ids = {n.id for n in request.notes}
        ladder = request.ladder
        last: dict[str, list[str]] = {"errors": []}

        def validate(draft: Draft) -> list[str]:
            problems = grounding_problems(draft, ladder, note_ids)
            last["errors"] = problems
            return problems

        def repair(errors: list[str], bad: str) -> Messages:
            ids = unknown_ids(errors) if errors == last["errors"] else []
            text = self.templates.render(
                "repair",
                {"errors": errors, "unknown_ids": ids, "note_ids": sorted(note_ids)},
            )
            return [{"role": "user", "content": pseud.apply(text)}]

        progress, on_text = request.on_progress, request.on_text
        streamed = StreamRestorer(pseud)

        def on_progress(p: Progress) -> None:
            if on_text is not None and p.text_delta:
                # The answer is pseudonymised; whoever watches it sees the real names.
                shown = streamed.feed(p.text_delta)
                if shown:
                    on_text(shown)
            if progress is not None:
                progress(f"drafting with {self.model}: ~{p.completion_tokens_estimate} tokens")

        stream = progress is not None or on_text is not None
        usage: dict[str, Any] = {"prompt_tokens_estimate": plan.prompt_tokens}
        try:
            result = self.gateway.complete_structured(
                messages, Draft, purpose="draft", validate=validate, repair_messages=repair,
                on_progress=on_progress if stream else None, stream=stream,
                on_retry=progress,
            )  # fmt: skip
            raw_draft = result.value
            warnings += result.warnings
            usage.update(
                attempts=result.attempts,
                prompt_tokens=result.prompt_tokens,
                completion_tokens=result.completion_tokens,
                cost_usd=result.cost_usd,
            )
        except StructuredOutputError as exc:
            # Still ungrounded after every repair: keep what is grounded, if the answer
            # is otherwise a valid draft; anything else is the gateway's error.
            salvaged = _salvage(exc.last_completion)
            if salvaged is None:
                raise
            raw_draft = salvaged
            warnings.append(
                f"the model's draft still cited unknown ids after {exc.attempts} attempt(s); "
                "those points were dropped"
            )
            usage.update(attempts=exc.attempts)
        rest = streamed.flush()
        if on_text is not None and rest:
            on_text(rest)
        restored = Draft.model_validate(pseud.restore_data(raw_draft.model_dump()))
        restored = restored.model_copy(
            update={
                "person": request.person,
                "mode": request.mode,
                "current_level": request.level,
                "target_level": request.target,
            }
        )
        grounded, dropped = enforce_grounding(restored, ladder, note_ids)
        usage["condensed"] = condensed
        return DraftResult(
            draft=grounded,
            warnings=warnings + dropped,
            drafter=NAME,
            model=self.model,
            template_hash=self.template_hash(),
            usage=usage,
        )


def _salvage(completion: str) -> Draft | None:
    from pydantic import ValidationError

    from feedback_writer.llm.gateway import extract_json_text

    try:
        return Draft.model_validate_json(extract_json_text(completion))
    except ValidationError:
        return None
