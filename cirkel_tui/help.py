"""F1 help: every key, from the one registry, plus the current screen's own keys."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from .i18n import _
from .navigation import DESTINATIONS, GLOBAL_ACTIONS, key_label


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q,question_mark,enter", "dismiss_help", _("Luk"), id="help-close",
                tooltip=_("Luk hjælpen.")),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(_("Taster i Cirkel"), id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)
            yield Static(_("Esc, F1 eller q lukker. Ctrl+P søger blandt alle kommandoer."), id="help-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Tast"), _("Handling"), _("Beskrivelse"))
        under = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if under is not None:
            seen = set()
            for binding in getattr(under, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.description and binding.key not in seen:
                    seen.add(binding.key)
                    table.add_row(key_label(binding.key), binding.description, binding.tooltip or "")
        for dest in DESTINATIONS:
            table.add_row(key_label(dest.keys), dest.title, dest.help)
        for action in GLOBAL_ACTIONS:
            table.add_row(key_label(action.keys), action.title, action.help)
        table.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
