"""Overblik: per district the pool, participants, waitlist and reassessments due;
the next outings. Figures are read in a worker so the screen never freezes."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from models.dashboard import dashboard
from models.i18n import _
from models.inputs import format_count
from models.inputs import format_datetime as fmt_datetime
from models.inputs import format_int as fmt_int
from screens.base import CirkelScreen
from screens.first_steps import FirstSteps
from screens.widgets import bar


class DashboardScreen(CirkelScreen):
    TITLE = _("Overblik")
    BINDINGS = [
        Binding("g,f5", "refresh", _("Opdatér"), id="dashboard-refresh", tooltip=_("Hent tallene igen.")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="dashboard"):
            yield FirstSteps(id="first-steps")  # issue #15, item 5: only on a database not yet set up
            yield Static(_("Puljer og deltagere"), classes="section-title", id="pools-title")
            yield DataTable(id="districts", cursor_type="row", zebra_stripes=True)
            yield Static(_("De næste fællesture"), classes="section-title")
            yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
            yield Static("", id="dashboard-status")
        yield Footer()

    def on_mount(self) -> None:
        districts = self.query_one("#districts", DataTable)
        districts.add_column(_("Distrikt"), key="district")
        districts.add_column(_("Pulje"), key="bar")
        districts.add_column(_("Klip bundet"), key="used")
        districts.add_column(_("Deltagere"), key="participants")
        districts.add_column(_("Venteliste"), key="waitlist")
        districts.add_column(_("Revurd."), key="due")
        districts.add_column(_("Optag"), key="intake")
        events = self.query_one("#events", DataTable)
        events.add_columns(_("Tid"), _("Tur"), _("Distrikt"), _("Pladser"), _("Venteliste"))
        self.query_one("#dashboard-status", Static).update(_("Henter tal …"))

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py,
        # which also styles the width class from the start and restyles on the first showing only what
        # depends on state, issue #17)
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()
        self.query_one(FirstSteps).load()

    def load(self) -> None:
        # issue #17: the first load takes the read started with the app (cirkel_tui/read_ahead.py), if any
        ahead = getattr(self.app, "read_ahead", None)
        if ahead is not None:
            done, board = ahead.take_finished(dashboard)
            if done:  # read already: the first frame shows its figures
                self.show(board)
                return
        read = (ahead.take(dashboard) if ahead is not None else None) or dashboard
        self.run_read(read, on_done=self.show, status="#dashboard-status", description=_("Henter overblik"))

    def show(self, board) -> None:
        self.query_one("#pools-title", Static).update(
            _("Puljer og deltagere {year}").format(year=board.year))
        districts = self.query_one("#districts", DataTable)
        districts.clear()
        for line in board.districts:
            p = line.pool
            used = p.allocated - p.left
            intake = Text(_("åbent"), style="green") if p.open_for_intake else Text(_("lukket"), style="bold red")
            districts.add_row(
                p.district,
                bar(used, p.allocated, width=8),
                f"{fmt_int(used)}/{fmt_int(p.allocated)}",
                f"{fmt_int(p.participants)}/{fmt_int(p.capacity)}",
                fmt_int(p.waitlist),
                fmt_int(line.reassessments_due),
                intake,
                key=str(p.district_id),
            )
        events = self.query_one("#events", DataTable)
        events.clear()
        for e in board.events:
            events.add_row(fmt_datetime(e.starts_at), e.title, e.district, f"{e.taken}/{e.seats}",
                           str(e.waitlisted), key=str(e.event_id))
        closed = [line.pool.district for line in board.districts if not line.pool.open_for_intake]
        status = (_("Lukket for optag: {names}.").format(names=", ".join(closed)) if closed
                  else _("Alle distrikter er åbne for optag."))
        ready = [f"{line.pool.district} ({min(line.pool.places, line.pool.waitlist)})"
                 for line in board.districts if line.pool.places and line.pool.waitlist]
        if ready:
            status += " " + _("Plads ledig til ventende: {names} — optag fra Venteliste (v).").format(
                names=", ".join(ready))
        if board.idle_cards:  # issue #13
            status += " " + _("{n} uden klip i {weeks} — se Opfølgning (w).").format(
                n=format_count(board.idle_cards, _("åbent kort"), _("åbne kort")),
                weeks=format_count(board.idle_weeks, _("uge"), _("uger")))
        if not board.districts:
            status = _(
                "Ingen distrikter endnu: se »Kom i gang« ovenfor (eller cirkel district add NAVN --home-help N).")
        status += self._review_note(board)
        self.query_one("#dashboard-status", Static).update(status)

    def _review_note(self, board) -> str:
        """Issue #12: a leader is told when the access log has not been reviewed for too long."""
        from models.permissions import can

        if board.review_overdue is None or not can(self.app.actor, "log.review"):
            return ""
        if board.review_overdue < 0:
            return "\n" + _("Adgangsloggen er aldrig gennemgået: træk en stikprøve i Log (L, derefter s).")
        return "\n" + _("Ingen logopfølgning i {days} dage: træk en stikprøve i Log (L, derefter s).").format(
            days=board.review_overdue)
