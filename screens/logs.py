"""Log (leder, admin) and Logopfølgning (issue #12): who looked at whom, when and why.

The Log screen reads the access log (or, with ``t``, the audit log) newest
first, one page at a time (``models.logs``: LIMIT with a keyset; ``n`` loads the
next page), filtered by citizen (CPR), staff login, period and action. CPR
numbers are masked unless the filter names the citizen. ``s`` opens
Logopfølgning: a random sample of the access log, each line marked ok (``o``)
or følges op (``f``, with a note); ``n`` draws a new sample.
"""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from models.base import DomainError
from models.i18n import _
from models.inputs import format_datetime
from screens.base import CirkelScreen

PAGE = 100


def _user_date(text: str, field: str):
    from models.inputs import parse_date

    return parse_date(text, field) if text.strip() else None


class LogScreen(CirkelScreen):
    TITLE = _("Log")
    # Straight to the table (as on_mount does): Textual's default focused the CPR filter first, then the
    # table took the focus — a restyle more while it opens (issue #17), and the CPR filter's row kept its
    # focused look ("CPR", "Medarb." highlighted) while the focus was in the table.
    AUTO_FOCUS = "#log-table"
    BINDINGS = [
        Binding("f5,g", "search", _("Søg"), id="log-search", tooltip=_("Hent loggen med filtrene.")),
        Binding("n,pagedown", "more", _("Flere"), id="log-more", tooltip=_("Hent de næste (ældre) linjer.")),
        Binding("t", "toggle", _("Adgang/revision"), id="log-toggle",
                tooltip=_("Skift mellem adgangsloggen (opslag) og revisionsloggen (ændringer).")),
        Binding("s", "review", _("Logopfølgning"), id="log-review",
                tooltip=_("Stikprøver af adgangsloggen: markér ok eller følges op.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.audit = False
        self.last_id: int | None = None
        self.rows = 0
        self.filter = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="log"):
            with Horizontal(classes="field-row"):
                yield Label(_("CPR"), classes="field-label")
                yield Input(id="log-citizen", compact=True, placeholder=_("borgerens CPR"))
                yield Label(_("Medarb."), classes="field-label")
                yield Input(id="log-staff", compact=True, placeholder=_("login"))
            with Horizontal(classes="field-row"):
                yield Label(_("Fra"), classes="field-label")
                yield Input(id="log-since", compact=True, placeholder=_("dd-mm-åååå"))
                yield Label(_("Til"), classes="field-label")
                yield Input(id="log-until", compact=True, placeholder=_("dd-mm-åååå"))
                yield Label(_("Handling"), classes="field-label")
                yield Input(id="log-action", compact=True, placeholder=_("fx search"))
            yield Static("", id="log-message", classes="field-message")
            yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("Enter i et felt søger. n: flere · t: adgang/revision · s: logopfølgning"),
                         id="log-status")
        yield Footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#log-table", DataTable).focus()  # letter keys work; Tab reaches the filters
        self.action_search()

    def _columns(self) -> None:
        table = self.query_one("#log-table", DataTable)
        table.clear(columns=True)
        if self.audit:
            table.add_columns(_("Tidspunkt"), _("Medarbejder"), _("Handling"), _("Hvad"), _("Ændring"))
        else:
            table.add_columns(_("Tidspunkt"), _("Medarbejder"), _("Borger"), _("Formål"), _("Handling"),
                              _("Kriterium"))

    def show_error(self, message: str, field: str | None) -> bool:
        self.query_one("#log-message", Static).update(message)
        return True

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_search()

    def action_toggle(self) -> None:
        self.audit = not self.audit
        self._columns()
        self.action_search()

    def action_search(self) -> None:
        from models.logs import LogFilter

        value = {f: self.query_one(f"#log-{f}", Input).value.strip() for f in
                 ("citizen", "staff", "since", "until", "action")}
        try:
            self.filter = LogFilter(citizen=value["citizen"] or None, staff=value["staff"] or None,
                                    since=_user_date(value["since"], "since"),
                                    until=_user_date(value["until"], "until"), action=value["action"] or None)
        except DomainError as err:
            self.show_error(err.message, err.field)
            return
        self.query_one("#log-message", Static).update("")
        self.last_id = None
        self.rows = 0
        self.query_one("#log-table", DataTable).clear()
        self._load()

    def action_more(self) -> None:
        if self.filter is not None and self.last_id is not None:
            self._load()

    def _load(self) -> None:
        from models.logs import access_page, audit_page

        read = audit_page if self.audit else access_page
        self.query_one("#log-status", Static).update(_("Henter loggen …"))
        self.run_read(read, self.app.actor, self.filter, limit=PAGE, before_id=self.last_id,
                      on_done=self._show, status="#log-status", description=_("Henter loggen"))

    def _show(self, entries: list) -> None:
        from models.logs import describe_json

        table = self.query_one("#log-table", DataTable)
        for e in entries:
            who = e.staff_name or _("(system)")
            if self.audit:
                table.add_row(format_datetime(e.at), who, e.operation, f"{e.entity} {e.entity_id}".strip(),
                              (describe_json(e.after) or describe_json(e.before))[:80])
            else:
                whom = f"{e.cpr} {e.citizen_name}" if e.cpr else ""
                table.add_row(format_datetime(e.at), who, whom[:30], e.purpose, e.action, e.criterion[:60])
        self.rows += len(entries)
        self.last_id = entries[-1].id if len(entries) == PAGE else None
        which = _("Revisionslog") if self.audit else _("Adgangslog")
        more = _(" · n henter flere") if self.last_id is not None else ""
        self.query_one("#log-status", Static).update(
            _("{which}: {n} linjer, nyeste først{more}.").format(which=which, n=self.rows, more=more))

    def action_review(self) -> None:
        self.app.push_screen(ReviewScreen())


class ReviewScreen(CirkelScreen):
    """Logopfølgning: the latest random sample; mark each line ok or følges op (with a note)."""

    TITLE = _("Logopfølgning")
    BINDINGS = [
        Binding("escape,q", "back", _("Tilbage"), id="review-back", tooltip=_("Tilbage til loggen.")),
        Binding("n", "draw", _("Ny stikprøve"), id="review-draw",
                tooltip=_("Træk 20 tilfældige opslag fra de sidste 30 dage.")),
        Binding("o", "mark('ok')", _("OK"), id="review-ok", tooltip=_("Opslaget havde et arbejdsbehov.")),
        Binding("f", "mark('follow_up')", _("Følges op"), id="review-follow",
                tooltip=_("Opslaget skal følges op (skriv hvorfor).")),
        Binding("g,f5", "refresh", _("Opdatér"), id="review-refresh", tooltip=_("Hent stikprøven igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="review"):
            yield Static(_("Opslag valgt tilfældigt (kan ikke forudsiges). Markér hvert: o ok · f følges op."),
                         id="review-intro")
            yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-table", DataTable).add_columns(
            _("Nr."), _("Vurdering"), _("Tidspunkt"), _("Medarbejder"), _("Borger"), _("Formål"), _("Handling"))
        self.query_one("#review-table", DataTable).focus()
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self, sample_id: int | None = None) -> None:
        from models.logs import sample_lines

        self.run_read(sample_lines, self.app.actor, sample_id, on_done=self._show, status="#review-status",
                      description=_("Henter stikprøven"))

    def action_draw(self) -> None:
        from models.logs import draw_sample

        self.run_operation(draw_sample, self.app.actor, 20, 30, on_done=self.action_refresh,
                           description=_("Trækker stikprøve"))

    def _show(self, lines: list) -> None:
        self.lines = lines
        table = self.query_one("#review-table", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear()
        for line in lines:
            e = line.entry
            if e is None:
                cells = (_("(slettet efter opbevaringsperioden)"), "", "", "", "")
            else:
                whom = f"{e.cpr} {e.citizen_name}" if e.cpr else e.criterion
                cells = (format_datetime(e.at), e.staff_name, whom[:30], e.purpose, e.action)
            label = {"ok": _("ok"), "follow_up": _("følges op")}.get(line.verdict or "", "")
            verdict = label + (f": {line.note}" if line.note else "")
            table.add_row(str(line.id), verdict[:24], *cells, key=str(line.id))
        if lines:
            table.move_cursor(row=min(row, len(lines) - 1))
            todo = sum(1 for line in lines if line.verdict is None)
            self.query_one("#review-status", Static).update(
                _("Stikprøve {id}: {n} opslag, {todo} mangler vurdering. n: ny stikprøve.").format(
                    id=lines[0].sample_id, n=len(lines), todo=todo))
        else:
            self.query_one("#review-status", Static).update(_("Ingen stikprøve endnu: n trækker en."))

    def action_mark(self, verdict: str) -> None:
        from screens.forms import AskDialog

        table = self.query_one("#review-table", DataTable)
        if not self.lines or not table.row_count:
            return
        line = self.lines[min(table.cursor_row, len(self.lines) - 1)]
        if verdict == "ok":
            self._save(line, verdict, "")
            return

        def chosen(note: str | None) -> None:
            if note:
                self._save(line, verdict, note)

        self.app.push_screen(AskDialog(_("Følges op"), _("Hvad skal følges op, og hos hvem?")), chosen)

    def _save(self, line, verdict: str, note: str) -> None:
        from models.logs import mark_review

        self.run_operation(mark_review, self.app.actor, line.id, verdict, note,
                           on_done=lambda _result: self.action_refresh(line.sample_id),
                           description=_("Gemmer vurdering"))
