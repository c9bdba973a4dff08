"""Provides the Draft screen's reads: run in worker threads, never on the event loop.

Plain functions over the app context (no Textual): the latest draft with its sections and
gate states, the status line that sums them up, the evidence text of one section and the
quality findings of every section (shown in the findings panel, not the evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from feedback_writer.context import AppContext
from feedback_writer.storage.records import DraftRecord, SectionRecord
from feedback_writer.tui.widgets.section_view import cited_ids

if TYPE_CHECKING:
    from feedback_writer.review.export import Finding


@dataclass
class DraftView:
    """What the Draft screen shows of the person's latest draft (``draft`` None: none yet)."""

    draft: DraftRecord | None
    sections: list[SectionRecord] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)
    status: str = ""


def load_view(ctx: AppContext, person: str, draft_id: int | None = None) -> DraftView:
    """Draft ``draft_id`` of ``person`` (the latest when None or not theirs), its sections
    and their gate states."""
    from feedback_writer.errors import NotFoundError
    from feedback_writer.review.gate import gate_status

    try:
        latest = draft = ctx.repo.latest_draft(person)
    except NotFoundError:
        return DraftView(None)
    if draft_id is not None and draft_id != latest.id:
        chosen = next((d for d in ctx.repo.drafts_for(person) if d.id == draft_id), None)
        draft = chosen or latest
    sections = ctx.repo.sections(draft.id)
    status = gate_status(ctx.repo, draft.id, ctx.settings.export_policy, ctx.settings.min_edit)
    done = len(status.edited) + (len(status.approved) if status.policy == "review" else 0)
    who = draft.model or draft.drafter
    line = (
        f"draft {draft.id} by {who} · {done}/{len(sections)} sections "
        f"reviewed · policy '{status.policy}'" + usage_text(draft)
    )
    if draft.id != latest.id:
        line += f" · older draft (latest: {latest.id})"
    return DraftView(draft, sections, dict(status.states), line)


def usage_text(draft: DraftRecord) -> str:
    """`` · N+M tokens, $X`` from the draft's recorded usage, or nothing."""
    usage = draft.meta.get("usage") or {}
    parts = []
    if usage.get("prompt_tokens") or usage.get("completion_tokens"):
        parts.append(f"{usage.get('prompt_tokens', 0)}+{usage.get('completion_tokens', 0)} tokens")
    if usage.get("cost_usd") is not None:
        parts.append(f"${usage['cost_usd']:.4f}")
    return (" · " + ", ".join(parts)) if parts else ""


def evidence_text(
    ctx: AppContext, person: str, draft: DraftRecord, section: SectionRecord, human_text: str
) -> str:
    """The notes and expectations the section cites, then the drafter's warnings."""
    from feedback_writer.errors import NotFoundError

    lines: list[str] = []
    note_ids, exp_ids = cited_ids(section.model_text + "\n" + human_text)
    guessed = draft.meta.get("unconfirmed_evidence") or {}
    if any(n in guessed for n in note_ids):
        lines.append("⚠ unconfirmed: some cited evidence is a suggestion nobody confirmed\n")
    for note_id in note_ids:
        try:
            note = ctx.repo.get_note(note_id)
        except NotFoundError:
            continue
        if note.person == person:
            when = f" ({note.date})" if note.date else ""
            lines.append(f"{note.id}{when}: {note.text}\n")
    ladder = ctx.ladder
    exps = [e for e in exp_ids if ladder.has_expectation(e)]
    if exps:
        lines.append("Ladder:")
    for exp_id in exps:
        e = ladder.expectation(exp_id)
        lines.append(f"· {e.text} ({e.competency}·{e.level})")
    warnings: list[str] = []
    if section.key == "summary":  # the drafter's warnings are about the whole draft
        warnings += [str(w) for w in draft.meta.get("warnings", [])]
    if warnings:
        lines.append("\nWarnings:")
        lines += [f"! {w}" for w in warnings]
    return "\n".join(lines) or "This section cites no notes."


def findings_by_section(ctx: AppContext, draft_id: int) -> dict[str, list[Finding]]:
    """Section key -> its quality findings (offsets into the section's stored text)."""
    from feedback_writer.review.export import findings_for

    out: dict[str, list[Finding]] = {}
    for f in findings_for(ctx.repo, ctx.ladder, draft_id, ctx.settings.quality_rules_dir):
        out.setdefault(f.section, []).append(f)
    return out
