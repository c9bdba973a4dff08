"""Provides the review tests' fixtures: a workspace with notes and a stored draft.

Drafts are saved straight through Repository.save_draft, so these tests do not depend on
the drafting code; the workspace is the one the CLI opens ($FEEDBACK_WRITER_HOME).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from feedback_writer import paths
from feedback_writer.ladder.loader import load_ladder
from feedback_writer.notes.model import AuthorKind, ParsedNote
from feedback_writer.storage.repository import Repository
from tests.unit.review.review_fixtures import MODEL_TEXTS, PERSON, Workspace, draft_content


@pytest.fixture
def ws() -> Iterator[Workspace]:
    root = paths.workspace_dir()
    repo = Repository(paths.database_path(root))
    ladder = load_ladder(paths.default_ladder_path())
    repo.update_person(PERSON, current_level="mid", target_level="senior")
    notes = {
        "runbook": repo.add_note(
            PERSON, ParsedNote(text="Rewrote the payments runbook after the March incident")
        ).id,
        "prompts": repo.add_note(PERSON, ParsedNote(text="Wrote reusable prompt templates")).id,
        "peer": repo.add_note(
            PERSON,
            ParsedNote(text="Stayed calm and clear during the outage"),
            author_kind=AuthorKind.PEER,
            author_name="Bo",
        ).id,
    }
    record = repo.save_draft(
        PERSON,
        mode="manager",
        drafter="offline",
        model=None,
        template_hash="sha256:abc123",
        ladder_name=ladder.name,
        ladder_version=ladder.version,
        content=draft_content(ladder, notes),
        sections=[
            ("summary", "Summary", MODEL_TEXTS["summary"]),
            ("competency:reliability", "Reliability", MODEL_TEXTS["competency:reliability"]),
            ("competency:ai", "AI", MODEL_TEXTS["competency:ai"]),
            ("peer-input", "Peer input", MODEL_TEXTS["peer-input"]),
        ],
    )
    yield Workspace(repo, ladder, record, notes, root)
    repo.close()


@pytest.fixture
def keys(ws: Workspace) -> list[str]:
    return [s.key for s in ws.repo.sections(ws.draft.id)]


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run the real entry point in-process: (exit code, stdout, stderr)."""
    from feedback_writer.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main(list(argv))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def editor_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Set $EDITOR to a Python script whose body (using ``path``, ``text``) edits the file."""

    def make(body: str) -> Path:
        script = tmp_path / "fake_editor.py"
        script.write_text(
            "import sys, pathlib\n"
            "path = pathlib.Path(sys.argv[1])\n"
            "text = path.read_text(encoding='utf-8')\n" + body + "\n",
            encoding="utf-8",
        )
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
        return script

    return make
