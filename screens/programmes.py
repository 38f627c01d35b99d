"""Projekter: the pool-funded programmes (R13, issue 14) — budget, lines, spending, enrolment, café, results.

``ProgrammesScreen`` lists every programme with budget / spent / left as bars,
per line too, and opens a programme's page (Enter). ``ProgrammeScreen`` shows
the lines, expenses, enrolment, events (the weekly café's attendance per week,
regulars, the target group's share, participants per month) and results notes,
with forms for an expense, a line, enrolment and its end, a results note, a
weekly café and its attendance. Every read and write goes through the runner
(``screens.base``: a thread worker calling ``models``); a refusal is shown at its field.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)
from textual.widgets.option_list import Option

from models.i18n import _
from models.inputs import format_count, format_date, format_datetime, format_kroner

from .base import CirkelDialog, CirkelScreen
from .citizen_picker import CitizenPicker
from .typeahead import TypeAheadForm
from .widgets import bar, shortened

BAR_WIDTH = 10


def _kr(amount) -> str:
    return format_kroner(amount)


def _amount(amount) -> Text:
    """An amount for a table column headed "(kr)": Danish figures, right-aligned."""
    return Text(format_kroner(amount, unit=False), justify="right")


BLOCKS = " ▁▂▃▄▅▆▇█"


def week_chart(weeks, rows: int = 3) -> Text:
    """Attendance per week as a small bar chart (one column per week, 0 at the bottom), week numbers under it."""
    if not weeks:
        return Text("")
    top = max(w.total for w in weeks) or 1
    levels = [round(w.total / top * rows * 8) for w in weeks]
    text = Text()
    for row in range(rows, 0, -1):
        label = str(top) if row == rows else ("0" if row == 1 else "")
        text.append(f"{label:>4} ", style="dim")
        for level in levels:
            filled = max(0, min(8, level - (row - 1) * 8))
            text.append(BLOCKS[filled] + " ", style="green")
        text.append("\n")
    axis = "".join(f"{w.week:<2}"[:2] if i % 4 == 0 else "  " for i, w in enumerate(weeks))
    text.append(_("uge ") + axis, style="dim")
    return text


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)} %"


def _growth(value: float | None) -> str:
    if value is None:
        return ""
    pct = round(value * 100)
    return f"+{pct} %" if pct > 0 else f"{pct} %"


def _spent_bar(spent, budget):
    return bar(int(spent), int(budget), BAR_WIDTH)


def _row_key(table: DataTable) -> str | None:
    if table.row_count == 0:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # no row under the cursor
        return None


# --- a small form: labelled fields, the message under each, Gem / Annullér ------------------

@dataclass
class Field:
    id: str  # the operation's field name (DomainError.field)
    label: str
    placeholder: str = ""
    value: str = ""
    hint: str = ""
    max_length: int = 200


class _SaveOrCancel:
    """Gem / Annullér buttons (``#pf-ok``, ``#pf-no``), Esc, and the busy flag of a form that saves once."""

    busy = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("pf-ok", "pf-no"):
            event.stop()
            self.action_save() if event.button.id == "pf-ok" else self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _not_saved(self, _err) -> None:
        self.busy = False


class ProgrammeForm(_SaveOrCancel, TypeAheadForm):  # TypeAheadForm has the runner
    """Fields in order; Enter moves on (keeping up with a fast typist), Enter in the last field (or Ctrl+S) saves.

    ``submit(values, citizen_id)`` runs the operation through the runner; a
    ``DomainError`` is shown under the field it names, else above the buttons.
    The form closes with what ``submit`` returned.
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Annullér"), id="pform-cancel", tooltip=_("Luk uden at gemme.")),
        Binding("ctrl+s", "save", _("Gem"), id="pform-save", tooltip=_("Gem formularen.")),
    ]

    def __init__(self, title: str, fields: list[Field], submit: Callable, *, citizen: bool = False,
                 intro: str = "") -> None:
        super().__init__()
        self.add_class("programme-form")
        self.form_title = title
        self.fields = fields
        order = (["pf-citizen"] if citizen else []) + [f"pf-{f.id}" for f in fields]
        self.FIELDS = tuple(order)
        self.NEXT = dict(zip(order, order[1:], strict=False))
        self.submit = submit
        self.with_citizen = citizen
        self.intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static(self.form_title, classes="dialog-title")
            if self.intro:
                yield Static(self.intro, classes="dialog-hint")
            if self.with_citizen:
                yield CitizenPicker(_("Borger"), id="pf-picker", input_id="pf-citizen", limit=8, any_citizen=True,
                                    purpose="projekt")
            for f in self.fields:
                with Horizontal(classes="field-row"):
                    yield Label(f.label, classes="field-label")
                    yield Input(value=f.value, id=f"pf-{f.id}", compact=True, placeholder=f.placeholder,
                                max_length=f.max_length)
                yield Static(f.hint, classes="field-message", id=f"pf-{f.id}-msg")
            yield Static("", classes="field-message", id="pf-general-msg")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem"), id="pf-ok", variant="primary", compact=True)
                yield Button(_("Annullér"), id="pf-no", compact=True)
            yield Static(_("Enter: næste felt · Ctrl+S: gem · Esc eller Annullér: luk"), classes="dialog-hint")

    def on_mount(self) -> None:
        first = "#pf-citizen" if self.with_citizen else f"#pf-{self.fields[0].id}"
        self.set_focus(self.query_one(first, Input))

    def _inputs(self) -> list[Input]:
        return [self.query_one(f"#pf-{f.id}", Input) for f in self.fields]

    @on(CitizenPicker.Picked)
    def _picked(self) -> None:
        if self.fields and (self.focused is None or self.focused.id == "pf-citizen"):  # a click on the list
            self.set_focus(self._inputs()[0])

    def handle_enter(self, field: str) -> bool:
        if field == "pf-citizen":
            if self.query_one(CitizenPicker).search_now_and_pick() is None:
                self.set_focus(self.query_one("#pf-citizen", Input))
                return False
            return True
        if field == self.FIELDS[-1]:
            self.action_save()
        return True

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        for f in self.fields:
            if event.input.id == f"pf-{f.id}":
                line = self.query_one(f"#pf-{f.id}-msg", Static)
                if line.has_class("error"):
                    line.update(f.hint)
                    line.remove_class("error")

    def action_save(self) -> None:
        if self.busy:
            return
        citizen_id = None
        if self.with_citizen:
            picked = self.query_one(CitizenPicker).picked
            if picked is None:
                self.show_error(_("Vælg først en borger: skriv og tryk Enter."), "citizen")
                return
            citizen_id = picked.citizen_id
        self.busy = True
        values = {f.id: self.query_one(f"#pf-{f.id}", Input).value for f in self.fields}
        self.run_operation(self.submit, values, citizen_id, on_done=self.dismiss, on_error=self._not_saved,
                           form=self, description=self.form_title)

    def show_error(self, message: str, field: str | None) -> bool:
        """A refusal at the field it names (else above the buttons)."""
        ids = {f.id for f in self.fields}
        if field == "citizen" and self.with_citizen:
            self.query_one(CitizenPicker).say(message, error=True)
            self.set_focus(self.query_one("#pf-citizen", Input))
            return True
        target = f"#pf-{field}-msg" if field in ids else "#pf-general-msg"
        line = self.query_one(target, Static)
        line.update(message)
        line.add_class("error")
        if field in ids:
            self.set_focus(self.query_one(f"#pf-{field}", Input))
        return True


# --- the café's attendance: registered citizens and a count of guests -------------------------

class AttendanceDialog(_SaveOrCancel, CirkelDialog):
    """Who came to a café: find citizens (Enter adds), Delete removes, the number of guests; Ctrl+S saves."""

    BINDINGS = [
        Binding("escape", "cancel", _("Annullér"), id="att-cancel", tooltip=_("Luk uden at gemme.")),
        Binding("ctrl+s", "save", _("Gem"), id="att-save", tooltip=_("Gem fremmødet.")),
        Binding("delete", "remove", _("Fjern"), id="att-remove", tooltip=_("Fjern den markerede fra listen.")),
    ]

    def __init__(self, event_line) -> None:
        super().__init__(classes="programme-form")
        self.event_line = event_line
        self.people: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        e = self.event_line
        with Vertical(classes="dialog-box"):
            yield Static(_("Fremmøde: {title} {when}").format(title=e.title, when=format_datetime(e.starts_at)),
                         classes="dialog-title")
            yield CitizenPicker(_("Tilføj"), id="att-picker", input_id="att-citizen", limit=4, any_citizen=True,
                                purpose="projekt")
            yield Static(_("Registrerede borgere, der kom (Tab til listen, Delete fjerner):"), classes="dialog-hint")
            yield OptionList(id="att-list", compact=True)
            with Horizontal(classes="field-row"):
                yield Label(_("Gæster"), classes="field-label")
                yield Input(value=str(e.guests), id="att-guests", compact=True, restrict=r"[0-9]*", max_length=3)
            yield Static(_("Gæster: uregistrerede, der kom (kun antallet)."), classes="field-message",
                         id="att-guests-msg")
            yield Static("", classes="field-message", id="att-total")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem"), id="pf-ok", variant="primary", compact=True)
                yield Button(_("Annullér"), id="pf-no", compact=True)
            yield Static(_("Enter i søgefeltet: tilføj · Ctrl+S: gem · Esc: luk"), classes="dialog-hint")

    def on_mount(self) -> None:
        from models.programme_attendance import attendees

        self.set_focus(self.query_one("#att-citizen", Input))
        self.run_read(attendees, self.app.actor, self.event_line.id, on_done=self._loaded, status="#att-total",
                      description=_("Henter fremmøde"))

    def _loaded(self, people: list[tuple[int, str]]) -> None:
        for cid, name in people:
            self.people.setdefault(cid, name)
        self._show()

    def _show(self) -> None:
        options = self.query_one("#att-list", OptionList)
        options.clear_options()
        options.add_options([Option(name, id=str(cid)) for cid, name in
                             sorted(self.people.items(), key=lambda item: item[1])])
        if self.people:
            options.highlighted = 0
        self._total()

    def _total(self) -> None:
        guests = self.query_one("#att-guests", Input).value.strip()
        n = len(self.people) + (int(guests) if guests.isdigit() else 0)
        self.query_one("#att-total", Static).update(
            _("I alt {n}: {registered} registrerede + {guests} gæster.").format(
                n=n, registered=len(self.people), guests=guests or "0"))

    @on(Input.Changed, "#att-guests")
    def _guests_changed(self) -> None:
        line = self.query_one("#att-guests-msg", Static)
        line.remove_class("error")
        self._total()

    @on(CitizenPicker.Picked)
    def _picked(self, message: CitizenPicker.Picked) -> None:
        self.people[message.match.citizen_id] = message.match.name
        self._show()
        picker_input = self.query_one("#att-citizen", Input)
        picker_input.value = ""
        self.set_focus(picker_input)

    @on(Input.Submitted, "#att-guests")
    def _guests_enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_remove(self) -> None:
        options = self.query_one("#att-list", OptionList)
        if options.highlighted is None or not self.people:
            return
        option = options.get_option_at_index(options.highlighted)
        self.people.pop(int(option.id), None)
        self._show()

    def action_save(self) -> None:
        from models.programme_attendance import register_attendance

        if self.busy:
            return
        self.busy = True
        self.run_operation(register_attendance, self.app.actor, self.event_line.id, list(self.people),
                           self.query_one("#att-guests", Input).value,
                           on_done=lambda outcome: self.dismiss(outcome.message), on_error=self._not_saved,
                           form=self, description=_("Gemmer fremmøde"))

    def show_error(self, message: str, field: str | None) -> bool:
        line = self.query_one("#att-guests-msg" if field == "guests" else "#att-total", Static)
        line.update(message)
        line.add_class("error")
        return True


# --- Projekter ------------------------------------------------------------------------------

class ProgrammesScreen(CirkelScreen):
    TITLE = _("Projekter")
    BINDINGS = [
        Binding("enter", "open", _("Åbn"), id="programmes-open", tooltip=_("Åbn projektets side."), show=True),
        Binding("n", "new", _("Nyt projekt"), id="programmes-new", tooltip=_("Opret et projekt (leder).")),
        Binding("g,f5", "refresh", _("Opdatér"), id="programmes-refresh", tooltip=_("Hent tallene igen.")),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="programmes"):
            yield Static(_("Puljefinansierede projekter: budget, forbrug og hvad der er tilbage"),
                         classes="section-title")
            yield DataTable(id="programmes-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("Henter projekter …"), id="programmes-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(_("Projekt / linje"), width=max(24, min(50, self.app.size.width - 60)))
        table.add_columns(_("Budget (kr)"), _("Forbrugt (kr)"), _("Tilbage (kr)"), _("Forbrug"), _("Tilmeldte"),
                          _("År"))
        table.focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        from models.programmes import programme_figures

        self.run_read(programme_figures, on_done=self._loaded, status="#programmes-status",
                      description=_("Henter projekter"))

    def _loaded(self, figures: list) -> None:
        from models.programmes import UNALLOCATED

        table = self.query_one(DataTable)
        keep = _row_key(table)
        table.clear()
        for p in figures:
            table.add_row(Text(p.name, style="bold", no_wrap=True, overflow="ellipsis"), _amount(p.budget),
                          _amount(p.spent), _amount(p.left),
                          _spent_bar(p.spent, p.budget), str(p.enrolled), str(p.year or ""), key=f"p{p.id}")
            for x in p.rows:
                name = _("Ikke fordelt") if x.id is None and x.name == UNALLOCATED else x.name
                table.add_row(shortened("  " + name), _amount(x.budget), _amount(x.spent), _amount(x.left),
                              _spent_bar(x.spent, x.budget) if x.id is not None else "", "", "",
                              key=f"l{p.id}-{x.id or 0}")
        if figures:
            budget = sum(p.budget for p in figures)
            spent = sum(p.spent for p in figures)
            table.add_row(Text(_("I alt"), style="bold"), _amount(budget), _amount(spent), _amount(budget - spent),
                          _spent_bar(spent, budget), str(sum(p.enrolled for p in figures)), "", key="total")
        if keep:
            try:
                table.move_cursor(row=table.get_row_index(keep))
            except Exception:  # the row is gone
                pass
        if figures:
            self.query_one("#programmes-status", Static).update(
                _("{n} projekter · budget i alt {budget} · forbrugt {spent} · tilbage {left}. Enter åbner et projekt, n opretter et nyt.").format(  # noqa: E501
                    n=len(figures), budget=_kr(budget), spent=_kr(spent), left=_kr(budget - spent)))
        else:
            self.query_one("#programmes-status", Static).update(
                _("Ingen projekter endnu. n opretter et (eller: cirkel programme add)."))

    def _selected_programme(self) -> int | None:
        key = _row_key(self.query_one(DataTable))
        if not key:
            return None
        if key == "total":
            return None
        return int(key[1:].split("-")[0])

    def action_open(self) -> None:
        programme_id = self._selected_programme()
        if programme_id is not None:
            self.app.push_screen(ProgrammeScreen(programme_id))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_new(self) -> None:
        from models.base import today

        def submit(values, _citizen):
            from models.programmes import create_programme

            return create_programme(self.app.actor, values["name"], year=values["year"], budget=values["budget"],
                                    description=values["description"])

        fields = [Field("name", _("Navn"), _("fx Projekt 2: Ensomhed og underernæring"), max_length=120),
                  Field("year", _("År"), _("ÅÅÅÅ"), str(today().year), max_length=4),
                  Field("budget", _("Budget (kr)"), _("fx 1.225.000"), max_length=20),
                  Field("description", _("Beskrivelse"), _("valgfri"), max_length=1000)]
        self.app.push_screen(ProgrammeForm(_("Nyt projekt"), fields, submit), self._created)

    def _created(self, programme) -> None:
        if programme is not None:
            self.notify(_("Projektet {name} er oprettet.").format(name=programme.name), title=_("Projekter"))
            self.load()


# --- a programme's page ------------------------------------------------------------------------

class ProgrammeScreen(CirkelScreen):
    """One programme: budget lines, expenses, enrolment, events and the café's figures, results."""

    BINDINGS = [
        Binding("escape", "back", _("Tilbage"), id="programme-back", tooltip=_("Tilbage til Projekter.")),
        Binding("u", "expense", _("Udgift"), id="programme-expense", tooltip=_("Registrér en udgift på en linje.")),
        Binding("l", "line", _("Linje"), id="programme-line", tooltip=_("Opret en budgetlinje eller ret beløbet.")),
        Binding("t", "enrol", _("Tilmeld"), id="programme-enrol", tooltip=_("Tilmeld en borger projektet.")),
        Binding("a", "leave", _("Udmeld"), id="programme-leave",
                tooltip=_("Afslut den markerede borgers tilmelding (fanen Tilmeldte).")),
        Binding("r", "note", _("Resultat"), id="programme-note", tooltip=_("Skriv en dateret resultatnote.")),
        Binding("c", "cafe", _("Ugentlig café"), id="programme-cafe",
                tooltip=_("Planlæg et arrangement hver uge på samme ugedag og tid.")),
        Binding("x", "attendance", _("Fremmøde"), id="programme-attendance",
                tooltip=_("Registrér fremmøde og gæster for det markerede arrangement (fanen Arrangementer).")),
        Binding("e", "edit", _("Ret projekt"), id="programme-edit",
                tooltip=_("Ret projektets navn, år, budget eller beskrivelse (leder).")),
        Binding("g,f5", "refresh", _("Opdatér"), id="programme-refresh", tooltip=_("Hent tallene igen.")),
    ]

    def __init__(self, programme_id: int) -> None:
        super().__init__()
        self.programme_id = programme_id
        self.page = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(_("Henter projektet …"), id="programme-summary")
        with TabbedContent(id="programme-tabs"):
            with TabPane(_("Budget"), id="tab-budget"):
                yield DataTable(id="lines-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Udgifter"), id="tab-expenses"):
                yield DataTable(id="expenses-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Tilmeldte"), id="tab-enrolment"):
                yield DataTable(id="enrolment-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Arrangementer"), id="tab-events"):
                with VerticalScroll():
                    yield Static("", id="cafe-summary")
                    yield Static("", id="cafe-chart")
                    yield Static("", id="cafe-weeks")
                    yield DataTable(id="events-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Resultater"), id="tab-results"):
                yield DataTable(id="notes-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lines-table", DataTable).add_columns(
            _("Linje"), _("Budget (kr)"), _("Forbrugt (kr)"), _("Tilbage (kr)"), _("Forbrug"))
        self.query_one("#expenses-table", DataTable).add_columns(
            _("Dato"), _("Linje"), _("Beløb (kr)"), _("Note"), _("Registreret af"))
        self.query_one("#enrolment-table", DataTable).add_columns(
            _("Borger"), _("CPR"), _("Fra"), _("Til"))
        self.query_one("#events-table", DataTable).add_columns(
            _("Dato"), _("Arrangement"), _("Status"), _("Registrerede"), _("Gæster"), _("I alt"), _("Klip"))
        self.query_one("#notes-table", DataTable).add_columns(_("Dato"), _("Resultat"), _("Skrevet af"))
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def load(self) -> None:
        from models.programmes import programme_page_with_attendance

        self.run_read(programme_page_with_attendance, self.app.actor, self.programme_id, on_done=self._loaded,
                      status="#programme-summary", description=_("Henter projektet"))

    def _loaded(self, loaded) -> None:
        from models.base import today
        from models.programme_attendance import REGULAR_MIN, REGULAR_WEEKS
        from models.programmes import UNALLOCATED

        page, attendance = loaded
        self.page = page
        p = page.figures
        self.sub_title = p.name
        allocated = (_("Linjerne svarer til budgettet.") if not p.unallocated else
                     _("Ikke fordelt på linjer: {rest}.").format(rest=_kr(p.unallocated)))
        summary = (f"[b]{p.name}[/b] · {p.year or ''} · "
                   + _("budget {budget} · forbrugt {spent} · tilbage {left} · {n} tilmeldt i dag").format(
                       budget=_kr(p.budget), spent=_kr(p.spent), left=_kr(p.left), n=p.enrolled)
                   + f"\n{allocated} {p.description}")
        self.query_one("#programme-summary", Static).update(summary)

        lines = self.query_one("#lines-table", DataTable)
        lines.clear()
        for x in p.rows:
            name = _("Ikke fordelt") if x.id is None and x.name == UNALLOCATED else x.name
            lines.add_row(name, _amount(x.budget), _amount(x.spent), _amount(x.left),
                          _spent_bar(x.spent, x.budget) if x.id is not None else "", key=str(x.id or 0))
        lines.add_row(Text(_("I alt"), style="bold"), _amount(p.budget), _amount(p.spent), _amount(p.left),
                      _spent_bar(p.spent, p.budget), key="total")

        expenses = self.query_one("#expenses-table", DataTable)
        expenses.clear()
        for e in page.expenses:
            expenses.add_row(format_date(e.on), e.line, _amount(e.amount), e.note, e.by, key=str(e.id))

        enrolment = self.query_one("#enrolment-table", DataTable)
        keep = _row_key(enrolment)
        enrolment.clear()
        day = today()
        for e in page.enrolments:
            enrolment.add_row(e.name, e.cpr_masked, format_date(e.enrolled_on),
                              format_date(e.left_on) if e.left_on else (_("nu") if e.current(day) else ""),
                              key=str(e.id))
        if keep:
            try:
                enrolment.move_cursor(row=enrolment.get_row_index(keep))
            except Exception:
                pass

        events = self.query_one("#events-table", DataTable)
        events.clear()
        status = {"planned": _("planlagt"), "held": _("afholdt"), "cancelled": _("aflyst")}
        for e in page.events:
            held = e.status == "held"
            events.add_row(format_datetime(e.starts_at), e.title, status.get(e.status, e.status),
                           str(e.registered) if held else "", str(e.guests) if held else "",
                           str(e.registered + e.guests) if held else "",
                           str(e.clips_per_participant) if e.clips_per_participant else _("ingen"), key=str(e.id))
        self._cafe(attendance, REGULAR_MIN, REGULAR_WEEKS)

        notes = self.query_one("#notes-table", DataTable)
        notes.clear()
        for n in page.notes:
            notes.add_row(format_date(n.on), n.text, n.by, key=str(n.id))

    def _cafe(self, attendance, n: int, m: int) -> None:
        weeks = attendance.weeks
        self.query_one("#cafe-chart", Static).update(week_chart(weeks[-26:]))
        if not attendance.counts:
            self.query_one("#cafe-summary", Static).update(_("Intet fremmøde registreret endnu."))
            self.query_one("#cafe-weeks", Static).update("")
            return
        s = attendance.shares
        regular = attendance.regulars(n, m)
        last = weeks[-26:]
        totals = [w.total for w in last]
        text = (_("Fremmøde pr. uge, de seneste {weeks} (uge {first}–{last}): {low}–{high}, i snit {avg}.").format(
                    weeks=format_count(len(last), _("uge"), _("uger")), first=last[0].week, last=last[-1].week,
                    low=min(totals), high=max(totals),
                    avg=round(sum(totals) / len(totals)))
                + "\n" + _("Fra målgruppen: {all} af alle fremmødte (registrerede + gæster) · {reg} af de registrerede fremmødte ({target} af {registered}; {guests} gæster).").format(  # noqa: E501
                    all=_pct(s.of_all), reg=_pct(s.of_registered), target=s.target, registered=s.registered,
                    guests=s.guests)
                + "\n" + _("Faste deltagere (mindst {n} af de seneste {m} uger): {count}.").format(
                    n=n, m=m, count=len(regular)))
        self.query_one("#cafe-summary", Static).update(text)
        months = attendance.months[-7:]
        this_month = attendance.until.replace(day=1)
        self.query_one("#cafe-weeks", Static).update(
            _("Deltagere pr. måned (vækst mod første måned): ") + " · ".join(
                f"{m.month.strftime('%m-%Y')}" + (_(" (til nu)") if m.month == this_month else "")
                + f": {m.participants}" + (f" ({_growth(m.growth)})" if m.growth else "")
                for m in months))

    # --- forms

    def _form(self, title: str, fields: list[Field], submit: Callable, *, citizen: bool = False, intro: str = "",
              done: str = "") -> None:
        def closed(result) -> None:
            if result is not None:
                self.notify(done or _("Gemt."), title=_("Projekter"))
                self.load()

        self.app.push_screen(ProgrammeForm(title, fields, submit, citizen=citizen, intro=intro), closed)

    def action_edit(self) -> None:
        from models.programmes import update_programme

        if self.page is None:
            return
        p = self.page.figures
        fields = [Field("name", _("Navn"), "", p.name, max_length=120),
                  Field("year", _("År"), _("ÅÅÅÅ"), str(p.year or ""), max_length=4),
                  Field("budget", _("Budget (kr)"), "", format_kroner(p.budget, unit=False), max_length=20),
                  Field("description", _("Beskrivelse"), _("valgfri"), p.description, max_length=1000)]
        self._form(_("Ret projekt"), fields, lambda v, _c: update_programme(
            self.app.actor, self.programme_id, name=v["name"], year=v["year"], budget=v["budget"],
            description=v["description"]), done=_("Projektet er gemt."))

    def action_expense(self) -> None:
        from models.programmes import add_expense

        first_line = next((x.name for x in self.page.figures.lines), "") if self.page else ""
        fields = [Field("line", _("Linje"), _("budgetlinjens navn"), first_line),
                  Field("amount", _("Beløb (kr)"), _("fx 1.850,50; negativt retter")),
                  Field("date", _("Dato"), _("DD-MM-ÅÅÅÅ"), hint=_("Tom: i dag.")),
                  Field("note", _("Note"), _("hvad pengene gik til"), max_length=1000)]
        self._form(_("Ny udgift"), fields, lambda v, _c: add_expense(
            self.app.actor, self.programme_id, v["line"], v["amount"], on=v["date"] or None, note=v["note"]),
            done=_("Udgiften er registreret."))

    def action_line(self) -> None:
        from models.programmes import set_line

        fields = [Field("line", _("Linje"), _("fx Aktivitetsmidler"), max_length=120),
                  Field("amount", _("Beløb (kr)"), _("fx 100.000"))]
        self._form(_("Budgetlinje"), fields, lambda v, _c: set_line(
            self.app.actor, self.programme_id, v["line"], v["amount"]),
            intro=_("En ny linje oprettes; en eksisterende linje får det nye beløb."), done=_("Linjen er gemt."))

    def action_enrol(self) -> None:
        from models.programmes import enrol

        fields = [Field("date", _("Fra"), _("DD-MM-ÅÅÅÅ"), hint=_("Tom: i dag."))]
        self._form(_("Tilmeld borger"), fields, lambda v, c: enrol(
            self.app.actor, self.programme_id, c, on=v["date"] or None), citizen=True,
            done=_("Borgeren er tilmeldt."))

    def action_leave(self) -> None:
        from models.programmes import leave

        table = self.query_one("#enrolment-table", DataTable)
        key = _row_key(table)
        line = next((e for e in (self.page.enrolments if self.page else []) if str(e.id) == key), None)
        if line is None or line.left_on is not None:
            self.notify(_("Markér en tilmeldt borger på fanen Tilmeldte først."), severity="warning")
            return
        fields = [Field("date", _("Til"), _("DD-MM-ÅÅÅÅ"), hint=_("Tom: i dag."))]
        self._form(_("Afslut tilmelding: {name}").format(name=line.name), fields, lambda v, _c: leave(
            self.app.actor, self.programme_id, line.citizen_id, on=v["date"] or None),
            done=_("Tilmeldingen er afsluttet."))

    def action_note(self) -> None:
        from models.programmes import add_result_note

        fields = [Field("text", _("Resultat"), _("hvad er opnået"), max_length=1000),
                  Field("date", _("Dato"), _("DD-MM-ÅÅÅÅ"), hint=_("Tom: i dag."))]
        self._form(_("Ny resultatnote"), fields, lambda v, _c: add_result_note(
            self.app.actor, self.programme_id, v["text"], on=v["date"] or None), done=_("Resultatet er gemt."))

    def action_cafe(self) -> None:
        from models.programmes import plan_cafe

        fields = [Field("title", _("Titel"), _("fx Ugentlig café"), _("Ugentlig café"), max_length=100),
                  Field("day", _("Første dato"), _("DD-MM-ÅÅÅÅ"), hint=_("Samme ugedag hver uge.")),
                  Field("time", _("Klokken"), _("tt:mm"), "12:00"),
                  Field("repeat_weeks", _("Antal uger"), "1–104", "26"),
                  Field("seats", _("Pladser"), "", "40"),
                  Field("meeting_place", _("Sted"), _("fx Kulturhuset")),
                  Field("clips_per_participant", _("Klip pr. deltager"), _("tom: ingen klip"))]
        self._form(_("Ugentlig café"), fields, lambda v, _c: plan_cafe(
            self.app.actor, self.programme_id, title=v["title"], day=v["day"], time=v["time"],
            weeks=v["repeat_weeks"], seats=v["seats"], meeting_place=v["meeting_place"],
            clips_per_participant=v["clips_per_participant"] or None), done=_("Arrangementerne er planlagt."))

    def action_attendance(self) -> None:
        from models.base import today

        if self.page is None:
            return
        table = self.query_one("#events-table", DataTable)
        key = _row_key(table) if self.query_one(TabbedContent).active == "tab-events" else None
        day = today()
        line = next((e for e in self.page.events if str(e.id) == key), None) or next(
            (e for e in self.page.events if e.starts_at.date() <= day), None)
        if line is None:
            self.notify(_("Intet arrangement at registrere fremmøde for (før eller på i dag)."), severity="warning")
            return

        def closed(result) -> None:
            if result is not None:
                self.notify(result, title=_("Fremmøde"))
                self.load()

        self.app.push_screen(AttendanceDialog(line), closed)
