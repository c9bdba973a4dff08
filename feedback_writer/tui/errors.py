"""Provides how an error becomes a notification: what went wrong and what to do next.

The TUI never shows a traceback. A :class:`FeedbackWriterError` already carries a message
that names the file, line, field or provider, and often a hint; anything else is a bug,
reported in one line with its type so it can be told apart from a user problem.
"""

from __future__ import annotations

from feedback_writer.errors import (
    ContextTooLong,
    ExportBlocked,
    FeedbackWriterError,
    MissingApiKey,
    ModelTimeout,
    ProviderUnavailable,
    RateLimited,
    UnknownModel,
)

# What to do next for errors whose own hint (if any) speaks of the CLI.
_NEXT_STEP: dict[type[FeedbackWriterError], str] = {
    MissingApiKey: "set the provider's key in the environment (e.g. OPENAI_API_KEY) and "
    "restart, or clear the model in Settings (6) to draft offline",
    UnknownModel: "check the model string in Settings (6)",
    RateLimited: "wait a minute and generate again, or pick another model in Settings (6)",
    ProviderUnavailable: "the provider is down or unreachable: retry later, or draft offline",
    ModelTimeout: "retry, or raise the timeout in the config file",
    ContextTooLong: "narrow the notes (exclude some with x on Notes) or use a larger model",
    ExportBlocked: "edit (or approve) the listed sections on the Draft screen (4)",
}


def describe_error(error: BaseException) -> tuple[str, str]:
    """(title, message) for a notification about ``error``."""
    if isinstance(error, FeedbackWriterError):
        title = type(error).__name__
        message = error.message
        step = next((s for t, s in _NEXT_STEP.items() if isinstance(error, t)), None)
        hint = step or error.hint
        if hint:
            message = f"{message}\n→ {hint}"
        return title, message
    return "Unexpected error", f"{type(error).__name__}: {error}"
