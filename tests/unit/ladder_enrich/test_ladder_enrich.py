"""``ladder enrich``: only the ladder is sent, ids are kept, nothing partial is written.

The provider's HTTP is mocked with respx (``assert_all_mocked``); litellm's aiohttp
transport is off, so every request goes through httpx and a missing mock fails the test.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from feedback_writer.ladder.loader import load_ladder
from tests.helpers.provider_http import OPENAI_KEY, OPENAI_URL

MODEL = "gpt-4o-mini"
SECRET_NOTE = "Zanzibar-unicorn migration rescued by Robin"

LADDER = """\
name: tiny
version: '1'
levels:
- {slug: junior, name: Junior}
- {slug: senior, name: Senior}
areas:
- {slug: craft, name: Craft}
competencies:
- slug: testing
  name: Testing
  area: craft
  levels:
    junior:
      expectations:
      - {slug: writes-tests, text: Writes unit tests for new code, signals: [tests]}
    senior:
      expectations:
      - {slug: sets-strategy, text: Sets the testing strategy}
- slug: mentoring
  name: Mentoring
  area: craft
  levels:
    senior:
      expectations:
      - {slug: grows-others, text: Grows other engineers}
"""

IDS = {
    "testing": ["testing.junior.writes-tests", "testing.senior.sets-strategy"],
    "mentoring": ["mentoring.senior.grows-others"],
}


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    import litellm

    litellm.disable_aiohttp_transport = True
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def ladder_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(LADDER, encoding="utf-8")
    return path


def hints(ids: list[str], rename: dict[str, str] | None = None) -> dict[str, Any]:
    rename = rename or {}
    return {
        "expectations": [
            {
                "id": rename.get(i, i),
                "signals": ["pytest", f"signal for {i}"],
                "examples": [
                    f"They added tests before refactoring ({i})",
                    f"I paired on the fixtures for {i}",
                    f"Skipped tests on the hotfix and it broke ({i})",
                ],
            }
            for i in ids
        ]
    }


def openai_json(payload: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps(payload)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 40, "total_tokens": 90},
        },
    )


def sent_text(request: httpx.Request) -> str:
    body = json.loads(request.content)
    return "\n".join(str(m["content"]) for m in body["messages"])


def answer_for(request: httpx.Request, rename: dict[str, str] | None = None) -> httpx.Response:
    """The right competency's hints, chosen from what was asked."""
    text = sent_text(request)
    slug = "testing" if '"slug": "testing"' in text else "mentoring"
    return openai_json(hints(IDS[slug], rename))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from feedback_writer.cli import main

    capsys.readouterr()
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _add_a_note_about_someone() -> None:
    from feedback_writer.context import AppContext
    from feedback_writer.notes.model import ParsedNote

    ctx = AppContext()
    ctx.repo.ensure_person("Robin Roe")
    ctx.repo.add_note("Robin Roe", ParsedNote(text=SECRET_NOTE))
    ctx.repo.close()


def test_enrich_writes_a_reviewed_copy_with_every_id_and_generated_marks(
    router: respx.MockRouter, ladder_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_a_note_about_someone()
    route = router.post(OPENAI_URL).mock(side_effect=answer_for)
    out = tmp_path / "enriched.yaml"
    code, stdout, err = run(
        capsys, "ladder", "enrich", str(ladder_file), "--model", MODEL, "-o", str(out)
    )
    assert code == 0, err
    assert route.call_count == 2  # one call per competency
    assert "enriching 1/2: testing" in err and "enriching 2/2: mentoring" in err
    for call in route.calls:
        text = sent_text(call.request)
        assert SECRET_NOTE not in text and "Robin" not in text
    original, enriched = load_ladder(ladder_file), load_ladder(out)
    assert [e.id for e in enriched.expectations] == [e.id for e in original.expectations]
    first = enriched.expectation("testing.junior.writes-tests")
    assert first.signals[0] == "tests"  # hand-written first, kept
    assert "pytest" in first.generated and "pytest" in first.signals
    assert len([x for x in first.examples if x in first.generated]) == 3
    text = out.read_text(encoding="utf-8")
    assert "generated_signals:" in text and "generated_examples:" in text
    assert "wrote" in stdout and "Review them" in stdout


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(
    router: respx.MockRouter, ladder_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from feedback_writer.ladder.enrich import enrich_messages

    _add_a_note_about_someone()
    out = tmp_path / "enriched.yaml"
    code, stdout, err = run(
        capsys, "ladder", "enrich", str(ladder_file), "--model", MODEL, "-o", str(out),
        "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    assert not router.calls and not out.exists()
    for slug in IDS:
        for m in enrich_messages(load_ladder(ladder_file), slug):
            assert m["content"] in stdout
    assert SECRET_NOTE not in stdout


def test_a_renamed_id_is_repaired_and_never_written(
    router: respx.MockRouter, ladder_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = {"testing.senior.sets-strategy": "testing.senior.owns-testing-strategy"}
    answers = iter(
        [
            openai_json(hints(IDS["testing"], renamed)),
            openai_json(hints(IDS["testing"])),
            openai_json(hints(IDS["mentoring"])),
        ]
    )
    route = router.post(OPENAI_URL).mock(side_effect=lambda request: next(answers))
    out = tmp_path / "enriched.yaml"
    code, _, err = run(
        capsys, "ladder", "enrich", str(ladder_file), "--model", MODEL, "-o", str(out)
    )
    assert code == 0, err
    assert route.call_count == 3
    repair = sent_text(route.calls[1].request)
    assert "unknown expectation id 'testing.senior.owns-testing-strategy'" in repair
    assert "owns-testing-strategy" not in out.read_text(encoding="utf-8")
    assert load_ladder(out).has_expectation("testing.senior.sets-strategy")


def test_a_model_that_keeps_renaming_writes_nothing(
    router: respx.MockRouter, ladder_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = {"mentoring.senior.grows-others": "mentoring.senior.grows-people"}
    router.post(OPENAI_URL).mock(side_effect=lambda request: answer_for(request, renamed))
    out = tmp_path / "enriched.yaml"
    code, _, err = run(
        capsys, "ladder", "enrich", str(ladder_file), "--model", MODEL, "-o", str(out)
    )
    assert code != 0
    assert "grows-people" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.yaml"]  # no output, no temp


def test_a_failure_half_way_leaves_no_partial_file(
    router: respx.MockRouter, ladder_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    too_long = httpx.Response(
        400,
        json={
            "error": {
                "message": "This model's maximum context length is 128000 tokens.",
                "type": "invalid_request_error",
                "param": None,
                "code": "context_length_exceeded",
            }
        },
    )
    answers = iter([openai_json(hints(IDS["testing"])), too_long])
    route = router.post(OPENAI_URL).mock(side_effect=lambda request: next(answers))
    out = tmp_path / "enriched.yaml"
    out.write_text("previous contents\n", encoding="utf-8")
    code, _, err = run(
        capsys, "ladder", "enrich", str(ladder_file), "--model", MODEL, "-o", str(out), "--force"
    )
    assert code != 0 and "enriching 2/2: mentoring" in err
    assert route.call_count == 2
    assert out.read_text(encoding="utf-8") == "previous contents\n"  # untouched
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_answer_problems_name_renamed_missing_and_short_examples(ladder_file: Path) -> None:
    from feedback_writer.ladder.enrich import CompetencyHints, answer_problems

    ladder = load_ladder(ladder_file)
    answer = CompetencyHints.model_validate(
        hints(IDS["testing"], {"testing.junior.writes-tests": "testing.junior.tests"})
    )
    answer.expectations[1].examples[:] = ["only one"]
    problems = "\n".join(answer_problems(ladder, "testing", answer))
    assert "unknown expectation id 'testing.junior.tests'" in problems
    assert "missing expectation id 'testing.junior.writes-tests'" in problems
    assert "testing.senior.sets-strategy: 1 examples" in problems
