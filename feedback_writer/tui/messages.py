"""Provides every custom Message of the TUI: how worker results come back to the screens.

Workers run the core (imports, mapping, drafting, export) off the event loop and post one
of these; the screen's handler updates its widgets. Keeping them in one module makes the
traffic between workers and screens easy to read in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from feedback_writer.tui.controllers.draft_data import DraftView


class NotesImported(Message):
    """A notes file landed (whole) in the workspace."""

    def __init__(self, path: str, added: int, skipped: int) -> None:
        super().__init__()
        self.path = path
        self.added = added
        self.skipped = skipped


class WorkFailed(Message):
    """A worker met an error; ``what`` names the job for the notification title."""

    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__()
        self.what = what
        self.error = error


class SuggestionsReady(Message):
    """The mapping run finished; ``summary`` is a one-line account of what it did."""

    def __init__(self, summary: str, warnings: list[str] | None = None) -> None:
        super().__init__()
        self.summary = summary
        self.warnings = list(warnings or [])


@dataclass
class DraftStats:
    """Running totals of a draft generation, shown beside the progress bar."""

    chars: int = 0
    completion_tokens: int = 0
    prompt_tokens: int = 0
    cost_usd: float | None = None
    calls: int = 0
    stage: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class DraftProgress(Message):
    """A status line of a draft generation ("drafting with X: ~N tokens") and the totals."""

    def __init__(self, text: str, stats: DraftStats) -> None:
        super().__init__()
        self.text = text
        self.stats = stats


class DraftText(Message):
    """A piece of the model's streamed answer (names restored); the screen batches them."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class DraftFinished(Message):
    """A draft (or one regenerated section) is stored; ``draft_id`` is the new draft."""

    def __init__(self, draft_id: int, stats: DraftStats, cancelled: bool = False) -> None:
        super().__init__()
        self.draft_id = draft_id
        self.stats = stats
        self.cancelled = cancelled


class DraftCancelled(Message):
    """The user pressed Esc while a draft was generating; nothing was stored."""


class ExportReady(Message):
    """The export text was rendered (for the preview) or written (``path`` set)."""

    def __init__(self, text: str, path: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.path = path


class DraftLoaded(Message):
    """The person's latest draft, its sections and gate states were read (``saved``: the
    read follows a section save, so the editor's head says so)."""

    def __init__(self, person: str, view: DraftView, saved: bool = False) -> None:
        super().__init__()
        self.person = person
        self.view = view
        self.saved = saved


class EvidenceLoaded(Message):
    """The evidence text of one section of a draft was read."""

    def __init__(self, draft_id: int, key: str, text: str) -> None:
        super().__init__()
        self.draft_id = draft_id
        self.key = key
        self.text = text


class EditorSaved(Message):
    """An :class:`AutosaveEditor` stored its text."""

    def __init__(self, editor: Any, text: str) -> None:
        super().__init__()
        self.editor = editor
        self.text = text


class EditorSaveFailed(Message):
    """An :class:`AutosaveEditor` could not store its text; it keeps it and retries."""

    def __init__(self, editor: Any, error: Exception, attempt: int) -> None:
        super().__init__()
        self.editor = editor
        self.error = error
        self.attempt = attempt
