"""F1 help: every key, from the one registry, plus the current screen's own keys."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from models.i18n import _

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
            yield Static(_("Esc/F1/q lukker · {key}: alle kommandoer · [keys] i cirkel.toml flytter taster").format(
                key=self.app.key_label_for("palette")), id="help-hint", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The description wraps within the box (auto row height), so nothing is cut at 80 columns.
        box = min(int(self.app.size.width * 0.9), 110)  # #help-box: width 90%, max-width 110
        table.add_column(_("Tast"), width=12)
        table.add_column(_("Handling"), width=16)
        # box − the two columns − cell padding (6) − border, padding and scrollbar (8)
        table.add_column(_("Beskrivelse"), width=max(20, box - 12 - 16 - 14))
        under = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if under is not None:
            seen = set()
            for binding in getattr(under, "BINDINGS", []):
                if isinstance(binding, Binding) and binding.description and binding.key not in seen:
                    seen.add(binding.key)
                    table.add_row(key_label(binding.key), binding.description, binding.tooltip or "", height=None)
        # the keys as they are now: the [keys] table may have moved them (issue #15, item 7)
        for dest in DESTINATIONS:
            table.add_row(self.app.key_label_for(dest.binding_id), dest.title, dest.help, height=None)
        for action in GLOBAL_ACTIONS:
            table.add_row(self.app.global_key_label(action), action.title, action.help, height=None)
        table.focus()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
