"""Revurdering (R5): participants whose card is used up or who are due by the
interval; the form (follow-up outcomes, new card or end with a reason); pause
and resume (hospital stay, holiday: the place is kept, no punching)."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    RadioButton,
    RadioSet,
    Select,
    Static,
)

from models.base import DomainError
from models.cpr import masked
from models.entities import END_REASONS
from models.i18n import _
from screens.dialogs import ConfirmDialog
from screens.widgets import fmt_date

from .intake_widgets import Choice, InfoDialog, OutcomeFields, YesNo, message_line
from .printing import offer_print

STATE_TEXT = {"active": _("aktiv"), "paused": _("pause")}


class ReassessmentScreen(Screen):
    TITLE = _("Revurdering")
    BINDINGS = [
        Binding("enter", "reassess", _("Revurdér"), id="reassess-open", tooltip=_("Åbn revurderingen af den valgte.")),
        Binding("p", "pause", _("Pause/genoptag"), id="reassess-pause",
                tooltip=_("Sæt den valgte deltager på pause (indlagt, ferie) eller genoptag.")),
        Binding("t", "toggle_all", _("Alle/forfaldne"), id="reassess-all",
                tooltip=_("Vis alle deltagere eller kun dem, der skal revurderes.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="reassess-refresh", tooltip=_("Hent listen igen.")),
        Binding("i", "interval", _("Interval"), id="reassess-interval",
                tooltip=_("Hvor mange måneder der må gå mellem revurderinger (leder).")),
    ]

    class Loaded(Message):
        def __init__(self, lines, months: int) -> None:
            super().__init__()
            self.lines = lines
            self.months = months

    def __init__(self) -> None:
        super().__init__()
        self.lines = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(classes="intake-toolbar"):
            yield Select([], prompt=_("Alle distrikter"), id="reassess-district", compact=True)
            yield YesNo(_("Vis alle deltagere (t)"), id="reassess-show-all", compact=True)
        yield Static(_("Henter deltagere …"), id="reassess-list-status", classes="intake-status")
        yield DataTable(id="reassess-table", cursor_type="row", zebra_stripes=True, classes="intake-table")
        yield Static(_("Enter: revurdér · p: pause/genoptag · t: alle/forfaldne · g / F5: opdatér"),
                     classes="intake-hint")
        yield Footer()

    def on_mount(self) -> None:
        from models.admission import districts

        table = self.query_one(DataTable)
        table.add_column(_("Navn"), key="name")
        table.add_column(_("CPR"), key="cpr")
        table.add_column(_("Hvorfor"), key="why")
        table.add_column(_("Kort"), key="card")
        table.add_column(_("Siden"), key="since")
        table.add_column(_("Tilstand"), key="state")
        table.add_column(_("Distrikt"), key="district")
        known = districts()
        select = self.query_one("#reassess-district", Select)
        select.set_options([(name, d_id) for d_id, name in known])
        own = self.app.actor.district_id
        if own in dict(known):
            select.value = own
        table.focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    @on(Select.Changed, "#reassess-district")
    @on(Checkbox.Changed, "#reassess-show-all")
    def _filter_changed(self, event) -> None:
        self.action_refresh()

    def action_toggle_all(self) -> None:
        box = self.query_one("#reassess-show-all", Checkbox)
        box.value = not box.value

    def action_refresh(self) -> None:
        value = self.query_one("#reassess-district", Select).value
        self.load(None if value is Select.NULL else int(value),
                  not self.query_one("#reassess-show-all", Checkbox).value)

    @work(thread=True, exclusive=True, group="reassess", exit_on_error=False, description="Henter deltagere")
    def load(self, district_id: int | None, only_due: bool) -> None:
        from models.participation import reassessment_interval_months
        from models.reassessment import participants

        self.post_message(self.Loaded(participants(self.app.actor, district_id, only_due=only_due),
                                      reassessment_interval_months()))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        self.lines = message.lines
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        due = sum(1 for line in self.lines if line.due)
        for line in self.lines:
            card = "" if line.card_number is None else f"{line.card_number} {line.card_used}/10"
            why = Text(line.why, style="bold yellow") if line.due else Text("")
            state = Text(STATE_TEXT.get(line.state, line.state), style="italic" if line.state == "paused" else "")
            table.add_row(line.name, masked(line.cpr), why, card, fmt_date(line.since), state, line.district,
                          key=str(line.citizen_id))
        if not self.lines:
            table.add_row(_("Ingen skal revurderes lige nu."), "", "", "", "", "", "", key="none")
        table.move_cursor(row=min(row, max(0, table.row_count - 1)))
        self.query_one("#reassess-list-status", Static).update(
            _('{due} skal revurderes (kort brugt op eller {months} mdr. siden sidst) · {shown} vist').format(
                due=due, months=message.months, shown=len(self.lines)))

    def _selected(self):
        table = self.query_one(DataTable)
        if 0 <= table.cursor_row < len(self.lines):
            return self.lines[table.cursor_row]
        return None

    @on(DataTable.RowSelected, "#reassess-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_reassess()

    def action_reassess(self) -> None:
        line = self._selected()
        if line is None:
            return
        form = ReassessmentForm(line.citizen_id)
        self.app.push_screen(form, lambda message: self._done(message, form))

    def _done(self, message: str | None, form=None) -> None:
        if message:
            card = getattr(form, "new_card", None)  # issue 16: offer to print a new card
            self.app.push_screen(InfoDialog(_("Revurdering gemt"), message), lambda _r: offer_print(self.app, card))
        self.action_refresh()

    def action_interval(self) -> None:
        from models.participation import reassessment_interval_months
        from models.reassessment import set_reassessment_interval

        from .outing_dialogs import AskDialog

        def check(text: str) -> str | None:
            if not text.isdigit() or not 1 <= int(text) <= 36:
                return _("Skriv et helt antal måneder mellem 1 og 36.")
            return None

        def answer(text: str | None) -> None:
            if text is None:
                return
            try:
                months = set_reassessment_interval(self.app.actor, int(text))
            except DomainError as err:
                self.notify(err.message, severity="error")
                return
            self.notify(_("Deltagere revurderes nu mindst hver {months}. måned.").format(months=months))
            self.action_refresh()

        self.app.push_screen(AskDialog(
            _("Revurderingsinterval"),
            _("Antal måneder der højst må gå mellem to revurderinger (standard 6):"),
            str(reassessment_interval_months()), check=check, ok=_("Gem")), answer)

    def action_pause(self) -> None:
        line = self._selected()
        if line is None:
            return
        if line.state == "paused":
            self.app.push_screen(
                ConfirmDialog(_("Genoptag"), _("{name} er tilbage og kan bruge klip igen?").format(name=line.name),
                              yes=_("Genoptag (j)")),
                lambda ok, c=line.citizen_id: self._resume(c) if ok else None)
        else:
            from .pause_dialog import PauseDialog

            self.app.push_screen(PauseDialog(line.citizen_id, line.name), self._paused)

    def _paused(self, message: str | None) -> None:
        if message:
            self.app.push_screen(InfoDialog(_("Pause"), message))
        self.action_refresh()

    def _resume(self, citizen_id: int) -> None:
        from models.admission import resume

        try:
            person = resume(self.app.actor, citizen_id)
        except DomainError as err:
            self.notify(err.message, severity="error")
            return
        self.notify(_("{name} er aktiv igen.").format(name=person.name))
        self.action_refresh()


def _measure_text(m) -> str:
    if m is None:
        return _("ingen")
    parts = [fmt_date(m.measured_on)]
    if m.network_size is not None:
        parts.append(_("netværk {n}").format(n=m.network_size))
    if m.who5_score is not None:
        parts.append(f"WHO-5 {m.who5_score}")
    if m.ucla_score is not None:
        parts.append(f"UCLA-3 {m.ucla_score}")
    return " · ".join(parts)


class ReassessmentForm(Screen[str | None]):
    """One participant's reassessment; dismisses with the result message (None: cancelled)."""

    TITLE = _("Revurdering")
    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="reassess-save", tooltip=_("Gem revurderingen.")),
        Binding("escape", "cancel", _("Annullér"), id="reassess-cancel", tooltip=_("Tilbage uden at gemme.")),
    ]

    class Loaded(Message):
        def __init__(self, context) -> None:
            super().__init__()
            self.context = context

    def __init__(self, citizen_id: int) -> None:
        super().__init__()
        self.citizen_id = citizen_id
        self.context = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="reassess-form"):
            yield Static(_("Henter …"), id="reassess-who", classes="section-title")
            yield Static("", id="reassess-card")
            yield Static("", id="reassess-baseline")
            yield Static("", id="reassess-latest")
            yield OutcomeFields("followup", _("Opfølgning"), id="followup-fields")
            yield Static(_("Beslutning"), classes="section-title")
            with RadioSet(id="decision"):
                yield Choice(_("Fortsæt — nyt klippekort, når kortet er brugt op"), id="continue", value=True,
                                  compact=True)
                yield Choice(_("Afslut deltagelsen"), id="end", compact=True)
            yield message_line("decision-message")
            yield Horizontal(Static(_("Årsag"), classes="field-label"),
                             Select([(r, r) for r in END_REASONS], prompt=_("Vælg årsag"), id="end-reason",
                                    compact=True, disabled=True),
                             classes="field-row")
            yield message_line("end-reason-message")
            yield Horizontal(Static(_("Bemærkning"), classes="field-label"),
                             Input(id="reassess-notes", compact=True, max_length=1000), classes="field-row")
            yield message_line("notes-message")
            with Horizontal(classes="form-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Annullér"), id="cancel", compact=True)
        yield Static("", id="reassess-status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="reassess-form", exit_on_error=False, description="Henter borger")
    def load(self) -> None:
        from models.reassessment import reassessment_context

        self.post_message(self.Loaded(reassessment_context(self.app.actor, self.citizen_id)))

    @on(Loaded)
    def show(self, message: Loaded) -> None:
        c = self.context = message.context
        self.query_one("#reassess-who", Static).update(
            f"{c.name} ({masked(c.cpr)}) · {c.district} · {c.state_label}")
        if c.card_number is None:
            card = _("Intet klippekort.")
        elif c.card_open:
            card = _("Kort nr. {n}: {used} af 10 klip brugt (åbent).").format(n=c.card_number, used=c.card_used)
        else:
            card = _("Kort nr. {n} er brugt op.").format(n=c.card_number)
        self.query_one("#reassess-card", Static).update(card)
        self.query_one("#reassess-baseline", Static).update(_("Baseline: {m}").format(m=_measure_text(c.baseline)))
        self.query_one("#reassess-latest", Static).update(
            _("Seneste opfølgning: {m}").format(m=_measure_text(c.latest)))
        self.refresh_status()
        self.query_one("#followup-network", Input).focus()

    @property
    def ending(self) -> bool:
        return self.query_one("#end", RadioButton).value

    @on(RadioSet.Changed, "#decision")
    def _decision_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#end-reason", Select).disabled = not self.ending
        self.query_one("#decision-message", Static).update("")
        self.refresh_status()

    @on(Select.Changed)
    @on(Input.Changed)
    def _changed(self, event) -> None:
        self.refresh_status()

    def refresh_status(self) -> None:
        summary = self.query_one(OutcomeFields).summary()
        if self.ending:
            reason = self.query_one("#end-reason", Select).value
            decision = _("Afslut") + (f" ({reason})" if reason is not Select.NULL else "") + " — " + _(
                "kommende fællesture afmeldes, aftaler lukkes")
        elif self.context is not None and self.context.card_open:
            decision = _("Fortsæt på kort nr. {n}").format(n=self.context.card_number)
        else:
            decision = _("Fortsæt med nyt kort")
        self.query_one("#reassess-status", Static).update(decision + (" · " + summary if summary else ""))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_save(self) -> None:
        from models.reassessment import reassess

        if self.context is None:
            return
        reason = self.query_one("#end-reason", Select).value
        try:
            result = reassess(self.app.actor, self.citizen_id, decision="end" if self.ending else "continue",
                              end_reason=None if reason is Select.NULL else reason,
                              notes=self.query_one("#reassess-notes", Input).value,
                              **self.query_one(OutcomeFields).values())
        except DomainError as err:
            targets = {"end_reason": "end-reason-message", "notes": "notes-message",
                       "decision": "decision-message"}
            if err.field in targets:
                self.query_one(f"#{targets[err.field]}", Static).update(err.message)
            else:
                self.query_one(OutcomeFields).show_error(err.field, err.message)
            self.notify(err.message, severity="error", title=_("Ikke gemt"))
            return
        self.new_card = result.new_card  # issue 16: the caller offers to print it
        self.dismiss(result.message)
