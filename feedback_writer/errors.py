"""Provides the one exception hierarchy of feedback-writer.

Every error a user can cause or meet derives from :class:`FeedbackWriterError`. The CLI
catches that base class and prints ``str(error)`` (one line per problem) with the error's
``exit_code``, never a traceback. Messages name the file, line, field or provider involved
and, where there is one, what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class FeedbackWriterError(Exception):
    """Base class: a problem the user can act on. ``str()`` is the message shown."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class UsageError(FeedbackWriterError):
    """Bad input from the user: a file, a flag value, a name that does not exist."""

    exit_code = 2


class ProblemsError(UsageError):
    """Several problems found at once (validation); one line per problem."""

    def __init__(self, problems: Sequence[str], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems), hint=hint)


class LadderError(ProblemsError):
    """A ladder file that cannot be read or does not validate."""


class NotesImportError(ProblemsError):
    """A notes file that cannot be imported; nothing of it was stored."""


class ConfigError(UsageError):
    """A configuration file or value that is invalid."""


class TemplateError(ProblemsError):
    """A prompt template that does not render (syntax, undefined variable)."""


class NotFoundError(UsageError):
    """A person, note, draft or section that does not exist."""


class WorkspaceError(FeedbackWriterError):
    """The workspace database cannot be opened or migrated."""


class WorkspaceBusy(WorkspaceError):
    """Another process kept the workspace locked for writing longer than we waited."""


class ExportBlocked(FeedbackWriterError):
    """Export refused by the review gate: some sections have not been edited by a human."""

    exit_code = 3

    def __init__(
        self,
        untouched: Sequence[str],
        policy: str,
        person: str | None = None,
        *,
        details: dict[str, str] | None = None,
    ) -> None:
        self.untouched = list(untouched)
        self.policy = policy
        self.details = dict(details or {})
        who = f'"{person}"' if person else "NAME"
        need = "edited" if policy == "edit" else "edited or approved"
        listed = "\n".join(
            f"  - {s}: {self.details[s]}" if s in self.details else f"  - {s}"
            for s in self.untouched
        )
        super().__init__(
            f"export refused: {len(self.untouched)} section(s) not yet {need} by a human "
            f"(policy '{policy}'):\n{listed}",
            hint=f"edit them with: feedback-writer review --person {who}  (or in the TUI)",
        )


class SaveConflict(FeedbackWriterError):
    """A save based on an older version of a section than its current one: refused, never
    silently overwritten. The refused text is kept in the section's history (stale)."""

    exit_code = 5

    def __init__(self, conflicts: Sequence[dict[str, Any]], *, hint: str | None = None) -> None:
        # each: key, based_on, current (version number), actor, text (the newer text),
        # kept (the number under which the refused text is kept)
        self.conflicts = list(conflicts)
        lines = ["not saved: someone else saved newer text first"]
        for c in self.conflicts:
            newer = "\n".join("    | " + line for line in str(c["text"]).splitlines()) or "    |"
            lines.append(
                f"  - {c['key']}: you edited version {c['based_on']}, it is now version "
                f"{c['current']} ({c['actor']}); your text is kept as version {c['kept']} "
                f"in its history. The newer text:\n{newer}"
            )
        super().__init__(
            "\n".join(lines),
            hint=hint or "review the newer text, then make your change again on top of it",
        )


class ReviewFileError(UsageError):
    """An edited review file whose section markers are missing or mangled."""


class ExportExistsError(UsageError):
    """The export target exists and --force was not given."""


# --- model gateway -------------------------------------------------------------------


class GatewayError(FeedbackWriterError):
    """A model call failed. ``provider`` and ``model`` name where it went."""

    exit_code = 4

    def __init__(
        self, message: str, *, provider: str = "", model: str = "", hint: str | None = None
    ) -> None:
        self.provider = provider
        self.model = model
        prefix = f"{provider or 'model'} ({model}): " if model else ""
        super().__init__(prefix + message, hint=hint)


class MissingApiKey(GatewayError):
    """No API key for the provider in the environment."""


class UnknownModel(GatewayError):
    """The provider (or litellm) does not know the model string."""


class RateLimited(GatewayError):
    """HTTP 429 after every retry."""


class ContextTooLong(GatewayError):
    """The prompt does not fit the model's context window."""


class ModelTimeout(GatewayError):
    """The provider did not answer in time."""


class ProviderUnavailable(GatewayError):
    """5xx or connection errors after every retry."""


class StructuredOutputError(GatewayError):
    """The model's answer stayed invalid after every repair turn."""

    def __init__(
        self,
        message: str,
        *,
        attempts: int,
        last_errors: Sequence[str],
        last_completion: str,
        provider: str = "",
        model: str = "",
    ) -> None:
        self.attempts = attempts
        self.last_errors = list(last_errors)
        self.last_completion = last_completion
        super().__init__(message, provider=provider, model=model)


def describe(exc: BaseException) -> dict[str, Any]:
    """A small JSON-able description of an error, for logs and notifications."""
    return {"type": type(exc).__name__, "message": str(exc)}
