"""Provides :class:`VirtualTable`: a read-only table of text rows with a row cursor that
renders only the lines on screen, for lists of many thousand rows (the Notes screen).

Textual's ``DataTable`` keeps a renderable per cell and re-measures rows as they are added;
at 10,000 notes filling and paging through it took seconds. Here the rows are an in-memory
list of string tuples: :meth:`VirtualTable.set_rows` swaps the whole list at once (column
widths measured in one pass) and ``render_line`` builds the few visible lines, one segment
each. Keys and messages follow ``DataTable`` (cursor type "row"): up/down, page up/down,
home/end move the cursor and post :class:`VirtualTable.RowHighlighted`; Enter, or a click on
the highlighted row, posts :class:`VirtualTable.RowSelected`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

Row = tuple[str, ...]

_PAD = 1
"""Blank cells on each side of a cell (DataTable's default ``cell_padding``)."""


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


class VirtualTable(ScrollView, can_focus=True):
    """Rows of text under a header line; the row cursor is the highlighted row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "cursor_home", "First row", show=False),
        Binding("end,ctrl+end", "cursor_end", "Last row", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"virtual-table--header", "virtual-table--cursor"}
    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .virtual-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .virtual-table--header { background-tint: $foreground 5%; }
        }
        & > .virtual-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .virtual-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: VirtualTable, cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowSelected(RowHighlighted):
        """Enter on the highlighted row, or a click on it."""

    def __init__(self, *columns: str, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._columns: Row = columns
        self._rows: list[Row] = []
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._widths = [_width(c) for c in columns]
        self._cursor = 0
        self._update_virtual_size()

    # --- data -------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    def get_row_at(self, index: int) -> Row:
        return self._rows[index]

    def get_row_index(self, key: str) -> int:
        """The index of the row with ``key``; raises KeyError if there is none."""
        return self._index[key]

    def set_rows(self, rows: Sequence[Row], keys: Sequence[str]) -> None:
        """Show ``rows`` (one key each) instead of the rows shown; the cursor stays on its
        index (within the new rows) and posts no message."""
        self._rows = list(rows)
        self._keys = list(keys)
        self._index = {key: i for i, key in enumerate(self._keys)}
        widths = [_width(c) for c in self._columns]
        for column, texts in enumerate(zip(*self._rows, strict=True)):
            wide = not "".join(texts).isascii()
            widths[column] = max(widths[column], *map(cell_len if wide else len, texts))
        self._widths = widths
        self._cursor = max(0, min(self._cursor, len(self._rows) - 1))
        self._update_virtual_size()
        self.refresh()

    def update_row(self, key: str, row: Row) -> None:
        """Replace the cells of the row with ``key`` (its column widths may grow)."""
        self._rows[self._index[key]] = row
        widths = [max(w, _width(c)) for w, c in zip(self._widths, row, strict=False)]
        if widths != self._widths:
            self._widths = widths
            self._update_virtual_size()
        self.refresh()

    def clear(self) -> None:
        self.set_rows([], [])

    def _update_virtual_size(self) -> None:
        width = sum(w + 2 * _PAD for w in self._widths)
        self.virtual_size = Size(width, len(self._rows) + 1)

    # --- cursor -----------------------------------------------------------------------
    @property
    def _page(self) -> int:
        """Rows in view (the header line is not a row)."""
        return max(1, self.scrollable_content_region.height - 1)

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped); a new row posts RowHighlighted."""
        if not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        moved = row != self._cursor
        self._cursor = row
        if scroll:
            self._scroll_to_cursor()
        if moved:
            self.refresh()
            self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_down(self) -> None:
        self.scroll_to(y=self.scroll_y + self._page, animate=False, force=True)
        self.move_cursor(row=self._cursor + self._page)

    def action_page_up(self) -> None:
        self.scroll_to(y=self.scroll_y - self._page, animate=False, force=True)
        self.move_cursor(row=self._cursor - self._page)

    def action_cursor_home(self) -> None:
        self.move_cursor(row=0)

    def action_cursor_end(self) -> None:
        self.move_cursor(row=len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor, self._keys[self._cursor]))

    def on_click(self, event: events.Click) -> None:
        row = event.y - 1 + round(self.scroll_y)
        if event.y < 1 or not 0 <= row < len(self._rows):
            return
        if row == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- rendering --------------------------------------------------------------------
    def _line(self, row: Row, style: Style) -> list[Segment]:
        pad = " " * _PAD
        return [
            Segment(pad + cell + " " * (width - _width(cell)) + pad, style)
            for cell, width in zip(row, self._widths, strict=False)
        ]

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the view: the header on top, then the rows scrolled to (the
        header and the cursor's row are coloured across the whole width)."""
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y == 0:
            row, style = self._columns, base + self._component("header")
        else:
            index = scroll_y + y - 1
            if index >= len(self._rows):
                return Strip.blank(width, base)
            row = self._rows[index]
            style = base + self._component("cursor") if index == self._cursor else base
        strip = Strip(self._line(row, style))
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _component(self, name: str) -> Style:
        return self.get_component_styles(f"virtual-table--{name}").rich_style
