"""Provides regeneration of one section of a stored draft, for the Draft screen.

The drafting core drafts whole drafts (one structured call); there is no per-section
entry point yet. This composes its public parts: the same request as ``create_draft``
(``drafting.service.prepare``), the same drafter, the same grounding and rendering, then
stores only the chosen section's new text through ``review.sections.edit_section`` with a
non-human actor. That write never counts as a human edit, so the regenerated section is
"model text" again for the export gate. No new draft is stored.

When drafting gains a ``regenerate_section`` of its own, this module should call it.
"""

from __future__ import annotations

from collections.abc import Callable

from feedback_writer.context import AppContext
from feedback_writer.errors import NotFoundError


def regenerate_section(
    ctx: AppContext,
    person: str,
    draft_id: int,
    key: str,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> int:
    """Redraft and replace section ``key`` of draft ``draft_id``; returns ``draft_id``."""
    from feedback_writer.drafting.base import Drafter
    from feedback_writer.drafting.grounding import enforce_grounding
    from feedback_writer.drafting.offline import OfflineDrafter
    from feedback_writer.drafting.render import render_sections
    from feedback_writer.drafting.service import model_drafter, prepare
    from feedback_writer.review.sections import edit_section

    ctx.repo.section(draft_id, key)  # a clear NotFoundError before any model call
    prepared = prepare(ctx, person, on_progress=on_progress)
    request = prepared.request
    model = ctx.settings.model
    drafter: Drafter = model_drafter(ctx, model) if model else OfflineDrafter()
    result = drafter.draft(request)
    draft, _ = enforce_grounding(result.draft, request.ladder, {n.id for n in request.notes})
    texts = {k: text for k, _, text in render_sections(draft, request.ladder, request.notes)}
    if key not in texts:
        raise NotFoundError(
            f"the new draft has no section '{key}' (the evidence for it may be gone)",
            hint="generate a whole new draft with g",
        )
    edit_section(ctx.repo, draft_id, key, texts[key], actor=f"drafter:{result.drafter}")
    return draft_id
