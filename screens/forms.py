"""The one form kit: a field row, the message under the field, and the one dialog that asks for a text.

::

    from screens.forms import Form, FieldRow, AskDialog

    class MoveDialog(Form, CirkelDialog):
        def compose(self):
            yield FieldRow(_("Antal klip"), Input(id="move-clips"), field="clips")
            yield FieldRow(_("Begrundelse"), Input(id="move-reason"), field="reason", hint=_("kræves"))
            yield FieldMessage(id="form-message")          # for a refusal that names no field

        def save(self):
            self.clear_errors()
            self.run_operation(move_clips, ..., on_done=self.dismiss, form=self)

``FieldRow(label, control, field=..., message_id=..., hint=..., reserve=...)``: the
label, the control and, right under the control, its :class:`FieldMessage`. The
message shows the hint (muted) until an error is shown (bold, error colour); it
is hidden while it has nothing to say unless ``reserve=True`` keeps its line (a
dialog that must not jump while typing). ``field`` is the name a
``DomainError(..., field=...)`` uses (default: the control's id).

:class:`Form` (a mixin for a screen or dialog) implements the runner's
``show_error(message, field)``: the message goes under the row of that field and
the focus to its control; a refusal naming no known field goes to the
``#form-message`` line when there is one (else the runner notifies). An error
clears itself as soon as the user changes the refused value.

:class:`AskDialog` asks for one line of text — a reason (required by default) or
a folder — with an optional ``check`` giving a Danish message; it dismisses with
the text, or None when cancelled (Esc, F12 or the Annullér button).
"""
from __future__ import annotations

from typing import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from models.i18n import _

from .base import CirkelDialog


class FieldMessage(Static):
    """The line under a field: its hint, or its error."""

    def __init__(self, hint: str = "", *, id: str | None = None, reserve: bool = False,
                 classes: str = "") -> None:
        super().__init__(hint, id=id, classes=f"field-message {classes}".strip())
        self.hint = hint
        self.reserve = reserve
        self.refused_value: object = None
        self.display = reserve or bool(hint)

    def update(self, content="", *args, **kwargs) -> None:  # type: ignore[override]
        """Show a text (not an error); the line hides while empty unless it reserves its place."""
        super().update(content, *args, **kwargs)
        self.display = self.reserve or bool(str(content))

    def show(self, message: str, value: object = None) -> None:
        """Show an error (``value``: the refused value; changing it clears the error)."""
        self.refused_value = value
        self.update(message)
        self.add_class("error")

    def clear(self) -> None:
        """Back to the hint."""
        self.refused_value = None
        self.remove_class("error")
        self.update(self.hint)

    def set_hint(self, hint: str) -> None:
        self.hint = hint
        if not self.has_error:
            self.clear()

    @property
    def has_error(self) -> bool:
        return self.has_class("error")


class FieldRow(Horizontal):
    """A label, a control and the control's message (see the module docstring)."""

    def __init__(self, label: str, control: Widget, *, field: str | None = None, message_id: str | None = None,
                 hint: str = "", reserve: bool = False, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=f"field-row {classes}".strip())
        self.label = label
        self.control = control
        self.field = field or control.id or ""
        self.message = FieldMessage(hint, id=message_id or f"{control.id or self.field}-message", reserve=reserve)

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        with Vertical(classes="field-body"):
            yield self.control
            yield self.message

    def show_error(self, message: str) -> None:
        self.message.show(message, getattr(self.control, "value", None))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self.message.has_error and event.value != self.message.refused_value:
            self.message.clear()


class Form:
    """Mixin for a screen or dialog made of :class:`FieldRow` s: the runner's ``show_error``."""

    def field_row(self, field: str) -> FieldRow | None:
        for row in self.query(FieldRow):  # type: ignore[attr-defined]
            if row.field == field:
                return row
        return None

    def show_error(self, message: str, field: str | None, *, focus: bool = True) -> bool:
        row = self.field_row(field) if field else None
        if row is not None:
            row.show_error(message)
            if focus and row.control.focusable:
                row.control.focus()
            return True
        general = self.query("#form-message")  # type: ignore[attr-defined]
        if general:
            line = general.first()
            if isinstance(line, FieldMessage):
                line.show(message)
            else:
                line.update(message)
            return True
        return False

    def show_errors(self, errors: dict[str, str], *, focus: bool = True) -> None:
        """Clear every message, then show these (field → message); the focus goes to the first."""
        self.clear_errors()
        for i, (field, message) in enumerate(errors.items()):
            self.show_error(message, field, focus=focus and i == 0)

    def clear_errors(self) -> None:
        """Every message that shows an error goes back to its hint (other texts stay)."""
        for line in self.query(FieldMessage):  # type: ignore[attr-defined]
            if line.has_error:
                line.clear()


class AskDialog(Form, CirkelDialog):
    """Ask for one line of text (see the module docstring)."""

    BINDINGS = [
        Binding("escape,f12", "cancel", _("Annullér"), id="ask-cancel", tooltip=_("Luk uden at gemme.")),
    ]

    def __init__(self, title: str, prompt: str, value: str = "", *, placeholder: str = "",
                 check: Callable[[str], str | None] | None = None, required: bool = True,
                 ok: str | None = None, max_length: int = 500) -> None:
        super().__init__(classes="ask-dialog")
        self.title_text = title
        self.prompt = prompt
        self.value = value
        self.placeholder = placeholder
        self.check = check
        self.required = required
        self.ok = ok or _("Gem (Enter)")
        self.max_length = max_length

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.prompt, classes="dialog-body")
            yield Input(self.value, placeholder=self.placeholder, id="answer", max_length=self.max_length)
            yield FieldMessage(id="answer-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok, id="ok", variant="primary", compact=True)
                yield Button(_("Annullér (F12)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        answer = self.query_one("#answer", Input)
        text = answer.value.strip()
        problem = _("Skriv en begrundelse.") if self.required and not text else None
        if problem is None and self.check is not None:
            problem = self.check(text)
        if problem:
            self.query_one("#answer-message", FieldMessage).show(problem, answer.value)
            return
        self.dismiss(text)

    @on(Input.Changed, "#answer")
    def _changed(self, event: Input.Changed) -> None:
        line = self.query_one("#answer-message", FieldMessage)
        if line.has_error and event.value != line.refused_value:
            line.clear()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
