"""Opfølgning (issue #13, item 6): where the clips go unused — for the leader.

Four tabs: per district the share of the year's clips used against the share
of the year gone (marked "bagud" where a district is behind), open cards with
no clip for N weeks, cards open longer than M months, and participants with no
contact since their last reassessment. The figures come from
``models.followup.followup`` through the runner (a worker); Enter opens the
citizen; ``-``/``+`` change the weeks for this view, ``i``/``l``/``t`` the
settings (leder).
"""
from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from models.cpr import masked
from models.followup import IDLE_WEEKS, OPEN_MONTHS, TARGET_PERCENT, followup
from models.i18n import _
from models.inputs import format_count
from models.settings import set_setting
from screens.base import CirkelScreen
from screens.widgets import bar, fmt_date, fmt_int

TABS = ("fu-districts", "fu-idle", "fu-long", "fu-contact")


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


class FollowUpScreen(CirkelScreen):
    TITLE = _("Opfølgning")
    DEFAULT_CSS = """
    FollowUpScreen #followup-tabs { height: 1fr; }
    FollowUpScreen #followup-tabs DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("g,f5", "refresh", _("Opdatér"), id="followup-refresh", tooltip=_("Hent tallene igen.")),
        Binding("enter", "open", _("Åbn borger"), id="followup-open", tooltip=_("Åbn den valgte borger.")),
        Binding("1", "tab(0)", _("Distrikter"), id="followup-tab-districts", show=False),
        Binding("2", "tab(1)", _("Stille kort"), id="followup-tab-idle", show=False),
        Binding("3", "tab(2)", _("Længe åbne"), id="followup-tab-long", show=False),
        Binding("4", "tab(3)", _("Ingen kontakt"), id="followup-tab-contact", show=False),
        Binding("minus", "weeks(-1)", _("Færre uger"), id="followup-fewer", tooltip=_("Én uge færre i denne visning.")),
        Binding("plus", "weeks(1)", _("Flere uger"), id="followup-more", tooltip=_("Én uge flere i denne visning.")),
        Binding("i", "setting('weeks')", _("Uger"), id="followup-set-weeks",
                tooltip=_("Indstil hvor mange uger uden klip, før et kort er stille (leder).")),
        Binding("l", "setting('months')", _("Måneder"), id="followup-set-months",
                tooltip=_("Indstil hvor mange måneder et kort må være åbent (leder).")),
        Binding("t", "setting('target')", _("Mål"), id="followup-set-target",
                tooltip=_("Indstil målet for årets forbrug af klip i procent (leder).")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.weeks: int | None = None  # None: the setting
        self.result = None
        self._filled: set[str] = set()  # the tabs whose table shows self.result

    def compose(self) -> ComposeResult:
        # issue #17: read while the widgets are built (shown once they are mounted: the runner)
        self.run_read(partial(followup, self.app.actor, weeks=self.weeks), on_done=self.show,
                      status="#followup-status", group="followup", description=_("Henter opfølgning"))
        yield Header()
        yield Static(_("Henter tal …"), id="followup-status", classes="intake-status")
        with TabbedContent(id="followup-tabs"):
            with TabPane(_("Distrikter"), id="fu-districts"):
                yield DataTable(id="fu-districts-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Stille kort"), id="fu-idle"):
                yield DataTable(id="fu-idle-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Længe åbne"), id="fu-long"):
                yield DataTable(id="fu-long-table", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Ingen kontakt"), id="fu-contact"):
                yield DataTable(id="fu-contact-table", cursor_type="row", zebra_stripes=True)
        yield Static(_("1–4 faner · Enter åbn borger · -/+ uger · i/l/t indstillinger · F5 opdatér"),
                     classes="intake-hint")
        yield Footer()

    def on_mount(self) -> None:
        districts = self.query_one("#fu-districts-table", DataTable)
        for label, key in ((_("Distrikt"), "district"), (_("Forbrug"), "bar"), (_("Brugt"), "used"),
                           (_("Tildelt"), "allocated"), (_("Brugt %"), "share"), (_("Året gået"), "year"),
                           (_("Forventet"), "expected"), (_("Status"), "status")):
            districts.add_column(label, key=key)
        for table_id in ("#fu-idle-table", "#fu-long-table"):
            table = self.query_one(table_id, DataTable)
            for label, key in ((_("Kort"), "card"), (_("Navn"), "name"), (_("CPR"), "cpr"),
                               (_("Distrikt"), "district"), (_("Udstedt"), "issued"),
                               (_("Sidste klip"), "last"), (_("Brugt"), "used")):
                table.add_column(label, key=key)
        contact = self.query_one("#fu-contact-table", DataTable)
        for label, key in ((_("Navn"), "name"), (_("CPR"), "cpr"), (_("Distrikt"), "district"),
                           (_("Revurderet"), "reassessed"), (_("Uger siden"), "weeks")):
            contact.add_column(label, key=key)

    def on_screen_resume(self) -> None:
        if self.came_back:  # back from another screen (the first read is compose's)
            self.action_refresh()

    def action_refresh(self) -> None:
        self.query_one("#followup-status", Static).update(_("Henter tal …"))
        self.run_read(followup, self.app.actor, weeks=self.weeks, on_done=self.show, status="#followup-status",
                      group="followup", description=_("Henter opfølgning"))

    def show(self, result) -> None:
        self.result = result
        behind = [d.district for d in result.districts if d.behind]
        status = _(
            "{day} · {year} af året gået · stille: {weeks} · længe åben: {months} mdr. · mål {target} %").format(
            day=fmt_date(result.on), year=_percent(result.year_share),
            weeks=format_count(result.weeks, _("uge"), _("uger")), months=result.months,
            target=result.target_percent)
        if behind:
            status += " · " + _("Bagud: {names}").format(names=", ".join(behind))
        self.query_one("#followup-status", Static).update(status)
        tabs = self.query_one("#followup-tabs", TabbedContent)
        tabs.get_tab("fu-idle").label = _("Stille kort ({n})").format(n=fmt_int(result.idle_total))
        tabs.get_tab("fu-long").label = _("Længe åbne ({n})").format(n=fmt_int(result.long_open_total))
        tabs.get_tab("fu-contact").label = _("Ingen kontakt ({n})").format(n=fmt_int(result.no_contact_total))

        # issue #17: the tab shown is filled now, each other tab when it is first shown (up to 200
        # rows each: three hidden tables measured and styled at every read cost more than the read)
        self._filled = set()
        self._fill(self.query_one("#followup-tabs", TabbedContent).active)

    @on(TabbedContent.TabActivated, "#followup-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        self._fill(event.pane.id)

    def _fill(self, tab: str) -> None:
        """The table of ``tab`` with the figures read, once per read."""
        result = self.result
        if result is None or tab in self._filled:
            return
        self._filled.add(tab)
        if tab == "fu-districts":
            districts = self.query_one("#fu-districts-table", DataTable)
            districts.clear()
            for d in result.districts:
                mark = Text("▼ " + _("bagud"), style="bold red") if d.behind else Text(_("i takt"), style="green")
                districts.add_row(d.district, bar(d.punched, d.allocated, width=6), fmt_int(d.punched),
                                  fmt_int(d.allocated), _percent(d.used_share), _percent(d.year_share),
                                  fmt_int(d.expected), mark, key=str(d.district_id))
        elif tab == "fu-idle":
            self._cards("#fu-idle-table", result.idle, result.idle_total)
        elif tab == "fu-long":
            self._cards("#fu-long-table", result.long_open, result.long_open_total)
        elif tab == "fu-contact":
            contact = self.query_one("#fu-contact-table", DataTable)
            contact.clear()
            for c in result.no_contact:
                contact.add_row(c.name, masked(c.cpr), c.district, fmt_date(c.reassessed_on),
                                str((result.on - c.reassessed_on).days // 7), key=str(c.citizen_id))
            self._more(contact, len(result.no_contact), result.no_contact_total, 5)

    def _cards(self, table_id: str, lines, total: int) -> None:
        table = self.query_one(table_id, DataTable)
        table.clear()
        for c in lines:
            table.add_row(str(c.card_number), c.name, masked(c.cpr), c.district, fmt_date(c.issued_on),
                          fmt_date(c.last_punch) or "—", f"{c.used}/10", key=str(c.citizen_id))
        self._more(table, len(lines), total, 7)

    @staticmethod
    def _more(table: DataTable, shown: int, total: int, columns: int) -> None:
        if not total:
            table.add_row(_("Ingen."), *[""] * (columns - 1), key="none")
        elif total > shown:
            table.add_row(_("… og {n} til").format(n=fmt_int(total - shown)), *[""] * (columns - 1), key="more")

    def action_tab(self, index: int) -> None:
        self.query_one("#followup-tabs", TabbedContent).active = TABS[index]
        self.query_one(f"#{TABS[index]}-table", DataTable).focus()

    def action_weeks(self, step: int) -> None:
        if self.result is None:
            return
        self.weeks = max(1, min(52, self.result.weeks + step))
        self.action_refresh()

    def action_open(self) -> None:
        from screens.citizens import CitizenDetailScreen

        active = self.query_one("#followup-tabs", TabbedContent).active
        if active == "fu-districts":
            return
        table = self.query_one(f"#{active}-table", DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key and key.isdigit():
            self.app.push_screen(CitizenDetailScreen(int(key)))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_setting(self, which: str) -> None:
        from .forms import AskDialog

        if self.result is None:
            return
        spec, prompt, current = {
            "weeks": (IDLE_WEEKS, _("Antal uger uden klip, før et åbent kort er stille (standard 6):"),
                      self.result.weeks),
            "months": (OPEN_MONTHS, _("Antal måneder et kort må være åbent, før det følges op (standard 4):"),
                       self.result.months),
            "target": (TARGET_PERCENT, _("Mål for årets forbrug af klip i procent (standard 80):"),
                       self.result.target_percent),
        }[which]

        def answer(text: str | None) -> None:
            if text is None:
                return
            self.weeks = None if which == "weeks" else self.weeks
            self.run_operation(set_setting, self.app.actor, spec.key, text, on_done=lambda _v: self.action_refresh(),
                               description=_("Gemmer indstilling"))

        self.app.push_screen(AskDialog(_("Opfølgning"), prompt, str(current), ok=_("Gem"), required=False), answer)
