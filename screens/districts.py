"""Distrikter (admin): the districts and their home-help recipients, which the
year's pools are split by (R6). A changed count re-splits this year's and later
years' pools; only clips not yet committed move."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from models.base import today
from models.budget import add_district, list_districts, set_district
from models.i18n import _

from .base import CirkelDialog, CirkelScreen
from .forms import FieldMessage, FieldRow, Form
from .pools import _num


class DistrictsScreen(CirkelScreen):
    TITLE = _("Distrikter")
    BINDINGS = [
        Binding("n", "new", _("Nyt distrikt"), id="districts-new", tooltip=_("Opret et distrikt.")),
        Binding("enter", "edit", _("Ret"), id="districts-edit",
                tooltip=_("Ret det valgte distrikts navn eller antal hjemmehjælpsmodtagere.")),
        Binding("g,f5", "refresh", _("Opdatér"), id="districts-refresh", tooltip=_("Hent listen igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="districts"):
            yield Static(_("Distrikter og hjemmehjælpsmodtagere"), classes="section-title", id="districts-title")
            yield DataTable(id="districts-table", cursor_type="row", zebra_stripes=True)
            yield Static(self._hint(), id="districts-hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#districts-table", DataTable)
        table.add_column(_("Distrikt"), key="name")
        table.add_column(_("Hjemmehjælpsmodtagere"), key="home_help")
        table.add_column(_("Andel"), key="share")
        table.add_column(_("Pulje i år"), key="pool")
        table.focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        year = today().year
        self.run_read(list_districts, year, on_done=lambda rows: self.show(rows, year), status="#districts-hint",
                      description=_("Henter distrikter"))

    def show(self, rows, year: int) -> None:
        self.rows = rows
        table = self.query_one("#districts-table", DataTable)
        table.columns["pool"].label = Text(_("Pulje {year}").format(year=year))
        cursor = table.cursor_row
        table.clear()
        for row in self.rows:
            name = row.name if row.active else f"{row.name} ({_('inaktiv')})"
            table.add_row(name, _num(row.home_help),
                          Text(f"{row.share_percent:.1f} %".replace(".", ","), justify="right"),
                          _num(row.allocated) if row.allocated is not None else Text("–", justify="right"),
                          key=str(row.district_id))
        total = sum(r.home_help for r in self.rows if r.active)
        pools = [r.allocated for r in self.rows if r.allocated is not None]
        table.add_row(Text(_("I alt"), style="bold"), _num(total, "bold"), "",
                      _num(sum(pools), "bold") if pools else Text("–", justify="right"), key="total")
        if cursor < table.row_count:
            table.move_cursor(row=cursor)
        # the hint follows the list: not "no districts yet" once the first is made (issue #15, item 5)
        self.query_one("#districts-hint", Static).update(
            self._hint() if self.rows else _("Ingen distrikter endnu. Tryk n for at oprette et."))

    @staticmethod
    def _hint() -> str:
        return (_("Årets puljer fordeles efter antallet af hjemmehjælpsmodtagere.") + " "
                + _("Ændres et antal, fordeles puljerne for i år og senere år igen;") + " "
                + _("klip der er bundet i kort og aftaler, bliver hvor de er.") + " "
                + _("Enter retter det valgte distrikt, n opretter et nyt."))

    @on(DataTable.RowSelected, "#districts-table")
    def _selected(self, _event) -> None:
        self.action_edit()

    def action_new(self) -> None:
        self.app.push_screen(DistrictDialog(), self._saved)

    def action_edit(self) -> None:
        table = self.query_one("#districts-table", DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            self.action_new()
            return
        row = self.rows[table.cursor_row]
        self.app.push_screen(DistrictDialog(row.name, row.home_help), self._saved)

    def _saved(self, done: bool | None) -> None:
        if done:
            self.action_refresh()


class DistrictDialog(Form, CirkelDialog):
    """A new district (no name given) or a change to an existing one."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="district-save", tooltip=_("Gem distriktet.")),
        Binding("escape", "cancel", _("Annullér"), id="district-cancel", tooltip=_("Luk uden at gemme.")),
    ]

    def __init__(self, name: str | None = None, home_help: int | None = None) -> None:
        super().__init__()
        self.original = name
        self.home_help = home_help

    def compose(self) -> ComposeResult:
        title = _("Ret distrikt {name}").format(name=self.original) if self.original else _("Nyt distrikt")
        with Vertical(id="district-box", classes="dialog"):
            yield Static(title, classes="dialog-title")
            yield FieldRow(_("Navn"), Input(self.original or "", id="district-name", compact=True), field="name",
                           message_id="district-name-error")
            yield FieldRow(_("Hjemmehjælpsmodtagere"),
                           Input("" if self.home_help is None else str(self.home_help), id="district-home_help",
                                 compact=True, placeholder="0"), field="home_help",
                           message_id="district-home_help-error")
            yield FieldMessage(id="form-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="district-save-button", variant="primary", compact=True)
                yield Button(_("Annullér"), id="district-cancel-button", compact=True)

    def on_mount(self) -> None:
        self.query_one("#district-home_help" if self.original else "#district-name", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#district-save-button")
    def action_save(self) -> None:
        name = self.query_one("#district-name", Input).value
        home_help = self.query_one("#district-home_help", Input).value
        self.clear_errors()
        if self.original:
            self.run_operation(set_district, self.app.actor, self.original, home_help=home_help, new_name=name,
                               on_done=self._saved, description=_("Gemmer distrikt"))
        else:
            self.run_operation(add_district, self.app.actor, name, home_help, on_done=self._saved,
                               description=_("Gemmer distrikt"))

    def _saved(self, change) -> None:
        message = _("Distriktet {name} er gemt.").format(name=change.district.name)
        if change.resplit_years:
            message += " " + _("Puljerne for {years} er fordelt igen.").format(
                years=", ".join(str(y) for y in change.resplit_years))
        self.notify(message)
        self.dismiss(True)

    @on(Button.Pressed, "#district-cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(False)
