"""Provides the People screen: pick or create a person, set level, target, mode and cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Label, Select, Static

from feedback_writer.storage.records import Person
from feedback_writer.tui.dialogs.prompt import PromptDialog
from feedback_writer.tui.screens.base import MainScreen
from feedback_writer.tui.widgets.navbar import NavBar

_MODES = [("manager review", "manager"), ("self-review", "self")]


def _cycle_problem(text: str) -> str | None:
    _, dates = _split_cycle(text)
    if dates is None:
        return "Dates look like: H1 2026 2026-01-01 2026-06-30"
    return None


def _split_cycle(text: str) -> tuple[str, tuple[dt.date | None, dt.date | None] | None]:
    """'H1 2026 2026-01-01 2026-06-30' -> ('H1 2026', (start, end)); dates optional."""
    words = text.split()
    dates: list[dt.date] = []
    while words and len(dates) < 2 and words[-1][:4].isdigit() and "-" in words[-1]:
        try:
            dates.insert(0, dt.date.fromisoformat(words[-1]))
        except ValueError:
            return text, None
        words.pop()
    title = " ".join(words) or text
    start = dates[0] if dates else None
    end = dates[1] if len(dates) > 1 else None
    return title, (start, end)


class PeopleScreen(MainScreen):
    """The people you write feedback about; Enter works on the highlighted one."""

    MODE = "people"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_person", "New person"),
        Binding("enter", "choose", "Work on", show=True),
        Binding("c", "new_cycle", "New cycle"),
    ]
    DEFAULT_CSS = """
    PeopleScreen #people-table { width: 1fr; }
    PeopleScreen #person-form { width: 38; padding: 0 1; border-left: vkey $panel; }
    PeopleScreen #person-form Select { margin-bottom: 1; }
    PeopleScreen .field { color: $text-muted; }
    PeopleScreen #cycle { height: auto; }
    PeopleScreen #empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._people: list[Person] = []
        self._loading = False

    def body(self) -> Iterable[Widget]:
        table: DataTable[str] = DataTable(id="people-table", cursor_type="row")
        table.add_columns("Name", "Level", "Target", "Mode", "Notes")
        levels = [(lv.name, lv.slug) for lv in self.ladder.levels]
        yield Horizontal(
            Vertical(
                table,
                Static(
                    "Nobody yet. Press [b]n[/b] to add the person you are writing feedback about.",
                    id="empty",
                ),
            ),
            Vertical(
                Label("", id="person-name"),
                Label("Current level", classes="field"),
                Select(levels, prompt="not set", id="level"),
                Label("Target level", classes="field"),
                Select(levels, prompt="not set", id="target"),
                Label("Mode", classes="field"),
                Select(_MODES, allow_blank=False, value="manager", id="mode"),
                Static("", id="cycle"),
                id="person-form",
            ),
        )

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        self._fill_table(self.person)
        self._show_form(self._highlighted())

    def _fill_table(self, keep: str | None) -> None:
        table: DataTable[str] = self.query_one(DataTable)
        self._people = self.repo.list_people()
        table.clear()
        for p in self._people:
            table.add_row(
                p.name,
                p.current_level or "—",
                p.target_level or "—",
                p.mode,
                str(self.repo.count_notes(p.name)),
                key=p.name,
            )
        self.query_one("#empty").display = not self._people
        table.display = bool(self._people)
        if keep is not None and any(p.name == keep for p in self._people):
            table.move_cursor(row=table.get_row_index(keep))

    def _highlighted(self) -> Person | None:
        table: DataTable[str] = self.query_one(DataTable)
        if not self._people or table.cursor_row < 0:
            return None
        row = min(table.cursor_row, len(self._people) - 1)
        return self._people[row]

    def _show_form(self, person: Person | None) -> None:
        form = self.query_one("#person-form")
        form.display = person is not None
        if person is None:
            return
        self._loading = True  # setting the selects must not write back
        try:
            self.query_one("#person-name", Label).update(f"[b]{person.name}[/b]")
            for field, value in (
                ("#level", person.current_level),
                ("#target", person.target_level),
            ):
                select: Select[str] = self.query_one(field, Select)
                if value and value in self.ladder.level_slugs:
                    select.value = value
                else:
                    select.clear()
            self.query_one("#mode", Select).value = person.mode
            cycle = self.repo.current_cycle(person.name)
            text = "no cycle: drafts cover every note (c starts one)"
            if cycle is not None:
                text = f"cycle [b]{cycle.name}[/b] {cycle.start or '…'} → {cycle.end or '…'}"
            self.query_one("#cycle", Static).update(text)
        finally:
            self.call_after_refresh(self._done_loading)

    def _done_loading(self) -> None:
        self._loading = False

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_form(self._highlighted())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_choose()

    def on_select_changed(self, event: Select.Changed) -> None:
        person = self._highlighted()
        if self._loading or person is None or event.value is Select.NULL:
            return
        value: Any = event.value
        field = {"level": "current_level", "target": "target_level", "mode": "mode"}
        name = field.get(event.select.id or "")
        if name is None:
            return
        current = getattr(person, name)
        if current == value:
            return
        try:
            self.repo.update_person(person.name, **{name: str(value)})
        except Exception as exc:
            self.fw.show_error(exc)
            return
        # Only the table: re-setting the form here would undo a change still in flight.
        self._fill_table(person.name)

    # --- actions ----------------------------------------------------------------------
    def action_choose(self) -> None:
        person = self._highlighted()
        if person is None:
            self.action_new_person()
            return
        self.fw.choose_person(person.name)
        self.fw.action_goto("notes")

    def action_new_person(self) -> None:
        def created(name: str | None) -> None:
            if name is None:
                return
            try:
                person = self.repo.ensure_person(name)  # an existing one, however typed
            except Exception as exc:
                self.fw.show_error(exc)
                return
            self.fw.choose_person(person.name)
            self.reload()
            self.query_one(NavBar).refresh_bar()
            self.notify(f"{person.name}: set the level and target on the right, then Enter.")

        self.app.push_screen(
            PromptDialog("New person", placeholder="their name, as you want it in the feedback"),
            created,
        )

    def action_new_cycle(self) -> None:
        person = self._highlighted()
        if person is None:
            return

        def started(text: str | None) -> None:
            if text is None:
                return
            title, dates = _split_cycle(text)
            start, end = dates or (None, None)
            try:
                self.repo.start_cycle(person.name, title, start, end)
            except Exception as exc:
                self.fw.show_error(exc)
                return
            self._show_form(person)

        self.app.push_screen(
            PromptDialog(
                f"New review cycle for {person.name}",
                placeholder="H1 2026 2026-01-01 2026-06-30",
                help_text="A title, then optional first and last day (YYYY-MM-DD)",
                check=_cycle_problem,
            ),
            started,
        )
