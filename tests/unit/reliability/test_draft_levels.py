"""``draft --level/--target`` take a level's slug or name in any case, as ``people set``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from feedback_writer.cli import cli


def test_draft_levels_are_case_insensitive_slugs_or_names(tmp_path: Path) -> None:
    runner = CliRunner(env={"FEEDBACK_WRITER_HOME": str(tmp_path / "ws")})
    for args in (
        ["notes", "add", "--person", "Sam", "Rewrote the on-call runbook after the outage."],
        ["map", "-p", "Sam"],
        ["evidence", "accept", "-p", "Sam", "--all", "--min-confidence", "low", "--yes"],
    ):
        done = runner.invoke(cli, args)
        assert done.exit_code == 0, done.output
    drafted = runner.invoke(cli, ["draft", "-p", "Sam", "--level", "Mid", "--target", "SENIOR"])
    assert drafted.exit_code == 0, drafted.output
    listed = runner.invoke(cli, ["people", "list"])
    assert "mid" in listed.output and "senior" in listed.output, listed.output
    dry = runner.invoke(cli, ["draft", "-p", "Sam", "--level", "  junior ", "--dry-run"])
    assert dry.exit_code == 0, dry.output

    wrong = runner.invoke(cli, ["draft", "-p", "Sam", "--level", "Staff"])
    assert wrong.exit_code == 2
    assert "junior" in wrong.output and "Traceback" not in wrong.output
