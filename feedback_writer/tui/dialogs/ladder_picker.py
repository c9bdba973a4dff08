"""Provides the ladder picker: search the ladder's expectations, return the chosen id."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from feedback_writer.ladder.model import Expectation, Ladder


def _matches(e: Expectation, words: list[str]) -> bool:
    hay = f"{e.id} {e.text} {' '.join(e.signals)}".casefold()
    return all(w in hay for w in words)


class LadderPickerDialog(ModalScreen[str | None]):
    """Type to filter (every word must match id, text or signals); Enter picks."""

    DEFAULT_CSS = """
    LadderPickerDialog { align: center middle; }
    LadderPickerDialog > Vertical {
        width: 90%; max-width: 110; height: 90%; padding: 0 1;
        border: thick $primary; background: $surface;
    }
    LadderPickerDialog OptionList { height: 1fr; }
    LadderPickerDialog .help { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]
    LIMIT = 200  # more than a screenful is noise; the filter narrows it

    def __init__(self, ladder: Ladder, *, levels: list[str] | None = None) -> None:
        super().__init__()
        self.ladder = ladder
        self.levels = levels

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Add evidence[/b]: which expectation does this note show?")
            yield Input(
                placeholder="search: words of the expectation, competency or level", id="query"
            )
            yield OptionList(id="choices")
            yield Label("Enter picks, ↓ to the list, Esc cancels", classes="help")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, query: str) -> None:
        words = query.casefold().split()
        options = self.query_one(OptionList)
        options.clear_options()
        shown = 0
        for e in self.ladder.expectations:
            if self.levels and e.level not in self.levels:
                continue
            if not _matches(e, words):
                continue
            label = Text.assemble((f"{e.competency}·{e.level} ", "bold"), e.text)
            options.add_option(Option(label, id=e.id))
            shown += 1
            if shown >= self.LIMIT:
                break
        if shown:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_focus_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
