"""Citation-like text in notes is neutralised; the cited lists come only from the structure."""

from __future__ import annotations

import json

from feedback_writer import citations
from feedback_writer.citations import parse_citations
from feedback_writer.drafting.grounding import neutralise_citations
from feedback_writer.drafting.offline import excerpt
from feedback_writer.notes import quoting
from feedback_writer.review.export import render_export
from feedback_writer.review.sections import edit_section
from tests.unit.review.review_fixtures import Workspace

FAKE = "[n999; reliability.principal.reliability-culture]"


def test_a_quoted_note_never_passes_for_a_citation() -> None:
    quoted = excerpt(f"Told me she was {FAKE} material")
    assert parse_citations(quoted) == [] and "⟦n999; reliability" in quoted
    assert neutralise_citations("[see the doc]") == "[see the doc]"


def test_the_json_cited_list_comes_only_from_the_structured_citations(
    ws: Workspace, keys: list[str]
) -> None:
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, f"My own rewrite quoting a note {FAKE} here.")
    data = json.loads(render_export(ws.repo, ws.ladder, ws.draft.id, "json"))
    listed = [e["id"] for e in data["cited_expectations"]]
    assert "reliability.principal.reliability-culture" not in listed
    assert "n999" not in [n["id"] for n in data["cited_notes"]]


def test_one_function_neutralises_notes_everywhere() -> None:
    assert neutralise_citations is quoting.neutralise_citations
    assert citations.neutralise_citations is quoting.neutralise_citations


def test_the_json_export_quotes_cited_notes_neutralised(ws: Workspace, keys: list[str]) -> None:
    ws.repo.update_note(ws.notes["runbook"], text=f"Rewrote the runbook {FAKE} after March")
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, "My own words about the half, all of them new.")
    data = json.loads(render_export(ws.repo, ws.ladder, ws.draft.id, "json"))
    quoted = next(n for n in data["cited_notes"] if n["id"] == ws.notes["runbook"])
    assert quoted["text"] == (
        "Rewrote the runbook ⟦n999; reliability.principal.reliability-culture⟧ after March"
    )
    assert parse_citations(json.dumps(data["cited_notes"], ensure_ascii=False)) == []
