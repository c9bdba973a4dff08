"""``notes list`` shows the follow-up question under each vague note; JSON has "followup"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.context import AppContext
from feedback_writer.notes.model import ParsedNote
from feedback_writer.quality import followup_question

VAGUE = "Great job this quarter."
SPECIFIC = "Led the incident review for the payments outage and wrote the postmortem"


def _notes() -> tuple[str, str]:
    repo = AppContext().repo
    vague = repo.add_note("Ana", ParsedNote(text=VAGUE)).id
    specific = repo.add_note("Ana", ParsedNote(text=SPECIFIC)).id
    repo.close()
    return vague, specific


def test_text_lists_the_question_under_the_vague_note_only() -> None:
    _notes()
    question = followup_question(VAGUE)
    assert question
    result = CliRunner().invoke(cli, ["notes", "list", "-p", "Ana"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if VAGUE in line)
    assert lines[at + 1].strip() == f"? {question}"
    after = next(i for i, line in enumerate(lines) if SPECIFIC in line)
    assert after == at + 2 and len(lines) == after + 1  # no question for a specific note


def test_json_has_a_followup_key() -> None:
    vague, specific = _notes()
    result = CliRunner().invoke(cli, ["notes", "list", "-p", "Ana", "--format", "json"])
    data = {n["id"]: n for n in json.loads(result.output)}
    assert data[vague]["followup"] == followup_question(VAGUE)
    assert data[specific]["followup"] is None
    assert data[vague]["text"] == VAGUE  # the note's own fields are all still there


def test_the_question_reads_the_note_rules_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Notes screen asks when it opens: compiling every other rule first took most of
    its opening time. A company's notes.yaml still replaces the shipped one."""
    from feedback_writer.quality import rules

    def everything(company: str | None) -> None:
        raise AssertionError("the follow-up question loaded every rule file")

    monkeypatch.setattr(rules, "_load", everything)
    assert followup_question(VAGUE) is not None
    assert followup_question(SPECIFIC) is None
    shipped = rules.load_note_rules()
    company = tmp_path / "rules"
    company.mkdir()
    own = dict(shipped, parts={**shipped["parts"]})
    own["parts"]["outcome"] = {**shipped["parts"]["outcome"], "question": "And then?"}
    (company / "notes.yaml").write_text(yaml.safe_dump(own), encoding="utf-8")
    question = followup_question(VAGUE, company)
    assert question is not None and "And then?" in question
