"""Markdown and text exports are prose ready to paste; --citations chooses the sources."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from feedback_writer.drafting.offline import LABEL
from feedback_writer.errors import UsageError
from feedback_writer.review.export import render_export
from feedback_writer.review.sections import edit_section
from tests.unit.review.review_fixtures import PERSON, RUNBOOKS, Workspace

Run = Callable[..., tuple[int, str, str]]

HUMAN = {
    "summary": LABEL + " Rewrite every section in your own words before sharing it.\n\n"
    "Ana had a strong half. <!-- fw:section summary -->",
    "competency:reliability": f"- Rewrote the payments runbook [n1; {RUNBOOKS}].",
    "competency:ai": "- Wrote prompt templates the team reuses [n2].",
    "peer-input": "Peers value her calm during incidents [n3; n1].",
}


@pytest.fixture
def pasted(ws: Workspace, keys: list[str]) -> Workspace:
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, "I rewrote all of this myself.")
    # A policy-review export of these texts: the banner and markers left in by a human.
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, HUMAN[key])
    for key in keys:
        ws.repo.approve_section(ws.repo.section(ws.draft.id, key).id)
    return ws


def _export(ws: Workspace, fmt: str, citations: str = "none") -> str:
    return render_export(ws.repo, ws.ladder, ws.draft.id, fmt, policy="review", citations=citations)


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_default_export_has_no_brackets_banner_or_markers(pasted: Workspace, fmt: str) -> None:
    text = _export(pasted, fmt)
    assert "[n" not in text and RUNBOOKS not in text
    assert "offline-outline" not in text and "Rewrite every section" not in text
    assert "fw:" not in text and "<!--" not in text
    assert "Rewrote the payments runbook." in text
    assert "Peers value her calm during incidents." in text


def test_footnotes_name_the_sources(pasted: Workspace) -> None:
    md = _export(pasted, "md", "footnotes")
    assert "- Rewrote the payments runbook[^1]." in md
    assert "[^1]: note n1; Reliability, Mid: " in md
    assert RUNBOOKS not in md
    txt = _export(pasted, "txt", "footnotes")
    assert "- Rewrote the payments runbook [1]." in txt and "\nSources\n" in txt


def test_inline_citations_are_readable(pasted: Workspace) -> None:
    md = _export(pasted, "md", "inline")
    assert "Wrote prompt templates the team reuses (note n2)." in md
    assert "[n2]" not in md


def test_json_keeps_the_full_provenance(pasted: Workspace) -> None:
    data = json.loads(_export(pasted, "json", "none"))
    reliability = next(s for s in data["sections"] if s["key"] == "competency:reliability")
    assert f"[n1; {RUNBOOKS}]" in reliability["human_text"]


def test_unknown_citation_style_is_refused(pasted: Workspace) -> None:
    with pytest.raises(UsageError, match="citation style"):
        _export(pasted, "md", "margin")


def test_cli_export_takes_citations(pasted: Workspace, run_cli: Run, monkeypatch) -> None:
    monkeypatch.setenv("FEEDBACK_WRITER_EXPORT_POLICY", "review")
    code, out, err = run_cli("export", "--person", PERSON, "--citations", "footnotes")
    assert code == 0, err
    assert "[^1]: note n1" in out
    code, out, _ = run_cli("export", "--person", PERSON)
    assert code == 0 and "[n1" not in out and "[^" not in out
