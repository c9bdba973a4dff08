"""Pilot test of drafting with a model: the streamed answer shows before the sections.

The provider is a respx-mocked OpenAI SSE stream that stops half way until the test has
seen the text on screen, so "before the sections" is checked, not raced.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from feedback_writer.context import AppContext
from feedback_writer.errors import NotFoundError
from feedback_writer.tui.app import make_app
from feedback_writer.tui.widgets.stream_view import StreamView
from tests.helpers.tui import wait_for_workers

MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1/chat/completions"
SIZE = (100, 30)


def answer(note_id: str) -> str:
    """A grounded draft as the model writes it: placeholders, never names."""
    return json.dumps(
        {
            "person": "PERSON_1",
            "mode": "manager",
            "current_level": "mid",
            "target_level": "senior",
            "summary": "PERSON_1 made on-call calmer with better runbooks.",
            "competencies": [
                {
                    "competency": "reliability",
                    "points": [
                        {
                            "text": "PERSON_1 improved the on-call runbooks",
                            "kind": "strength",
                            "expectation_ids": ["reliability.mid.improves-runbooks"],
                            "note_ids": [note_id],
                        }
                    ],
                    "calibration": {"rating": "meets", "justification": "one note"},
                    "next_level_guidance": [],
                }
            ],
            "peer_input": None,
        }
    )


def sse_events(text: str, size: int = 20) -> list[bytes]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": MODEL,
                "choices": [choice]}  # fmt: skip

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": text[i : i + size]}) for i in range(0, len(text), size)]
    events.append(chunk({}, "stop"))
    usage = {"prompt_tokens": 400, "completion_tokens": 120, "total_tokens": 520}
    events.append({**chunk({}), "choices": [], "usage": usage})
    return [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]


@pytest.fixture
def router(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai-0123456789")
    for name in ("OPENAI_BASE_URL", "OPENAI_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    from feedback_writer.llm._transport import litellm_module as _litellm

    _litellm().disable_aiohttp_transport = True
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock


async def wait_for(pilot: Pilot[Any], check: Any, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the screen")


def paused_stream(
    ctx: AppContext, router: respx.MockRouter, release: threading.Event
) -> tuple[respx.Route, int]:
    """The model set and its answer mocked; the stream waits half way for ``release``.
    Returns the route and how many events come before the pause."""
    note = next(n for n in ctx.repo.list_notes("Ana") if "runbooks" in n.text)
    events = sse_events(answer(note.id))
    half = len(events) // 2

    def body() -> Iterator[bytes]:
        yield from events[:half]
        release.wait(10)  # the test looks at the screen meanwhile
        yield from events[half:]

    route = router.post(OPENAI_URL).mock(
        side_effect=lambda request: httpx.Response(
            200, content=body(), headers={"content-type": "text/event-stream"}
        )
    )
    ctx.set_flag("model", MODEL)
    return route, half


@pytest.mark.usefixtures("confirmed")
async def test_streamed_text_shows_before_the_sections(
    seeded: AppContext, router: respx.MockRouter
) -> None:
    release = threading.Event()
    route, half = paused_stream(seeded, router, release)
    app = make_app(seeded, person="Ana")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("4", "g")
            stream = app.screen.query_one(StreamView)
            shown = stream.query_one(Static)
            # Batched renders: the first may hold only the start of the first half (seen on a
            # loaded machine), so wait for the part of the answer that must show before the
            # pause.
            await wait_for(
                pilot, lambda: '"summary": "Ana made on-call calmer' in str(shown.render())
            )

            # Half the answer is on screen, names restored; no draft and no sections yet.
            on_screen = str(shown.render())
            assert stream.display and '"summary": "Ana made on-call calmer' in on_screen
            assert "PERSON_" not in on_screen
            assert not app.screen.query_one("#draft-main").display
            with pytest.raises(NotFoundError):
                seeded.repo.latest_draft("Ana")
            # Batched: far fewer renders than streamed pieces.
            assert 1 <= stream.flushes < half

            release.set()
            await wait_for_workers(pilot)
            assert route.call_count == 1
            draft = seeded.repo.latest_draft("Ana")
            assert draft.model == MODEL
            assert app.screen.query_one("#draft-main").display
            assert app.screen.query_one("#sections", DataTable).row_count >= 2
            assert not stream.display and stream.text == "" and str(shown.render()) == ""
    finally:
        release.set()


@pytest.mark.usefixtures("confirmed")
async def test_escape_mid_stream_cancels_clears_the_text_and_stores_nothing(
    seeded: AppContext, router: respx.MockRouter
) -> None:
    release = threading.Event()
    paused_stream(seeded, router, release)
    app = make_app(seeded, person="Ana")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("4", "g")
            stream = app.screen.query_one(StreamView)
            await wait_for(pilot, lambda: stream.display)
            await pilot.press("escape")
            await pilot.pause()
            assert not stream.display and stream.text == ""
            release.set()  # the next streamed piece meets the cancel and stops the worker
            await wait_for_workers(pilot)
            assert not stream.display and stream.text == ""
            with pytest.raises(NotFoundError):
                seeded.repo.latest_draft("Ana")
            assert any("cancelled" in n.message for n in app._notifications)
    finally:
        release.set()
