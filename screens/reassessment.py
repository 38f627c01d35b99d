"""Revurdering (R5): participants whose card is used up or who are due by the
interval; the form (follow-up outcomes, new card or end with a reason); pause
and resume (hospital stay, holiday: the place is kept, no punching)."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
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

from models.admission import districts, resume
from models.cpr import masked
from models.entities import END_REASONS
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.inputs import format_int
from models.participation import reassessment_interval_months
from models.reassessment import (
    PARTICIPANT_PAGE,
    participant_page,
    reassess,
    reassessment_context,
    set_reassessment_interval,
)
from screens.dialogs import ConfirmDialog

from .base import CirkelScreen, restart_timer
from .forms import AskDialog, FieldMessage, FieldRow, Form
from .intake_widgets import Choice, InfoDialog, OutcomeFields, YesNo
from .printing import offer_print
from .widgets import ListOnDemand, in_columns, narrow, shortened, state_title


class ReassessmentScreen(CirkelScreen):
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
        Binding("slash", "focus_search", _("Søg"), id="reassess-search",
                tooltip=_("Søg i listen på navn eller CPR-nummer.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines = []
        self.shown: tuple | None = None  # the filter of the list shown (ReassessmentScreen._filter)
        self.limit = PARTICIPANT_PAGE  # lines shown; "… og n til" shows the next page
        self._search_timer = None

    def compose(self) -> ComposeResult:
        actor, limit = self.app.actor, self.limit

        def first():
            """The districts and the list (of the actor's own district, else all) in one worker:
            one round trip before the list shows."""
            known = districts(actor)
            chosen = actor.district_id if actor.district_id in dict(known) else None
            return known, chosen, self._read(actor, chosen, True, limit)

        # issue #17: read while the widgets are built (shown once they are mounted: the runner)
        self.run_read(first, on_done=self._show_districts, group="reassess", status="#reassess-list-status",
                      description=_("Henter deltagere"))
        yield Header()
        with Horizontal(classes="intake-toolbar"):
            yield ListOnDemand([], prompt=_("Alle distrikter"), id="reassess-district", compact=True)
            yield YesNo(_("Vis alle deltagere (t)"), id="reassess-show-all", compact=True)
            yield Input(id="reassess-find", compact=True, placeholder=_("søg (/)"))
        yield Static(_("Henter deltagere …"), id="reassess-list-status", classes="intake-status")
        yield DataTable(id="reassess-table", cursor_type="row", zebra_stripes=True, classes="intake-table")
        hint = _("Længst ventende øverst · Enter revurdér · / søg · p pause · t alle · g opdatér")
        yield Static(hint, classes="intake-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        if narrow(self):  # 80 columns (issue #15): the name shortened, the card last (→ reaches it)
            table.add_column(_("Navn"), key="name", width=15)
            for key, title in (("cpr", _("CPR")), ("why", _("Hvorfor")), ("since", _("Siden")),
                               ("state", _("Tilstand")), ("district", _("Distrikt")), ("card", _("Kort"))):
                table.add_column(title, key=key)
        else:
            table.add_column(_("Navn"), key="name")
            table.add_column(_("CPR"), key="cpr")
            table.add_column(_("Hvorfor"), key="why")
            table.add_column(_("Kort"), key="card")
            table.add_column(_("Siden"), key="since")
            table.add_column(_("Tilstand"), key="state")
            table.add_column(_("Distrikt"), key="district")
        table.focus()

    def _show_districts(self, first) -> None:
        known, chosen, loaded = first
        select = self.query_one("#reassess-district", Select)
        select.set_options([(name, d_id) for d_id, name in known])
        if chosen is not None:
            select.value = chosen  # its Changed finds this list shown already
        self.show(loaded)

    def on_screen_resume(self) -> None:
        if self.came_back:  # back from another screen (the first read is compose's)
            self.action_refresh()

    @on(Select.Changed, "#reassess-district")
    @on(Checkbox.Changed, "#reassess-show-all")
    def _filter_changed(self, event) -> None:
        if self.shown == self._filter():
            return  # shown already (the first read)
        self.limit = PARTICIPANT_PAGE
        self.action_refresh()

    def action_toggle_all(self) -> None:
        box = self.query_one("#reassess-show-all", Checkbox)
        box.value = not box.value

    def _filter(self) -> tuple[int | None, bool, str]:
        """(district id or None for all, only the due ones, the search text)."""
        value = self.query_one("#reassess-district", Select).value
        return (None if value is Select.NULL else int(value), not self.query_one("#reassess-show-all", Checkbox).value,
                self.query_one("#reassess-find", Input).value.strip())

    def action_refresh(self) -> None:
        self.load(*self._filter())

    @staticmethod
    def _read(actor, district_id: int | None, only_due: bool, limit: int, search: str = ""):
        return (participant_page(actor, district_id, only_due=only_due, limit=limit, search=search),
                reassessment_interval_months(), (district_id, only_due, search))

    def load(self, district_id: int | None, only_due: bool, search: str = "") -> None:
        actor, limit = self.app.actor, self.limit
        self.run_read(lambda: self._read(actor, district_id, only_due, limit, search),
                      group="reassess", on_done=self.show, status="#reassess-list-status",
                      description=_("Henter deltagere"))

    def action_focus_search(self) -> None:
        self.query_one("#reassess-find", Input).focus()

    @on(Input.Changed, "#reassess-find")
    def _search_changed(self, event: Input.Changed) -> None:
        """Search as you type, in the whole list (not only the page shown): read once typing pauses."""
        self.limit = PARTICIPANT_PAGE
        self._search_timer = restart_timer(self, self._search_timer, 0.15, self.action_refresh)

    @on(Input.Submitted, "#reassess-find")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()
        self.action_reassess()

    def on_key(self, event) -> None:
        """↑/↓ in the search field move the highlight in the list."""
        if self.focused is self.query_one("#reassess-find", Input) and event.key in ("up", "down"):
            table = self.query_one(DataTable)
            step = 1 if event.key == "down" else -1
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))
            event.stop()
            event.prevent_default()

    def show(self, loaded) -> None:
        page, months, self.shown = loaded
        self.lines = page.lines
        searched = bool(self.shown[2])
        table = self.query_one(DataTable)
        row = 0 if searched else table.cursor_row
        table.clear()
        due = page.due
        for line in self.lines:
            card = "" if line.card_number is None else f"{line.card_number} {line.card_used}/10"
            why = Text(line.why, style="bold yellow") if line.due else Text("")
            state = Text(state_title(line.state), style="italic" if line.state == "paused" else "")
            since = line.waiting_since if line.due and line.waiting_since else line.since  # due: since it fell due
            cells = {"name": shortened(line.name), "cpr": masked(line.cpr), "why": why, "card": card,
                     "since": fmt_date(since), "state": state, "district": line.district}
            table.add_row(*in_columns(table, cells), key=str(line.citizen_id))
        if not self.lines:
            empty = _("Ingen matcher søgningen.") if searched else _("Ingen skal revurderes lige nu.")
            table.add_row(empty, "", "", "", "", "", "", key="none")
        elif page.total > len(self.lines):
            table.add_row(Text(_("… og {n} til").format(n=format_int(page.total - len(self.lines))), style="dim"),
                          "", "", "", "", "", "", key="more")
        table.move_cursor(row=min(row, max(0, table.row_count - 1)))
        self.query_one("#reassess-list-status", Static).update(
            _('{due} skal revurderes (kort brugt op eller {months} mdr. siden sidst) · {shown} vist').format(
                due=due, months=months, shown=len(self.lines)))

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
            table = self.query_one(DataTable)
            if table.row_count and table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "more":
                self.limit += PARTICIPANT_PAGE  # "… og n til": the next page
                self.action_refresh()
            return
        form = ReassessmentForm(line.citizen_id)
        self.app.push_screen(form, lambda message: self._done(message, form))

    def _done(self, message: str | None, form=None) -> None:
        if message:
            card = getattr(form, "new_card", None)  # issue 16: offer to print a new card
            self.app.push_screen(InfoDialog(_("Revurdering gemt"), message), lambda _r: offer_print(self.app, card))
        self.action_refresh()

    def action_interval(self) -> None:
        def check(text: str) -> str | None:
            if not text.isdigit() or not 1 <= int(text) <= 36:
                return _("Skriv et helt antal måneder mellem 1 og 36.")
            return None

        def saved(months: int) -> None:
            self.notify(_("Deltagere revurderes nu mindst hver {months}. måned.").format(months=months))
            self.action_refresh()

        def answer(text: str | None) -> None:
            if text is not None:
                self.run_operation(set_reassessment_interval, self.app.actor, int(text), on_done=saved,
                                   description=_("Gemmer interval"))

        def ask(months: int) -> None:
            self.app.push_screen(AskDialog(
                _("Revurderingsinterval"),
                _("Antal måneder der højst må gå mellem to revurderinger (standard 6):"),
                str(months), check=check, ok=_("Gem"), required=False, max_length=2), answer)

        self.run_read(reassessment_interval_months, on_done=ask, description=_("Henter interval"))

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
        def resumed(person) -> None:
            self.notify(_("{name} er aktiv igen.").format(name=person.name))
            self.action_refresh()

        self.run_operation(resume, self.app.actor, citizen_id, on_done=resumed, description=_("Genoptager"))


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


class ReassessmentForm(Form, CirkelScreen):
    """One participant's reassessment; dismisses with the result message (None: cancelled)."""

    TITLE = _("Revurdering")
    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="reassess-save", tooltip=_("Gem revurderingen.")),
        Binding("escape", "cancel", _("Annullér"), id="reassess-cancel", tooltip=_("Tilbage uden at gemme.")),
    ]

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
                yield Choice(_("Fortsæt"), id="continue", value=True,
                                  compact=True)
                yield Choice(_("Afslut deltagelsen"), id="end", compact=True)
            yield FieldMessage(id="decision-message")
            yield FieldRow(_("Årsag"), Select([(r, r) for r in END_REASONS], prompt=_("Vælg årsag"), id="end-reason",
                                              compact=True, disabled=True), field="end_reason")
            yield FieldRow(_("Bemærkning"), Input(id="reassess-notes", compact=True, max_length=1000), field="notes",
                           message_id="notes-message")
            with Horizontal(classes="form-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="save", variant="primary", compact=True)
                yield Button(_("Annullér"), id="cancel", compact=True)
        yield Static("", id="reassess-status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_read(reassessment_context, self.app.actor, self.citizen_id, on_done=self.show,
                      status="#reassess-status", description=_("Henter borger"))

    def show(self, context) -> None:
        c = self.context = context
        self.query_one("#reassess-who", Static).update(
            f"{c.name} ({masked(c.cpr)}) · {c.district} · {c.state_label}")
        if c.card_number is None:
            card = _("Intet klippekort.")
        elif c.card_open:
            card = _("Kort nr. {n}: {used} af 10 klip brugt (åbent).").format(n=c.card_number, used=c.card_used)
        else:
            card = _("Kort nr. {n} er brugt op.").format(n=c.card_number)
        self.query_one("#reassess-card", Static).update(card)
        # flows (issue #15): the choice says what continuing means for this participant's card
        if c.card_number is not None and c.card_open:
            choice = _("Fortsæt på kort nr. {n} — nyt klippekort, når det er brugt op").format(n=c.card_number)
        else:
            choice = _("Fortsæt — nyt klippekort nu")
        self.query_one("#continue", RadioButton).label = choice
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
        self.query_one("#decision-message", FieldMessage).clear()
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

    def show_error(self, message: str, field: str | None, *, focus: bool = True) -> bool:
        """At the field (the decision's, the reason's, the notes' or the follow-up's), and said once more."""
        if field == "decision":
            self.query_one("#decision-message", FieldMessage).show(message)
        elif not super().show_error(message, field, focus=focus):
            self.query_one(OutcomeFields).show_error(message, field)
        self.notify(message, severity="error", title=_("Ikke gemt"))
        return True

    def action_save(self) -> None:
        if self.context is None:
            return
        reason = self.query_one("#end-reason", Select).value
        self.run_operation(reassess, self.app.actor, self.citizen_id, decision="end" if self.ending else "continue",
                           end_reason=None if reason is Select.NULL else reason,
                           notes=self.query_one("#reassess-notes", Input).value,
                           **self.query_one(OutcomeFields).values(),
                           on_done=self._saved, description=_("Gemmer revurdering"))

    def _saved(self, result) -> None:
        self.new_card = result.new_card  # issue 16: the caller offers to print it
        self.dismiss(result.message)
