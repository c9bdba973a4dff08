"""Provides one HTTP attempt through litellm (sync or async) that can be cancelled at once.

:func:`litellm_module` imports litellm lazily with our global settings. :func:`attempt`
and :func:`aattempt` make one call and read a stream to its end, turning the response
into an :class:`Answer`. A streamed response is always closed when reading stops early:
Ctrl-C (``KeyboardInterrupt``), a progress callback raising to stop, a task cancelled,
or a :class:`CancelToken` cancelled from another thread (the TUI's Esc), which closes
the HTTP response itself so a blocked read ends now rather than at the timeout.
:func:`endpoint` names the base URL a call really goes to, for the call log.
"""

from __future__ import annotations

import contextlib
import importlib
import math
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from feedback_writer.llm._flow import LOCAL_PROVIDERS, Answer, Call
from feedback_writer.llm._records import Progress, ProgressFn


def litellm_module() -> Any:
    """Import litellm with our global settings applied; cheap after the first call."""
    # Without this, importing litellm downloads a price map from the internet.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    # importlib keeps mypy from type-checking all of litellm; we treat it as Any.
    lt: Any = importlib.import_module("litellm")
    # aiohttp would bypass httpx (and so respx in tests); one transport for both paths.
    lt.disable_aiohttp_transport = True
    lt.telemetry = False
    lt.suppress_debug_info = True
    return lt


# --- cancelling ----------------------------------------------------------------------


class CallCancelled(BaseException):
    """A model call stopped by its :class:`CancelToken`. A BaseException, like
    KeyboardInterrupt, so the retry loop lets it through instead of retrying."""


class CancelToken:
    """Cancels the model calls made under it, from any thread, at once."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._open: set[Any] = set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Stop now: every open response is closed (a blocked read fails at once)."""
        self._event.set()
        with self._lock:
            streams = list(self._open)
        for stream in streams:
            close_stream(stream)

    def check(self) -> None:
        if self._event.is_set():
            raise CallCancelled()

    def opened(self, stream: Any) -> None:
        with self._lock:
            self._open.add(stream)
        if self._event.is_set():  # cancelled while the response was on its way
            close_stream(stream)

    def closed(self, stream: Any) -> None:
        with self._lock:
            self._open.discard(stream)


_local = threading.local()


def current_token() -> CancelToken | None:
    """The token of the innermost :func:`cancel_scope` in this thread, if any."""
    token: CancelToken | None = getattr(_local, "token", None)
    return token


@contextlib.contextmanager
def cancel_scope(token: CancelToken | None = None) -> Iterator[CancelToken]:
    """Model calls made in this thread inside the block stop when the token is cancelled
    (e.g. by the TUI's Esc from the UI thread)."""
    token = token or CancelToken()
    previous = current_token()
    _local.token = token
    try:
        yield token
    finally:
        _local.token = previous


def _http_response(stream: Any) -> Any:
    """The httpx response under a litellm stream, wherever the provider's handler keeps
    it: the OpenAI SDK's ``Stream.response``, or the ``self`` of the ``iter_lines``
    generator litellm's own handlers read (Anthropic, Ollama)."""
    inner = getattr(stream, "completion_stream", None)
    for candidate in (getattr(inner, "response", None), getattr(stream, "response", None)):
        if candidate is not None and hasattr(candidate, "extensions"):
            return candidate
    gen = getattr(inner, "streaming_response", None) or getattr(inner, "response_iterator", None)
    frame = getattr(gen, "gi_frame", None)
    owner = frame.f_locals.get("self") if frame is not None else None
    return owner if owner is not None and hasattr(owner, "extensions") else None


def close_stream(stream: Any) -> None:
    """Close a litellm stream and the HTTP connection under it, at once; never raises.

    The socket is shut down rather than only closed: a read blocked in another thread
    (the worker of a cancelled TUI generation) wakes up now, and the server sees the
    connection end, instead of both waiting for the timeout.
    """
    response = _http_response(stream)
    if response is not None:
        network = response.extensions.get("network_stream")
        sock = network.get_extra_info("socket") if network is not None else None
        if sock is not None:
            with contextlib.suppress(Exception):
                sock.shutdown(socket.SHUT_RDWR)
    inner = getattr(stream, "completion_stream", None)
    for target in (inner, response):
        close = getattr(target, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                close()


async def aclose_stream(stream: Any) -> None:
    inner = getattr(stream, "completion_stream", None)
    for target in (inner, getattr(inner, "response", None), stream):
        close = getattr(target, "aclose", None) or getattr(target, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):
                result = close()
                if hasattr(result, "__await__"):
                    await result


# --- one attempt ---------------------------------------------------------------------


class StreamText:
    """Collects stream chunks and reports each piece of text as :class:`Progress`."""

    def __init__(self, on_progress: ProgressFn | None) -> None:
        self.chunks: list[Any] = []
        self.chars = 0
        self.on_progress = on_progress

    def add(self, chunk: Any) -> None:
        self.chunks.append(chunk)
        choices = getattr(chunk, "choices", None) or []
        delta = getattr(getattr(choices[0], "delta", None), "content", None) if choices else None
        if not delta:
            return
        self.chars += len(delta)
        if self.on_progress is not None:
            # ~4 characters per token: good enough for a progress bar, and free.
            estimate = math.ceil(self.chars / 4)
            self.on_progress(
                Progress(text_delta=delta, chars=self.chars, completion_tokens_estimate=estimate)
            )

    def build(self, lt: Any, messages: list[dict[str, Any]]) -> Any:
        return lt.stream_chunk_builder(self.chunks, messages=messages) if self.chunks else None


def since(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


def attempt(call: Call, provider: str) -> Answer:
    """One synchronous attempt; raises only CallCancelled or KeyboardInterrupt-likes."""
    lt = litellm_module()
    token = current_token()
    started = time.perf_counter()
    try:
        if token is not None:
            token.check()
        response = lt.completion(**call.kwargs)
        if call.kwargs.get("stream"):
            text = StreamText(call.on_progress)
            stream: Iterator[Any] = response
            if token is not None:
                token.opened(stream)
            try:
                for chunk in stream:
                    if token is not None:
                        token.check()
                    text.add(chunk)
            except Exception:
                if token is not None and token.cancelled:
                    raise CallCancelled() from None
                raise
            finally:
                # Closed on every way out: a stream left open goes on reading.
                close_stream(stream)
                if token is not None:
                    token.closed(stream)
            response = text.build(lt, call.kwargs["messages"])
    except Exception as exc:
        return Answer(error=exc, latency_ms=since(started))
    return answer_of(lt, response, started, provider)


async def aattempt(call: Call, provider: str) -> Answer:
    """The async twin of :func:`attempt`; a cancelled task closes its stream."""
    lt = litellm_module()
    started = time.perf_counter()
    try:
        response = await lt.acompletion(**call.kwargs)
        if call.kwargs.get("stream"):
            text = StreamText(call.on_progress)
            stream: AsyncIterator[Any] = response
            try:
                async for chunk in stream:
                    text.add(chunk)
            finally:
                await aclose_stream(stream)
            response = text.build(lt, call.kwargs["messages"])
    except Exception as exc:
        return Answer(error=exc, latency_ms=since(started))
    return answer_of(lt, response, started, provider)


def answer_of(lt: Any, response: Any, started: float, provider: str) -> Answer:
    """Text, finish reason, usage and cost of a (possibly stream-built) response."""
    latency = since(started)
    if response is None or not getattr(response, "choices", None):
        return Answer(text="", latency_ms=latency)
    choice = response.choices[0]
    message = getattr(choice, "message", None)
    text = getattr(message, "content", None)
    tool_calls = getattr(message, "tool_calls", None)
    if not text and tool_calls:
        # litellm turns Anthropic's json_tool_call into content, except when it
        # cannot (e.g. thinking enabled); then the JSON is in the tool arguments.
        text = getattr(tool_calls[0].function, "arguments", None)
    usage = getattr(response, "usage", None)
    return Answer(
        text=text if isinstance(text, str) else None,
        finish_reason=getattr(choice, "finish_reason", None),
        prompt_tokens=getattr(usage, "prompt_tokens", None),
        completion_tokens=getattr(usage, "completion_tokens", None),
        cost_usd=_cost(lt, response, provider),
        latency_ms=latency,
    )


def _cost(lt: Any, response: Any, provider: str) -> float | None:
    if provider in LOCAL_PROVIDERS:
        return 0.0
    try:
        return float(lt.completion_cost(completion_response=response, custom_llm_provider=provider))
    except Exception:
        # Models missing from the bundled price map (proxies, new releases).
        return None


# --- where a call goes ---------------------------------------------------------------

# (env vars litellm reads, in its order; the provider's own default) per provider.
_ENDPOINTS: dict[str, tuple[tuple[str, ...], str | None]] = {
    "openai": (("OPENAI_BASE_URL", "OPENAI_API_BASE"), "https://api.openai.com/v1"),
    "text-completion-openai": (
        ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
        "https://api.openai.com/v1",
    ),
    "anthropic": (("ANTHROPIC_API_BASE", "ANTHROPIC_BASE_URL"), "https://api.anthropic.com"),
    "ollama": (("OLLAMA_API_BASE",), "http://localhost:11434"),
    "ollama_chat": (("OLLAMA_API_BASE",), "http://localhost:11434"),
}


def endpoint(provider: str, configured: str | None, resolved: str | None = None) -> str | None:
    """The base URL a call goes to: the ``api_base`` setting, else the environment
    variable litellm reads for the provider (``OPENAI_API_BASE``...), else litellm's own
    answer, else the provider's public endpoint; None when nothing says."""
    if configured:
        return configured
    names, default = _ENDPOINTS.get(provider, ((), None))
    generic = (f"{provider.upper()}_API_BASE", f"{provider.upper()}_BASE_URL")
    for name in (*names, *generic):
        value = os.environ.get(name)
        if value:
            return value
    return resolved or default
