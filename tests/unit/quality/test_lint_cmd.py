"""``feedback-writer lint``: text and JSON output, stdin, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pytest import MonkeyPatch

from feedback_writer.cli import cli
from feedback_writer.notes.model import ParsedNote


def test_json_from_stdin_has_offsets_into_the_input() -> None:
    text = "He is bossy; next week he will ask first.\nThe job always runs at 2 am.\n"
    result = CliRunner().invoke(cli, ["lint", "-", "--format", "json"], input=text)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["category"] for d in data] == ["trait"]
    assert set(data[0]) == {"rule", "category", "start", "end", "text", "message", "suggestion"}
    assert text[data[0]["start"] : data[0]["end"]] == data[0]["text"] == "bossy"


def test_text_output_and_self_mode(tmp_path: Path) -> None:
    path = tmp_path / "self.md"
    path.write_text("He led the migration.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path), "--mode", "self"])
    assert result.exit_code == 0
    assert f"{path}:1:1: person" in result.stdout


def test_clean_input_exits_zero() -> None:
    result = CliRunner().invoke(cli, ["lint", "-", "--format", "json"], input="I wrote it.")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_unreadable_input_exits_two_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.md"
    result = CliRunner().invoke(cli, ["lint", str(missing)])
    assert result.exit_code == 2
    assert str(missing) in result.output
    binary = tmp_path / "bin.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = CliRunner().invoke(cli, ["lint", str(binary)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


def _workspace_with_draft() -> tuple[int, str]:
    """A person with notes and a stored draft in the test workspace (FEEDBACK_WRITER_HOME)."""
    from feedback_writer.context import AppContext

    repo = AppContext().repo
    repo.ensure_person("Ana Lima")
    note = repo.add_note("Ana Lima", ParsedNote(text="Cut deploys from 40 to 12 minutes."))
    text = f"He cut deploys to 9 minutes [{note.id}]. He is bossy."
    record = repo.save_draft(
        "Ana Lima",
        mode="manager",
        drafter="test",
        model=None,
        template_hash=None,
        ladder_name="t",
        ladder_version="1",
        content={"current_level": "mid", "competencies": []},
        sections=[("summary", "Summary", "Fine."), ("competency:delivery", "Delivery", text)],
    )
    repo.close()
    return record.id, text


def test_draft_json_has_sections_and_context_findings() -> None:
    draft_id, text = _workspace_with_draft()
    result = CliRunner().invoke(cli, ["lint", "--person", "Ana Lima", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    delivery = [d for d in data if d["section"] == "competency:delivery"]
    assert {(d["category"], d["text"]) for d in delivery} == {
        ("unsupported", "9"),
        ("trait", "bossy"),
        ("no-next-step", "He is bossy."),  # a criticism of the person with no next step
    }
    assert all(text[d["start"] : d["end"]] == d["text"] for d in delivery)
    assert [d for d in data if d["section"] == "summary"] == []
    same = CliRunner().invoke(cli, ["lint", "--draft", str(draft_id), "--format", "json"])
    assert json.loads(same.stdout) == data


def test_draft_text_output_names_draft_and_section() -> None:
    draft_id, _ = _workspace_with_draft()
    result = CliRunner().invoke(cli, ["lint", "-p", "Ana Lima", "--draft", str(draft_id)])
    assert result.exit_code == 0, result.output
    assert f"draft {draft_id} competency:delivery:1:" in result.stdout
    assert "trait [trait.word]" in result.stdout


def test_file_with_person_checks_against_their_notes(tmp_path: Path) -> None:
    _workspace_with_draft()
    path = tmp_path / "r.md"
    path.write_text("She cut deploys from 40 to 12 minutes, then 5.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path), "-p", "Ana Lima", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [(d["category"], d["text"]) for d in json.loads(result.stdout)] == [("unsupported", "5")]


def test_usage_errors() -> None:
    assert CliRunner().invoke(cli, ["lint"]).exit_code == 2
    draft_id, _ = _workspace_with_draft()
    both = CliRunner().invoke(cli, ["lint", "-", "--draft", str(draft_id)], input="x")
    assert both.exit_code == 2
    other = CliRunner().invoke(cli, ["lint", "--draft", str(draft_id), "-p", "Bo"])
    assert other.exit_code != 0


def test_rules_dir_setting_is_used_and_shown(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "trait.yaml").write_text(
        "source: acme\nlicence: internal\nrules:\n"
        "  - {id: acme.grumpy, category: trait, terms: [grumpy], message: moody}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FEEDBACK_WRITER_QUALITY_RULES_DIR", str(folder))
    text = "He is grumpy and bossy."
    result = CliRunner().invoke(cli, ["lint", "-", "--format", "json"], input=text)
    traits = [d["rule"] for d in json.loads(result.stdout) if d["category"] == "trait"]
    assert traits == ["acme.grumpy"]
    shown = CliRunner().invoke(cli, ["config", "show", "--format", "json"])
    assert json.loads(shown.stdout)["quality_rules_dir"] == {
        "value": str(folder),
        "origin": "env FEEDBACK_WRITER_QUALITY_RULES_DIR",
    }
    # --rules-dir wins over the setting.
    builtin = tmp_path / "empty"
    builtin.mkdir()
    flag = CliRunner().invoke(
        cli, ["lint", "-", "--format", "json", "--rules-dir", str(builtin)], input=text
    )
    assert [d["rule"] for d in json.loads(flag.stdout) if d["category"] == "trait"] == [
        "trait.word"
    ]
