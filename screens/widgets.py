"""Small shared widgets and formatting helpers."""
from __future__ import annotations

import datetime as _dt

from rich.text import Text

from models.i18n import _


def fmt_date(value: _dt.date | _dt.datetime | None) -> str:
    """dd-mm-yyyy, the users' way of writing a date."""
    if value is None:
        return ""
    return value.strftime("%d-%m-%Y")


def fmt_datetime(value: _dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%d-%m-%Y %H:%M")


def fmt_int(value: int) -> str:
    """Thousands with a dot, as Danish readers expect (12.345)."""
    return f"{value:,}".replace(",", ".")


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
