"""Provides :class:`FindingsPanel`: the quality findings of the open section, beside the
editor, and what the ``f`` key does with the highlighted one (:meth:`FindingsPanel.act`).

The findings are computed in a thread worker (:meth:`FindingsPanel.recheck`, which the
Draft screen calls after each load or save of the draft); a newer check replaces an older
one, and each check waits a moment first, so a burst of saves is checked once. Offsets
index into the stored text of a section; before the span is used it is found again in the
editor's text (the user may have typed since), and a span that is gone is left alone.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList, Static, TextArea
from textual.widgets.text_area import Selection

from feedback_writer.context import AppContext
from feedback_writer.review.export import Finding

DEBOUNCE_SECONDS = 0.3
_DIRECT = re.compile(r"^(?:Replace (?:it )?with|Use)\s+['‘“\"](?P<text>[^'’”\"]*)['’”\"]\.?$")

Load = Callable[[], Mapping[str, Sequence[Finding]]]


def replacement(finding: Finding) -> str | None:
    """The text that replaces the span when the suggestion is a direct replacement
    ("Use 'led'.", "Replace with 'often'."), else None (advice: the span is shown)."""
    m = _DIRECT.match(finding.suggestion.strip())
    return m.group("text") if m else None


def locate(text: str, finding: Finding) -> tuple[int, int] | None:
    """Where the finding's span is in ``text`` now: at its offsets, else its nearest
    occurrence; None when it is gone."""
    start, end = finding.start, finding.end
    if text[start:end] == finding.text and finding.text:
        return start, end
    hits = [m.start() for m in re.finditer(re.escape(finding.text), text)] if finding.text else []
    if not hits:
        return None
    best = min(hits, key=lambda i: abs(i - start))
    return best, best + len(finding.text)


def _one_line(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class FindingsPanel(Vertical):
    """The open section's findings: a list, and the highlighted one's message and fix."""

    DEFAULT_CSS = """
    FindingsPanel { height: 1fr; border-top: hkey $panel; padding: 0 1; }
    FindingsPanel #findings-head { color: $text-muted; height: 1; }
    FindingsPanel #findings-list { height: auto; max-height: 6; border: none; padding: 0; }
    FindingsPanel #findings-detail { height: auto; color: $text-muted; }
    """

    class Loaded(Message):
        """A check finished: every section's findings for draft ``draft_id``."""

        def __init__(
            self, draft_id: int, findings: Mapping[str, Sequence[Finding]], error: str = ""
        ) -> None:
            super().__init__()
            self.draft_id, self.findings, self.error = draft_id, findings, error

    class Highlighted(Message):
        """The user moved to another finding: the screen shows its span."""

        def __init__(self, finding: Finding) -> None:
            super().__init__()
            self.finding = finding

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.key: str | None = None  # the open section
        self.draft_id: int | None = None  # the draft the findings are about
        self._all: Mapping[str, Sequence[Finding]] = {}
        self._checked = False

    def compose(self) -> ComposeResult:
        yield Label("Findings", id="findings-head")
        yield OptionList(id="findings-list")
        yield Static("", id="findings-detail", markup=False)

    # --- the screen's calls ---------------------------------------------------------------
    def recheck(self, ctx: AppContext, draft_id: int) -> None:
        """Check the draft again in a worker (the latest call wins)."""
        from functools import partial

        from feedback_writer.tui.controllers.draft_data import findings_by_section

        if draft_id != self.draft_id:
            self.draft_id, self._all, self._checked = draft_id, {}, False
            self._refill()
        self._check(draft_id, partial(findings_by_section, ctx, draft_id))

    def show(self, key: str) -> None:
        """A section was opened: list its findings."""
        self.key = key
        self._refill()

    @property
    def findings(self) -> list[Finding]:
        """The open section's findings."""
        return list(self._all.get(self.key or "", ()))

    def current(self) -> Finding | None:
        """The highlighted finding of the open section."""
        found = self.findings
        index = self.query_one(OptionList).highlighted
        return found[index] if found and index is not None and index < len(found) else None

    def act(self, editor: TextArea) -> str:
        """Apply the highlighted finding's suggestion when it is a direct replacement, else
        select its span in ``editor``; returns what was done, to tell the user."""
        finding = self.current()
        if finding is None:
            return "No finding in this section."
        if not self.show_span(editor):
            return "That text has changed; the findings are checked again after the save."
        new = replacement(finding)
        if new is not None:
            editor.replace(new, *editor.selection)
            return f"Replaced “{_one_line(finding.text)}” with “{new}”."
        return f"{finding.category}: {finding.suggestion or finding.message}"

    def show_span(self, editor: TextArea) -> bool:
        """Select the highlighted finding's span in ``editor`` (the cursor goes to it);
        False when there is none or its text is gone."""
        finding = self.current()
        span = locate(editor.text, finding) if finding is not None else None
        if span is None:
            return False
        text = editor.text
        start, end = ((text.count("\n", 0, i), i - text.rfind("\n", 0, i) - 1) for i in span)
        editor.selection = Selection(start, end)
        editor.scroll_cursor_visible()
        return True

    # --- checking -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="findings", exit_on_error=False)
    def _check(self, draft_id: int, load: Load) -> None:
        from textual.worker import get_current_worker

        time.sleep(DEBOUNCE_SECONDS)  # a newer check cancels this one meanwhile
        if get_current_worker().is_cancelled:
            return
        try:
            found, error = load(), ""
        except Exception as exc:  # shown in the panel; the draft stays usable
            found, error = {}, f"{type(exc).__name__}: {exc}"
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(draft_id, found, error))

    def on_findings_panel_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.draft_id != self.draft_id:
            return
        self._all, self._checked = message.findings, True
        self._refill(message.error)

    def _refill(self, error: str = "") -> None:
        options = self.query_one(OptionList)
        before = self.current()
        found = self.findings
        options.clear_options()
        options.add_options(f"{f.category} “{_one_line(f.text, 24)}”" for f in found)
        head = self.query_one("#findings-head", Label)
        if error:
            head.update(f"Findings: check failed ({error})")
        elif not self._checked:
            head.update("Findings: checking…")
        else:
            head.update(f"Findings: {len(found)}")
        if found:
            same = [i for i, f in enumerate(found) if before and f.rule == before.rule]
            options.highlighted = same[0] if same else 0
        self._detail()

    def _detail(self) -> None:
        finding = self.current()
        text = ""
        if finding is not None:
            how = "f: replace it" if replacement(finding) is not None else "f: go to it"
            text = f"{finding.message}\n→ {finding.suggestion} ({how})"
        self.query_one("#findings-detail", Static).update(text)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._detail()
        finding = self.current()
        if finding is not None and event.option_list.has_focus:
            self.post_message(self.Highlighted(finding))
