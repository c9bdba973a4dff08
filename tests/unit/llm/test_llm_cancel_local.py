"""The model call is stoppable and its retries are visible.

Cancelling (a token cancelled from another thread, as the TUI's Esc does, or Ctrl-C
raised while the answer streams) closes the HTTP connection at once: a local server on
127.0.0.1 that sends one chunk and then stalls sees the connection end within a second,
and the call returns at once instead of at the timeout.
"""

from __future__ import annotations

import json
import select
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from feedback_writer.llm.gateway import CallCancelled, Gateway, ModelSettings, cancel_scope
from tests.unit.llm.llm_fakes import MESSAGES

STALL = 20.0  # seconds the server would wait; the test fails long before


class _Stalling(BaseHTTPRequestHandler):
    closed: threading.Event
    first_sent: threading.Event

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        chunk = {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": {"content": "Hello"}, "finish_reason": None}],
        }
        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.flush()
        type(self).first_sent.set()
        # Stall; notice at once when the client hangs up (recv returns b"" or fails).
        deadline = time.monotonic() + STALL
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.connection], [], [], 0.05)
            if ready:
                try:
                    data = self.connection.recv(1024)
                except OSError:
                    data = b""
                if not data:
                    type(self).closed.set()
                    return


@pytest.fixture
def router() -> Iterator[None]:
    """No respx here (it would wrap the stream): the only server is our own on 127.0.0.1."""
    yield None


@pytest.fixture
def server() -> Iterator[type[_Stalling]]:
    handler = type("Handler", (_Stalling,), {"closed": threading.Event(),
                                             "first_sent": threading.Event()})  # fmt: skip
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    handler.base = f"http://127.0.0.1:{port}/v1"  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield handler
    httpd.shutdown()
    httpd.server_close()


def _gateway(base: str) -> Gateway:
    settings = ModelSettings(model="openai/gpt-4o-mini", api_base=base, timeout=STALL,
                             max_retries=0)  # fmt: skip
    return Gateway(settings)


def test_a_cancelled_token_closes_the_stream_at_once(server: type[_Stalling]) -> None:
    gateway = _gateway(server.base)  # type: ignore[attr-defined]
    cancelled_at: list[float] = []

    def press_esc() -> None:
        # The UI thread presses Esc while the worker waits for the next chunk.
        server.first_sent.wait(30)
        time.sleep(0.2)
        cancelled_at.append(time.monotonic())
        token.cancel()

    with cancel_scope() as token:
        threading.Thread(target=press_esc, daemon=True).start()
        with pytest.raises(CallCancelled):
            gateway.complete_text(MESSAGES, purpose="test", stream=True,
                                  on_progress=lambda p: None)  # fmt: skip
    assert time.monotonic() - cancelled_at[0] < 2
    assert server.closed.wait(2), "the server still had the connection open"


def test_ctrl_c_while_streaming_closes_the_stream(server: type[_Stalling]) -> None:
    gateway = _gateway(server.base)  # type: ignore[attr-defined]

    def interrupt(progress: object) -> None:
        raise KeyboardInterrupt  # what Ctrl-C raises in the reading thread

    with pytest.raises(KeyboardInterrupt):
        gateway.complete_text(MESSAGES, purpose="test", stream=True, on_progress=interrupt)
    assert server.closed.wait(2), "the server still had the connection open"
