"""Borgere: search as you type, then one citizen with card, punches, agreements, history.

The list uses the same search as the quick-punch dialog (``models.search``),
run in a worker on every keystroke. Enter opens the highlighted citizen; that
read is written to the access log (with the search text that found them). A
search is logged once it settles (its results stood ``SETTLE_SECONDS`` without a
keystroke), when a citizen is opened from it, or when the screen is left.

Need-to-know (issue #12): a terapeut sees another district's citizens as
"andet distrikt" (name, masked CPR, district); opening one asks for a reason,
which goes into the access log with the read.
"""
from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Static, TabbedContent, TabPane

from models.citizen_view import citizen_change_mark, citizen_detail, open_citizen_detail
from models.entities import CARD_USED_UP, PUNCH_REVERSAL, STATE_ACTIVE
from models.i18n import _
from models.inputs import format_date as fmt_date
from models.search import log_search, search_citizens
from screens.widgets import card_boxes, fmt_validity, narrow

from .base import CirkelScreen, restart_timer

SEARCH_LIMIT = 50
CHANGE_CHECK_SECONDS = 5  # the citizen page looks this often whether something changed elsewhere (a punch)


class CitizensScreen(CirkelScreen):
    TITLE = _("Borgere")
    BINDINGS = [
        Binding("down", "move(1)", _("Ned"), id="citizens-down", tooltip=_("Næste borger i listen."), show=False),
        Binding("up", "move(-1)", _("Op"), id="citizens-up", tooltip=_("Forrige borger i listen."), show=False),
        Binding("slash", "focus_search", _("Søg"), id="citizens-search",
                tooltip=_("Gå til søgefeltet (navn, CPR eller kortnummer).")),
        Binding("f5", "refresh", _("Opdatér"), id="citizens-refresh", tooltip=_("Søg igen."), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.matches: list = []
        self.text = ""
        self.logged_text: str | None = None
        self._settle = None  # the timer that logs a search once it settles

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="citizens"):
            with Horizontal(classes="field-row"):
                yield Label(_("Søg"), classes="field-label")
                yield Input(id="citizens-input", compact=True,
                            placeholder=_("navn, CPR-nummer (med eller uden bindestreg) eller kortnummer"))
            yield DataTable(id="citizens-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("Skriv for at søge. Enter åbner borgeren."), id="citizens-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        slim = narrow(self)  # 80 columns (issue #15): the name shortened (…), "Rest" for "Klip tilbage"
        table.add_column(_("Navn"), key="name", width=15 if slim else None)
        table.add_column(_("CPR"), key="cpr")
        table.add_column(_("Distrikt"), key="district")
        table.add_column(_("Tilstand"), key="state")
        table.add_column(_("Kort"), key="card")
        table.add_column(_("Rest") if slim else _("Klip tilbage"), key="left")
        self.query_one("#citizens-input", Input).focus()

    def on_screen_resume(self) -> None:
        if self.text:
            self.search(self.text)  # clips left may have changed

    def on_screen_suspend(self) -> None:
        self._log_unpicked()

    def action_focus_search(self) -> None:
        self.query_one("#citizens-input", Input).focus()

    def action_refresh(self) -> None:
        if self.text:
            self.search(self.text)

    def action_move(self, step: int) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    @on(Input.Changed, "#citizens-input")
    def _changed(self, event: Input.Changed) -> None:
        self.text = event.value.strip()
        if not self.text:
            self._show("", [])
            return
        self.search(self.text)

    def search(self, text: str) -> None:
        self.run_read(search_citizens, text, limit=SEARCH_LIMIT, actor=self.app.actor,
                      on_done=lambda matches: self._results(text, matches),
                      status="#citizens-status", description=_("Søger borgere"))

    def _results(self, text: str, matches: list) -> None:
        if text == self.text:
            self._show(text, matches)
            self._settle_later()

    def _settle_later(self) -> None:
        from models.search import SETTLE_SECONDS

        self._settle = restart_timer(self, self._settle, SETTLE_SECONDS, self._settled)

    def _settled(self) -> None:
        self._settle = None
        if self.text and self.matches and self.text != self.logged_text:
            self._log(self.matches[0].citizen_id if len(self.matches) == 1 else None)

    def _show(self, text: str, matches: list) -> None:
        self.matches = matches
        table = self.query_one(DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        for m in matches:
            style = "" if m.pickable else "dim"
            if m.other_district:
                left = ""
            elif m.card_number is not None:
                left = str(m.clips_left)
            elif m.agreement_left:
                left = _("aftale {n}").format(n=m.agreement_left)
            elif m.used_up:
                left = _("brugt op")
            else:
                left = ""
            table.add_row(Text(m.name, style=style, no_wrap=True, overflow="ellipsis"), m.cpr_masked, m.district,
                          Text(m.state_label, style=style), str(m.card_number or ""), left,
                          key=str(m.citizen_id))
        if matches:
            table.move_cursor(row=min(keep, len(matches) - 1))
        status = self.query_one("#citizens-status", Static)
        if not text:
            status.update(_("Skriv for at søge. Enter åbner borgeren."))
        elif not matches:
            status.update(_("Ingen borgere passer på '{text}'.").format(text=text))
        elif len(matches) >= SEARCH_LIMIT:
            status.update(_("De første {n} — skriv mere for at indsnævre. Enter åbner borgeren.").format(
                n=len(matches)))
        elif len(matches) == 1:
            status.update(_("1 borger. Enter åbner borgeren."))
        else:
            status.update(_("{n} borgere. Enter åbner borgeren.").format(n=len(matches)))

    @on(Input.Submitted, "#citizens-input")
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.open_highlighted()

    @on(DataTable.RowSelected, "#citizens-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_highlighted()

    def open_highlighted(self) -> None:
        table = self.query_one(DataTable)
        if not self.matches or not table.row_count:
            return
        match = self.matches[min(table.cursor_row, len(self.matches) - 1)]
        if match.other_district:
            self._open_with_reason(match)
            return
        self._log(match.citizen_id)
        self.app.push_screen(CitizenDetailScreen(match.citizen_id))

    def _open_with_reason(self, match) -> None:
        """Break the glass: another district's citizen opens only with a reason (logged with the read)."""
        from screens.forms import AskDialog

        def chosen(reason: str | None) -> None:
            if reason:
                self._log(match.citizen_id)
                self.app.push_screen(CitizenDetailScreen(match.citizen_id, reason=reason))

        self.app.push_screen(AskDialog(
            _("Andet distrikt"),
            _("{name} ({cpr}) hører til distrikt {district}. Hvorfor åbner du borgeren? Det logges.").format(
                name=match.name, cpr=match.cpr_masked, district=match.district)), chosen)

    # --- the access log: the search text once per use (see models/search.py)

    def _log(self, citizen_id: int | None) -> None:
        self.logged_text = self.text
        self.app.run_worker(partial(log_search, self.app.actor_id, self.text, citizen_id, purpose="borgeropslag"),
                            thread=True, group="access-log", exit_on_error=False)

    def _log_unpicked(self) -> None:
        if self.text and self.matches and self.text != self.logged_text:
            self._log(None)


def outcome_line(first, latest) -> str:
    """The first (baseline) and latest WHO-5, UCLA-3 and network figures in one line:
    ``WHO-5 40 → 60 · UCLA-3 7 → 5 · netværk 2 → 4 (målt 12-03-2026 → 20-10-2026)``."""
    if first is None and latest is None:
        return _("Ingen målinger af WHO-5, UCLA-3 og netværk endnu.")
    parts = []
    for label, attr in (("WHO-5", "who5_score"), ("UCLA-3", "ucla_score"), (_("netværk"), "network_size")):
        a, b = getattr(first, attr, None), getattr(latest, attr, None)
        if a is None and b is None:
            continue
        parts.append(f"{label} {'–' if a is None else a}" + ("" if latest is None else f" → {'–' if b is None else b}"))
    if first is not None and latest is not None:
        when = _("målt {first} → {latest}").format(first=fmt_date(first.measured_on),
                                                   latest=fmt_date(latest.measured_on))
    elif first is not None:
        when = _("målt {first}; ingen opfølgning endnu").format(first=fmt_date(first.measured_on))
    else:
        when = _("målt {latest}").format(latest=fmt_date(latest.measured_on))
    return " · ".join(parts) + f" ({when})"


class CitizenDetailScreen(CirkelScreen):
    """One citizen: master data, the open card, punches, cards, state history, agreements."""

    TITLE = _("Borger")
    BINDINGS = [
        Binding("escape,q,b,f3", "back", _("Tilbage"), id="citizen-back", tooltip=_("Tilbage til søgningen.")),
        Binding("n", "punch_here", _("Nyt klip"), id="citizen-punch",
                tooltip=_("Registrér klip på denne borgers åbne kort.")),
        Binding("u", "reverse", _("Tilbagefør"), id="citizen-reverse",
                tooltip=_("Tilbagefør det markerede klip (med en begrundelse).")),
        Binding("g,f5", "reload", _("Opdatér"), id="citizen-reload", tooltip=_("Hent borgeren igen."), show=False),
        # flows (issue #15): the tabs by number
        Binding("1", "tab('cd-tab-punches')", _("Klip"), id="citizen-tab-punches", show=False,
                tooltip=_("Fanen Klip.")),
        Binding("2", "tab('cd-tab-cards')", _("Kort"), id="citizen-tab-cards", show=False,
                tooltip=_("Fanen Kort.")),
        Binding("3", "tab('cd-tab-agreements')", _("Aftaler"), id="citizen-tab-agreements", show=False,
                tooltip=_("Fanen Aftaler.")),
        Binding("4", "tab('cd-tab-states')", _("Tilstande"), id="citizen-tab-states", show=False,
                tooltip=_("Fanen Tilstande.")),
        # issue 16: the printed card
        Binding("P", "print_card", _("Udskriv kort"), id="citizen-print-card",
                tooltip=_("Udskriv borgerens åbne klippekort som PDF (med stregkode).")),
        Binding("H", "print_history", _("Historik (PDF)"), id="citizen-print-history",
                tooltip=_("Borgerens kort og klip som PDF til borgeren (uden CPR-nummer).")),
        Binding("K", "replace_card", _("Mistet kort"), id="citizen-replace-card",
                tooltip=_("Erstat et mistet kort: nyt nummer, samme klip tilbage; det gamle nummer spærres.")),
        # issue #12: right of access
        Binding("I", "insight", _("Indsigt"), id="citizen-insight",
                tooltip=_("Indsigt (GDPR art. 15): alt om borgeren i én .xlsx-fil (leder).")),
    ]

    def __init__(self, citizen_id: int, reason: str | None = None) -> None:
        super().__init__()
        self.citizen_id = citizen_id
        self.reason = reason  # need-to-know: why a citizen of another district is opened
        self.detail = None
        self.mark = None  # citizen_change_mark when the page was read

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="citizen-detail"):
            yield Static(_("Henter borgeren …"), id="cd-master")
            yield Static("", id="cd-card")
            yield Static("", id="cd-outcomes")
            yield Static(_("Faner: 1 Klip · 2 Kort · 3 Aftaler · 4 Tilstande · g: opdatér"), id="cd-tabs-hint",
                         classes="intake-hint")
            with TabbedContent(id="cd-tabs"):
                with TabPane(_("Klip"), id="cd-tab-punches"):
                    yield DataTable(id="cd-punches", cursor_type="row", zebra_stripes=True)
                with TabPane(_("Kort"), id="cd-tab-cards"):
                    yield DataTable(id="cd-cards", cursor_type="row", zebra_stripes=True)
                with TabPane(_("Aftaler"), id="cd-tab-agreements"):
                    yield DataTable(id="cd-agreements", cursor_type="row", zebra_stripes=True)
                with TabPane(_("Tilstande"), id="cd-tab-states"):
                    yield DataTable(id="cd-states", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cd-punches", DataTable).add_columns(
            _("Dato"), _("Kort"), _("Klip"), _("Aktivitet"), _("Registreret af"), _("Tilbageførsel"))
        self.query_one("#cd-cards", DataTable).add_columns(
            _("Kort"), _("Start"), _("Slut"), _("Brugt"), _("Status"), _("Note"))
        self.query_one("#cd-agreements", DataTable).add_columns(
            _("Klip"), _("Brugt"), _("Gyldig"), _("Godkendt af"), _("Aktivitet"), _("Begrundelse"))
        self.query_one("#cd-states", DataTable).add_columns(
            _("Dato"), _("Fra"), _("Til"), _("Af"), _("Begrundelse"))
        self.query_one("#cd-punches", DataTable).focus()
        self.load(log=True)
        self.set_interval(CHANGE_CHECK_SECONDS, self._check_changes)

    def action_tab(self, pane: str) -> None:
        self.query_one("#cd-tabs", TabbedContent).active = pane
        self.query_one(f"#{pane} DataTable", DataTable).focus()

    def _check_changes(self) -> None:
        """A punch (or anything else shown) made elsewhere appears without F5."""
        if self.detail is None or self.app.screen is not self:
            return
        self.run_read(citizen_change_mark, self.citizen_id, on_done=self._compare_mark, group="citizen-mark",
                      description=_("Henter borger"))

    def _compare_mark(self, mark) -> None:
        if mark != self.mark:
            self.load(log=False)

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load(log=False)

    def action_reload(self) -> None:
        self.load(log=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def load(self, log: bool) -> None:
        citizen_id = self.citizen_id
        if log:
            read = partial(open_citizen_detail, self.app.actor, citizen_id, reason=self.reason)
        else:
            read = partial(citizen_detail, citizen_id)
        # the mark first: a change made between the two reads is seen at the next check
        self.run_read(lambda: (citizen_change_mark(citizen_id), read()), on_done=self._loaded_marked,
                      form=self._failed, status="#cd-master", group="citizen-load", description=_("Henter borger"))

    def _loaded_marked(self, loaded) -> None:
        self.mark, detail = loaded
        self._loaded(detail)

    def _failed(self, message: str, _field) -> bool:
        self.query_one("#cd-master", Static).update(Text(message, style="bold red"))
        return True

    def _loaded(self, detail) -> None:
        d = self.detail = detail
        self.sub_title = d.name
        master = Text(d.name, style="bold")
        master.append(f"   CPR {d.cpr}   {d.district}\n")
        address = ", ".join(part for part in (d.address, f"{d.postcode} {d.city}".strip()) if part)
        master.append(address)
        if d.phone:
            master.append("   " + _("tlf. {phone}").format(phone=d.phone))
        master.append("\n" + _("Tilstand") + ": ")
        master.append(d.state_label, style="bold" if d.state == STATE_ACTIVE else "italic")
        if d.state_since:
            master.append(" " + _("siden {day}").format(day=fmt_date(d.state_since)))
        self.query_one("#cd-master", Static).update(master)

        card = Text()
        if d.open_card is not None:
            c = d.open_card
            card.append(_("Kort {number}").format(number=c.number) + "  ", style="bold")
            card.append_text(card_boxes(c.used, c.clips))
            card.append(" " + _("{left} af {clips} klip tilbage · udstedt {day}").format(
                left=c.left, clips=c.clips, day=fmt_date(c.issued_on)))
        else:
            last = d.cards[0] if d.cards else None
            if last is not None and last.status == CARD_USED_UP:
                card.append(_("Kort {number} er brugt op {day} — borgeren skal revurderes før et nyt kort.").format(
                    number=last.number, day=fmt_date(last.ended_on)), style="bold")
            else:
                card.append(_("Intet åbent klippekort."), style="italic")
        self.query_one("#cd-card", Static).update(card)
        self.query_one("#cd-outcomes", Static).update(outcome_line(d.baseline, d.latest))

        punches = self.query_one("#cd-punches", DataTable)
        row = punches.cursor_row if punches.row_count else 0
        punches.clear()
        for p in d.punches:
            where = str(p.card_number) if p.card_number is not None else _("aftale")
            if p.kind == PUNCH_REVERSAL:
                note = _("modpost: {reason}").format(reason=p.reason)
            elif p.reversed:
                note = _("tilbageført")
            elif p.kind == "import":
                note = _("importeret")
            else:
                note = ""
            style = "dim" if (p.reversed or p.kind == PUNCH_REVERSAL) else ""
            punches.add_row(fmt_date(p.punched_on), where, Text(str(p.clips), style=style),
                            Text(p.activity, style=style), p.registered_by, note, key=p.id)
        if d.punches:
            punches.move_cursor(row=min(row, len(d.punches) - 1))

        cards = self.query_one("#cd-cards", DataTable)
        cards.clear()
        for c in d.cards:
            cards.add_row(str(c.number), fmt_date(c.issued_on), fmt_date(c.ended_on), f"{c.used}/{c.clips}",
                          c.status_label, c.end_reason, key=str(c.id))

        agreements = self.query_one("#cd-agreements", DataTable)
        agreements.clear()
        for a in d.agreements:
            agreements.add_row(str(a.clips), str(a.used), fmt_validity(a), a.approved_by, a.activity, a.reason,
                               key=str(a.id))

        states = self.query_one("#cd-states", DataTable)
        states.clear()
        for s in d.states:
            states.add_row(fmt_date(s.on), s.from_state, s.to_state, s.by, s.reason)

    async def action_punch_here(self) -> None:
        d = self.detail
        if d is None:
            return
        if d.open_card is None and not any(a.left > 0 for a in d.agreements):
            self.notify(_("{name} har intet åbent klippekort.").format(name=d.name), severity="warning")
            return
        initial = str(d.open_card.number) if d.open_card is not None else d.cpr.replace("-", "")
        await self.app.action_quick_punch(initial)

    # --- issue 16: the printed card (the work is in screens/printing.py)

    def action_print_card(self) -> None:
        from .printing import print_cards_in_background

        if self.detail is None:
            return
        if self.detail.open_card is None:
            self.notify(_("{name} har intet åbent klippekort at udskrive.").format(name=self.detail.name),
                        severity="warning")
            return
        print_cards_in_background(self.app, [self.detail.open_card.number])

    def action_print_history(self) -> None:
        from .printing import print_history_in_background

        if self.detail is not None:
            print_history_in_background(self.app, self.detail.id)

    def action_replace_card(self) -> None:
        from .forms import AskDialog
        from .printing import replace_lost_card

        d = self.detail
        if d is None:
            return
        if d.open_card is None:
            self.notify(_("{name} har intet åbent klippekort at erstatte.").format(name=d.name), severity="warning")
            return
        number = d.open_card.number
        ask = _("Kort {n} spærres, og {name} får et nyt kort med de {left} klip, der er tilbage. Hvorfor?")
        self.app.push_screen(
            AskDialog(_("Mistet kort"), ask.format(n=number, name=d.name, left=d.open_card.left),
                      placeholder=_("fx mistet, ødelagt")),
            lambda reason: replace_lost_card(self.app, number, reason) if reason else None)

    def action_reverse(self) -> None:
        table = self.query_one("#cd-punches", DataTable)
        if self.detail is None or not table.row_count:
            return
        self.query_one("#cd-tabs", TabbedContent).active = "cd-tab-punches"
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self.app.action_undo_punch(key)

    # --- issue #12: right of access

    def action_insight(self) -> None:
        from exports.insight import default_path
        from screens.forms import AskDialog

        d = self.detail
        if d is None:
            return

        def chosen(path: str | None) -> None:
            if path:
                self._write_insight(d.cpr, path)

        self.app.push_screen(AskDialog(
            _("Indsigt"), _("Gem alt om {name} (med adgangsloggen) i filen:").format(name=d.name),
            str(default_path().resolve()), ok=_("Gem")), chosen)

    def _write_insight(self, cpr: str, path: str) -> None:
        from exports.insight import write_insight

        self.run_operation(write_insight, self.app.actor, cpr, path,
                           on_done=lambda target: self.notify(_("Indsigt gemt: {path}").format(path=target),
                                                              title=_("Indsigt")),
                           form=lambda message, _field: self.notify(message, severity="error") or True,
                           description=_("Indsigt"))
