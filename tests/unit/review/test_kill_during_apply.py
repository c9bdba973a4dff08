"""A `review` apply killed with SIGKILL in the middle leaves all of it or none of it.

The real CLI (``python -m feedback_writer review --from FILE --no-editor``) runs in its own
process. A ``sitecustomize`` put on its PYTHONPATH (test-only: the product has no hook)
holds the process inside the apply's transaction, just before the Nth section's version is
written, and says so in a marker file; the test then SIGKILLs it and reads the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from feedback_writer import paths
from feedback_writer.review.editor import render_review_file
from feedback_writer.storage.repository import Repository
from tests.unit.review.review_fixtures import MODEL_TEXTS, PERSON, Workspace

MINE = "Rewritten by me, in my own words: {key} after the payments migration."

HOOK = """
import os, time
_at = os.environ.get("FW_TEST_HOLD_AT")
if _at:
    from feedback_writer.storage.drafts import DraftStore
    _real = DraftStore._add_version
    _calls = [0]
    def _held(*args, **kwargs):
        _calls[0] += 1
        if _calls[0] == int(_at):
            with open(os.environ["FW_TEST_MARK"], "w") as f:
                f.write("inside the transaction")
            time.sleep(120)
        return _real(*args, **kwargs)
    DraftStore._add_version = staticmethod(_held)
"""


def review_file(ws: Workspace, tmp_path: Path) -> Path:
    text = render_review_file(ws.draft, ws.repo.sections(ws.draft.id))
    for key, old in MODEL_TEXTS.items():
        text = text.replace(old, MINE.format(key=key))
    path = tmp_path / "review.md"
    path.write_text(text, encoding="utf-8")
    return path


def apply(ws: Workspace, path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    args = ["review", "-p", PERSON, "--draft", str(ws.draft.id), "--from", str(path)]
    return subprocess.Popen(
        [sys.executable, "-m", "feedback_writer", *args, "--no-editor"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def texts() -> dict[str, tuple[str, int, int]]:
    """Each section's (text, version, stored versions), read by a fresh connection."""
    repo = Repository(paths.database_path(paths.workspace_dir()))
    try:
        return {
            s.key: (s.human_text, s.version, len(repo.section_versions(s.id)))
            for s in repo.sections(repo.latest_draft(PERSON).id)
        }
    finally:
        repo.close()


@pytest.mark.parametrize("hold_at", [2, 4])  # after one section, and before the last
def test_sigkill_inside_the_apply_leaves_none_then_a_rerun_applies_all(
    ws: Workspace, tmp_path: Path, hold_at: int
) -> None:
    path = review_file(ws, tmp_path)
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    mark = tmp_path / "applying"
    env = {
        **os.environ,
        "PYTHONPATH": str(hook),
        "FW_TEST_HOLD_AT": str(hold_at),
        "FW_TEST_MARK": str(mark),
    }
    proc = apply(ws, path, env)
    try:
        deadline = time.monotonic() + 180  # a busy machine starts Python slowly
        while not mark.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the apply never reached its transaction"
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    before = {k: (MODEL_TEXTS[k], 1, 1) for k in MODEL_TEXTS}
    assert texts() == before  # none of it

    rerun = apply(ws, path, {k: v for k, v in env.items() if not k.startswith("FW_TEST_")})
    _, err = rerun.communicate(timeout=240)
    assert rerun.returncode == 0, err
    after = {k: (MINE.format(key=k), 2, 2) for k in MODEL_TEXTS}
    assert texts() == after  # all of it
