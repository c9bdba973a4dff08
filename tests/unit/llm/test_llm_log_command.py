"""``feedback-writer log`` lists the model calls; ``log show ID`` prints one as stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import respx
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.llm.gateway import Gateway, ModelSettings
from feedback_writer.storage.repository import Repository
from tests.unit.llm.llm_fakes import GOOD_TEXT, MESSAGES, Review, openai_ok

PROXY = "http://proxy.example:4000/v1"


@pytest.fixture
def workspace(tmp_path: Path, router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One real call through OPENAI_API_BASE, logged to a workspace."""
    monkeypatch.setenv("OPENAI_API_BASE", PROXY)
    router.post(f"{PROXY}/chat/completions").mock(return_value=openai_ok(GOOD_TEXT, 31, 12))
    folder = tmp_path / "ws"
    repo = Repository(folder / "workspace.sqlite3")
    from dataclasses import asdict

    gateway = Gateway(ModelSettings(model="gpt-4o-mini"), log=lambda r: repo.log_call(**asdict(r)))
    messages = [MESSAGES[0], {"role": "user", "content": "Notes: PERSON_1 shipped it."}]
    gateway.complete_structured(messages, Review, purpose="draft")
    repo.close()
    return folder


def test_log_lists_each_call_with_the_endpoint_used(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["log", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    line = result.stdout.strip().splitlines()[0]
    for part in ("PERSON_1", "draft", "gpt-4o-mini", PROXY, "31+12 tok", " ms", "ok"):
        assert part in line

    result = CliRunner().invoke(cli, ["log", "--format", "json", "--workspace", str(workspace)])
    rows = json.loads(result.stdout)
    assert rows[0]["api_base"] == PROXY and rows[0]["outcome"] == "ok"


def test_log_show_prints_the_request_and_response_as_stored(workspace: Path) -> None:
    result = CliRunner().invoke(cli, ["log", "show", "1", "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    assert "Notes: PERSON_1 shipped it." in result.stdout
    assert GOOD_TEXT in result.stdout
    assert f"via {PROXY}" in result.stdout

    result = CliRunner().invoke(cli, ["log", "show", "9", "--workspace", str(workspace)])
    assert result.exit_code != 0 and "no model call 9" in result.stderr
