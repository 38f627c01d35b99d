"""Evaluering (issue #19): what the scheme achieved in a period, as pictures with their numbers.

Six tabs — participants per month, clips per month against the pools' even
pace, activities, outcomes, reasons for ending, outings — each a table whose
last column is the picture (text bars in plain block characters, readable in
16 colours and at 80×24), so the numbers behind every picture are in the same
row. ``n`` steps through the districts and the total; the period is a year or
two dates. The figures are read in workers: the participants first
(:func:`models.evaluation.evaluate_participants`: the first tab and the status
line), then the rest (:func:`models.evaluation.complete_evaluation`); a
district's clips and activities are read when it is first shown.
"""
from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Input, Static, Tab, Tabs

from models.base import today
from models.i18n import _
from models.inputs import format_int, format_kroner, format_mean, format_share

from .base import CirkelScreen
from .intake_widgets import InfoDialog
from .widgets import fmt_date

BAR_WIDTH = 24
NARROW = 100  # terminal columns below which the pictures are half as wide
TABS = ("tab-participants", "tab-clips", "tab-activities", "tab-outcomes", "tab-endings", "tab-outings")


def hbar(value: float, maximum: float, width: int = BAR_WIDTH, style: str = "cyan", mark: float | None = None,
         ) -> Text:
    """A horizontal bar of ``value`` out of ``maximum``; ``mark`` puts a │ at that value (the pace)."""
    if maximum <= 0:
        return Text("")
    filled = max(0, min(width, round(width * value / maximum)))
    cells = ["█"] * filled + [" "] * (width - filled)
    text = Text()
    marker = None if mark is None else max(0, min(width - 1, round(width * mark / maximum)))
    for i, ch in enumerate(cells):
        if i == marker:
            text.append("│" if ch == " " else "┃", style="bold yellow")
        else:
            text.append(ch, style=style)
    return text


def stacked(parts: list[tuple[int, str, str]], total: int, width: int = BAR_WIDTH) -> Text:
    """One bar of several parts (count, character, style), each its share of ``total``;
    each part has its own character, so the bar reads without colours too."""
    text = Text()
    if total <= 0:
        return text
    used = 0
    for i, (_n, char, style) in enumerate(parts):
        cells = max(0, round(width * sum(p[0] for p in parts[:i + 1]) / total) - used)
        text.append(char * cells, style=style)
        used += cells
    return text


def num(value: int | float | None) -> Text:
    """A whole number, Danish thousands, right-aligned."""
    return Text("–" if value is None else format_int(round(value)), justify="right")


class EvaluationScreen(CirkelScreen):
    DEFAULT_CSS = """
    #evaluation-top { height: 1; margin-top: 1; }
    #evaluation-top .evaluation-label { width: auto; padding: 0 1; }
    #evaluation-period-input { width: 30; }
    #evaluation-group { width: 1fr; padding: 0 1 0 2; }
    #evaluation-period-error { display: none; padding: 0 1; }
    #evaluation-status { padding: 0 1; color: $text-muted; }
    #ev-table { height: 1fr; }
    """
    TITLE = _("Evaluering")
    BINDINGS = [
        Binding("n", "next_district", _("Næste distrikt"), id="evaluation-district",
                tooltip=_("Skift mellem distrikterne og I alt.")),
        Binding("t", "period", _("Periode"), id="evaluation-period", tooltip=_("Vælg år eller fra–til.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="evaluation-refresh", tooltip=_("Beregn tallene igen.")),
        Binding("h", "explain", _("Forklaring"), id="evaluation-explain", tooltip=_("Hvad tallene betyder.")),
        *[Binding(str(i + 1), f"tab('{tab}')", show=False, id=f"evaluation-{tab}") for i, tab in enumerate(TABS)],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.evaluation = None
        self.group_index = -1  # -1: the total
        self.period_text = str(today().year)
        self.tab = TABS[0]

    def compose(self) -> ComposeResult:
        # The figures are read while the screen is being built: the first frame and the
        # database work overlap (SQLite counts without Python's lock). One table for the six
        # tabs, filled for the tab shown: fewer widgets to build and style on the first visit.
        self._read(self.period_text)
        yield Header()
        with Vertical(id="evaluation"):
            with Horizontal(id="evaluation-top"):
                yield Static(_("Periode:"), classes="evaluation-label")
                yield Input(self.period_text, id="evaluation-period-input", compact=True,
                            placeholder=_("ÅÅÅÅ eller DD-MM-ÅÅÅÅ – DD-MM-ÅÅÅÅ"))
                yield Static("", id="evaluation-group")
            yield Static("", id="evaluation-period-error", classes="field-error")
            yield Static(_("Beregner …"), id="evaluation-status")
            yield Tabs(*(Tab(title, id=tab) for tab, title in self._titles()), id="evaluation-tabs")
            yield DataTable(id="ev-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    @staticmethod
    def _titles() -> list[tuple[str, str]]:
        return [("tab-participants", _("1 Deltagere")), ("tab-clips", _("2 Klip")),
                ("tab-activities", _("3 Aktiviteter")), ("tab-outcomes", _("4 Resultater")),
                ("tab-endings", _("5 Afslutninger")), ("tab-outings", _("6 Fællesture"))]

    def on_mount(self) -> None:
        self.query_one("#ev-table", DataTable).focus()

    @on(Tabs.TabActivated, "#evaluation-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        self.tab = event.tab.id
        if self.evaluation is not None:
            self._fill()

    # --- loading

    def action_refresh(self) -> None:
        self.load(self.period_text)

    @on(Input.Submitted, "#evaluation-period-input")
    def _period_submitted(self, event: Input.Submitted) -> None:
        self.load(event.value)

    def load(self, text: str) -> None:
        self.query_one("#evaluation-status", Static).update(_("Beregner …"))
        self._read(text)

    def _read(self, text: str) -> None:
        """The participants first (the first tab and the status line), then the rest (_loaded)."""
        from models.evaluation import evaluate_participants

        # from compose too: a result back before the widgets are mounted waits for the mount (the runner)
        self.run_read(partial(evaluate_participants, text), on_done=lambda result: self._loaded(result, text),
                      status="#evaluation-status", form=self, group="evaluation",
                      description=_("Beregner evaluering"))

    def _read_rest(self, evaluation) -> None:
        from models.evaluation import complete_evaluation

        def completed(done) -> None:
            if self.evaluation is evaluation:  # not replaced by another period meanwhile
                self.evaluation = done
                # the participants shown are the same figures: their table is not built anew
                self.show(fill=self.tab != "tab-participants")

        self.run_read(complete_evaluation, evaluation, on_done=completed, status="#evaluation-status",
                      group="evaluation-rest", description=_("Beregner evaluering"))

    def show_error(self, message: str, field: str | None) -> bool:
        """A refused period, at the period field."""
        if field != "period":
            return False
        error = self.query_one("#evaluation-period-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#evaluation-period-input", Input).focus()
        if self.evaluation is not None:
            self.show()  # the status line goes back to the period shown
        return True

    def load_district(self, index: int) -> None:
        from models.evaluation import load_district_ledger

        def shown(_group) -> None:
            if index == self.group_index:
                self.show()

        self.run_read(load_district_ledger, self.evaluation, self.evaluation.districts[index], on_done=shown,
                      status="#evaluation-status", group="evaluation-district",
                      description=_("Henter distriktets klip"))

    def _loaded(self, evaluation, text: str) -> None:
        self.evaluation = evaluation
        self.period_text = text
        error = self.query_one("#evaluation-period-error", Static)
        error.update("")
        error.display = False
        if self.group_index >= len(self.evaluation.districts):
            self.group_index = -1
        self.show()
        if not evaluation.complete:
            self._read_rest(evaluation)

    # --- actions

    def action_next_district(self) -> None:
        if self.evaluation is None:
            return
        count = len(self.evaluation.districts)
        self.group_index = -1 if self.group_index + 1 >= count else self.group_index + 1
        self.show()

    def action_period(self) -> None:
        self.query_one("#evaluation-period-input", Input).focus()

    def action_tab(self, tab: str) -> None:
        self.query_one(Tabs).active = tab
        self.query_one("#ev-table", DataTable).focus()

    def action_explain(self) -> None:
        from models.evaluation import THRESHOLD_LABELS

        text = _('Deltagere: aktive, på pause og på venteliste ved hver måneds udgang (i dag for den løbende måned); startet = optaget i måneden, afsluttet = deltagelsen sluttede i måneden. Hver borger tælles én gang pr. måned.\n\nKlip: nettoklip i måneden (tilbageførsler trukket fra) mod puljens jævne tempo (årets tildelte klip fordelt ligeligt på årets dage).\n\nAktiviteter: klippene pr. katalogtilbud; borgernes egne idéer er klip uden katalogtilbud uden for fællesture (planens mål om selvbestemmelse).\n\nResultater: borgere fulgt op i perioden, baseline mod seneste opfølgning. Bedre/dårligere kun ved en ændring på mindst WHO-5 {who5}, UCLA-3 {ucla}, netværk {network}. WHO-5 ≤ 28 kan tyde på depression; UCLA-3 ≥ 7 er svær ensomhed.\n\nFællesture: afholdte ture i perioden; fremmøde = deltog af de tilmeldte.')  # noqa: E501
        self.app.push_screen(InfoDialog(_("Sådan læses evalueringen"), text.format(
            who5=THRESHOLD_LABELS["who5"], ucla=THRESHOLD_LABELS["ucla"], network=THRESHOLD_LABELS["network"])))

    # --- showing

    @property
    def bar_width(self) -> int:
        return BAR_WIDTH // 2 if self.app.size.width < NARROW else BAR_WIDTH

    def _group(self):
        ev = self.evaluation
        return ev.total if self.group_index < 0 else ev.districts[self.group_index]

    def show(self, fill: bool = True) -> None:
        ev = self.evaluation
        g = self._group()
        names = [d.district for d in ev.districts] + [ev.total.district]
        current = names[self.group_index] if self.group_index >= 0 else _("I alt")
        self.query_one("#evaluation-group", Static).update(
            Text.assemble((_("Distrikt: "), "dim"), (current, "bold"), (f"  ({_('n: næste')})", "dim")))
        self.query_one("#evaluation-status", Static).update(_(
            "{start} – {until} · {n} deltagere · {joined} startet · {ended} afsluttet").format(
                start=fmt_date(ev.period.start), until=fmt_date(ev.period.until), n=format_int(g.participants),
                joined=format_int(g.joined), ended=format_int(g.ended)))
        if ev.complete and not g.ledger_loaded:
            self.load_district(self.group_index)
        if fill:
            self._fill()

    def _fill(self) -> None:
        """The table of the tab shown, for the district (or total) shown."""
        ev, g = self.evaluation, self._group()
        if (self.tab != "tab-participants" and not ev.complete) or (
                self.tab in ("tab-clips", "tab-activities") and not g.ledger_loaded):
            table = self._table((_("Måned"),))
            table.add_row(_("Henter …"))
            return
        {"tab-participants": lambda: self._participants(ev, g), "tab-clips": lambda: self._clips(ev, g),
         "tab-activities": lambda: self._activities(g), "tab-outcomes": lambda: self._outcomes(g),
         "tab-endings": lambda: self._endings(g), "tab-outings": lambda: self._outings(ev, g)}[self.tab]()

    def _table(self, headers) -> DataTable:
        table = self.query_one("#ev-table", DataTable)
        table.clear(columns=True)
        table.add_columns(*headers)
        return table

    def _participants(self, ev, g) -> None:
        table = self._table((_("Måned"), _("Aktive"), _("Pause"), _("Venteliste"), _("Startet"), _("Afsluttet"),
                             _("█ aktive ▒ pause ░ venteliste")))
        top = max([m.active + m.paused + m.waitlisted for m in g.months] + [1])
        for month, m in zip(ev.months, g.months, strict=True):
            picture = stacked([(m.active, "█", "green"), (m.paused, "▒", "yellow"), (m.waitlisted, "░", "blue")], top,
                              width=self.bar_width)
            table.add_row(month.label, num(m.active), num(m.paused), num(m.waitlisted),
                          num(m.joined), num(m.ended), picture)

    def _clips(self, ev, g) -> None:
        table = self._table((_("Måned"), _("Klip"), _("Tempo"), _("I alt"), _("Tempo i alt"), _("Andel"),
                             _("█ klip │ jævnt tempo")))
        top = max([max(m.clips, m.pace) for m in g.months] + [1])
        clips = pace = 0.0
        for month, m in zip(ev.months, g.months, strict=True):
            clips += m.clips
            pace += m.pace
            style = "green" if m.clips <= m.pace * 1.1 else "red"
            table.add_row(month.label, num(m.clips), num((m.pace)), num((clips)),
                          num(pace), format_share(clips / pace if pace else None),
                          hbar(max(0, m.clips), top, width=self.bar_width, style=style, mark=m.pace))
        table.add_row(Text(_("I alt"), style="bold"), num(g.clips), num((g.pace)), "", "",
                      format_share(g.clips / g.pace if g.pace else None), "")

    def _activities(self, g) -> None:
        from models.evaluation import CATEGORY_OWN, category_label

        table = self._table((_("Aktivitet"), _("Kategori"), _("Registr."), _("Klip"), _("Andel"),
                             _("Andel af klippene")))
        total = sum(a.clips for a in g.activities.values())
        categories = g.by_category()
        top = max([clips for _c, _r, clips in categories] + [1])
        table.add_row(Text(_("Borgernes egne idéer"), style="bold"), category_label(CATEGORY_OWN).lower(), "",
                      num(g.own_idea_clips),
                      format_share(g.own_idea_share),
                      Text(_("af de valgte klip (planens mål: selvbestemmelse)"), style="dim"))
        for category, registrations, clips in categories:
            own = category == CATEGORY_OWN
            table.add_row(Text(category_label(category), style="bold"), "", num(registrations), num(clips),
                          format_share(clips / total if total else None),
                          hbar(clips, top, width=self.bar_width, style="green" if own else "cyan"))
            if own:
                continue  # one line: the texts are many (the workbook lists them)
            for a in sorted((a for a in g.activities.values() if a.category == category),
                            key=lambda a: (-a.clips, a.activity)):
                table.add_row("  " + a.activity, category_label(category).lower(), num(a.registrations), num(a.clips),
                              format_share(a.clips / total if total else None),
                              hbar(a.clips, top, width=self.bar_width, style="blue"))

    def _outcomes(self, g) -> None:
        from models.evaluation import FLAG_LABELS, THRESHOLD_LABELS
        from models.results import MEASURES, measure_label

        table = self._table((_("Mål"), _("Antal"), _("Før"), _("Nu"), _("Ændring"), _("Bedre"), _("Uændret"),
                             _("Dårligere"), _("█ bedre ▒ uændret ░ dårligere")))
        for k in MEASURES:
            m = g.measures[k]
            table.add_row(f"{measure_label(k)} {THRESHOLD_LABELS[k].split()[0]}", num(m.count),
                          format_mean(m.before), format_mean(m.now), format_mean(m.change, signed=True),
                          *(format_share(m.share(verdict)) for verdict in ("better", "same", "worse")),
                          stacked([(m.better, "█", "green"), (m.same, "▒", "default"), (m.worse, "░", "red")], m.count,
                                  width=self.bar_width))
        for flag, label in FLAG_LABELS.items():
            f = g.flags[flag]
            table.add_row(label, num(f.count), num(f.before), num(f.now),
                          Text(f"{f.now - f.before:+d}", justify="right"), "", "", "",
                          Text.assemble(hbar(f.before, f.count, width=self.bar_width // 2, style="red"), " ",
                                        hbar(f.now, f.count, width=self.bar_width // 2, style="yellow")))

    def _endings(self, g) -> None:
        table = self._table((_("Årsag"), _("Antal"), _("Andel"), _("Antal afsluttede")))
        total = g.reasons_total
        for reason, n in sorted(g.reasons.items(), key=lambda e: (-e[1], e[0])):
            table.add_row(reason, num(n), format_share(n / total if total else None),
                          hbar(n, total, width=self.bar_width, style="magenta"))
        table.add_row(Text(_("I alt"), style="bold"), num(total), "", "")

    def _outings(self, ev, g) -> None:
        from models.evaluation import OutingTotals

        table = self._table((_("Dato"), _("Tur"), _("Pladser"), _("Tilmeldt"), _("Deltog"), _("Fremmøde"),
                             _("█ deltog"), _("Transport"), _("Distrikt")))
        rows = ev.outings if g is ev.total else [r for r in ev.outings if r.district == g.district]
        for r in rows:
            marked = r.attended + r.absent
            table.add_row(fmt_date(r.held_on or r.starts_at.date()), r.title, num(r.seats), num(r.taken),
                          num(r.attended), format_share(r.attended / marked if marked else None),
                          hbar(r.attended, r.seats, width=self.bar_width // 2, style="green"),
                          Text(format_kroner(r.transport_cost_dkk), justify="right"), r.district)
        t = ev.outing_totals.get(g.district, OutingTotals())
        table.add_row(Text(_("I alt"), style="bold"), _("{n} afholdt").format(n=t.held), num(t.seats), num(t.taken),
                      num(t.attended), format_share(t.attendance_rate), "",
                      Text(format_kroner(t.transport_dkk), justify="right"), "")
