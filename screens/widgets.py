"""Small shared widgets, and the one table of state titles the screens show.

Dates and figures are formatted by models.inputs (format_date, format_datetime,
format_int, format_kroner): the same in the TUI, the CLI and the workbooks.
"""
from __future__ import annotations

from rich.text import Text

from models.entities import (
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_NOT_ELIGIBLE,
    STATE_PAUSED,
    STATE_SCREENED,
    STATE_WAITLISTED,
)
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.inputs import format_datetime as fmt_datetime  # noqa: F401 - imported from here by screens
from models.inputs import format_int as fmt_int  # noqa: F401 - imported from here by screens

# The participation states as the screens name them: the words of models.citizens.STATE_LABELS,
# written out here so the catalogue can translate them (a test keeps the two the same).
STATE_TITLES = {
    STATE_SCREENED: _("screenet"),
    STATE_ELIGIBLE: _("i målgruppen"),
    STATE_NOT_ELIGIBLE: _("ikke i målgruppen"),
    STATE_WAITLISTED: _("venteliste"),
    STATE_ACTIVE: _("aktiv"),
    STATE_PAUSED: _("pause"),
    STATE_ENDED: _("afsluttet"),
}


# issue #15: 80×24. Below this many columns the tables use their narrow layout (key columns first,
# long names shortened, the rest reachable with →); the screens get the CSS class -narrow too.
NARROW_BELOW = 100


def narrow(widget) -> bool:
    """Whether the terminal is narrower than ``NARROW_BELOW`` columns (an 80×24 PuTTY window)."""
    return widget.app.size.width < NARROW_BELOW


def shortened(text: str) -> Text:
    """A cell that ends in "…" where its column is too narrow for it."""
    return Text(text, no_wrap=True, overflow="ellipsis")


def in_columns(table, cells: dict) -> list:
    """A row's cells (by column key) in the order of the table's columns."""
    return [cells[key.value] for key in table.columns]


def state_title(state: str) -> str:
    return STATE_TITLES.get(state, state)


def bar(used: int, total: int, width: int = 20) -> Text:
    """A text bar of ``used`` out of ``total``, coloured by how full it is."""
    if total <= 0:
        return Text("─" * width, style="dim")
    share = max(0.0, min(1.0, used / total))
    filled = round(share * width)
    style = "green" if share < 0.75 else ("yellow" if share < 0.95 else "red")
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    return text


def card_boxes(used: int, clips: int = 10) -> Text:
    """The open card as a row of boxes: ■ punched, □ left."""
    text = Text("■ " * used, style="bold")
    text.append("□ " * max(0, clips - used), style="dim")
    return text


# issue #13: an agreement's validity, and that it was closed early
def fmt_validity(agreement) -> str:
    """``02-11-2026 – 31-12-2026`` (open-ended: nothing after the dash), ``(lukket dd-mm-åååå)`` when closed."""
    text = fmt_date(agreement.valid_from) + " – " + (fmt_date(agreement.valid_until) if agreement.valid_until else "")
    if agreement.closed_on:
        text = text.rstrip() + " " + _("(lukket {day})").format(day=fmt_date(agreement.closed_on))
    return text
