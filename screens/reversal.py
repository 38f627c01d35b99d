"""Cancel a punch: a reversal entry with a reason (a punch is never edited or deleted)."""
from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from models.base import DomainError
from models.cards import reverse_punch
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.punching import punch_summary

from .base import CirkelDialog
from .forms import FieldMessage, FieldRow


@dataclass(frozen=True)
class ReversalOutcome:
    punch_id: str
    clips: int
    card_number: int | None
    left: int


class ReversalDialog(CirkelDialog):
    """Dismisses with a :class:`ReversalOutcome`, or None when closed."""

    BINDINGS = [
        Binding("escape", "cancel", _("Annullér"), id="reversal-cancel", tooltip=_("Luk uden at tilbageføre.")),
    ]

    def __init__(self, punch_id: str) -> None:
        super().__init__()
        self.punch_id = punch_id
        self.busy = False
        self.summary = None

    def compose(self) -> ComposeResult:
        with Vertical(id="reversal-box", classes="dialog-box"):
            yield Static(_("Tilbagefør klip"), classes="dialog-title")
            yield Static("", id="reversal-what")
            yield FieldRow(_("Begrundelse"), Input(id="reversal-reason", compact=True, max_length=200, disabled=True,
                                                   placeholder=_("fx forkert borger eller forkert antal")),
                           field="reason", message_id="reversal-msg", reserve=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Tilbagefør"), id="reversal-ok", variant="warning", compact=True)
                yield Button(_("Annullér"), id="reversal-no", compact=True)
            yield Static(_("Klippene gives tilbage; registreringen bliver stående med en modpost."),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#reversal-ok", Button).disabled = True
        self.query_one("#reversal-no", Button).focus()

        def missing(message: str, _field) -> bool:
            self.query_one("#reversal-what", Static).update(message)
            return True

        self.run_read(punch_summary, self.punch_id, on_done=self._show, form=missing, status="#reversal-what",
                      description=_("Henter klippet"))

    def _show(self, summary) -> None:
        self.summary = s = summary
        where = (_("kort {card}").format(card=s.card_number) if s.card_number is not None
                 else _("aftale {id}").format(id=s.agreement_id))
        what = _("{clips} klip på {where} — {name}, {activity}, {day}.").format(
            clips=s.clips, where=where, name=s.citizen_name, activity=s.activity, day=fmt_date(s.punched_on))
        self.query_one("#reversal-what", Static).update(what)
        if not s.reversible:
            self._say(_("Registreringen er allerede tilbageført.") if s.reversed
                      else _("En tilbageførsel kan ikke tilbageføres; registrér klippene igen."))
            return
        reason = self.query_one("#reversal-reason", Input)
        reason.disabled = False
        self.query_one("#reversal-ok", Button).disabled = False
        reason.focus()

    def _say(self, message: str) -> None:
        self.query_one("#reversal-msg", FieldMessage).show(message, self.query_one("#reversal-reason", Input).value)

    def show_error(self, message: str, field: str | None) -> bool:
        """The runner's refusal: under the reason, the dialog stays open."""
        self.busy = False
        self._say(message)
        return True

    @on(Input.Submitted, "#reversal-reason")
    @on(Button.Pressed, "#reversal-ok")
    def _confirm(self, event) -> None:
        event.stop()
        if self.busy or self.summary is None or not self.summary.reversible:
            return
        self.busy = True
        self.send(self.query_one("#reversal-reason", Input).value)

    @on(Button.Pressed, "#reversal-no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def send(self, reason: str) -> None:
        self.run_operation(reverse_punch, self.app.actor, self.punch_id, reason, on_done=self._done,
                           on_error=self._failed, description=_("Tilbagefører"))

    def _failed(self, err: BaseException) -> None:
        if not isinstance(err, DomainError):
            self.busy = False
            self._say(_("Tilbageførslen kunne ikke gemmes lige nu; prøv igen."))

    def _done(self, result) -> None:
        self.dismiss(ReversalOutcome(self.punch_id, -result.punch.clips,
                                     result.card.number if result.card else None, result.left))
