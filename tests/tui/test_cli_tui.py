"""The CLI side of the TUI: lazy imports, and the command wiring."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from feedback_writer.context import AppContext

REPO = Path(__file__).resolve().parents[2]


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=REPO,
    )
    return set(out.stdout.splitlines()[-1].split())


def test_help_and_the_tui_command_module_do_not_import_textual() -> None:
    loaded = _modules_after(
        "from feedback_writer.cli import main\n"
        "import feedback_writer.cli.tui_cmd\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert "feedback_writer.cli.tui_cmd" in loaded
    assert "textual" not in loaded
    assert "litellm" not in loaded


def test_opening_the_tui_does_not_import_litellm() -> None:
    loaded = _modules_after(
        "from feedback_writer.context import AppContext\n"
        "from feedback_writer.tui.app import make_app\n"
        "make_app(AppContext())"
    )
    assert "textual" in loaded
    assert "litellm" not in loaded


def test_tui_command_and_bare_group_open_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from feedback_writer.cli import cli
    from feedback_writer.tui.app import FeedbackWriterApp

    opened: list[tuple[Any, str | None]] = []

    def fake_run(self: FeedbackWriterApp) -> None:
        opened.append((self.ctx, self.person))

    monkeypatch.setattr(FeedbackWriterApp, "run", fake_run)
    assert CliRunner().invoke(cli, []).exit_code == 0
    assert CliRunner().invoke(cli, ["tui", "--person", "Ana"]).exit_code == 0
    assert [p for _, p in opened] == [None, "Ana"]
    assert all(isinstance(c, AppContext) for c, _ in opened)


def test_a_broken_ladder_is_a_cli_error_before_the_screen_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from feedback_writer.cli import main

    bad = tmp_path / "ladder.yaml"
    bad.write_text("name: x\nlevels: []\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["--ladder", str(bad), "tui"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "ladder.yaml" in err
    assert "Traceback" not in err
