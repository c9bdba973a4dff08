"""Provides :func:`create_draft`: window, evidence, drafter, grounding and storage.

One pipeline for both drafters: the request is built the same way, whichever drafter
answers goes through the same grounding check, and the result is rendered into sections
and stored unreviewed with :meth:`Repository.save_draft`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from feedback_writer.drafting.base import Drafter, DraftRequest, DraftResult, Mode
from feedback_writer.drafting.budget import plan_notes, read_window
from feedback_writer.drafting.grounding import enforce_grounding
from feedback_writer.drafting.offline import OfflineDrafter
from feedback_writer.drafting.render import render_sections
from feedback_writer.errors import UsageError
from feedback_writer.notes.model import Note
from feedback_writer.storage.records import DraftRecord, MappingRecord, Person

if TYPE_CHECKING:
    from feedback_writer.context import AppContext
    from feedback_writer.drafting.remote import ModelDrafter
    from feedback_writer.ladder.model import Ladder
    from feedback_writer.storage.repository import Repository


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
    subject: Person
    """The person's record, read once; ``request.person`` is its name."""
    threshold: float | None = None
    """The --threshold the evidence was gathered with (None: confirmed evidence only)."""
    window_ids: list[str] | None = None
    """Every note id of a condensed window (``request.notes`` holds the quoted ones)."""


def review_window(
    repo: Repository, person: Person, since: dt.date | None, until: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """--since/--until when given, else the person's current cycle, else everything."""
    if since is None and until is None:
        cycle = repo.current_cycle(person.name)
        if cycle is not None:
            return cycle.start, cycle.end
    return since, until


def window_notes(
    repo: Repository,
    person: Person,
    since: dt.date | None,
    until: dt.date | None,
    exclude: Sequence[str] = (),
    include_undated: bool = False,
) -> list[Note]:
    """The window's notes without stored exclusions and without ``exclude``. A dated
    window holds dated notes only, unless ``include_undated``."""
    for note_id in exclude:
        note = repo.get_note(note_id)
        if note.person != person.name:
            raise UsageError(f"--exclude {note_id}: that note belongs to {note.person}")
    skip = set(exclude)
    notes = repo.list_notes(
        person.name, since=since, until=until, include_excluded=False,
        include_proposed=False, include_undated=include_undated,
    )  # fmt: skip
    return [n for n in notes if n.id not in skip]


def undated_warning(
    repo: Repository, person: Person, since: dt.date | None, until: dt.date | None
) -> list[str]:
    """A warning naming how many undated notes a dated window left out."""
    if since is None and until is None:
        return []
    left_out = repo.count_undated(person.name)
    if not left_out:
        return []
    return [
        f"{left_out} undated note(s) of {person.name} left out of the window "
        f"{since or 'the start'} to {until or 'now'} (--include-undated takes them in)"
    ]


def gather_evidence(
    mappings: Sequence[MappingRecord],
    ladder: Ladder,
    person: str,
    notes: Sequence[Note],
    threshold: float | None,
) -> tuple[dict[str, list[MappingRecord]], list[str], str]:
    """Confirmed evidence among the person's ``mappings`` (read once); with ``threshold``,
    suggestions scoring at least that for notes nobody confirmed (warned, and labelled
    unconfirmed downstream). Without a threshold and with nothing confirmed in the
    window, a :class:`UsageError` (exit 2) says how to confirm."""
    from feedback_writer.mapping.evidence import select_evidence

    wanted = {n.id for n in notes}
    found = select_evidence(mappings, ladder, wanted, threshold)
    warnings, source = evidence_verdict(
        person, threshold, len(found), len(unconfirmed_evidence(found))
    )
    return found, warnings, source


def evidence_verdict(
    person: str, threshold: float | None, found: int, guessed: int
) -> tuple[list[str], str]:
    """The warnings and the evidence source of a window where ``found`` notes carry
    evidence, ``guessed`` of them on unconfirmed suggestions; without a threshold and with
    nothing found, a :class:`UsageError` saying how to confirm."""
    if threshold is None:
        if not found:
            raise UsageError(
                f"no confirmed evidence for {person} in this window: drafts rest on "
                "evidence a person confirmed",
                hint=f'confirm suggestions with feedback-writer evidence accept -p "{person}" '
                "NOTE_ID EXPECTATION_ID (or on the TUI's Evidence screen), or pass "
                "--threshold S to draft from suggestions scoring >= S, labelled unconfirmed",
            )
        return [], "accepted"
    warnings = []
    if guessed:
        warnings.append(
            f"{guessed} note(s) rest on unconfirmed suggestions scoring >= {threshold}"
            " (labelled unconfirmed; confirm them with 'feedback-writer evidence accept')"
        )
    if not found:
        warnings.append(
            f"no evidence for {person}: no confirmed mapping and no suggestion scoring >= "
            f"{threshold} (run 'feedback-writer map --person \"{person}\"' first)"
        )
    return warnings, f"accepted and suggestions >= {threshold}"


def unconfirmed_evidence(evidence: Mapping[str, Sequence[MappingRecord]]) -> dict[str, list[str]]:
    """note id -> the expectation ids it stands for on a suggestion nobody confirmed."""
    out = {
        note_id: [m.expectation_id for m in records if m.status != "accepted"]
        for note_id, records in evidence.items()
    }
    return {k: v for k, v in out.items() if v}


def _subject(
    repo: Repository, ladder: Ladder, name: str, level: str | None, target: str | None,
    mode: Mode | None,
) -> tuple[Person, str, str | None]:  # fmt: skip
    """The person's record (saving the level, target and mode when given), their level and
    the target that still means growth."""
    subject = repo.get_person(name)  # an unknown name is an error, never a new person
    for value in (level, target):
        if value is not None:
            ladder.level_index(value)
    if level or target or mode:
        subject = repo.update_person(
            subject.name, current_level=level, target_level=target, mode=mode
        )
    current = subject.current_level
    if current is None:
        raise UsageError(
            f"no level known for {subject.name}",
            hint=f"pass --level ({', '.join(ladder.level_slugs)}); it is saved for next time",
        )
    ladder.level_index(current)
    goal = subject.target_level
    if goal is not None and ladder.level_index(goal) <= ladder.level_index(current):
        goal = None  # a stale target at or below the level says nothing about growth
    return subject, current, goal


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
    include_undated: bool = False,
) -> Prepared:
    """The draft request for ``person``; saves the level, target and mode when given.
    Undated notes stay out of a dated window unless ``include_undated``.

    The person is resolved once; the cycle, the window's notes and the person's mappings
    are each read once."""
    repo, ladder = ctx.repo, ctx.ladder
    subject, current, goal = _subject(repo, ladder, person, level, target, mode)
    name = subject.name
    start, end = review_window(repo, subject, since, until)
    window = read_window(repo, ladder, subject, start, end, exclude, include_undated, threshold)
    undated = [] if include_undated else undated_warning(repo, subject, start, end)
    if not window.rows:
        span = f" between {start or 'the start'} and {end or 'now'}" if start or end else ""
        raise UsageError(
            f"no notes for {name}{span} to draft from",
            hint=f'add some with: feedback-writer notes add -p "{name}" TEXT',
        )
    plan = plan_notes(window.rows, window.evidence, ladder, ctx.settings.max_prompt_tokens)
    condensed = None
    if plan is None:  # the window fits: every note, as it always was
        del window
        notes = window_notes(repo, subject, start, end, exclude, include_undated)
        mappings = repo.mappings_for_person(name)
        evidence, warnings, source = gather_evidence(mappings, ladder, name, notes, threshold)
        window_ids = None
    else:  # only the quoted notes are read whole
        warnings, source = evidence_verdict(name, threshold, *window.found())
        window_ids = [f"n{r[0]}" for r in window.rows]
        del window
        quoted = [f"n{i}" for i in plan.quoted]
        notes = repo.notes_by_ids(quoted)
        evidence = {}
        known = [e.id for e in ladder.expectations]
        for m in repo.iter_evidence(subject, known, threshold, note_ids=quoted):
            evidence.setdefault(m.note_id, []).append(m)
        condensed = plan.condensed
        warnings.append(condensed.notice())
    warnings = [*undated, *warnings]
    request = DraftRequest(
        person=name,
        mode=subject.mode,
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
        condensed=condensed,
    )
    return Prepared(request, warnings, source, subject, threshold, window_ids)


def model_drafter(ctx: AppContext, model: str, person: str | None = None) -> ModelDrafter:
    """A model drafter logging every call to the workspace, as a call about ``person``."""
    from feedback_writer.drafting.remote import ModelDrafter
    from feedback_writer.llm.gateway import gateway_for
    from feedback_writer.prompting.pseudonym import person_names
    from feedback_writer.prompting.templates import PromptTemplates

    repo = ctx.repo
    gateway = gateway_for(
        ctx.settings, model=model, log=lambda r: repo.log_call(**asdict(r), person=person)
    )
    assert gateway is not None  # a model is given
    names = ctx.settings.pseudonymise
    templates = PromptTemplates(ctx.settings.prompts_dir)
    return ModelDrafter(gateway, templates, lambda p: person_names(repo, p, names))


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
        "note_ids": sorted(prepared.window_ids or note_ids, key=lambda i: int(i[1:])),
        "evidence_source": prepared.evidence_source,
        "threshold": prepared.threshold,
        # note id -> expectation ids resting on suggestions nobody confirmed
        "unconfirmed_evidence": unconfirmed_evidence(request.evidence),
        "usage": result.usage,
    }
    return repo.save_draft(
        prepared.subject.name,
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
    include_undated: bool = False,
) -> DryRun:
    """What :func:`create_draft` with the same arguments would send; nothing is sent or
    stored (a given level, target or mode is saved, as for a draft)."""
    prepared = prepare(
        ctx, person, level=level, target=target, mode=mode, since=since, until=until,
        exclude=exclude, threshold=threshold, include_undated=include_undated,
    )  # fmt: skip
    chosen = model or ctx.settings.model
    if not chosen:
        return DryRun(
            "offline-outline", None, [], 0,
            warnings=[*prepared.warnings, "no model configured: the offline drafter "
                      "runs locally and sends nothing"],
        )  # fmt: skip
    remote = model_drafter(ctx, chosen, person)
    plan = remote.plan(prepared.request)
    return DryRun(
        remote.name, chosen, plan.messages, plan.prompt_tokens, plan.context_window,
        plan.needs_condensing, [*prepared.warnings, *plan.notices],
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
    include_undated: bool = False,
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
        include_undated=include_undated,
    )  # fmt: skip
    chosen = model or ctx.settings.model
    drafter: Drafter = model_drafter(ctx, chosen, person) if chosen else OfflineDrafter()
    result = drafter.draft(prepared.request)
    return finish(ctx.repo, prepared, result)
