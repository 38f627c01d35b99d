"""screens/fast_tables.py: its shortcuts give exactly what Textual's own functions give."""
from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text
from textual.render import measure as textual_measure
from textual.widgets import _data_table
from textual.widgets._data_table import DataTable

from screens import fast_tables

CELLS = ["", "Karen Jensen", "  to  mellemrum ", "Æbleplukning på Fyn", "日本語", "a\tb", "12.345 kr", "100%",
         "[b]fed[/b]", "kl. 10:30", ":smile:", "to\nlinjer", "x" * 300, "🙂 smil"]


def _same(a, b) -> None:
    assert (a.plain, a.spans, a.style, a.end, a.no_wrap, a.justify, a.overflow) == \
           (b.plain, b.spans, b.style, b.end, b.no_wrap, b.justify, b.overflow)


@pytest.mark.parametrize("cell", CELLS)
def test_a_str_cell_becomes_the_text_textual_makes_of_it(cell):
    for wrap, height in ((True, 0), (False, 1), (True, 1)):
        _same(fast_tables.default_cell_formatter(cell, wrap=wrap, height=height),
              fast_tables.textual_formatter(cell, wrap=wrap, height=height))


@pytest.mark.parametrize("cell", CELLS)
def test_a_cell_is_as_wide_as_textual_measures_it(cell):
    console = Console(width=120)
    for renderable in (cell, Text(cell), Text.from_markup(cell) if "[" in cell else Text(cell, style="bold"),
                       fast_tables.textual_formatter(cell, wrap=False, height=1)):
        assert fast_tables.measure(console, renderable, 1) == textual_measure(console, renderable, 1)


def test_the_shortcuts_are_the_ones_every_data_table_uses():
    import screens.base  # noqa: F401 - installs them

    assert _data_table.measure is fast_tables.measure
    assert _data_table.default_cell_formatter is fast_tables.default_cell_formatter
    assert DataTable._update_dimensions.__module__ == _data_table.__name__


async def test_the_ordered_columns_are_textuals_through_adding_clearing_and_removing():
    """screens.fast_tables keeps DataTable.ordered_columns while the columns stay the same (issue #17)."""
    from textual.app import App

    import screens.base  # noqa: F401 - installs it

    def same(table) -> None:
        assert [c.key for c in table.ordered_columns] == [c.key for c in fast_tables._textual_ordered_columns(table)]
        assert table.ordered_columns == fast_tables._textual_ordered_columns(table)

    class One(App):
        def compose(self):
            yield DataTable()

    async with One().run_test() as pilot:
        table = pilot.app.query_one(DataTable)
        same(table)
        table.add_columns("Navn", "CPR")
        same(table)
        table.add_row("Karen", "010145-xxxx")
        table.add_column("Distrikt", key="district")
        same(table)
        table.remove_column("district")
        same(table)
        table.clear(columns=True)
        same(table)
        assert table.ordered_columns == []
        table.add_columns("Tidspunkt", "Medarbejder", "Handling")
        same(table)
        assert [c.label.plain for c in table.ordered_columns] == ["Tidspunkt", "Medarbejder", "Handling"]
        table.clear(columns=True)
        table.add_columns("A", "B", "C")  # as many columns as before, other ones
        same(table)
        assert [c.label.plain for c in table.ordered_columns] == ["A", "B", "C"]
    assert DataTable.ordered_columns.fget is fast_tables.ordered_columns
