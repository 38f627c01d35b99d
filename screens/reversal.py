"""Cancel a punch: a reversal entry with a reason (a punch is never edited or deleted)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from models.base import DomainError
from models.i18n import _
from screens.widgets import fmt_date

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReversalOutcome:
    punch_id: str
    clips: int
    card_number: int | None
    left: int


class ReversalDialog(ModalScreen[ReversalOutcome | None]):
    BINDINGS = [
        Binding("escape", "cancel", _("Annullér"), id="reversal-cancel", tooltip=_("Luk uden at tilbageføre.")),
    ]

    class Done(Message):
        def __init__(self, outcome: ReversalOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    class Refused(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, punch_id: str) -> None:
        super().__init__()
        self.punch_id = punch_id
        self.busy = False
        self.summary = None

    def compose(self) -> ComposeResult:
        from models.punching import punch_summary

        try:
            self.summary = punch_summary(self.punch_id)
        except DomainError as err:
            self.summary = None
            what = err.message
        else:
            s = self.summary
            where = (_("kort {card}").format(card=s.card_number) if s.card_number is not None
                     else _("aftale {id}").format(id=s.agreement_id))
            what = _("{clips} klip på {where} — {name}, {activity}, {day}.").format(
                clips=s.clips, where=where, name=s.citizen_name, activity=s.activity, day=fmt_date(s.punched_on))
        with Vertical(id="reversal-box", classes="dialog-box"):
            yield Static(_("Tilbagefør klip"), classes="dialog-title")
            yield Static(what, id="reversal-what")
            with Horizontal(classes="field-row"):
                yield Label(_("Begrundelse"), classes="field-label")
                yield Input(id="reversal-reason", compact=True, max_length=200,
                            placeholder=_("fx forkert borger eller forkert antal"))
            yield Static("", classes="field-message", id="reversal-msg")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Tilbagefør"), id="reversal-ok", variant="warning", compact=True)
                yield Button(_("Annullér"), id="reversal-no", compact=True)
            yield Static(_("Klippene gives tilbage; registreringen bliver stående med en modpost."),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        reason = self.query_one("#reversal-reason", Input)
        if self.summary is None or not self.summary.reversible:
            reason.disabled = True
            self.query_one("#reversal-ok", Button).disabled = True
            if self.summary is not None:
                self._say(_("Registreringen er allerede tilbageført.") if self.summary.reversed
                          else _("En tilbageførsel kan ikke tilbageføres; registrér klippene igen."))
            self.query_one("#reversal-no", Button).focus()
        else:
            reason.focus()

    def _say(self, message: str) -> None:
        line = self.query_one("#reversal-msg", Static)
        line.update(message)
        line.add_class("error")

    @on(Input.Changed, "#reversal-reason")
    def _typing(self) -> None:
        line = self.query_one("#reversal-msg", Static)
        line.update("")
        line.remove_class("error")

    @on(Input.Submitted, "#reversal-reason")
    @on(Button.Pressed, "#reversal-ok")
    def _confirm(self, event) -> None:
        event.stop()
        if self.busy or self.summary is None or not self.summary.reversible:
            return
        reason = self.query_one("#reversal-reason", Input).value.strip()
        if not reason:
            self._say(_("Skriv en begrundelse for tilbageførslen."))
            return
        self.busy = True
        self.send(reason)

    @on(Button.Pressed, "#reversal-no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="reversal", exit_on_error=False, description="Tilbagefører")
    def send(self, reason: str) -> None:
        from models.cards import reverse_punch

        try:
            result = reverse_punch(self.app.actor, self.punch_id, reason)
        except DomainError as err:
            self.post_message(self.Refused(err.message))
            return
        except Exception:
            log.exception("reversal failed")
            self.post_message(self.Refused(_("Tilbageførslen kunne ikke gemmes lige nu; prøv igen.")))
            return
        self.post_message(self.Done(ReversalOutcome(self.punch_id, -result.punch.clips,
                                                    result.card.number if result.card else None, result.left)))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.busy = False
        self._say(message.message)

    @on(Done)
    def _done(self, message: Done) -> None:
        self.dismiss(message.outcome)
