"""Resultater (R12): baseline vs. latest follow-up — per district and in total the
mean change and how many improved, stayed or worsened; per citizen the values."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from models.base import DomainError
from models.cpr import masked
from models.i18n import _
from models.inputs import format_int
from models.results import district_outcomes, outcome_report

from .base import CirkelScreen
from .intake_widgets import InfoDialog


def _mean(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}".replace(".", ",")


def _summary_cell(summary) -> Text:
    """Mean change, then improved ↑ / same = / worse ↓."""
    if summary.count == 0:
        return Text("–", style="dim")
    text = Text(f"{_mean(summary.mean_change)} ")
    text.append(f"{summary.better}↑", style="green")
    text.append(f" {summary.same}=", style="dim")
    text.append(f" {summary.worse}↓", style="red")
    return text


def _change_cell(change) -> Text:
    if change.baseline is None:
        return Text("–", style="dim")
    if change.latest is None:
        return Text(f"{change.baseline}→?", style="dim")
    style = {"better": "green", "worse": "red"}.get(change.verdict, "")
    return Text(f"{change.baseline}→{change.latest} ({change.delta:+d})", style=style)


class OutcomesScreen(CirkelScreen):
    TITLE = _("Resultater")
    BINDINGS = [
        Binding("g,f5", "refresh", _("Opdatér"), id="outcomes-refresh", tooltip=_("Beregn resultaterne igen.")),
        Binding("h", "explain", _("Forklaring"), id="outcomes-explain",
                tooltip=_("Hvad tallene betyder.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report = None
        self.citizens_of: int | None = None  # the district whose citizens are listed (or being read)

    def compose(self) -> ComposeResult:
        self.load(early=True)  # issue #17: read while the widgets are built (shown once they are mounted)
        yield Header()
        with Vertical(id="outcomes"):
            yield Static(_("Baseline mod seneste opfølgning: middelændring · ↑ bedre = uændret ↓ dårligere"),
                         classes="section-title")
            yield DataTable(id="outcome-districts", cursor_type="row", zebra_stripes=True, classes="intake-table")
            yield Static(_("Borgere"), id="outcome-citizens-title", classes="section-title")
            yield DataTable(id="outcome-citizens", cursor_type="row", zebra_stripes=True, classes="intake-table")
            yield Static(_("Bedre: større netværk, højere WHO-5, lavere UCLA-3 · h: forklaring · g / F5: opdatér"),
                         classes="intake-hint")
        yield Footer()

    def on_mount(self) -> None:
        districts = self.query_one("#outcome-districts", DataTable)
        districts.add_column(_("Distrikt"), key="district")
        districts.add_column(_("Fulgt op"), key="count")
        districts.add_column(_("Netværk"), key="network")
        districts.add_column(_("WHO-5"), key="who5")
        districts.add_column(_("UCLA-3"), key="ucla")
        citizens = self.query_one("#outcome-citizens", DataTable)
        citizens.add_column(_("Navn"), key="name")
        citizens.add_column(_("CPR"), key="cpr")
        citizens.add_column(_("Netværk"), key="network")
        citizens.add_column(_("WHO-5"), key="who5")
        citizens.add_column(_("UCLA-3"), key="ucla")
        districts.focus()

    def on_screen_resume(self) -> None:
        if self.came_back:  # back from another screen (the first read is compose's)
            self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    def load(self, early: bool = False) -> None:
        """Read the report (``early``: from compose, before the tables exist: the first row's citizens)."""
        actor, row = self.app.actor, 0 if early else self.query_one("#outcome-districts", DataTable).cursor_row

        def read():
            """The report and the highlighted district's citizens in one worker: one round trip."""
            report = outcome_report()
            if not 0 <= row < len(report.districts):
                return report, None
            try:
                return report, district_outcomes(actor, report.districts[row].district_id)
            except DomainError:
                return report, None  # read again (and refused at the list) when shown

        self.run_read(read, on_done=self.show, group="outcomes", description=_("Beregner resultater"))

    def show(self, loaded) -> None:
        self.report, lines = loaded
        table = self.query_one("#outcome-districts", DataTable)
        row = table.cursor_row
        table.clear()
        for g in self.report.districts + [self.report.total]:
            name = Text(g.district, style="bold") if g.district_id is None else g.district
            table.add_row(name, f"{g.citizens}/{g.with_baseline}", _summary_cell(g.measures["network"]),
                          _summary_cell(g.measures["who5"]), _summary_cell(g.measures["ucla"]),
                          key=str(g.district_id or "total"))
        table.move_cursor(row=min(row, max(0, table.row_count - 1)))
        groups = self.report.districts
        if lines is not None and table.cursor_row == row < len(groups):
            self.citizens_of = groups[row].district_id
            self.show_citizens(groups[row], lines)
        else:
            self._load_selected(again=True)

    @on(DataTable.RowHighlighted, "#outcome-districts")
    def _district_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._load_selected()

    def _load_selected(self, again: bool = False) -> None:
        """The highlighted district's citizens (``again``: even when they are listed already)."""
        if self.report is None:
            return
        table = self.query_one("#outcome-districts", DataTable)
        index = table.cursor_row
        groups = self.report.districts
        if 0 <= index < len(groups):
            if again or groups[index].district_id != self.citizens_of:
                self.citizens_of = groups[index].district_id
                self.load_citizens(groups[index])
        else:
            self.citizens_of = None
            self.query_one("#outcome-citizens-title", Static).update(_("Borgere: vælg et distrikt ovenfor"))
            self.query_one("#outcome-citizens", DataTable).clear()

    def load_citizens(self, group) -> None:
        self.run_read(district_outcomes, self.app.actor, group.district_id,
                      on_done=lambda lines: self.show_citizens(group, lines), status="#outcome-citizens-title", description=_("Henter borgere"))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)

    def show_citizens(self, group, lines) -> None:
        """The first citizens by name (models.results.DISTRICT_LIST_LIMIT); the count is the district's."""
        self.query_one("#outcome-citizens-title", Static).update(
            _("Borgere i {district} med opfølgning: {n}").format(district=group.district, n=format_int(group.citizens)))
        table = self.query_one("#outcome-citizens", DataTable)
        table.clear()
        for line in lines:
            table.add_row(line.name, masked(line.cpr), _change_cell(line.changes["network"]),
                          _change_cell(line.changes["who5"]), _change_cell(line.changes["ucla"]),
                          key=str(line.citizen_id))
        if group.citizens > len(lines):
            table.add_row(Text(_("… og {n} til").format(n=format_int(group.citizens - len(lines))), style="dim"),
                          "", "", "", "", key="more")

    def action_explain(self) -> None:
        self.app.push_screen(InfoDialog(_("Sådan læses resultaterne"), _(
            "For hver borger sammenlignes baseline (ved screeningen) med seneste opfølgning (ved revurderingen).\n\nNetværk: antal personer med kontakt mindst hver måned — højere er bedre.\nWHO-5: trivsel 0–100 — højere er bedre; 28 eller derunder kan tyde på depression.\nUCLA-3: ensomhed 3–9 — lavere er bedre; 7 eller mere er svær ensomhed.\n\n'Fulgt op' er borgere med både baseline og opfølgning / borgere med baseline. Svar givet med en anden version af et spørgeskema sammenlignes ikke.")))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
