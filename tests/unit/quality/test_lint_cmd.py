"""``feedback-writer lint``: text and JSON output, stdin, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from feedback_writer.cli import cli


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
