"""The one yes/no dialog every screen uses.

``push_screen(ConfirmDialog(...), callback)``: j/y or the yes button says yes;
n, Esc, F12 or the no button says no (Esc is never the only way out).
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from models.i18n import _


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("j,y", "answer(True)", _("Ja"), id="confirm-yes", tooltip=_("Ja, gør det.")),
        Binding("n,escape,f12", "answer(False)", _("Nej"), id="confirm-no", tooltip=_("Nej, fortryd.")),
    ]

    def __init__(self, title: str, body: str = "", *, yes: str | None = None, no: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes or _("Ja")
        self.no = no or _("Nej")

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.title_text, id="confirm-title")
            if self.body:
                yield Static(self.body, id="confirm-body")
            with Horizontal(id="confirm-buttons"):
                yield Button(self._label(self.yes, "j"), id="yes", variant="primary")
                yield Button(self._label(self.no, "n"), id="no")

    @staticmethod
    def _label(text: str, key: str) -> str:
        return text if text.endswith(f"({key})") else f"{text} ({key})"

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
