"""Aftaler: individual agreements (R4) — more than 10 clips at once, approved by a leader."""
from __future__ import annotations

import logging

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from models.base import DomainError, today
from models.i18n import _
from screens.datefield import parse_user_date
from screens.widgets import fmt_validity

from .citizen_picker import CitizenPicker
from .quick_punch import CatalogueSuggester, field_row
from .typeahead import TypeAheadForm

log = logging.getLogger(__name__)


class AgreementsScreen(Screen):
    TITLE = _("Aftaler")
    BINDINGS = [
        Binding("n", "new", _("Ny aftale"), id="agreements-new", tooltip=_("Opret en individuel aftale (leder).")),
        Binding("g,f5", "refresh", _("Opdatér"), id="agreements-refresh", tooltip=_("Hent aftalerne igen.")),
    ]

    class Loaded(Message):
        def __init__(self, lines: list) -> None:
            super().__init__()
            self.lines = lines

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="agreements"):
            yield Static(_("Individuelle aftaler om mere end 10 klip ad gangen"), classes="section-title")
            yield DataTable(id="agreements-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("Henter aftaler …"), id="agreements-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(_("Borger"), _("CPR"), _("Klip"), _("Klip tilbage"), _("Gyldig"), _("Godkendt af"),
                          _("Aktivitet"), _("Begrundelse"))
        table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="agreements", exit_on_error=False, description="Henter aftaler")
    def load(self) -> None:
        from models.agreements import list_agreements

        self.post_message(self.Loaded(list_agreements()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        day = today()
        for a in message.lines:
            table.add_row(a.citizen_name, a.cpr_masked, str(a.clips), str(a.left), fmt_validity(a), a.approved_by,
                          a.activity, a.reason, key=str(a.id))
        current = sum(1 for a in message.lines if a.valid_on(day) and a.left > 0)
        self.query_one("#agreements-status", Static).update(
            _("{n} aftaler, {current} gælder i dag med klip tilbage. n opretter en ny.").format(
                n=len(message.lines), current=current) if message.lines
            else _("Ingen aftaler endnu. n opretter en ny."))

    def action_new(self) -> None:
        self.app.push_screen(AgreementDialog(), self._created)

    def _created(self, agreement_id) -> None:
        if agreement_id is not None:
            self.notify(_("Aftalen er gemt."), title=_("Aftaler"))
            self.load()


class AgreementDialog(TypeAheadForm):
    """A new agreement: citizen, clips (> 10), reason, activity, valid until."""

    BINDINGS = [
        Binding("escape", "cancel", _("Annullér"), id="agreement-cancel", tooltip=_("Luk uden at gemme.")),
    ]

    class Done(Message):
        def __init__(self, agreement_id: int) -> None:
            super().__init__()
            self.agreement_id = agreement_id

    class Refused(Message):
        def __init__(self, message: str, field: str | None) -> None:
            super().__init__()
            self.message = message
            self.field = field

    MESSAGES = {"clips": "#ag-clips", "reason": "#ag-reason", "activity": "#ag-activity", "until": "#ag-until"}
    FIELDS = ("ag-citizen", "ag-clips", "ag-reason", "ag-activity", "ag-until")
    NEXT = {"ag-citizen": "ag-clips", "ag-clips": "ag-reason", "ag-reason": "ag-activity", "ag-activity": "ag-until"}

    def __init__(self) -> None:
        super().__init__()
        self.busy = False
        self._refused_value: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        from models.punching import active_catalogue_names

        with Vertical(id="ag-box", classes="dialog-box"):
            yield Static(_("Ny individuel aftale"), classes="dialog-title")
            yield CitizenPicker(_("Borger"), id="ag-picker", input_id="ag-citizen", limit=10, purpose="aftale")
            yield from field_row(_("Klip"), Input(id="ag-clips", compact=True, restrict=r"[0-9]*", max_length=3,
                                                  placeholder=_("mere end 10")), "ag-clips-msg")
            yield from field_row(_("Begrundelse"), Input(id="ag-reason", compact=True, max_length=500,
                                                         placeholder=_("hvorfor borgeren skal bruge flere klip")),
                                 "ag-reason-msg")
            yield from field_row(_("Aktivitet"), Input(id="ag-activity", compact=True, max_length=200,
                                                       suggester=CatalogueSuggester(active_catalogue_names()),
                                                       placeholder=_("valgfri")), "ag-activity-msg")
            yield from field_row(_("Gyldig til"), Input(id="ag-until", compact=True, max_length=10,
                                                        placeholder=_("DD-MM-ÅÅÅÅ")), "ag-until-msg",
                                 _("Tom: gælder indtil videre."))
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem"), id="ag-ok", variant="primary", compact=True)
                yield Button(_("Annullér"), id="ag-no", compact=True)
            yield Static(_("Enter: næste felt · Esc eller Annullér: luk"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(CitizenPicker).input)

    def _say(self, message: str, field: str | None) -> None:
        target = f"{self.MESSAGES[field]}-msg" if field in self.MESSAGES else "#picker-message"
        line = self.query_one(target, Static)
        line.update(message)
        line.add_class("error")
        if field in self.MESSAGES:
            self._refused_value[field] = self.query_one(self.MESSAGES[field], Input).value
        focus = self.MESSAGES.get(field or "", "#ag-citizen")
        self.set_focus(self.query_one(focus, Input))

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        if event.value != event.input.value:
            return  # a late event of a burst
        for field, selector in self.MESSAGES.items():
            if event.input.id == selector[1:]:
                line = self.query_one(f"{selector}-msg", Static)
                if line.has_class("error") and event.value != self._refused_value.get(field):
                    line.update(_("Tom: gælder indtil videre.") if field == "until" else "")
                    line.remove_class("error")

    @on(CitizenPicker.Picked)
    def _picked(self) -> None:
        if self.focused is None or self.focused.id == "ag-citizen":  # a click on the list
            self.set_focus(self.query_one("#ag-clips", Input))

    def handle_enter(self, field: str) -> bool:
        if field == "ag-citizen":
            if self.query_one(CitizenPicker).search_now_and_pick() is None:
                self.set_focus(self.query_one("#ag-citizen", Input))
                return False
            return True
        if field == "ag-until":
            return self.save()
        return True

    @on(Button.Pressed, "#ag-ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.save()

    @on(Button.Pressed, "#ag-no")
    def _no(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def save(self) -> bool:
        if self.busy:
            return True
        match = self.query_one(CitizenPicker).picked
        if match is None:
            self._say(_("Vælg først en borger: skriv og tryk Enter."), None)
            return False
        clips = self.query_one("#ag-clips", Input).value.strip()
        if not clips:
            self._say(_("Skriv antal klip (mere end 10)."), "clips")
            return False
        until_text = self.query_one("#ag-until", Input).value.strip()
        until = None
        if until_text:
            try:
                until = parse_user_date(until_text)
            except ValueError as err:
                self._say(str(err), "until")
                return False
        self.busy = True
        self.send(match.citizen_id, int(clips), self.query_one("#ag-reason", Input).value,
                  self.query_one("#ag-activity", Input).value, until)
        return True

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False, description="Gemmer aftale")
    def send(self, citizen_id: int, clips: int, reason: str, activity: str, until) -> None:
        from models.agreements import create_agreement

        try:
            agreement = create_agreement(self.app.actor, citizen_id, clips, reason, until=until, activity=activity)
        except DomainError as err:
            self.post_message(self.Refused(err.message, err.field))
            return
        except Exception:
            log.exception("agreement failed")
            self.post_message(self.Refused(_("Aftalen kunne ikke gemmes lige nu; prøv igen."), None))
            return
        self.post_message(self.Done(agreement.id))

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.busy = False
        self._say(message.message, message.field)

    @on(Done)
    def _done(self, message: Done) -> None:
        self.dismiss(message.agreement_id)
