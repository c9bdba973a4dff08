"""Provides :func:`create_draft`: window, evidence, drafter, grounding and storage.

One pipeline for both drafters: the request is built the same way, whichever drafter
answers goes through the same grounding check, and the result is rendered into sections
and stored unreviewed with :meth:`Repository.save_draft`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from feedback_writer.drafting.base import Drafter, DraftRequest, DraftResult, Mode
from feedback_writer.drafting.grounding import enforce_grounding
from feedback_writer.drafting.offline import OfflineDrafter
from feedback_writer.drafting.render import render_sections
from feedback_writer.errors import UsageError
from feedback_writer.notes.model import Note
from feedback_writer.storage.records import DraftRecord, MappingRecord

if TYPE_CHECKING:
    from feedback_writer.context import AppContext
    from feedback_writer.drafting.remote import ModelDrafter
    from feedback_writer.storage.repository import Repository

# Suggestions at or above this score count as evidence when nothing is confirmed yet.
DEFAULT_THRESHOLD = 0.5


@dataclass
class DryRun:
    """What a draft would send, and nothing sent."""

    drafter: str
    model: str | None
    messages: list[dict[str, Any]]
    prompt_tokens: int
    context_window: int | None = None
    needs_condensing: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class Prepared:
    request: DraftRequest
    warnings: list[str]
    evidence_source: str


def review_window(
    repo: Repository, person: str, since: dt.date | None, until: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """--since/--until when given, else the person's current cycle, else everything."""
    if since is None and until is None:
        cycle = repo.current_cycle(person)
        if cycle is not None:
            return cycle.start, cycle.end
    return since, until


def window_notes(
    repo: Repository,
    person: str,
    since: dt.date | None,
    until: dt.date | None,
    exclude: Sequence[str] = (),
) -> list[Note]:
    """The window's notes without stored exclusions and without ``exclude``."""
    for note_id in exclude:
        note = repo.get_note(note_id)
        if note.person != person:
            raise UsageError(f"--exclude {note_id}: that note belongs to {note.person}")
    skip = set(exclude)
    notes = repo.list_notes(person, since=since, until=until, include_excluded=False)
    return [n for n in notes if n.id not in skip]


def gather_evidence(
    repo: Repository, ctx: AppContext, person: str, notes: Sequence[Note], threshold: float | None
) -> tuple[dict[str, list[MappingRecord]], list[str], str]:
    """Confirmed evidence; when none is confirmed, suggestions above a threshold (warned)."""
    from feedback_writer.mapping.evidence import confirmed_evidence

    if threshold is not None:
        found = confirmed_evidence(repo, ctx.ladder, person, notes=notes, threshold=threshold)
        return found, [], f"accepted and suggestions >= {threshold}"
    found = confirmed_evidence(repo, ctx.ladder, person, notes=notes)
    if found:
        return found, [], "accepted"
    found = confirmed_evidence(repo, ctx.ladder, person, notes=notes, threshold=DEFAULT_THRESHOLD)
    warning = (
        f"no confirmed evidence for {person} yet: using suggestions scoring >= "
        f"{DEFAULT_THRESHOLD} (confirm them with 'feedback-writer evidence')"
    )
    if not found:
        warning = (
            f"no evidence for {person}: no confirmed mapping and no suggestion scoring >= "
            f"{DEFAULT_THRESHOLD} (run 'feedback-writer map --person \"{person}\"' first)"
        )
    return found, [warning], f"suggestions >= {DEFAULT_THRESHOLD}"


def prepare(
    ctx: AppContext,
    person: str,
    *,
    level: str | None = None,
    target: str | None = None,
    mode: Mode | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    exclude: Sequence[str] = (),
    threshold: float | None = None,
    on_progress: Callable[[str], None] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Prepared:
    """The draft request for ``person``; saves the level, target and mode when given."""
    repo, ladder = ctx.repo, ctx.ladder
    stored = repo.get_person(person)
    for value in (level, target):
        if value is not None:
            ladder.level_index(value)
    if level or target or mode:
        stored = repo.update_person(person, current_level=level, target_level=target, mode=mode)
    current = stored.current_level
    if current is None:
        raise UsageError(
            f"no level known for {person}",
            hint=f"pass --level ({', '.join(ladder.level_slugs)}); it is saved for next time",
        )
    ladder.level_index(current)
    goal = stored.target_level
    if goal is not None and ladder.level_index(goal) <= ladder.level_index(current):
        goal = None  # a stale target at or below the level says nothing about growth
    start, end = review_window(repo, person, since, until)
    notes = window_notes(repo, person, start, end, exclude)
    if not notes:
        span = f" between {start or 'the start'} and {end or 'now'}" if start or end else ""
        raise UsageError(
            f"no notes for {person}{span} to draft from",
            hint=f'add some with: feedback-writer notes add -p "{person}" TEXT',
        )
    evidence, warnings, source = gather_evidence(repo, ctx, person, notes, threshold)
    request = DraftRequest(
        person=person,
        mode=stored.mode,
        level=current,
        target=goal,
        ladder=ladder,
        notes=notes,
        evidence=evidence,
        since=start,
        until=end,
        pseudonymise=tuple(ctx.settings.pseudonymise),
        on_progress=on_progress,
        on_text=on_text,
    )
    return Prepared(request, warnings, source)


def model_drafter(ctx: AppContext, model: str) -> ModelDrafter:
    """A model drafter logging every call to the workspace."""
    from feedback_writer.drafting.remote import ModelDrafter
    from feedback_writer.llm.gateway import gateway_for
    from feedback_writer.prompting.templates import PromptTemplates

    repo = ctx.repo
    gateway = gateway_for(ctx.settings, model=model, log=lambda r: repo.log_call(**asdict(r)))
    assert gateway is not None  # a model is given
    return ModelDrafter(gateway, PromptTemplates(ctx.settings.prompts_dir))


def finish(repo: Repository, prepared: Prepared, result: DraftResult) -> DraftRecord:
    """Ground, render and store a drafter's result (whichever drafter it was)."""
    request = prepared.request
    note_ids = {n.id for n in request.notes}
    draft, dropped = enforce_grounding(result.draft, request.ladder, note_ids)
    warnings = [*prepared.warnings, *result.warnings, *dropped]
    sections = render_sections(draft, request.ladder, request.notes)
    meta = {
        "warnings": warnings,
        "window": {
            "since": request.since.isoformat() if request.since else None,
            "until": request.until.isoformat() if request.until else None,
        },
        "note_ids": sorted(note_ids, key=lambda i: int(i[1:])),
        "evidence_source": prepared.evidence_source,
        "usage": result.usage,
    }
    return repo.save_draft(
        request.person,
        mode=request.mode,
        drafter=result.drafter,
        model=result.model,
        template_hash=result.template_hash,
        ladder_name=request.ladder.name,
        ladder_version=request.ladder.version,
        content=draft.model_dump(mode="json"),
        sections=sections,
        meta=meta,
    )


def plan_draft(
    ctx: AppContext,
    person: str,
    *,
    level: str | None = None,
    target: str | None = None,
    mode: Mode | None = None,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    exclude: Sequence[str] = (),
    threshold: float | None = None,
) -> DryRun:
    """What :func:`create_draft` with the same arguments would send; nothing is sent or
    stored (a given level, target or mode is saved, as for a draft)."""
    prepared = prepare(
        ctx, person, level=level, target=target, mode=mode, since=since, until=until,
        exclude=exclude, threshold=threshold,
    )  # fmt: skip
    chosen = model or ctx.settings.model
    if not chosen:
        return DryRun(
            "offline-outline", None, [], 0,
            warnings=[*prepared.warnings, "no model configured: the offline drafter "
                      "runs locally and sends nothing"],
        )  # fmt: skip
    remote = model_drafter(ctx, chosen)
    plan = remote.plan(prepared.request)
    return DryRun(
        remote.name, chosen, plan.messages, plan.prompt_tokens, plan.context_window,
        plan.needs_condensing, prepared.warnings,
    )  # fmt: skip


def create_draft(
    ctx: AppContext,
    person: str,
    *,
    level: str | None = None,
    target: str | None = None,
    mode: Mode | None = None,
    model: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    exclude: Sequence[str] = (),
    threshold: float | None = None,
    on_progress: Callable[[str], None] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> DraftRecord:
    """Draft feedback for ``person`` and store it unreviewed (:func:`plan_draft` shows the
    prompt instead).

    ``on_progress`` gets status lines, ``on_text`` the model's answer as it streams (names
    restored); either one makes the model stream. The offline drafter sends neither.

    ``model`` (or the ``model`` setting) selects the model drafter; without one the
    offline drafter runs and nothing leaves the machine.
    """
    prepared = prepare(
        ctx, person, level=level, target=target, mode=mode, since=since, until=until,
        exclude=exclude, threshold=threshold, on_progress=on_progress, on_text=on_text,
    )  # fmt: skip
    chosen = model or ctx.settings.model
    drafter: Drafter = model_drafter(ctx, chosen) if chosen else OfflineDrafter()
    result = drafter.draft(prepared.request)
    return finish(ctx.repo, prepared, result)
