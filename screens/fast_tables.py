"""Faster DataTable fills, with the same cells and the same column widths (issue #17, item 4).

A DataTable measures every new cell to size its columns, through Textual's ``render.measure``,
which builds a fresh ``ConsoleOptions`` per cell (``Console.options``) only for ``Text`` to ignore
it; and it turns every ``str`` cell into ``Text`` through the markup parser. At a few hundred
rows that was most of a screen's opening (Udskrivning: 400 rows × 6 cells ≈ 2,400 cells,
≈ 100 ms). Two exact shortcuts, installed into Textual's data-table module (Textual is pinned,
8.2.8; tests/tui/test_fast_tables.py checks them against Textual's own functions):

- ``measure``: a plain ``Text`` is measured as ``Text.__rich_measure__`` measures it (its widest
  line) without the console options it does not use; anything else goes to Textual's ``measure``;
- ``default_cell_formatter``: a ``str`` with neither ``[`` (markup) nor ``:`` (emoji codes) becomes
  the ``Text`` the markup parser would make of it, without the parser; anything else goes to
  Textual's formatter;
- ``DataTable.ordered_columns`` (issue #17): Textual builds the list of columns anew on every call —
  several times per row added and per line drawn (≈ 2,000 times while Udskrivning opens); the list
  is kept while the table's columns stay the same (the same column-location map, which Textual
  replaces when columns are cleared or removed, holding as many columns) and built as Textual
  builds it otherwise.
"""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.render import measure as textual_measure
from textual.widgets import _data_table
from textual.widgets._data_table import default_cell_formatter as textual_formatter


def measure(console, renderable, default: int, *, container_width: int | None = None) -> int:
    if type(renderable) is Text:  # exactly Text: a subclass may measure itself otherwise
        lines = renderable.plain.splitlines()
        return max(0, max(cell_len(line) for line in lines) if lines else 0)
    return textual_measure(console, renderable, default, container_width=container_width)


def default_cell_formatter(obj: object, wrap: bool = True, height: int = 0):
    if type(obj) is str and "[" not in obj and ":" not in obj and "\n" not in obj:
        text = Text(obj, end="")
        text.no_wrap = not wrap
        return text
    return textual_formatter(obj, wrap=wrap, height=height)


_textual_ordered_columns = _data_table.DataTable.ordered_columns.fget


def ordered_columns(table) -> list:
    """The table's columns in the order they appear, as ``DataTable.ordered_columns`` (kept, see above)."""
    locations = table._column_locations
    kept = table.__dict__.get("_cirkel_ordered_columns")
    if kept is not None and kept[0] is locations and kept[1] == len(locations) == len(table.columns):
        return kept[2]
    columns = _textual_ordered_columns(table)
    table.__dict__["_cirkel_ordered_columns"] = (locations, len(locations), columns)
    return columns


def install() -> None:
    """Put the shortcuts into Textual's data-table module (once; idempotent)."""
    _data_table.measure = measure
    _data_table.default_cell_formatter = default_cell_formatter
    _data_table.DataTable.ordered_columns = property(ordered_columns, doc=_data_table.DataTable.ordered_columns.__doc__)
