"""create_draft and ``feedback-writer draft`` against Anthropic, Ollama and OpenAI, over respx.

Each test goes through the real drafting path (prompt, pseudonymisation, gateway,
litellm, grounding, storage) with only the provider's HTTP endpoint faked, and checks
both what was sent (expectations and placeholders in, real names out) and what was
stored (real names back, or nothing at all when the call failed).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator

import pytest
import respx
from click.testing import CliRunner

from feedback_writer.cli import cli
from feedback_writer.drafting.service import create_draft
from feedback_writer.errors import (
    GatewayError,
    MissingApiKey,
    NotFoundError,
    ProviderUnavailable,
)
from feedback_writer.notes.model import ParsedNote
from feedback_writer.storage.records import DraftRecord
from tests.unit.drafting.drafting_fakes import PERSON, World
from tests.unit.drafting.provider_fakes import (
    ANTHROPIC_KEY,
    ANTHROPIC_URL,
    HAIKU,
    INCIDENTS,
    OLLAMA_BASE,
    OLLAMA_MODEL,
    OLLAMA_SHOW,
    OLLAMA_URL,
    OPENAI_KEY,
    OPENAI_MODEL,
    OPENAI_URL,
    RUNBOOK,
    anthropic_error,
    anthropic_sse,
    anthropic_tool,
    draft_answer,
    ollama_ndjson,
    ollama_ok,
    openai_sse,
    pieces_of,
    raw,
    sent,
)

# Listed in settings.pseudonymise; mentioned in one of the notes.
COLLEAGUE = "Priya Patel"
# Every name that must never reach a provider, and the parts notes use on their own
# ("Peer" is left out: the Draft schema itself says "Peer notes").
SECRET_NAMES = (PERSON, COLLEAGUE, "Sam Peer")
SECRET_PARTS = ("Alex", "Example", "Priya", "Patel", "Sam")
PROGRESS = re.compile(r"^drafting with (?P<model>\S+): ~(?P<tokens>\d+) tokens$")


@pytest.fixture(autouse=True)
def router(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    monkeypatch.setenv("DISABLE_AIOHTTP_TRANSPORT", "True")
    # A developer's own endpoints must not redirect the fakes.
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE", "ANTHROPIC_API_BASE", "OLLAMA_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    from feedback_writer.llm._transport import litellm_module as _litellm

    _litellm().disable_aiohttp_transport = True
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def show(router: respx.MockRouter) -> respx.Route:
    """litellm's Ollama model-info lookup: mocked only so that a call is counted, not failed."""
    return router.post(OLLAMA_SHOW).mock(return_value=ollama_ok("{}"))


@pytest.fixture
def private(world: World) -> World:
    """The world plus a listed colleague mentioned in a note (and the peer author already
    there), so the request has three names to hide."""
    world.ctx.set_flag("pseudonymise", [COLLEAGUE])
    world.ctx.repo.add_note(
        PERSON, ParsedNote(text=f"{COLLEAGUE} says Alex explained the rollout plan well.")
    )
    return world


def good(world: World) -> dict[str, object]:
    return draft_answer(runbook_note=world.ids[0], incident_note=world.ids[1])


def assert_private(body_text: str) -> None:
    """Placeholders went out; no real name (nor part of one) did."""
    for name in SECRET_NAMES:
        assert name.casefold() not in body_text.casefold(), name
    for part in SECRET_PARTS:
        assert not re.search(rf"\b{part}\b", body_text), part
    assert "PERSON_1" in body_text


def assert_prompt_content(world: World, prompt: str) -> None:
    """The expectations (id and text) and the pseudonymised notes are in the prompt."""
    ladder = world.ctx.ladder
    for expectation_id in (RUNBOOK, INCIDENTS):
        assert f"{expectation_id}: {ladder.expectation(expectation_id).text}" in prompt
    for note_id in world.ids[:4]:
        assert note_id in prompt
    assert "PERSON_1 rewrote the on-call runbook after the outage." in prompt
    assert "PERSON_1 was an active responder in the checkout incident." in prompt
    # subject = PERSON_1, then the listed colleague = PERSON_2 (the peer author, Sam
    # Peer, is hidden too but the templates do not show authors at all)
    assert "PERSON_2 says PERSON_1 explained the rollout plan well." in prompt
    assert "PERSON_1 paired with me on the migration; very patient." in prompt


def assert_stored_with_real_names(world: World, record: DraftRecord, model: str) -> None:
    assert (record.drafter, record.model, record.person) == ("model", model, PERSON)
    assert world.ctx.repo.latest_draft(PERSON).id == record.id
    content = record.content
    assert content["person"] == PERSON
    assert content["summary"] == f"{PERSON} made on-call calmer; {COLLEAGUE} praised the pairing."
    points = content["competencies"][0]["points"]
    assert [p["text"] for p in points] == [
        f"{PERSON} rewrote the on-call runbook",
        f"{PERSON} responded actively in the checkout incident",
    ]
    assert [p["note_ids"] for p in points] == [[world.ids[0]], [world.ids[1]]]
    section = world.ctx.repo.section(record.id, "competency:reliability").model_text
    assert f"{PERSON} rewrote the on-call runbook" in section
    assert f"[{world.ids[0]}; {RUNBOOK}]" in section
    stored = json.dumps(content) + "".join(s.model_text for s in world.ctx.repo.sections(record.id))
    assert "PERSON_" not in stored


def prompt_text(body: dict[str, object]) -> str:
    """System and message text of an Anthropic, Ollama or OpenAI request body."""
    parts: list[str] = []
    system = body.get("system")
    if isinstance(system, list):
        parts += [str(block["text"]) for block in system]
    elif isinstance(system, str):
        parts.append(system)
    messages = body["messages"]
    assert isinstance(messages, list)
    for m in messages:
        content = m["content"]
        if isinstance(content, list):
            parts += [str(block.get("text", "")) for block in content]
        else:
            parts.append(str(content))
    return "\n".join(parts)


def assert_no_draft(world: World) -> None:
    with pytest.raises(NotFoundError):
        world.ctx.repo.latest_draft(PERSON)


# --- 1. Anthropic ---------------------------------------------------------------------


def test_anthropic_draft_sends_placeholders_and_stores_real_names(
    private: World, router: respx.MockRouter
) -> None:
    route = router.post(ANTHROPIC_URL).mock(return_value=anthropic_tool(good(private)))

    record = create_draft(private.ctx, PERSON, level="mid", model=HAIKU)

    assert route.call_count == 1
    request = route.calls[0].request
    assert request.headers["x-api-key"] == ANTHROPIC_KEY
    body = sent(route)
    assert body["model"] == "claude-3-5-haiku-20241022"
    # litellm's structured output for Claude: one forced tool, the Draft schema as input.
    assert body["tool_choice"] == {"name": "json_tool_call", "type": "tool"}
    (tool,) = body["tools"]
    assert tool["name"] == "json_tool_call"
    assert "competencies" in tool["input_schema"]["required"]
    assert_prompt_content(private, prompt_text(body))
    assert_private(raw(route))

    assert_stored_with_real_names(private, record, HAIKU)
    assert record.meta["usage"]["attempts"] == 1
    assert record.meta["usage"]["prompt_tokens"] == 400
    # The call log keeps the request as sent: pseudonymised and without the key.
    (call,) = private.ctx.repo.list_calls()
    logged = json.dumps(call.request)
    assert_private(logged)
    assert ANTHROPIC_KEY not in logged


# --- 2. Ollama ------------------------------------------------------------------------


def test_ollama_draft_is_local_private_and_never_asks_api_show(
    private: World, router: respx.MockRouter, show: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("OPENAI_API_KEY")  # a local model needs no key
    private.ctx.set_flag("api_base", OLLAMA_BASE)
    route = router.post(OLLAMA_URL).mock(return_value=ollama_ok(json.dumps(good(private))))

    record = create_draft(private.ctx, PERSON, level="mid", model=OLLAMA_MODEL)

    assert route.call_count == 1
    assert show.call_count == 0
    body = sent(route)
    assert body["model"] == "llama3.1"
    # The Draft schema goes as Ollama's native `format`.
    assert "competencies" in body["format"]["required"]
    assert_prompt_content(private, prompt_text(body))
    assert_private(raw(route))
    assert_stored_with_real_names(private, record, OLLAMA_MODEL)
    assert record.meta["usage"]["cost_usd"] == 0.0


def test_ollama_invalid_json_is_repaired_with_the_error_text(
    private: World, router: respx.MockRouter, show: respx.Route
) -> None:
    private.ctx.set_flag("api_base", OLLAMA_BASE)
    bad = "{not json"
    route = router.post(OLLAMA_URL).mock(
        side_effect=[ollama_ok(bad), ollama_ok(json.dumps(good(private)))]
    )
    try:
        json.loads(bad)
    except json.JSONDecodeError as exc:
        error = f"the answer is not valid JSON: {exc.msg} at line {exc.lineno}"

    record = create_draft(private.ctx, PERSON, level="mid", model=OLLAMA_MODEL)

    assert route.call_count == 2
    assert show.call_count == 0
    first, second = sent(route, 0)["messages"], sent(route, 1)["messages"]
    # The repair turn is the whole first conversation, the bad answer, then the error.
    assert second[: len(first)] == first
    assert (second[-2]["role"], second[-2]["content"]) == ("assistant", bad)
    assert second[-1]["role"] == "user"
    assert error in second[-1]["content"]
    assert error not in prompt_text(sent(route, 0))
    for i in (0, 1):
        assert_private(raw(route, i))
    assert_prompt_content(private, prompt_text(sent(route, 1)))
    assert_stored_with_real_names(private, record, OLLAMA_MODEL)
    assert record.meta["usage"]["attempts"] == 2
    assert any("attempt 1 repaired" in w for w in record.meta["warnings"])


# --- 3. streaming progress --------------------------------------------------------------


def tokens_reported(messages: list[str], model: str) -> list[int]:
    found = []
    for message in messages:
        m = PROGRESS.match(message)
        assert m is not None, message
        assert m["model"] == model
        found.append(int(m["tokens"]))
    return found


def test_openai_sse_stream_reports_growing_progress_and_stores_the_draft(
    private: World, router: respx.MockRouter
) -> None:
    text = json.dumps(good(private))
    pieces = pieces_of(text, 40)
    route = router.post(OPENAI_URL).mock(return_value=openai_sse(pieces))
    seen: list[str] = []

    record = create_draft(
        private.ctx, PERSON, level="mid", model=OPENAI_MODEL, on_progress=seen.append
    )

    assert route.call_count == 1
    body = sent(route)
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert_private(raw(route))
    tokens = tokens_reported(seen, OPENAI_MODEL)
    assert len(tokens) == len(pieces) > 3
    assert all(a < b for a, b in itertools.pairwise(tokens))
    assert tokens[-1] == math.ceil(len(text) / 4)
    assert_stored_with_real_names(private, record, OPENAI_MODEL)
    assert record.meta["usage"]["completion_tokens"] == 200


def test_openai_stream_hands_on_text_the_growing_answer_with_real_names(
    private: World, router: respx.MockRouter
) -> None:
    text = json.dumps(good(private))
    pieces = pieces_of(text, 7)  # small enough to split placeholders across pieces
    assert any(p.endswith(("PERS", "PERSON_")) for p in pieces)
    route = router.post(OPENAI_URL).mock(return_value=openai_sse(pieces))
    shown: list[str] = []

    # on_text alone (no status lines) is enough to make the model stream.
    record = create_draft(
        private.ctx, PERSON, level="mid", model=OPENAI_MODEL, on_text=shown.append
    )

    assert sent(route)["stream"] is True
    so_far = list(itertools.accumulate(shown))
    assert len(so_far) > 10
    assert all(len(a) < len(b) for a, b in itertools.pairwise(so_far))
    # What was shown is the answer with the names back, never a placeholder or half of one.
    assert so_far[-1] == text.replace("PERSON_1", PERSON).replace("PERSON_2", COLLEAGUE)
    assert not any("PERSON_" in s or s.endswith("PERS") for s in so_far)
    assert_stored_with_real_names(private, record, OPENAI_MODEL)


def test_anthropic_streamed_tool_call_reports_progress_and_stores_the_draft(
    private: World, router: respx.MockRouter
) -> None:
    text = json.dumps(good(private))
    pieces = pieces_of(text, 60)
    route = router.post(ANTHROPIC_URL).mock(return_value=anthropic_sse(pieces))
    seen: list[str] = []

    record = create_draft(private.ctx, PERSON, level="mid", model=HAIKU, on_progress=seen.append)

    assert route.call_count == 1
    body = sent(route)
    assert body["stream"] is True and "stream_options" not in body
    assert body["tool_choice"] == {"name": "json_tool_call", "type": "tool"}
    assert_private(raw(route))
    tokens = tokens_reported(seen, HAIKU)
    assert len(tokens) >= 3
    assert tokens == sorted(tokens) and tokens[0] < tokens[-1]
    assert tokens[-1] == math.ceil(len(text) / 4)
    assert_stored_with_real_names(private, record, HAIKU)


def test_cli_draft_streams_ollama_ndjson_to_stderr_and_stores_the_draft(
    private: World, router: respx.MockRouter, show: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = json.dumps(good(private))
    pieces = pieces_of(text, 50)
    route = router.post(OLLAMA_URL).mock(return_value=ollama_ndjson(pieces))
    monkeypatch.setenv("FEEDBACK_WRITER_API_BASE", OLLAMA_BASE)
    monkeypatch.setenv("FEEDBACK_WRITER_PSEUDONYMISE", COLLEAGUE)
    # The \r progress line is written to a terminal only: pretend stderr is one.
    monkeypatch.setattr("feedback_writer.cli._progress.ProgressLine.force_tty", True)

    result = CliRunner().invoke(
        cli,
        ["draft", "--person", PERSON, "--level", "mid", "--model", OLLAMA_MODEL,
         "--workspace", str(private.ctx.workspace)],
    )  # fmt: skip

    assert result.exit_code == 0, result.output + str(result.exception)
    assert route.call_count == 1 and show.call_count == 0
    assert sent(route)["stream"] is True
    assert_private(raw(route))
    progress = [p for p in result.stderr.split("\r") if p.startswith("drafting with")]
    tokens = tokens_reported([p.split("\n")[0] for p in progress], OLLAMA_MODEL)
    assert len(tokens) == len(pieces) > 3
    assert tokens == sorted(tokens) and tokens[0] < tokens[-1]
    assert f"{PERSON} rewrote the on-call runbook" in result.stdout
    assert "PERSON_" not in result.stdout
    record = private.ctx.repo.latest_draft(PERSON)
    assert_stored_with_real_names(private, record, OLLAMA_MODEL)


# --- 4. retries -------------------------------------------------------------------------


def test_anthropic_429_then_success_is_retried_and_stored(
    world: World, router: respx.MockRouter
) -> None:
    # Retry-After: 0 keeps the backoff sleep at zero (create_draft takes no sleep hook).
    limited = anthropic_error(
        429, "rate_limit_error", "Number of requests exceeded", **{"retry-after": "0"}
    )
    route = router.post(ANTHROPIC_URL).mock(side_effect=[limited, anthropic_tool(good(world))])

    record = create_draft(world.ctx, PERSON, level="mid", model=HAIKU)

    assert route.call_count == 2
    assert sent(route, 0) == sent(route, 1)  # the same request, resent
    assert record.meta["usage"]["attempts"] == 1  # a retry is not a repair
    assert world.ctx.repo.latest_draft(PERSON).id == record.id
    assert record.content["summary"].startswith(PERSON)
    calls = world.ctx.repo.list_calls()
    assert len(calls) == 2
    first, second = sorted(calls, key=lambda c: c.id)  # type: ignore[arg-type, return-value]
    assert first.error is not None and "Number of requests exceeded" in first.error
    assert second.error is None


def test_anthropic_500_until_retries_run_out_raises_and_stores_nothing(
    world: World, router: respx.MockRouter
) -> None:
    world.ctx.set_flag("max_retries", 2)
    failing = anthropic_error(500, "api_error", "Internal server error", **{"retry-after": "0"})
    route = router.post(ANTHROPIC_URL).mock(return_value=failing)

    with pytest.raises(ProviderUnavailable) as info:
        create_draft(world.ctx, PERSON, level="mid", model=HAIKU)

    assert isinstance(info.value, GatewayError) and info.value.exit_code == 4
    assert route.call_count == 3  # the first attempt and max_retries (2) retries
    message = str(info.value)
    assert "HTTP 500" in message and "after 3 attempt(s)" in message
    assert "Internal server error" in message
    assert (info.value.provider, info.value.model) == ("anthropic", HAIKU)
    assert_no_draft(world)
    assert len(world.ctx.repo.list_calls()) == 3


# --- 5. missing key ---------------------------------------------------------------------


def test_missing_anthropic_key_names_the_variable_and_sends_nothing(
    world: World, router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    route = router.post(ANTHROPIC_URL).mock(return_value=anthropic_tool(good(world)))

    with pytest.raises(MissingApiKey, match="ANTHROPIC_API_KEY") as info:
        create_draft(world.ctx, PERSON, level="mid", model=HAIKU)

    assert "set ANTHROPIC_API_KEY in the environment" in str(info.value)
    assert route.call_count == 0 and router.calls.call_count == 0
    assert_no_draft(world)
    assert world.ctx.repo.list_calls() == []


def test_cli_missing_key_exits_4_with_a_clean_message(
    world: World, router: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")

    result = CliRunner().invoke(
        cli,
        ["draft", "--person", PERSON, "--level", "mid", "--model", HAIKU,
         "--workspace", str(world.ctx.workspace)],
    )  # fmt: skip

    assert result.exit_code == 4
    assert isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: anthropic (")
    assert "ANTHROPIC_API_KEY" in result.stderr
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert router.calls.call_count == 0
    assert_no_draft(world)
