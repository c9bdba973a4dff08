"""Provides the model gateway: the one module that imports litellm, and only lazily.

:class:`Gateway` takes messages plus a pydantic response model and returns a validated
model (``complete_structured``) or plain text (``complete_text``), sync or async. It
retries 429/5xx/connection errors/timeouts with backoff, sends invalid answers back for
repair, logs every HTTP attempt as a :class:`CallRecord`, and raises only the typed
errors of :mod:`feedback_writer.errors`. API keys come from the environment alone:
nothing here accepts, stores or logs one.

Importing this module does not import litellm (about 2 s and 175 MB); the first call
that needs it does, through :func:`_litellm`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from feedback_writer.config import Settings
from feedback_writer.errors import MissingApiKey, UnknownModel
from feedback_writer.llm import _estimate
from feedback_writer.llm._failures import clean_detail
from feedback_writer.llm._flow import (
    LOCAL_PROVIDERS,
    Answer,
    Call,
    Capabilities,
    Flow,
    FlowContext,
    Sleep,
    structured_flow,
    text_flow,
)
from feedback_writer.llm._parse import extract_json_text
from feedback_writer.llm._records import (
    CallRecord,
    LogFn,
    ModelSettings,
    Progress,
    ProgressFn,
    StructuredResult,
)
from feedback_writer.llm._transport import (
    CallCancelled,
    CancelToken,
    aattempt,
    attempt,
    cancel_scope,
    current_token,
    endpoint,
)
from feedback_writer.llm._transport import litellm_module as _litellm

__all__ = [
    "CallCancelled",
    "CallRecord",
    "CancelToken",
    "Gateway",
    "LogFn",
    "ModelSettings",
    "Progress",
    "ProgressFn",
    "RetryFn",
    "StructuredResult",
    "cancel_scope",
    "extract_json_text",
    "gateway_for",
]

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

Validate = Callable[[T], list[str]]
RepairMessages = Callable[[list[str], str], list[dict[str, Any]]]
RetryFn = Callable[[str], None]


class Gateway:
    """Calls one configured model; see the module docstring for the guarantees."""

    def __init__(
        self,
        settings: ModelSettings,
        *,
        log: LogFn | None = None,
        sleep: Callable[[float], None] = time.sleep,
        asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_retry: RetryFn | None = None,
    ) -> None:
        self.settings = settings
        self._log = log
        self.on_retry = on_retry
        """Told each retry before its wait ("rate limited, retrying in 2 s (2/4)"); a
        call's own ``on_retry`` takes precedence."""
        self._sleep = sleep
        self._asleep = asleep
        self._caps: Capabilities | None = None
        self._resolved: tuple[str, str] | None = None
        self._resolved_base: str | None = None

    # --- what litellm knows about the model ------------------------------------------

    def _resolve(self) -> tuple[str, str]:
        """(model name as the provider knows it, provider), or UnknownModel."""
        if self._resolved is None:
            lt = _litellm()
            try:
                name, provider, _, base = lt.get_llm_provider(
                    model=self.settings.model, api_base=self.settings.api_base
                )
            except Exception as exc:
                raise UnknownModel(
                    f"litellm cannot tell which provider serves it: {clean_detail(exc)}",
                    model=self.settings.model,
                    hint="prefix the provider, e.g. 'openai/gpt-4o-mini', "
                    "'anthropic/claude-3-5-haiku-20241022' or 'ollama_chat/llama3.1'",
                ) from None
            self._resolved = (str(name), str(provider))
            self._resolved_base = str(base) if base else None
        return self._resolved

    @property
    def provider(self) -> str:
        """The litellm provider name, e.g. ``openai``, ``anthropic``, ``ollama_chat``."""
        return self._resolve()[1]

    def _capabilities(self) -> Capabilities:
        if self._caps is None:
            lt = _litellm()
            name, provider = self._resolve()
            if provider in ("ollama", "ollama_chat"):
                self._register_local_model(lt, name, provider)
            params = lt.get_supported_openai_params(model=name, custom_llm_provider=provider)
            schema = bool(lt.supports_response_schema(model=name, custom_llm_provider=provider))
            self._caps = Capabilities(provider, frozenset(params or ()), schema)
        return self._caps

    def _register_local_model(self, lt: Any, name: str, provider: str) -> None:
        # For an Ollama model missing from the bundled map, litellm POSTs to /api/show on
        # every capability check and cost calculation (four times per completion, one of
        # them from a background thread). A zero-price entry keeps it offline. It is
        # written into model_cost directly: litellm.register_model would itself call
        # /api/show (on the default localhost:11434, whatever api_base says).
        key = f"{provider}/{name}"
        if key in lt.model_cost or name in lt.model_cost:
            return
        lt.model_cost[key] = {
            "litellm_provider": provider,
            "mode": "chat",
            "input_cost_per_token": 0.0,
            "output_cost_per_token": 0.0,
        }
        cache_clear = getattr(lt.get_model_info, "cache_clear", None)
        if callable(cache_clear):
            cache_clear()

    def check_ready(self) -> None:
        """Raise MissingApiKey, naming the env var(s), when the provider's key is absent."""
        provider = self.provider
        if provider in LOCAL_PROVIDERS:
            return
        env = _litellm().validate_environment(
            model=self.settings.model, api_base=self.settings.api_base
        )
        missing = [str(m) for m in env.get("missing_keys") or []]
        if missing:
            names = " and ".join(missing)
            extra = (
                " (a LiteLLM proxy accepts its virtual key there)" if self.settings.api_base else ""
            )
            raise MissingApiKey(
                f"no API key: {names} is not set",
                provider=provider,
                model=self.settings.model,
                hint=f"set {names} in the environment{extra}, or choose another model",
            )

    def count_tokens(self, messages: list[dict[str, Any]]) -> int:
        """Prompt tokens of ``messages``, counted as litellm counts them for OpenAI models,
        without importing litellm (a ``--dry-run`` stays local and fast)."""
        return _estimate.count_tokens(messages)

    def context_window(self) -> int | None:
        """Max input tokens from litellm's bundled model map (read without importing
        litellm); None when unknown (a local model, a proxy's alias)."""
        return _estimate.context_window(self.settings.model)

    # --- public calls ----------------------------------------------------------------

    def _context(self) -> FlowContext:
        self.check_ready()
        caps = self._capabilities()
        return FlowContext(self.settings, caps, self._log, endpoint=self.endpoint)

    @property
    def endpoint(self) -> str | None:
        """The base URL calls go to (the setting, else what the environment says)."""
        return endpoint(self.provider, self.settings.api_base, self._resolved_base)

    def complete_structured(
        self,
        messages: list[dict[str, Any]],
        response_model: type[T],
        *,
        purpose: str,
        validate: Validate[T] | None = None,
        repair_messages: RepairMessages | None = None,
        on_progress: ProgressFn | None = None,
        stream: bool = False,
        on_retry: RetryFn | None = None,
    ) -> StructuredResult[T]:
        """Ask for a ``response_model``; repair invalid answers; raise GatewayError subclasses.

        ``validate`` adds the caller's checks (returns error strings). ``repair_messages``
        builds the message(s) that follow the assistant's bad answer in a repair turn.
        """
        flow = structured_flow(
            self._context(), messages, response_model, purpose, validate=validate,
            repair_messages=repair_messages, stream=stream, on_progress=on_progress,
        )  # fmt: skip
        return self._run(flow, on_retry)

    async def acomplete_structured(
        self,
        messages: list[dict[str, Any]],
        response_model: type[T],
        *,
        purpose: str,
        validate: Validate[T] | None = None,
        repair_messages: RepairMessages | None = None,
        on_progress: ProgressFn | None = None,
        stream: bool = False,
        on_retry: RetryFn | None = None,
    ) -> StructuredResult[T]:
        """The async twin of :meth:`complete_structured`."""
        flow = structured_flow(
            self._context(), messages, response_model, purpose, validate=validate,
            repair_messages=repair_messages, stream=stream, on_progress=on_progress,
        )  # fmt: skip
        return await self._arun(flow, on_retry)

    def complete_text(
        self,
        messages: list[dict[str, Any]],
        *,
        purpose: str,
        on_progress: ProgressFn | None = None,
        stream: bool = False,
        on_retry: RetryFn | None = None,
    ) -> str:
        """Plain text (e.g. condensing notes), with the same retries and error mapping."""
        return self._run(
            text_flow(self._context(), messages, purpose, stream=stream, on_progress=on_progress),
            on_retry,
        )

    async def acomplete_text(
        self,
        messages: list[dict[str, Any]],
        *,
        purpose: str,
        on_progress: ProgressFn | None = None,
        stream: bool = False,
        on_retry: RetryFn | None = None,
    ) -> str:
        """The async twin of :meth:`complete_text`."""
        return await self._arun(
            text_flow(self._context(), messages, purpose, stream=stream, on_progress=on_progress),
            on_retry,
        )

    # --- drivers: the only code that differs between sync and async ------------------

    def _retrying(self, op: Sleep, on_retry: RetryFn | None) -> None:
        tell = on_retry or self.on_retry
        if tell is not None and op.message:
            tell(op.message)

    def _run(self, flow: Flow[R], on_retry: RetryFn | None = None) -> R:
        reply: Answer | None = None
        try:
            while True:
                op = flow.send(reply)
                if isinstance(op, Sleep):
                    self._retrying(op, on_retry)
                    token = current_token()
                    if token is not None:
                        token.check()
                    self._sleep(op.seconds)
                    if token is not None:
                        token.check()
                    reply = None
                else:
                    reply = self._attempt(op)
        except StopIteration as done:
            result: R = done.value
            return result

    async def _arun(self, flow: Flow[R], on_retry: RetryFn | None = None) -> R:
        reply: Answer | None = None
        try:
            while True:
                op = flow.send(reply)
                if isinstance(op, Sleep):
                    self._retrying(op, on_retry)
                    await self._asleep(op.seconds)
                    reply = None
                else:
                    reply = await self._aattempt(op)
        except StopIteration as done:
            result: R = done.value
            return result

    def _attempt(self, call: Call) -> Answer:
        return attempt(call, self._capabilities().provider)

    async def _aattempt(self, call: Call) -> Answer:
        return await aattempt(call, self._capabilities().provider)


def gateway_for(
    settings: Settings,
    *,
    model: str | None = None,
    log: LogFn | None = None,
    on_retry: RetryFn | None = None,
) -> Gateway | None:
    """A gateway for ``model`` (or the ``model`` setting) as ``settings`` say; None without."""
    chosen = model or settings.model
    if not chosen:
        return None
    limits = ModelSettings(
        model=chosen, api_base=settings.api_base, timeout=settings.timeout,
        max_retries=settings.max_retries, max_repairs=settings.max_repairs,
    )  # fmt: skip
    return Gateway(limits, log=log, on_retry=on_retry)
