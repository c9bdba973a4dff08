"""Provides helpers for the hostile-input tests: run the CLI and check the contract."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from feedback_writer.cli import cli

VALID_LADDER = Path(__file__).resolve().parents[2] / "unit/mapping_service/tiny-ladder.yaml"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def refused(result: Result, path: Path, line: int | None = None, *words: str) -> str:
    """Exit 2, no traceback, the file (and line) named, each of ``words`` in the message."""
    out = result.output
    assert result.exit_code == 2, (result.exit_code, out, result.exception)
    assert "Traceback" not in out
    where = f"{path}:{line}" if line is not None else str(path)
    assert where in out, out
    for word in words:
        assert word.lower() in out.lower(), out
    return out
