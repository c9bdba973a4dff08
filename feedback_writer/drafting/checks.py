"""Provides template checks and previews: ``prompts check`` and ``prompts render``.

``check_templates`` renders every template against sample data so that a company's
edits fail here, with template name and line, rather than in the middle of a draft.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedback_writer.drafting.base import DraftRequest, Mode
from feedback_writer.drafting.prompt import draft_variables, note_view
from feedback_writer.errors import TemplateError, UsageError
from feedback_writer.ladder.model import Ladder
from feedback_writer.notes.model import AuthorKind, Note
from feedback_writer.prompting.templates import NAMES, PromptTemplates
from feedback_writer.storage.records import MappingRecord, Polarity

if TYPE_CHECKING:
    from feedback_writer.context import AppContext

_SAMPLE_TEXTS = [
    ("Rewrote the on-call runbook after the March outage; pages dropped by half.", "manager"),
    ("Missed two review deadlines this sprint without flagging the risk.", "manager"),
    ("Paired with me on the migration and explained every step.", "peer"),
]


def sample_request(ladder: Ladder) -> DraftRequest:
    """A small request with notes and evidence, for checking templates."""
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    level = ladder.level_slugs[min(1, len(ladder.level_slugs) - 1)]
    exps = ladder.expectations_at(level) or ladder.expectations
    notes, evidence = [], {}
    for i, (text, kind) in enumerate(_SAMPLE_TEXTS, start=1):
        nid = f"n{i}"
        notes.append(
            Note(
                id=nid, person="Sample Person", text=text, date=dt.date(2026, 3, i),
                author_kind=AuthorKind(kind), author_name="Pat Peer" if kind == "peer" else None,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        e = exps[(i - 1) % len(exps)]
        polarity: Polarity = "negative" if i == 2 else "positive"
        evidence[nid] = [MappingRecord(nid, e.id, 0.8, polarity, "matcher", "accepted", now)]
    return DraftRequest(
        person="Sample Person", mode="manager", level=level, target=None, ladder=ladder,
        notes=notes, evidence=evidence, since=dt.date(2026, 1, 1), until=None,
    )  # fmt: skip


def sample_variables(name: str, request: DraftRequest) -> dict[str, Any]:
    """The variables ``name`` receives in real use, filled from ``request``."""
    views = [note_view(n, request) for n in request.notes]
    if name in ("system", "draft_manager", "draft_self"):
        mode: Mode = "self" if name == "draft_self" else "manager"
        return draft_variables(dataclasses.replace(request, mode=mode))
    if name == "repair":
        return {
            "errors": ["competencies[0].points[0]: unknown note id(s) n99 (cite only the notes "
                       "given)"],
            "unknown_ids": ["n99"],
            "note_ids": [v["id"] for v in views],
        }  # fmt: skip
    if name == "condense":
        return {"notes": views, "max_words": 25}
    if name == "map":
        ladder = request.ladder
        candidates = [
            {"id": e.id, "text": e.text, "competency": e.competency, "level": e.level}
            for e in ladder.expectations[:3]
        ]
        return {
            "note": {"id": "N1", "text": views[0]["text"]},
            "candidates": candidates,
            "top_k": 3,
            "ladder": {"name": ladder.name},
        }
    raise TemplateError([f"{name}.j2: no such template (known: {', '.join(NAMES)})"])


def check_templates(
    folder: str | Path | None, ladder: Ladder | None = None
) -> tuple[list[str], list[tuple[str, str]]]:
    """(problems, [(name, file)]) after rendering every template against sample data."""
    if ladder is None:
        from feedback_writer.ladder.loader import load_ladder
        from feedback_writer.paths import default_ladder_path

        ladder = load_ladder(default_ladder_path())
    templates = PromptTemplates(folder)
    request = sample_request(ladder)
    problems: list[str] = []
    checked: list[tuple[str, str]] = []
    for name in NAMES:
        try:
            where = str(templates.path(name))
            checked.append((name, where))
            templates.render(name, sample_variables(name, request))
        except TemplateError as exc:
            problems += exc.problems
    if folder is not None:
        extra = sorted(p.name for p in Path(folder).glob("*.j2") if p.stem not in NAMES)
        problems += [f"{Path(folder) / n}: unknown template name (never used)" for n in extra]
    return problems, checked


def render_for_person(ctx: AppContext, name: str, person: str) -> list[dict[str, Any]]:
    """The exact (pseudonymised) messages ``name`` would send for ``person``'s next draft."""
    from feedback_writer.drafting.prompt import draft_messages, pseudonymiser_for
    from feedback_writer.drafting.service import prepare

    if name not in NAMES:
        raise UsageError(f"unknown template '{name}' (known: {', '.join(NAMES)})")
    templates = PromptTemplates(ctx.settings.prompts_dir)
    request = prepare(ctx, person).request
    hide = pseudonymiser_for(request)
    if name in ("system", "draft_manager", "draft_self"):
        if name == "draft_self":
            request = dataclasses.replace(request, mode="self")
        elif name == "draft_manager":
            request = dataclasses.replace(request, mode="manager")
        messages = draft_messages(templates, request)
    else:
        variables = sample_variables(name, request)
        messages = [{"role": "user", "content": templates.render(name, variables)}]
    return hide.apply_messages(messages)
