"""The pause dialog of Revurdering (issue #13): why, and the last day of the pause if known.

Saving runs ``models.admission.pause`` through the runner (a worker); a refusal
is shown at its field, success closes the dialog with the confirmation (what
was cancelled and who moved up), which the caller shows.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from models.admission import pause
from models.i18n import _

from .base import CirkelDialog
from .forms import FieldMessage


class PauseDialog(CirkelDialog):
    """Pause one participant; dismisses with the confirmation text (None: cancelled)."""

    BINDINGS = [
        Binding("escape,f12", "cancel", _("Annullér"), id="pause-cancel", tooltip=_("Fortryd uden at gemme.")),
    ]

    def __init__(self, citizen_id: int, name: str) -> None:
        super().__init__(classes="intake-dialog")
        self.citizen_id = citizen_id
        self.name_text = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(_("Pause"), classes="dialog-title")
            yield Static(" ".join((
                _("{name} holder pause og beholder pladsen; der kan ikke registreres klip imens.").format(
                    name=self.name_text),
                _("Tilmeldinger til fællesture i pausen afmeldes; den første på ventelisten rykker op."))),
                classes="dialog-body")
            yield Static(_("Hvorfor?"))
            yield Input(placeholder=_("fx indlagt, ferie"), id="pause-reason", max_length=500)
            yield FieldMessage(id="pause-reason-message")
            yield Static(_("Pausens sidste dag (tom: ukendt — alle kommende ture afmeldes)"))
            yield Input(placeholder=_("DD-MM-ÅÅÅÅ, fx 15-12-2026"), id="pause-until", max_length=20)
            yield FieldMessage(id="pause-until-message")
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

    def show_error(self, message: str, field: str | None) -> bool:
        """The runner's hook: the refusal at its field (the reason when it names none)."""
        name = "until" if field == "until" else "reason"
        for other in ("reason", "until"):
            self.query_one(f"#pause-{other}-message", Static).update(message if other == name else "")
        self.query_one(f"#pause-{name}", Input).focus()
        return True

    def _save(self) -> None:
        for name in ("reason", "until"):
            self.query_one(f"#pause-{name}-message", Static).update("")
        self.run_operation(pause, self.app.actor, self.citizen_id, self.query_one("#pause-reason", Input).value,
                           until=self.query_one("#pause-until", Input).value,
                           on_done=lambda result: self.dismiss(result.message), description=_("Gemmer pause"))
