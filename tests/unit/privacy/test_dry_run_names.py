"""``--dry-run`` names the capitalised words of the notes that would go out as they are,
on ``draft`` and on ``map --model``; ``map --dry-run`` prints the messages and sends
nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import respx

CliResult = tuple[int, str, str]
PERSON = "Alex Kim"
NOTES = [
    "Alex rewrote the on-call runbook after the outage with help from Wen.",
    "3 PRs from Tomás waited >4 days; priya reviewed them with Alex.",
]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., CliResult]]:
    from feedback_writer.cli import main

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dryrun-0123456789")
    monkeypatch.setenv("FEEDBACK_WRITER_PSEUDONYMISE", "Priya")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    for note in NOTES:
        assert run("notes", "add", "-p", PERSON, "--date", "2026-01-10", note)[0] == 0
    run("map", "--person", PERSON, "--offline")
    yield run


def test_draft_dry_run_names_the_unlisted_names(cli: Callable[..., CliResult]) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        code, out, err = cli("draft", "-p", PERSON, "--level", "mid", "--model", "gpt-4o-mini",
                             "--dry-run", "--threshold", "0.2")  # fmt: skip
    assert code == 0, err
    assert router.calls.call_count == 0
    assert "also in the notes: Wen, Tomás; add them to `pseudonymise`" in err
    assert "Priya" not in err and "priya" not in out.casefold()


def test_map_dry_run_prints_what_would_be_sent(cli: Callable[..., CliResult]) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        code, out, err = cli("map", "-p", PERSON, "--model", "gpt-4o-mini", "--dry-run")
    assert code == 0, err
    assert router.calls.call_count == 0
    assert "dry run: gpt-4o-mini, 1 call(s); nothing was sent" in out
    assert "--- system ---" in out and '<note id="N1">' in out
    assert "Alex" not in out and "priya" not in out.casefold() and "PERSON_1" in out
    assert "also in the notes: Wen, Tomás" in err

    code, out, err = cli("map", "-p", PERSON, "--model", "gpt-4o-mini", "--dry-run",
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["unlisted_names"] == ["Wen", "Tomás"]
    assert data["batches"][0][1]["role"] == "user"


def test_map_dry_run_offline_sends_nothing(cli: Callable[..., CliResult]) -> None:
    code, out, _ = cli("map", "-p", PERSON, "--offline", "--dry-run")
    assert code == 0 and "nothing would be sent" in out
