"""Venteliste: a district's waitlist, first screened first offered (R7).

When a place is free the top citizen is marked "plads ledig" and is admitted
with one key (Enter on the row) after a confirmation that shows the number
the first card will get. A leader may admit beyond the capacity (u) with a
written reason.
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Select, Static

from models.admission import admit, districts, next_card_number_preview, waitlist
from models.base import DomainError
from models.cpr import masked
from models.i18n import _
from models.inputs import format_count, format_int
from models.inputs import format_date as fmt_date
from models.permissions import can
from screens.dialogs import ConfirmDialog

from .base import CirkelScreen
from .forms import AskDialog
from .intake_widgets import InfoDialog
from .printing import offer_print
from .widgets import ListOnDemand, narrow, shortened

WAITLIST_PAGE = 200  # entries shown at a time (a district's waitlist runs to 1,000 at 100,000 citizens)


class WaitlistScreen(CirkelScreen):
    TITLE = _("Venteliste")
    BINDINGS = [
        Binding("enter", "admit", _("Optag"), id="waitlist-admit",
                tooltip=_("Optag den valgte borger, når der er plads ledig.")),
        Binding("u", "admit_over", _("Ud over kapacitet"), id="waitlist-over",
                tooltip=_("Leder: optag ud over kapaciteten med en skriftlig begrundelse.")),
        # flows (issue #15): with places free the same key admits someone before those ahead of them
        Binding("u", "admit_out_of_turn", _("Uden for tur"), id="waitlist-out-of-turn",
                tooltip=_("Leder: optag den valgte før dem, der står foran, med en skriftlig begrundelse.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="waitlist-refresh", tooltip=_("Hent ventelisten igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.waitlist = None
        self.next_number = 0
        self.limit = WAITLIST_PAGE  # entries shown; "… og n til" shows the next page
        self.may_override = False  # a leader (admission.override): the u key is theirs

    def compose(self) -> ComposeResult:
        actor, limit = self.app.actor, self.limit

        def first():
            """The districts and the first one's waitlist (the actor's own, else the first) in one
            worker: one round trip before the list shows."""
            known = districts(actor)
            chosen = actor.district_id if actor.district_id in dict(known) else (known[0][0] if known else None)
            loaded = None if chosen is None else (waitlist(actor, chosen, limit=limit), next_card_number_preview())
            return known, chosen, loaded

        # issue #17: read while the widgets are built (shown once they are mounted: the runner)
        self.run_read(first, on_done=self._show_districts, status="#waitlist-status", group="waitlist",
                      description=_("Henter venteliste"))
        yield Header()
        with Horizontal(classes="intake-toolbar"):
            yield ListOnDemand([], prompt=_("Vælg distrikt"), id="waitlist-district", compact=True)
        yield Static(_("Henter venteliste …"), id="waitlist-status", classes="intake-status")
        yield DataTable(id="waitlist-table", cursor_type="row", zebra_stripes=True, classes="intake-table")
        yield Static(_("Enter: optag (ved plads ledig) · g / F5: opdatér"), id="waitlist-hint", classes="intake-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Nr"), key="pos")
        table.add_column(_("Status"), key="status")
        if narrow(self):  # 80 columns (issue #15): the name shortened so that the dates stay whole
            table.add_column(_("Navn"), key="name", width=18)
        else:
            table.add_column(_("Navn"), key="name")
        table.add_column(_("CPR"), key="cpr")
        table.add_column(_("Screenet"), key="screened")
        table.add_column(_("Venter siden"), key="since")
        table.focus()
        self.may_override = can(self.app.actor, "admission.override")

    def _show_districts(self, first) -> None:
        known, chosen, loaded = first
        select = self.query_one("#waitlist-district", Select)
        select.set_options([(name, d_id) for d_id, name in known])
        if chosen is not None:
            select.value = chosen  # its Changed finds this district's list shown already
            self.show(loaded)

    def on_screen_resume(self) -> None:
        if self.came_back:  # back from another screen (the first read is compose's)
            self.action_refresh()

    @on(Select.Changed, "#waitlist-district")
    def _district_changed(self, event: Select.Changed) -> None:
        if self.waitlist is not None and self.waitlist.room.district_id == self.district_id:
            return  # shown already (the first read)
        self.limit = WAITLIST_PAGE
        self.action_refresh()

    @property
    def district_id(self) -> int | None:
        value = self.query_one("#waitlist-district", Select).value
        return None if value is Select.NULL else int(value)

    def action_refresh(self) -> None:
        if self.district_id is not None:
            self.load(self.district_id)

    def load(self, district_id: int) -> None:
        actor, limit = self.app.actor, self.limit
        self.run_read(lambda: (waitlist(actor, district_id, limit=limit), next_card_number_preview()), group="waitlist",
                      on_done=self.show, status="#waitlist-status", description=_("Henter venteliste"))

    def show(self, loaded) -> None:
        self.waitlist, self.next_number = loaded
        room = self.waitlist.room
        status = self.query_one("#waitlist-status", Static)
        places = (_("1 ledig plads") if room.places == 1
                  else _("{n} ledige pladser").format(n=room.places))
        status.update(_('{district}: {participants}/{capacity} deltagere · {places} · {clips} klip tilbage · {waiting} venter').format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            district=room.district, participants=room.participants, capacity=room.capacity, places=places,
            clips=room.clips_left, year=room.year, waiting=self.waitlist.total))
        status.set_class(room.places > 0, "open")
        hint = _("Enter: optag (ved plads ledig) · g / F5: opdatér")
        if self.may_override:
            hint += " · " + (_("u: uden for tur (leder)") if room.places > 0 else _("u: ud over kapacitet (leder)"))
        self.query_one("#waitlist-hint", Static).update(hint)
        self.refresh_bindings()
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for e in self.waitlist.entries:
            table.add_row(str(e.position),
                          Text(_("plads ledig"), style="bold green") if e.place_free else Text(""),
                          shortened(e.name), masked(e.cpr), fmt_date(e.screened_on), fmt_date(e.waiting_since),
                          key=str(e.citizen_id))
        if not self.waitlist.entries:
            table.add_row("", "", _("Ingen på ventelisten."), "", "", "", key="none")
        elif self.waitlist.total > len(self.waitlist.entries):
            table.add_row("", "", Text(_("… og {n} til").format(
                n=format_int(self.waitlist.total - len(self.waitlist.entries))), style="dim"), "", "", "", key="more")
        table.move_cursor(row=min(row, max(0, table.row_count - 1)))

    @property
    def places_free(self) -> bool:
        return self.waitlist is not None and self.waitlist.room.places > 0

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The u key: only for a leader, and labelled by what it does: out of turn while places are free
        (before those ahead), beyond the capacity when none is."""
        if action == "admit_over":
            return self.may_override and not self.places_free
        if action == "admit_out_of_turn":
            return self.may_override and self.places_free
        return True

    def _selected(self):
        if self.waitlist is None or not self.waitlist.entries:
            return None
        table = self.query_one(DataTable)
        index = table.cursor_row
        if 0 <= index < len(self.waitlist.entries):
            return self.waitlist.entries[index]
        return None

    @on(DataTable.RowSelected, "#waitlist-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_admit()

    def action_admit(self) -> None:
        entry = self._selected()
        if entry is None:
            table = self.query_one(DataTable)
            if table.row_count and table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "more":
                self.limit += WAITLIST_PAGE  # "… og n til": the next page
                self.action_refresh()
            return
        if not entry.place_free:
            room = self.waitlist.room
            self.notify(_('Der er ingen ledig plads til {name} ({participants}/{capacity} deltagere, {clips} klip tilbage). En leder kan optage ud over kapaciteten med u.').format(  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                name=entry.name, participants=room.participants, capacity=room.capacity, clips=room.clips_left),
                severity="warning", title=_("Ingen plads"))
            return
        body = _('Optag {name} ({cpr}) i {district}?\n\nFørste klippekort får nr. {number} — skriv nummeret på det fysiske kort.').format(name=entry.name, cpr=masked(entry.cpr), district=entry.district,  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                                                number=self.next_number)
        self.app.push_screen(ConfirmDialog(_("Plads ledig"), body, yes=_("Optag (j)")),
                             lambda ok, e=entry: self._admit(e, None) if ok else None)

    def action_admit_out_of_turn(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        if entry.place_free:
            self.action_admit()  # their turn anyway: no reason needed
            return
        prompt = _('Optag {name} i {district} før {ahead}, der står foran. Første kort får nr. {number}.\nSkriv begrundelsen (gemmes i loggen):')  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        prompt = prompt.format(name=entry.name, district=entry.district, number=self.next_number,
                               ahead=format_count(entry.position - 1, _("person"), _("personer")))
        self.app.push_screen(AskDialog(_("Uden for tur"), prompt),
                             lambda reason, e=entry: self._admit(e, reason) if reason else None)

    def action_admit_over(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        if not can(self.app.actor, "admission.override"):
            self.notify(_("Kun en leder kan optage ud over kapaciteten."), severity="error")
            return
        prompt = _('Optag {name} ud over kapaciteten i {district}. Første kort får nr. {number}.\nSkriv begrundelsen (gemmes i loggen):').format(name=entry.name, district=entry.district,  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                                                                  number=self.next_number)
        self.app.push_screen(AskDialog(_("Ud over kapacitet"), prompt),
                             lambda reason, e=entry: self._admit(e, reason) if reason else None)

    def _admit(self, entry, reason: str | None) -> None:
        def admitted(result) -> None:
            self.app.push_screen(InfoDialog(_("Optaget"), result.message),
                                 lambda _r, card=result.card: offer_print(self.app, card))  # issue 16
            self.action_refresh()

        def refused(message: str, _field) -> bool:
            self.notify(message, severity="error", title=_("Ikke optaget"))
            return True

        def failed(err: BaseException) -> None:
            if isinstance(err, DomainError):
                self.action_refresh()

        self.run_operation(admit, self.app.actor, entry.citizen_id, over_capacity_reason=reason, on_done=admitted,
                           form=refused, on_error=failed, description=_("Optager"))
