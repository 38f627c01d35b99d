"""Aftaler: individual agreements (R4) — more than 10 clips at once, approved by a leader."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from models.agreements import create_agreement, list_agreements
from models.base import DomainError, today
from models.i18n import _
from models.inputs import format_count, parse_date
from models.punching import activity_suggestions
from screens.widgets import fmt_validity, in_columns, narrow, shortened

from .base import CirkelScreen
from .citizen_picker import CitizenPicker
from .forms import FieldMessage, FieldRow
from .quick_punch import CatalogueSuggester
from .typeahead import TypeAheadForm


class AgreementsScreen(CirkelScreen):
    TITLE = _("Aftaler")
    BINDINGS = [
        Binding("n", "new", _("Ny aftale"), id="agreements-new", tooltip=_("Opret en individuel aftale (leder).")),
        Binding("g,f5", "refresh", _("Opdatér"), id="agreements-refresh", tooltip=_("Hent aftalerne igen.")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="agreements"):
            yield Static(_("Individuelle aftaler om mere end 10 klip ad gangen"), classes="section-title")
            yield DataTable(id="agreements-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="agreements-detail")
            yield Static(_("Henter aftaler …"), id="agreements-status")
        yield Footer()

    def on_mount(self) -> None:
        # issue #15: the free texts are shortened (…) to what is left of the width, and the highlighted
        # agreement's approver, activity and reason are shown in full under the table
        table = self.query_one(DataTable)
        self.lines = []
        if narrow(self):  # 80 columns: who, how many, how long first; the rest with → and under the table
            widths = {"citizen": 14, "approved_by": 14, "activity": 14, "reason": 20}
        else:
            # the width less the padding and scrollbar (4), the cells' padding and CPR, Klip, Klip tilbage, Gyldig
            left = self.app.size.width - 4 - 2 * 8 - (11 + 4 + 12 + 23)
            widths = {"citizen": 16, "approved_by": 12, "activity": 12}
            widths["reason"] = max(11, left - sum(widths.values()))
        for key, title in (("citizen", _("Borger")), ("cpr", _("CPR")), ("clips", _("Klip")),
                           ("left", _("Klip tilbage")), ("validity", _("Gyldig")), ("approved_by", _("Godkendt af")),
                           ("activity", _("Aktivitet")), ("reason", _("Begrundelse"))):
            table.add_column(title, key=key, width=widths.get(key))
        table.focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_read(list_agreements, on_done=self._loaded, status="#agreements-status",
                      description=_("Henter aftaler"))

    def _loaded(self, lines: list) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.lines = lines
        day = today()
        for a in lines:
            cells = {"citizen": shortened(a.citizen_name), "cpr": a.cpr_masked, "clips": str(a.clips),
                     "left": str(a.left), "validity": fmt_validity(a), "approved_by": shortened(a.approved_by),
                     "activity": shortened(a.activity), "reason": shortened(a.reason)}
            table.add_row(*in_columns(table, cells), key=str(a.id))
        self._show_detail(table.cursor_row)
        current = sum(1 for a in lines if a.valid_on(day) and a.left > 0)
        self.query_one("#agreements-status", Static).update(
            _("{n}, {current} gælder i dag med klip tilbage. n opretter en ny.").format(
                n=format_count(len(lines), _("aftale"), _("aftaler")), current=current) if lines
            else _("Ingen aftaler endnu. n opretter en ny."))

    @on(DataTable.RowHighlighted, "#agreements-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, row: int) -> None:
        a = self.lines[row] if 0 <= row < len(self.lines) else None
        self.query_one("#agreements-detail", Static).update(  # Text: a reason's [ ] is not markup
            Text("" if a is None else _("Godkendt af {who} · Aktivitet: {activity} · Begrundelse: {reason}").format(
                who=a.approved_by, activity=a.activity, reason=a.reason)))

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

    MESSAGES = {"clips": "#ag-clips", "reason": "#ag-reason", "activity": "#ag-activity", "until": "#ag-until"}
    FIELDS = ("ag-citizen", "ag-clips", "ag-reason", "ag-activity", "ag-until")
    NEXT = {"ag-citizen": "ag-clips", "ag-clips": "ag-reason", "ag-reason": "ag-activity", "ag-activity": "ag-until"}

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="ag-box", classes="dialog-box"):
            yield Static(_("Ny individuel aftale"), classes="dialog-title")
            yield CitizenPicker(_("Borger"), id="ag-picker", input_id="ag-citizen", limit=10, purpose="aftale")
            # flows (issue #15): the field is 8 wide; "mere end 10" showed as "mere end"
            yield FieldRow(_("Klip"), Input(id="ag-clips", compact=True, restrict=r"[0-9]*", max_length=3,
                                            placeholder=_("over 10")), field="clips", message_id="ag-clips-msg",
                           reserve=True, hint=_("En aftale er til mere end 10 klip ad gangen."))
            yield FieldRow(_("Begrundelse"), Input(id="ag-reason", compact=True, max_length=500,
                                                   placeholder=_("hvorfor borgeren skal bruge flere klip")),
                           field="reason", message_id="ag-reason-msg", reserve=True)
            yield FieldRow(_("Aktivitet"), Input(id="ag-activity", compact=True, max_length=200,
                                                 placeholder=_("valgfri")),
                           field="activity", message_id="ag-activity-msg", reserve=True)
            yield FieldRow(_("Gyldig til"), Input(id="ag-until", compact=True, max_length=10,
                                                  placeholder=_("DD-MM-ÅÅÅÅ")), field="until",
                           message_id="ag-until-msg", reserve=True, hint=_("Tom: gælder indtil videre."))
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem"), id="ag-ok", variant="primary", compact=True)
                yield Button(_("Annullér"), id="ag-no", compact=True)
            yield Static(_("Enter: næste felt · Esc eller Annullér: luk"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(CitizenPicker).input)
        self.run_read(activity_suggestions, on_done=self._suggest, description=_("Henter kataloget"))

    def _suggest(self, names: list[str]) -> None:
        self.query_one("#ag-activity", Input).suggester = CatalogueSuggester(names)

    def show_error(self, message: str, field: str | None) -> bool:
        """The runner's refusal: beside its field (the citizen's when it names none)."""
        self.busy = False
        self._say(message, field)
        return True

    def _say(self, message: str, field: str | None) -> None:
        if field in self.MESSAGES:
            self.query_one(f"{self.MESSAGES[field]}-msg", FieldMessage).show(
                message, self.query_one(self.MESSAGES[field], Input).value)
        else:
            line = self.query_one("#picker-message", Static)
            line.update(message)
            line.add_class("error")
        focus = self.MESSAGES.get(field or "", "#ag-citizen")
        self.set_focus(self.query_one(focus, Input))

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
                until = parse_date(until_text, "until")
            except DomainError as err:
                self._say(err.message, "until")
                return False
        self.busy = True
        self.send(match.citizen_id, int(clips), self.query_one("#ag-reason", Input).value,
                  self.query_one("#ag-activity", Input).value, until)
        return True

    def send(self, citizen_id: int, clips: int, reason: str, activity: str, until) -> None:
        self.run_operation(create_agreement, self.app.actor, citizen_id, clips, reason, until=until, activity=activity,
                           on_done=lambda agreement: self.dismiss(agreement.id), on_error=self._failed,
                           description=_("Gemmer aftale"))

    def _failed(self, err: BaseException) -> None:
        if not isinstance(err, DomainError):
            self.busy = False
            self._say(_("Aftalen kunne ikke gemmes lige nu; prøv igen."), None)
