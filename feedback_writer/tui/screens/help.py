# ruff: noqa: E501
"""Provides the help screen (``?``): the keys of every screen and the flow in five steps."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# feedback-writer

From a pile of notes to edited, paste-ready feedback, without leaving the terminal.

1. **People (1)**: `n` new person, set the level, target and mode on the right, `Enter` works on them.
2. **Notes (2)**: `a` add (type; it saves itself), `Enter` edit, `d` delete, `u` undo, `i` import a file or a git repository's folder, `x` leave a note out of drafts; notes proposed from git: `p` show only them, `k` keep, `r` drop, `K` keep all from its repository.
3. **Evidence (3)**: `s` suggest evidence, `a` accept, `r` reject, `+` add from the ladder, `g` coverage grid.
4. **Draft (4)**: `g` generate (Esc cancels), `Enter` edit the section beside its evidence (it saves itself), `v` diff against the model's text, `p` approve, `r` regenerate the section.
5. **Export (5)**: the gate says which sections are still untouched; `e` export to a file, `c` copy.

**Settings (6)**: model, ladder and prompts folder for this session, with the rendered prompt.

Everywhere: `1`–`6` switch screens, `ctrl+p` command palette, `ctrl+t` light/dark, `?` this help,
`ctrl+q` quit. Nothing needs saving: every change is stored as you type.

No model configured? Drafts are written offline; nothing leaves the machine.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and flows; Esc, q or ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP)

    def action_close(self) -> None:
        self.dismiss(None)
