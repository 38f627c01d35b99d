"""The pause dialog of Revurdering (issue #13): why, and the last day of the pause if known.

Saving runs ``models.admission.pause`` in a worker; a refusal is shown at its
field, success closes the dialog with the confirmation (what was cancelled and
who moved up), which the caller shows.
"""
from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from models.base import DomainError
from models.i18n import _

from .intake_widgets import message_line


class PauseDialog(ModalScreen[str | None]):
    """Pause one participant; dismisses with the confirmation text (None: cancelled)."""

    BINDINGS = [
        Binding("escape,f12", "cancel", _("Annullér"), id="pause-cancel", tooltip=_("Fortryd uden at gemme.")),
    ]

    class Done(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Refused(Message):
        def __init__(self, text: str, field: str | None) -> None:
            super().__init__()
            self.text = text
            self.field = field

    def __init__(self, citizen_id: int, name: str) -> None:
        super().__init__(classes="intake-dialog")
        self.citizen_id = citizen_id
        self.name_text = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Pause"), classes="dialog-title")
            yield Static(_("{name} holder pause og beholder pladsen; der kan ikke registreres klip imens. "
                           "Tilmeldinger til fællesture i pausen afmeldes, og den første på ventelisten "
                           "rykker op.").format(name=self.name_text), classes="dialog-body")
            yield Static(_("Hvorfor?"), classes="field-label")
            yield Input(placeholder=_("fx indlagt, ferie"), id="pause-reason", max_length=500)
            yield message_line("pause-reason-message")
            yield Static(_("Sidste dag (DD-MM-ÅÅÅÅ, tom: ukendt — alle kommende ture afmeldes)"),
                         classes="field-label")
            yield Input(placeholder=_("fx 15-12-2026"), id="pause-until", max_length=20)
            yield message_line("pause-until-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem (Enter)"), id="save", variant="primary", compact=True)
                yield Button(_("Annullér (F12)"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pause-reason", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "pause-reason":
            self.query_one("#pause-until", Input).focus()
        else:
            self._save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _say(self, field: str | None, text: str) -> None:
        for name in ("reason", "until"):
            self.query_one(f"#pause-{name}-message", Static).update(text if name == (field or "reason") else "")

    def _save(self) -> None:
        self._say(None, "")
        self.send(self.query_one("#pause-reason", Input).value, self.query_one("#pause-until", Input).value)

    @work(thread=True, exclusive=True, group="pause", exit_on_error=False, description="Gemmer pause")
    def send(self, reason: str, until_text: str) -> None:
        from models.admission import pause
        from models.inputs import parse_date

        try:
            until = parse_date(until_text, "until") if until_text.strip() else None
            result = pause(self.app.actor, self.citizen_id, reason, until=until)
        except DomainError as err:
            self.post_message(self.Refused(err.message, err.field))
            return
        self.post_message(self.Done(result.message))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._say(message.field, message.text)
        self.query_one(f"#pause-{'until' if message.field == 'until' else 'reason'}", Input).focus()

    @on(Done)
    def _done(self, message: Done) -> None:
        self.dismiss(message.text)
