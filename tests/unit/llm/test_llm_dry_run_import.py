"""``--dry-run`` counts tokens and reads the context window without importing litellm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

CODE = """
import sys
from feedback_writer.cli import main
from feedback_writer.context import AppContext
from feedback_writer.notes.model import ParsedNote

ctx = AppContext()
ctx.repo.add_note("Alex Kim", ParsedNote(text="Alex rewrote the on-call runbook with Wen."))
ctx.repo.close()
for args in (
    ["map", "-p", "Alex Kim", "--offline"],
    ["draft", "-p", "Alex Kim", "--level", "mid", "--model", "gpt-4o-mini", "--dry-run",
     "--threshold", "0.2"],
    ["map", "-p", "Alex Kim", "--model", "gpt-4o-mini", "--dry-run"],
):
    try:
        main(args)
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
assert "litellm" not in sys.modules, "litellm imported by a dry run"
print("\\nno litellm")
"""


def test_dry_runs_do_not_import_litellm() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENAI_API_KEY": "sk-test-dry-0123456789"}
    result = subprocess.run(
        [sys.executable, "-c", CODE], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("no litellm"), result.stdout
    assert "prompt tokens; nothing was sent" in result.stdout
    assert "also in the notes: Wen" in result.stderr
