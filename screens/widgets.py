"""Small shared widgets, and the one table of state titles the screens show.

Dates and figures are formatted by models.inputs (format_date, format_datetime,
format_int, format_kroner): the same in the TUI, the CLI and the workbooks.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay  # not exported; Textual is pinned (8.2.8)

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


# issue #17: a form of many answer lists (Screening: nine) opens without making every list first
class ListOnDemand(Select):
    """A :class:`~textual.widgets.Select` whose drop-down list is made the first time it opens.

    Textual's Select composes, beside the field, its list — an ``OptionList`` with every option,
    hidden until opened — and fills and highlights it whenever the options or the value change:
    about a third of what each Select costs a screen that opens (issue #17). Here the field is
    composed as Textual composes it and behaves the same (value, ``Changed``, ``set_options``,
    ``clear``, the prompt); the list is mounted and filled when it is first opened (Enter, ↑, ↓,
    space, or a click), and from then on it is Textual's own.
    """

    def compose(self):
        yield SelectCurrent(self.prompt)

    def _list(self) -> SelectOverlay | None:
        for child in self.children:
            if isinstance(child, SelectOverlay):
                return child
        return None

    async def _make_list(self) -> None:
        if self._list() is not None:
            return
        overlay = SelectOverlay(type_to_search=self._type_to_search)
        overlay.compact = self.compact  # Textual binds it to the Select's; it never changes here
        await self.mount(overlay)
        self._setup_options_renderables()

    def _setup_options_renderables(self) -> None:
        if self._list() is not None:
            super()._setup_options_renderables()

    def _watch_value(self, value) -> None:
        if self._list() is not None:
            super()._watch_value(value)
            return
        # Textual's, without a list to highlight the value in (it is highlighted when the list opens)
        self._value = value
        try:
            current = self.query_one(SelectCurrent)
        except NoMatches:
            return
        if value == self.NULL:
            current.update(self.NULL)
        else:
            for prompt, option_value in self._options:
                if option_value == value:
                    current.update(prompt)
                    break
        self.post_message(self.Changed(self, value))

    def _watch_prompt(self, prompt: str) -> None:
        if self._list() is not None:
            super()._watch_prompt(prompt)
            return
        if not self.is_mounted:
            return
        current = self.query_one(SelectCurrent)
        current.placeholder = prompt
        if self._allow_blank and self.value == self.NULL:
            current.update(self.NULL)

    async def action_show_overlay(self) -> None:
        await self._make_list()
        super().action_show_overlay()

    @on(SelectCurrent.Toggle)
    async def _make_list_before_it_opens(self, event: SelectCurrent.Toggle) -> None:
        await self._make_list()  # then Textual's own handler opens it


class MountedLater(Widget):
    """Holds ``widget`` in its place, unmounted, until the screen calls :meth:`mount_now` (issue #17).

    For a part of a screen that is not needed for its first figures (a form's lower half): it is
    mounted after the frame that shows them, instead of being composed and laid out before it.
    Like ``textual.lazy.Lazy``, but at the moment the screen chooses, not at the first refresh."""

    DEFAULT_CSS = "MountedLater { display: none; }"

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self._widget = widget
        self._asked = False

    def mount_now(self) -> None:
        """Mount the widget in this one's place after the screen's next frame (once; a second call does
        nothing)."""
        if self._asked:
            return
        self._asked = True

        async def replace() -> None:
            if self.parent is not None:
                await self.parent.mount(self._widget, after=self)
                await self.remove()

        after_frame = getattr(self.screen, "call_after_frame", None)  # screens.base.CirkelScreen's
        (after_frame or self.call_after_refresh)(replace)
