"""Textual's own words in the user's language (issue #15, item 3).

Textual 8.2.8 (pinned) shows a few English strings of its own: the command palette's
placeholder, its "No matches found" and its Esc binding, the Select menu's footer hint
"Dismiss menu", the palette's "Maximize"/"Minimize" commands and the Ctrl+C hint
"Press ctrl+q to quit the app". They are replaced here with ``_()`` at the moment the
App is made (the language is known by then: cirkel_tui.cli.started_as), never at import.
"""
from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets._select import SelectOverlay  # not exported; Textual is pinned (8.2.8)
from textual.widgets.option_list import Option

from models.i18n import _


class CirkelPalette(CommandPalette):
    """The command palette with Danish (or English) texts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("placeholder", _("Søg efter skærme og handlinger…"))
        super().__init__(**kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own version adds the English "No matches found"; this one says it in the user's language.
        self._stop_no_matches_countdown()

        def _show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("Intet passer"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, _show_no_matches)


def _rebind(cls, bindings: list[Binding]) -> None:
    """Give a Textual class new binding descriptions (its instances copy the merged map when made)."""
    cls.BINDINGS = bindings
    cls._merged_bindings = cls._merge_bindings()


def install() -> None:
    """Textual's built-in binding descriptions in the current language (called by CirkelApp.__init__)."""
    _rebind(SelectOverlay, [Binding("escape", "dismiss", _("Luk listen"))])
    _rebind(CirkelPalette, [Binding("escape", "escape", _("Luk kommandoerne"))])  # the rest: CommandPalette's


def quit_hint(key: str) -> tuple[str, str]:
    """The notice for Ctrl+C (which copies, never quits): message and title."""
    return _("Tryk {key} for at afslutte Cirkel.").format(key=key), _("Vil du afslutte?")
