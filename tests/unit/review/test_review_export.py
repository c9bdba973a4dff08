"""Exports: the gate in front of them, the three formats, JSON provenance, atomic writes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from feedback_writer.errors import ExportBlocked, ExportExistsError, UsageError
from feedback_writer.review import export as export_mod
from feedback_writer.review.export import Finding, render_export, write_export
from feedback_writer.review.sections import approve, edit_section
from tests.unit.review.review_fixtures import AI_PROMPTS, MODEL_TEXTS, PERSON, RUNBOOKS, Workspace

Run = Callable[..., tuple[int, str, str]]

HUMAN = {
    "summary": "Ana had a **strong** half; see [the runbook](https://wiki/rb).",
    "competency:reliability": "- Rewrote the payments runbook [n1].",
    "competency:ai": "- Wrote prompt templates [n2]; also ran the evals [n9999].",
    "peer-input": "_Peer input, attributed to peers._ Peers value her calm in incidents.",
}


@pytest.fixture
def reviewed(ws: Workspace, keys: list[str]) -> Workspace:
    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, HUMAN[key])
    return ws


def test_every_format_is_refused_before_review(ws: Workspace) -> None:
    for fmt in ("md", "txt", "json"):
        with pytest.raises(ExportBlocked):
            render_export(ws.repo, ws.ladder, ws.draft.id, fmt)


def test_markdown_is_the_human_text_ready_to_paste(reviewed: Workspace) -> None:
    md = render_export(reviewed.repo, reviewed.ladder, reviewed.draft.id, "md")
    assert md.startswith(f"# Feedback for {PERSON}\n")
    assert "## Reliability\n\n- Rewrote the payments runbook.\n" in md  # no citations
    assert MODEL_TEXTS["summary"] not in md
    assert "fw:" not in md


def test_plain_text_drops_markdown_markup(reviewed: Workspace) -> None:
    txt = render_export(reviewed.repo, reviewed.ladder, reviewed.draft.id, "txt")
    assert txt.startswith(f"Feedback for {PERSON}\n================\n")
    assert "Ana had a strong half; see the runbook." in txt
    assert "**" not in txt and "https://wiki/rb" not in txt and "## " not in txt
    assert "\nPeer input, attributed to peers. Peers value" in txt


def test_json_export_carries_provenance(reviewed: Workspace) -> None:
    ws = reviewed
    data = json.loads(render_export(ws.repo, ws.ladder, ws.draft.id, "json"))
    assert data["person"] == PERSON and data["policy"] == "edit"
    assert data["draft"]["template_hash"] == "sha256:abc123"
    assert data["draft"]["drafter"] == "offline" and data["draft"]["model"] is None
    assert data["ladder"]["name"] == ws.ladder.name
    assert data["ladder"]["version"] == ws.ladder.version
    summary = data["sections"][0]
    assert summary["key"] == "summary" and summary["state"] == "edited"
    assert summary["model_text"] == MODEL_TEXTS["summary"]
    assert summary["human_text"] == HUMAN["summary"]
    assert summary["edited_at"] is not None
    (edit,) = summary["history"]
    assert edit["actor"] == "human"
    assert (edit["before"], edit["after"]) == (MODEL_TEXTS["summary"], HUMAN["summary"])
    notes = {n["id"]: n for n in data["cited_notes"]}
    assert set(notes) == set(ws.notes.values())  # n9999 does not exist: not a citation
    runbook = notes[ws.notes["runbook"]]
    assert runbook["text"] == "Rewrote the payments runbook after the March incident"
    assert runbook["source"] == "typed" and runbook["in_final_text"] is True
    assert notes[ws.notes["peer"]]["author_kind"] == "peer"
    assert notes[ws.notes["peer"]]["in_final_text"] is False  # the human dropped [n3]
    exps = {e["id"]: e for e in data["cited_expectations"]}
    assert {RUNBOOKS, AI_PROMPTS} <= set(exps)
    assert exps[RUNBOOKS]["text"] == ws.ladder.expectation(RUNBOOKS).text
    # The human dropped peer-input's only citation: the real quality check says so.
    assert [(f["section"], f["category"]) for f in data["findings"]] == [
        ("peer-input", "unsupported")
    ]


def test_json_marks_an_approved_section_under_review_policy(ws: Workspace, keys: list[str]) -> None:
    for key in keys[:-1]:
        edit_section(ws.repo, ws.draft.id, key, HUMAN[key])
    approve(ws.repo, ws.draft.id, keys[-1])
    data = json.loads(render_export(ws.repo, ws.ladder, ws.draft.id, "json", policy="review"))
    last = data["sections"][-1]
    assert last["state"] == "approved" and last["approved_at"] is not None
    assert last["human_text"] == last["model_text"]


def test_unknown_format_is_a_usage_error(reviewed: Workspace) -> None:
    with pytest.raises(UsageError, match="unknown export format 'pdf'"):
        render_export(reviewed.repo, reviewed.ladder, reviewed.draft.id, "pdf")


def test_no_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "ana.md"
    write_export("first\n", target)
    with pytest.raises(ExportExistsError, match="already exists"):
        write_export("second\n", target)
    assert target.read_text() == "first\n"
    write_export("second\n", target, force=True)
    assert target.read_text() == "second\n"


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_an_interrupted_write_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "ana.md"
    write_export("the previous export\n", target)

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="disk full"):
        write_export("the new export, half written", target, force=True)
    monkeypatch.undo()
    assert target.read_text() == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ana.md"]  # no temp file left


def test_findings_go_beside_the_export_only_when_there_are_some(tmp_path: Path) -> None:
    target = tmp_path / "ana.md"
    write_export("text\n", target)
    assert not (tmp_path / "ana.md.findings.md").exists()
    written = write_export(
        "text\n", target, force=True, findings=[Finding("summary", "vague claim")]
    )
    report = tmp_path / "ana.md.findings.md"
    assert written == [target, report]
    assert "- **summary**: vague claim" in report.read_text()
    write_export("text\n", target, force=True)
    assert not report.exists()  # a stale report would describe other text


def test_cli_export_refused_then_allowed(ws: Workspace, keys: list[str], run_cli: Run) -> None:
    out_file = ws.root.parent / "ana.md"
    code, out, err = run_cli("export", "--person", PERSON, "-o", str(out_file))
    assert code == 3
    assert err.startswith("error: export refused: 4 section(s) not yet edited")
    for key in keys:
        assert f"- {key}" in err
    assert "Traceback" not in err and not out_file.exists()

    for key in keys:
        edit_section(ws.repo, ws.draft.id, key, HUMAN[key])
    code, out, err = run_cli("export", "--person", PERSON, "-o", str(out_file))
    assert code == 0, err
    assert out_file.read_text().startswith(f"# Feedback for {PERSON}")
    # peer-input cites no note now: reported beside the export, never blocking it
    assert "**peer-input** · unsupported" in Path(str(out_file) + ".findings.md").read_text()

    code, _, err = run_cli("export", "--person", PERSON, "-o", str(out_file))
    assert code == 2 and "already exists" in err and "--force" in err

    code, out, _ = run_cli("export", "--person", PERSON, "--format", "json", "-o", "-")
    assert code == 0 and json.loads(out)["person"] == PERSON


def test_cli_findings_hook_writes_a_report(
    reviewed: Workspace, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        export_mod, "findings_for", lambda *a: [Finding("competency:ai", "no date given")]
    )
    out_file = reviewed.root.parent / "ana.txt"
    code, out, err = run_cli("export", "-p", PERSON, "--format", "txt", "-o", str(out_file))
    assert code == 0, err
    assert out_file.exists()
    assert "quality findings (not blocking)" in out
    assert "no date given" in Path(str(out_file) + ".findings.md").read_text()


def test_cli_review_policy_with_approve(
    ws: Workspace, keys: list[str], run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FEEDBACK_WRITER_EXPORT_POLICY", "review")
    code, out, err = run_cli("approve", "-p", PERSON, "-s", "summary", "-s", "peer-input")
    assert code == 0, err
    assert "approved summary" in out and "approved peer-input" in out
    assert "competency:reliability, competency:ai" in out  # still untouched
    code, _, err = run_cli("export", "-p", PERSON)
    assert code == 3 and "not yet edited or approved" in err
    assert "- summary" not in err and "- competency:ai" in err
    for key in ("competency:reliability", "competency:ai"):
        edit_section(ws.repo, ws.draft.id, key, HUMAN[key])
    code, out, err = run_cli("export", "-p", PERSON)
    assert code == 0, err
    assert MODEL_TEXTS["summary"] in out  # approved as the drafter wrote it


def test_cli_unknown_section_and_foreign_draft(ws: Workspace, run_cli: Run) -> None:
    code, _, err = run_cli("approve", "-p", PERSON, "-s", "summary", "-s", "nope")
    assert code == 2 and "no section 'nope'" in err
    assert ws.repo.section(ws.draft.id, "summary").approved_at is None  # all or nothing
    ws.repo.ensure_person("Bo")
    code, _, err = run_cli("export", "-p", "Bo")
    assert code == 2 and "no draft for 'Bo'" in err
    code, _, err = run_cli("export", "-p", "Bo", "--draft", str(ws.draft.id))
    assert code == 2 and f"draft {ws.draft.id} is {PERSON}'s" in err
