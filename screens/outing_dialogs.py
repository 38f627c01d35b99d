"""Small dialogs and form pieces shared by the catalogue and outing screens.

Every dialog can be left without Esc (a button, and ``n``/F12), since Esc is
slow over SSH. Form fields show their Danish message right under the field.
"""
from __future__ import annotations

import decimal
from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from models.i18n import _


def fmt_dkk(amount) -> str:
    """1.850,00 kr. — Danish thousands and decimals."""
    value = decimal.Decimal(amount or 0).quantize(decimal.Decimal("0.01"))
    whole, _sep, cents = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{cents} kr."


class FieldRow(Vertical):
    """A label, its field and the field's error line."""

    def __init__(self, label: str, widget: Widget, name: str) -> None:
        super().__init__(classes="field-row")
        self._label = label
        self._widget = widget
        self.field_name = name

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            yield Label(self._label, classes="field-label")
            yield self._widget
        yield Static("", classes="field-error", id=f"err-{self.field_name}")


def show_field_errors(screen, errors: dict[str, str]) -> None:
    """Write each message under its field, hide the others' and focus the first field in error."""
    first = None
    for static in screen.query(".field-error"):
        name = (static.id or "").removeprefix("err-")
        message = errors.get(name, "")
        static.update(message)
        static.display = bool(message)
        if message and first is None:
            first = name
    if first is not None:
        for widget in screen.query(f"#{first}"):
            if widget.focusable:
                widget.focus()
            break


class OutingDialog(ModalScreen):
    """A form dialog of the outings screens: Esc, F12 or the #cancel button closes it with None."""

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)


class AskDialog(OutingDialog):
    """Ask for one line of text; ``check`` returns a Danish error message or None."""

    BINDINGS = [
        Binding("escape,f12", "cancel", _("Annullér"), id="ask-cancel", tooltip=_("Luk uden at gemme.")),
    ]

    def __init__(self, title: str, prompt: str, value: str = "", *,
                 check: Callable[[str], str | None] | None = None, ok: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.check = check
        self.ok = ok or _("OK")

    def compose(self) -> ComposeResult:
        with Vertical(classes="outing-dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.prompt, classes="dialog-prompt")
            yield Input(self.value, id="answer")
            yield Static("", classes="field-error", id="err-answer")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok, id="ok", variant="primary")
                yield Button(_("Annullér (F12)"), id="cancel")

    def on_mount(self) -> None:
        show_field_errors(self, {})
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        text = self.query_one("#answer", Input).value.strip()
        problem = self.check(text) if self.check else None
        if problem:
            show_field_errors(self, {"answer": problem})
            return
        self.dismiss(text)
