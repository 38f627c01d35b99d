"""Tilmelding: search a citizen, Enter signs up (a seat, else the event's waitlist);
Delete on a sign-up registers an afbud and says who moved up from the waitlist.

The search runs as you type; ↑/↓ in the field move the highlight, and Enter signs
up the highlighted match at once (issue #15). A search is written to the access
log once it settles, when someone is signed up from it, or when the screen is left.

A non-active citizen is refused; a leader is asked for a reason and may sign
them up anyway (the reason is kept and audited).
"""
from __future__ import annotations

from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from models.events import cancel_signup, event_row, event_signups, find_participants, sign_up
from models.i18n import _
from models.permissions import can
from models.search import SETTLE_SECONDS, log_search
from screens.dialogs import ConfirmDialog

from .base import CirkelScreen
from .events import event_head
from .forms import AskDialog
from .widgets import state_title

SIGNUP_TITLES = {"signed_up": _("tilmeldt"), "waitlisted": _("venteliste"), "cancelled": _("afbud")}


class SignupScreen(CirkelScreen):
    TITLE = _("Tilmelding")
    BINDINGS = [
        Binding("escape,f12", "back", _("Tilbage"), id="signup-back", tooltip=_("Tilbage til fællesturene.")),
        Binding("ctrl+f", "focus_search", _("Søg"), id="signup-search", tooltip=_("Søg en borger frem.")),
        Binding("delete", "afbud", _("Afbud"), id="signup-afbud",
                tooltip=_("Registrér afbud for den valgte tilmelding; første på ventelisten rykker op.")),
        Binding("f5", "refresh", _("Opdatér"), id="signup-refresh", tooltip=_("Hent tilmeldingerne igen.")),
    ]

    def __init__(self, event_id: int) -> None:
        super().__init__()
        self.event_id = event_id
        self.row = None
        self.lines: list = []
        self.hits: list = []
        self.logged = False
        self.last_search = ""  # what the search field holds (spaces folded)
        self.hits_for: str | None = None  # the text the hits shown were found for
        self.book_when_found: str | None = None  # Enter came before the hits for this text
        self.logged_search: str | None = None
        self._settle = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="signup"):
            yield Static(_("Henter turen …"), id="signup-head", classes="event-head")
            yield Label(_("Søg borger (navn, CPR eller kortnummer); ↑/↓ vælger, Enter tilmelder:"))
            yield Input(placeholder=_("fx Karen Jensen, 010145 eller 1042"), id="search", compact=True)
            yield Static("", id="search-status", classes="field-error")
            yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
            yield Static(_("Tilmeldte, venteliste og afbud — Delete registrerer afbud"), classes="section-title")
            yield DataTable(id="signups", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        hits = self.query_one("#hits", DataTable)
        hits.add_columns(_("Navn"), _("CPR"), _("Status"), _("Turen"), _("Kort"), _("Klip"), _("Distrikt"))
        signups = self.query_one("#signups", DataTable)
        signups.add_columns(_("Nr."), _("Navn"), _("CPR"), _("Telefon"), _("Tilmelding"), _("Bemærkning"))
        self.query_one("#search-status", Static).display = False
        self.query_one("#search", Input).focus()
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_refresh(self) -> None:
        self.load()

    # --- reads in workers

    def load(self) -> None:
        event_id, actor, log = self.event_id, self.app.actor, not self.logged
        self.logged = True
        self.run_read(lambda: (event_row(event_id), event_signups(actor, event_id, log=log)), group="signup-load",
                      on_done=self.show, description=_("Henter tilmeldinger"))

    def show(self, loaded) -> None:
        self.row, self.lines = loaded
        self.sub_title = self.row.title
        self.query_one("#signup-head", Static).update(event_head(self.row))
        table = self.query_one("#signups", DataTable)
        cursor = table.cursor_row
        table.clear()
        for line in self.lines:
            status = SIGNUP_TITLES.get(line.status, line.status)
            if line.waitlist_position:
                status = _("venteliste nr. {n}").format(n=line.waitlist_position)
            note = line.override_reason and _("undtagelse: {reason}").format(reason=line.override_reason)
            table.add_row(str(line.seq), line.name, line.cpr_masked, line.phone, status, note or "",
                          key=str(line.id))
        if self.lines:
            table.move_cursor(row=min(cursor, len(self.lines) - 1))

    @on(Input.Changed, "#search")
    def search_typed(self, event: Input.Changed) -> None:
        text = " ".join(event.value.split())
        if text == self.last_search:
            return
        self.last_search = text
        self.book_when_found = None
        self.query_one("#search-status", Static).display = False
        if text:
            self.search(text)
        else:
            self.show_hits("", [])

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        text = " ".join(event.value.split())
        status = self.query_one("#search-status", Static)
        if not text:
            status.update(_("Skriv et navn, et CPR-nummer eller et kortnummer."))
            status.display = True
            return
        if text == self.hits_for and self.hits:
            table = self.query_one("#hits", DataTable)
            self.sign_up(self.hits[min(table.cursor_row, len(self.hits) - 1)])  # the highlighted match
            return
        self.book_when_found = text  # the hits are not in yet: sign up when they come (one match)
        self.last_search = text
        self.search(text)

    def on_key(self, event: events.Key) -> None:
        """↑/↓ in the search field move the highlight among the matches."""
        if event.key in ("up", "down") and self.focused is self.query_one("#search", Input) and self.hits:
            table = self.query_one("#hits", DataTable)
            step = 1 if event.key == "down" else -1
            table.move_cursor(row=max(0, min(len(self.hits) - 1, table.cursor_row + step)))
            event.stop()
            event.prevent_default()

    def search(self, text: str) -> None:
        self.run_read(find_participants, self.app.actor, text, event_id=self.event_id, log=False,
                      on_done=lambda hits: self.show_hits(text, hits), group="signup-search", description=_("Søger"))

    def show_hits(self, text: str, hits) -> None:
        if text != self.last_search:
            return  # an older search: more has been typed since
        same = [h.id for h in self.hits] == [h.id for h in hits]
        self.hits = hits
        self.hits_for = text
        table = self.query_one("#hits", DataTable)
        cursor = table.cursor_row if same else 0
        table.clear()
        for h in self.hits:
            table.add_row(h.name, h.cpr_masked, state_title(h.state),
                          SIGNUP_TITLES.get(h.signup_status, "") if h.signup_status else "",
                          str(h.card_number or "—"), "" if h.clips_left is None else str(h.clips_left),
                          h.district, key=str(h.id))
        status = self.query_one("#search-status", Static)
        pending, self.book_when_found = self.book_when_found == text, None
        if text and not self.hits:
            status.update(_("Ingen borgere fundet for '{text}'.").format(text=text))
            status.display = True
        elif self.hits:
            table.move_cursor(row=min(cursor, len(self.hits) - 1))
            self._settle_later()
            if pending and len(self.hits) == 1:
                self.sign_up(self.hits[0])
            elif pending:
                table.focus()  # Enter before the matches came, and there are several: choose, Enter signs up

    # --- the access log of a search (once it settles or is used, not per keystroke)

    def _settle_later(self) -> None:
        if self._settle is not None:
            self._settle.stop()
        self._settle = self.set_timer(SETTLE_SECONDS, self._log_unused)

    def _log_unused(self) -> None:
        if self.hits_for and self.hits and self.hits_for != self.logged_search:
            self._log(None)

    def _log(self, citizen_id: int | None) -> None:
        self.logged_search = self.hits_for
        self.app.run_worker(partial(log_search, self.app.actor_id, self.hits_for or "", citizen_id,
                                    purpose="fællestur"), thread=True, group="access-log", exit_on_error=False)

    def on_screen_suspend(self) -> None:
        self._log_unused()

    # --- sign-up and afbud

    @on(DataTable.RowSelected, "#hits")
    def hit_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self.hits:
            return
        hit = self.hits[min(event.cursor_row, len(self.hits) - 1)]
        self.sign_up(hit)

    @on(DataTable.RowSelected, "#signups")
    def signup_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()

    def sign_up(self, hit, reason: str = "") -> None:
        actor = self.app.actor

        def refused(message: str, field: str | None) -> bool:
            if field != "override" or reason or not can(actor, "signup.override"):
                return False  # the runner notifies

            def with_reason(text: str | None) -> None:
                if text:
                    self.sign_up(hit, text)

            self.app.push_screen(AskDialog(_("Undtagelse"), message, ok=_("Tilmeld alligevel")), with_reason)
            return True

        if self.hits_for:
            self._log(hit.id)  # the search that found them, with whom it found
        self.run_operation(sign_up, actor, self.event_id, hit.id, override_reason=reason, form=refused,
                           on_done=self._signed_up, description=_("Tilmelder"))

    def _signed_up(self, outcome) -> None:
        self.notify(outcome.message, severity="information" if outcome.seated else "warning")
        search = self.query_one("#search", Input)
        search.value = ""  # ready for the next person (the sign-up stands in the list below)
        search.focus()
        self.load()

    def _selected_signup(self):
        table = self.query_one("#signups", DataTable)
        if not self.lines or table.row_count == 0:
            return None
        return self.lines[min(table.cursor_row, len(self.lines) - 1)]

    def action_afbud(self) -> None:
        if self.focused is not self.query_one("#signups", DataTable):
            self.query_one("#signups", DataTable).focus()
            self.notify(_("Vælg tilmeldingen og tryk Delete igen for afbud."), severity="information")
            return
        line = self._selected_signup()
        if line is None:
            return
        if line.status == "cancelled":
            self.notify(_("{name} har allerede meldt afbud.").format(name=line.name), severity="warning")
            return

        def cancelled(outcome) -> None:
            self.notify(outcome.message, timeout=8)
            self.load()

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_operation(cancel_signup, self.app.actor, line.id, on_done=cancelled,
                                   description=_("Registrerer afbud"))

        self.app.push_screen(ConfirmDialog(_("Afbud for {name}?").format(name=line.name),
                                           yes=_("Registrér afbud"), no=_("Fortryd")), answer)
