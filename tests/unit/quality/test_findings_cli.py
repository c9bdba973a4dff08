"""Quality findings wired into ``review`` (printed after the editor closes) and ``export``
(the report beside the export, the JSON ``findings``); never blocking."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner
from pytest import MonkeyPatch

from feedback_writer.cli import cli
from feedback_writer.context import AppContext
from feedback_writer.notes.model import ParsedNote
from feedback_writer.review.export import Finding, findings_for, findings_report
from feedback_writer.review.sections import edit_section

PERSON = "Sam Reed"
ABRASIVE = "He is abrasive in code reviews; next quarter he will ask questions first"


def _draft() -> int:
    """Sam with one note and a two-section draft, in the CLI's workspace."""
    repo = AppContext().repo
    repo.ensure_person(PERSON)
    note = repo.add_note(PERSON, ParsedNote(text="Cut deploys from 40 to 12 minutes."))
    record = repo.save_draft(
        PERSON, mode="manager", drafter="test", model=None, template_hash=None,
        ladder_name="t", ladder_version="1",
        content={"current_level": "mid", "competencies": []},
        sections=[
            ("summary", "Summary", f"He cut deploys to 12 minutes [{note.id}]."),
            ("competency:delivery", "Delivery", f"He cut deploys to 12 minutes [{note.id}]."),
        ],
    )  # fmt: skip
    repo.close()
    return record.id


def _edit(draft_id: int, key: str, text: str) -> None:
    repo = AppContext().repo
    edit_section(repo, draft_id, key, text)
    repo.close()


def test_findings_for_returns_the_real_findings() -> None:
    draft_id = _draft()
    ctx = AppContext()
    assert findings_for(ctx.repo, ctx.ladder, draft_id) == []
    _edit(draft_id, "competency:delivery", f"{ABRASIVE} [n1].")
    (f,) = findings_for(ctx.repo, ctx.ladder, draft_id)
    assert (f.section, f.title, f.category, f.text) == (
        "competency:delivery", "Delivery", "trait", "abrasive",
    )  # fmt: skip
    assert f.message and f.suggestion
    report = findings_report([f], "ana.md")
    assert "**competency:delivery** · trait · “abrasive”" in report
    assert f.message in report and f"Suggestion: {f.suggestion}" in report


def test_old_style_findings_still_render() -> None:
    assert "- **summary**: vague claim" in findings_report([Finding("summary", "vague claim")], "x")


def test_export_never_blocked_and_lists_findings(tmp_path: Path) -> None:
    draft_id = _draft()
    _edit(draft_id, "summary", f"{ABRASIVE} [n1].")
    _edit(draft_id, "competency:delivery", "Over the half he has cut deploys to 9 minutes [n1].")
    out = tmp_path / "ana.md"
    result = CliRunner().invoke(cli, ["export", "-p", PERSON, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "quality findings (not blocking)" in result.stdout
    report = Path(str(out) + ".findings.md").read_text(encoding="utf-8")
    assert "**summary** · trait · “abrasive”" in report
    assert "**competency:delivery** · unsupported · “9”" in report
    data = json.loads(CliRunner().invoke(cli, ["export", "-p", PERSON, "--format", "json"]).stdout)
    assert {(f["section"], f["category"], f["text"]) for f in data["findings"]} == {
        ("summary", "trait", "abrasive"),
        ("competency:delivery", "unsupported", "9"),
    }
    assert set(data["findings"][0]) == {
        "section", "rule", "category", "start", "end", "text", "message", "suggestion",
    }  # fmt: skip
    to_stdout = CliRunner().invoke(cli, ["export", "-p", PERSON])
    assert to_stdout.exit_code == 0 and "“abrasive”" in to_stdout.stderr


def test_export_uses_the_rules_dir_setting(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "trait.yaml").write_text(
        "source: acme\nlicence: internal\nrules:\n"
        "  - {id: acme.grumpy, category: trait, terms: [grumpy], message: moody}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FEEDBACK_WRITER_QUALITY_RULES_DIR", str(folder))
    draft_id = _draft()
    for key in ("summary", "competency:delivery"):
        _edit(draft_id, key, "He is grumpy in code reviews; next quarter he will ask first [n1].")
    data = json.loads(CliRunner().invoke(cli, ["export", "-p", PERSON, "--format", "json"]).stdout)
    assert {f["rule"] for f in data["findings"]} == {"acme.grumpy"}


def test_review_prints_findings_after_the_editor_closes(
    tmp_path: Path, monkeypatch: MonkeyPatch
) -> None:
    _draft()
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text(encoding='utf-8')\n"
        f"t = t.replace('He cut deploys', '{ABRASIVE}. He cut deploys', 1)\n"
        "p.write_text(t, encoding='utf-8')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    result = CliRunner().invoke(cli, ["review", "-p", PERSON])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "saved your edits to: summary" in out
    head, _, findings = out.partition("quality findings (not blocking): 1")
    assert "still untouched" in head  # after the gate status
    assert "  Summary (summary)\n    - trait “abrasive”: " in findings
    assert "      suggestion: " in findings
