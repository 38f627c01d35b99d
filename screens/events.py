"""Fællesture (R10): coming and past outings with seats, waitlists and attendance.

From here: ``n`` plans an outing (optionally monthly for N months), Enter or
``t`` opens sign-up, ``x`` attendance, ``l`` the driver's participant list and
Delete cancels. Figures are read in a worker so the screen never freezes.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static

from models.base import today
from models.catalogue import active_offers
from models.events import cancel_event, create_events, district_choices, events_overview
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.inputs import format_datetime as fmt_datetime
from models.inputs import format_kroner
from screens.base import CirkelScreen
from screens.dialogs import ConfirmDialog
from screens.forms import FieldMessage, FieldRow
from screens.widgets import in_columns, narrow, shortened

from .outing_dialogs import OutingDialog

STATUS_TITLES = {"planned": _("planlagt"), "held": _("afholdt"), "cancelled": _("aflyst")}
WHOLE = 0  # the district picker's value for the whole municipality


def status_text(row) -> Text:
    if row.status == "cancelled":
        return Text(STATUS_TITLES["cancelled"], style="bold red")
    if row.awaiting_attendance and row.starts_at.date() == today():
        return Text(_("i dag"), style="bold")
    if row.awaiting_attendance:
        return Text(_("mangler fremmøde"), style="bold yellow")
    if row.status == "held":
        return Text(STATUS_TITLES["held"], style="green")
    return Text(STATUS_TITLES["planned"])


def rate_text(row) -> str:
    rate = row.attendance_rate
    return "" if rate is None else f"{round(rate * 100)} %"


def event_head(row) -> str:
    """Two lines about an event for the top of its sub-screens."""
    clips = (_("{n} klip pr. deltager").format(n=row.clips_per_participant) if row.clips_per_participant
             else _("ingen klip (kun fremmøde)"))
    first = f"{row.title} · {fmt_datetime(row.starts_at)} · {row.meeting_place or '—'} · {row.district}"
    second = _("Pladser {taken}/{seats} · ledige {free} · venteliste {waiting} · {clips} · transport {dkk} · {status}").format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        taken=row.taken, seats=row.seats, free=row.free, waiting=row.waitlisted, clips=clips,
        dkk=format_kroner(row.transport_cost_dkk), status=status_text(row).plain)
    return f"{first}\n{second}"


class EventForm(OutingDialog):
    """Plan an outing (or a café); optionally repeated monthly for N months."""

    BINDINGS = [
        Binding("escape,f12", "cancel", _("Annullér"), id="event-form-cancel", tooltip=_("Luk uden at oprette.")),
        Binding("ctrl+s", "save", _("Opret"), id="event-form-save", tooltip=_("Opret turen.")),
    ]

    def __init__(self, offers, districts) -> None:
        super().__init__()
        self.offers = offers
        self.districts = districts

    def compose(self) -> ComposeResult:
        offer_options = [(f"{o.name} ({o.suggested_clips} klip)", o.id) for o in self.offers]
        district_options = [(_("Hele kommunen"), WHOLE)] + [(name, did) for did, name in self.districts]
        with Vertical(classes="outing-dialog form-dialog"):
            yield Static(_("Ny fællestur"), classes="dialog-title")
            with VerticalScroll(classes="form-fields"):
                yield FieldRow(_("Tilbud (katalog)"), Select(offer_options, prompt=_("intet tilbud"),
                                                              id="catalogue_item", compact=True))
                yield FieldRow(_("Titel"), Input(id="title", compact=True))
                yield FieldRow(_("Dato"), Input(placeholder=_("dd-mm-åååå"), id="day", compact=True))
                yield FieldRow(_("Klokken"), Input(placeholder=_("tt:mm"), id="time", compact=True))
                yield FieldRow(_("Mødested"), Input(id="meeting_place", compact=True))
                yield FieldRow(_("Pladser"), Input(id="seats", type="integer", compact=True))
                yield FieldRow(_("Klip pr. deltager"),
                               Input(placeholder=_("tom = ingen klip (café)"), id="clips_per_participant",
                                     type="integer", compact=True))
                yield FieldRow(_("Transport (kr.)"), Input("0", id="transport_cost_dkk", compact=True))
                yield FieldRow(_("Distrikt"), Select(district_options, value=WHOLE, allow_blank=False,
                                                     id="district", compact=True))
                yield FieldRow(_("Gentag månedligt"), Input("1", id="repeat_months", type="integer", compact=True))
            yield FieldMessage(id="form-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Opret (Ctrl+S)"), id="save", variant="primary")
                yield Button(_("Annullér (F12)"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#catalogue_item", Select).focus()

    @on(Select.Changed, "#catalogue_item")
    def offer_chosen(self, event: Select.Changed) -> None:
        offer = next((o for o in self.offers if o.id == event.value), None)
        if offer is None:
            return
        title = self.query_one("#title", Input)
        if not title.value.strip():
            title.value = offer.name
        clips = self.query_one("#clips_per_participant", Input)
        if not clips.value.strip() and offer.category == "fællestur":
            clips.value = str(offer.suggested_clips)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        item = self.query_one("#catalogue_item", Select).value
        district = self.query_one("#district", Select).value
        values = {name: self.query_one(f"#{name}", Input).value for name in (
            "title", "day", "time", "meeting_place", "seats", "clips_per_participant", "transport_cost_dkk",
            "repeat_months")}
        self.clear_errors()
        self.run_operation(create_events, self.app.actor, catalogue_item=item if isinstance(item, int) else None,
                           district=district or None, **values,
                           on_done=lambda events: self.dismiss([e.id for e in events]),
                           description=_("Opretter tur"))


class EventsScreen(CirkelScreen):
    TITLE = _("Fællesture")
    BINDINGS = [
        Binding("n", "new_event", _("Ny tur"), id="events-new", tooltip=_("Planlæg en fællestur eller café.")),
        Binding("t", "signup", _("Tilmelding"), id="events-signup",
                tooltip=_("Tilmeld, se venteliste og registrér afbud (også Enter).")),
        Binding("x", "attendance", _("Fremmøde"), id="events-attendance",
                tooltip=_("Markér deltog/udeblev og registrér klippene.")),
        Binding("l", "participants", _("Deltagerliste"), id="events-list",
                tooltip=_("Navne, telefon og afhentningsadresse til chauffør og ledsager.")),
        Binding("delete", "cancel_event", _("Aflys"), id="events-cancel", tooltip=_("Aflys den valgte tur.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="events-refresh", tooltip=_("Hent turene igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.coming: list = []
        self.past: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="events-overview"):
            yield Static(_("Kommende fællesture"), classes="section-title")
            yield DataTable(id="coming", cursor_type="row", zebra_stripes=True)
            yield Static(_("Afholdte og tidligere"), classes="section-title")
            yield DataTable(id="past", cursor_type="row", zebra_stripes=True)
            yield Static("", id="events-status", classes="status-line")
        yield Footer()

    def on_mount(self) -> None:
        coming = self.query_one("#coming", DataTable)
        past = self.query_one("#past", DataTable)
        # the columns that matter most come first; at 80 columns (issue #15) the title is shortened, "Ledige"
        # left out (Pladser says it), the past outings' status last (→ reaches it), so all the others fit
        if narrow(self):
            coming.add_column(_("Tid"), key="time")
            coming.add_column(_("Tur"), key="title", width=15)
            for key, title in (("status", _("Status")), ("seats", _("Pladser")), ("waitlisted", _("Vent.")),
                               ("clips", _("Klip")), ("district", _("Distrikt"))):
                coming.add_column(title, key=key)
            past.add_column(_("Tid"), key="time")
            past.add_column(_("Tur"), key="title", width=15)
            for key, title in (("rate", _("Fremmøde")), ("attended", _("Deltog")), ("absent", _("Udeblev")),
                               ("taken", _("Tilmeldt")), ("district", _("Distrikt")), ("status", _("Status"))):
                past.add_column(title, key=key)
        else:
            for key, title in (("time", _("Tid")), ("title", _("Tur")), ("status", _("Status")),
                               ("seats", _("Pladser")), ("free", _("Ledige")), ("waitlisted", _("Venteliste")),
                               ("clips", _("Klip")), ("district", _("Distrikt"))):
                coming.add_column(title, key=key)
            for key, title in (("time", _("Tid")), ("title", _("Tur")), ("rate", _("Fremmøde")),
                               ("attended", _("Deltog")), ("absent", _("Udeblev")), ("status", _("Status")),
                               ("taken", _("Tilmeldt")), ("district", _("Distrikt"))):
                past.add_column(title, key=key)
        self.query_one("#events-status", Static).update(_("Henter fællesture …"))
        coming.focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.run_read(events_overview, on_done=self.show, status="#events-status",
                      description=_("Henter fællesture"))

    def show(self, overview) -> None:
        self.coming, self.past = overview.coming, overview.past
        coming = self.query_one("#coming", DataTable)
        row = coming.cursor_row
        coming.clear()
        for e in self.coming:
            cells = {"time": fmt_datetime(e.starts_at), "title": shortened(e.title), "status": status_text(e),
                     "seats": f"{e.taken}/{e.seats}", "free": str(e.free), "waitlisted": str(e.waitlisted),
                     "clips": str(e.clips_per_participant or "—"), "district": e.district}
            coming.add_row(*in_columns(coming, cells), key=str(e.id))
        if self.coming:
            coming.move_cursor(row=min(row, len(self.coming) - 1))
        past = self.query_one("#past", DataTable)
        row = past.cursor_row
        past.clear()
        for e in self.past:
            cells = {"time": fmt_date(e.starts_at), "title": shortened(e.title), "rate": rate_text(e),
                     "attended": str(e.attended), "absent": str(e.absent), "status": status_text(e),
                     "taken": str(e.taken), "district": e.district}
            past.add_row(*in_columns(past, cells), key=str(e.id))
        if self.past:
            past.move_cursor(row=min(row, len(self.past) - 1))
        held = [e for e in self.past if e.status == "held"]
        marked = sum(e.attended + e.absent for e in held)
        rate = (_("fremmøde i alt {pct} %").format(pct=round(100 * sum(e.attended for e in held) / marked))
                if marked else _("intet fremmøde registreret endnu"))
        awaiting = overview.awaiting
        status = _("{coming} kommende, {past} tidligere; {rate}.").format(
            coming=len(self.coming), past=len(self.past), rate=rate)
        if awaiting:
            status += " " + _("Mangler fremmøde: {titles}.").format(
                titles=", ".join(f"{e.title} {fmt_date(e.starts_at)}" for e in awaiting[:3]))
        if not self.coming and not self.past:
            status = _("Ingen fællesture endnu. Tryk n for at planlægge den første.")
        self.query_one("#events-status", Static).update(status)

    def _selected(self):
        """The highlighted event of the focused table (the coming table if neither has focus)."""
        past = self.query_one("#past", DataTable)
        if self.focused is past and self.past:
            return self.past[min(past.cursor_row, len(self.past) - 1)]
        coming = self.query_one("#coming", DataTable)
        if self.coming:
            return self.coming[min(coming.cursor_row, len(self.coming) - 1)]
        return None

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self._selected()
        if row is None:
            return
        if event.data_table.id == "coming" and row.status == "planned":
            self.action_signup()
        else:
            self.action_attendance()

    def action_new_event(self) -> None:
        def done(ids) -> None:
            if ids:
                self.notify(_("{n} ture oprettet, én om måneden.").format(n=len(ids)) if len(ids) > 1
                            else _("Turen er oprettet."))
                self.action_refresh()

        self.run_read(lambda: (active_offers(), district_choices()), group="event-form",
                      on_done=lambda choices: self.app.push_screen(EventForm(*choices), done),
                      description=_("Henter tilbud og distrikter"))

    def action_signup(self) -> None:
        from .event_signup import SignupScreen

        row = self._selected()
        if row is not None:
            self.app.push_screen(SignupScreen(row.id))

    def action_attendance(self) -> None:
        from .event_attendance import AttendanceScreen

        row = self._selected()
        if row is not None:
            self.app.push_screen(AttendanceScreen(row.id))

    def action_participants(self) -> None:
        from .event_attendance import ParticipantListScreen

        row = self._selected()
        if row is not None:
            self.app.push_screen(ParticipantListScreen(row.id))

    def action_cancel_event(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.status != "planned":
            self.notify(_("Kun planlagte ture kan aflyses."), severity="warning")
            return

        def cancelled(_event) -> None:
            self.notify(_("{title} {when} er aflyst.").format(title=row.title, when=fmt_datetime(row.starts_at)))
            self.action_refresh()

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_operation(cancel_event, self.app.actor, row.id, on_done=cancelled,
                                   description=_("Aflyser tur"))

        question = _("Aflys {title} {when}? {taken} er tilmeldt; giv dem besked.").format(
            title=row.title, when=fmt_datetime(row.starts_at), taken=row.taken)
        self.app.push_screen(ConfirmDialog(question, yes=_("Aflys turen"), no=_("Fortryd")), answer)
