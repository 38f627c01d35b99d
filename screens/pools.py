"""Puljer: the year's district pools in clips and kroner, the budget form and
moves between pools (R6–R8). Figures are read in a worker."""
from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Sparkline, Static

from models.base import DomainError, today
from models.budget import (
    MAX_YEAR,
    MIN_YEAR,
    budget_defaults,
    budget_input_errors,
    movable_clips,
    move_clips,
    preview_budget,
    set_budget,
)
from models.i18n import _, pgettext
from models.inputs import format_date as fmt_date
from models.inputs import format_int as fmt_int
from models.inputs import format_kroner
from models.permissions import can
from models.pool_overview import pool_weeks, pools_overview
from screens.base import CirkelDialog, CirkelScreen
from screens.forms import FieldMessage, FieldRow, Form


def pool_bar(punched: int, committed: int, allocated: int, width: int = 16) -> Text:
    """█ punched, ▓ committed but not punched yet, ░ free; red when nothing is free."""
    if allocated <= 0:
        return Text("─" * width, style="dim")
    used = round(max(0, min(punched, allocated)) / allocated * width)
    bound = max(used, round(max(0, min(committed, allocated)) / allocated * width))
    share = committed / allocated
    style = "green" if share < 0.75 else ("yellow" if share < 0.95 else "red")
    text = Text("█" * used, style=style)
    text.append("▓" * (bound - used), style=f"{style} dim")
    text.append("░" * (width - bound), style="dim")
    return text


def projection_cell(projection) -> Text:
    if projection is None:
        return Text("")
    if projection.used_up:
        return Text(_("brugt op"), style="bold red")
    if projection.runs_out_on is None:
        return Text(_("intet forbrug"), style="dim")
    return Text(fmt_date(projection.runs_out_on), style="bold red" if projection.warning else "")


def _num(value: int, style: str = "") -> Text:
    return Text(fmt_int(value), style=style, justify="right")


def _mean(values) -> float:
    return sum(values) / len(values) if values else 0.0


class PoolsScreen(CirkelScreen):
    TITLE = _("Puljer")
    BINDINGS = [
        Binding("minus", "change_year(-1)", _("Forrige år"), id="pools-prev-year", tooltip=_("Vis året før.")),
        Binding("plus", "change_year(1)", _("Næste år"), id="pools-next-year", tooltip=_("Vis året efter.")),
        Binding("u", "budget", _("Budget"), id="pools-budget",
                tooltip=_("Sæt årets budget; fordelingen vises før du gemmer (leder).")),
        Binding("l", "move", _("Flyt klip"), id="pools-move",
                tooltip=_("Flyt klip mellem to distrikters puljer med en begrundelse (leder).")),
        Binding("g,f5", "refresh", _("Opdatér"), id="pools-refresh", tooltip=_("Hent tallene igen.")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.year = today().year
        self.overview = None
        self._bar_ids: list[int] = []

    def compose(self) -> ComposeResult:
        self.load(self.year)  # issue #17: read while the widgets are built (shown once they are mounted: the runner)
        yield Header()
        with VerticalScroll(id="pools"):
            yield Static(_("Puljer"), classes="section-title", id="pools-title")
            yield DataTable(id="pools-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("Pulje: █ brugt ▓ bundet ░ fri   ·   klip pr. uge siden 1. januar"),
                         classes="section-title", id="pools-legend")
            yield Vertical(id="pools-bars")
            yield Static("", id="pools-money")
            yield Static(_("Henter tal …"), id="pools-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pools-table", DataTable)
        table.add_column(_("Distrikt"), key="district")
        table.add_column(_("Tildelt"), key="allocated")
        table.add_column(_("Bundet"), key="committed")
        table.add_column(_("Brugt"), key="punched")
        table.add_column(pgettext("rest", "Tilbage"), key="left")
        table.add_column(_("Delt./kap."), key="participants")
        table.add_column(_("Vent."), key="waitlist")
        table.add_column(_("Løber tør"), key="projection")
        table.focus()

    def on_screen_resume(self) -> None:
        if self.came_back:  # back from another screen (the first read is compose's)
            self.action_refresh()

    # --- reading

    def action_refresh(self) -> None:
        self.load(self.year)

    def action_change_year(self, step: int) -> None:
        self.year = max(MIN_YEAR, min(MAX_YEAR, self.year + step))
        self.query_one("#pools-title", Static).update(_("Puljer {year}").format(year=self.year))
        self.query_one("#pools-status", Static).update(_("Henter tal …"))
        self.load(self.year)

    def load(self, year: int) -> None:
        """The table's figures first (issue #17); the weekly series follow behind them (_read_weeks)."""
        self.run_read(partial(pools_overview, year, weekly=False), on_done=self.show, status="#pools-status",
                      description=_("Henter puljer"))

    def _read_weeks(self, overview) -> None:
        async def shown(done) -> None:
            if self.overview is overview:  # not replaced by another year or a refresh meanwhile
                self.overview = done
                await self._show_bars(done)

        self.run_read(pool_weeks, overview, on_done=shown, status="#pools-status", group="pools-weeks",
                      description=_("Henter puljer"))

    async def show(self, overview) -> None:
        if overview.year != self.year:
            return  # an older year's answer arriving late
        self.overview = overview
        title = _("Puljer {year}").format(year=overview.year)
        if overview.has_budget:
            title += "  ·  " + _("{clips} klip · {per} klip pr. deltager").format(
                clips=fmt_int(overview.clips), per=overview.clips_per_participant)
        self.query_one("#pools-title", Static).update(title + "   " + _("(-/+ skifter år)"))

        table = self.query_one("#pools-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for line in overview.lines:
            f = line.figures
            table.add_row(f.district, _num(f.allocated), _num(f.committed), _num(f.punched),
                          _num(f.left, "bold red" if f.left < 10 and f.allocated else ""),
                          Text(f"{fmt_int(f.participants)}/{fmt_int(f.capacity)}", justify="right",
                               style="" if f.open_for_intake else "bold red"),
                          _num(f.waitlist), projection_cell(line.projection), key=str(f.district_id))
        t = overview.total.figures
        table.add_row(Text(_("I alt"), style="bold"), *(_num(n, "bold") for n in (
            t.allocated, t.committed, t.punched, t.left)),
            Text(f"{fmt_int(t.participants)}/{fmt_int(t.capacity)}", style="bold", justify="right"),
            _num(t.waitlist, "bold"), projection_cell(overview.total.projection), key="total")
        if cursor < table.row_count:
            table.move_cursor(row=cursor)

        await self._show_bars(overview)

        money = self.query_one("#pools-money", Static)
        status = self.query_one("#pools-status", Static)
        notes: list[Text] = []
        if overview.money is None:
            money.update("")
            notes.append(Text(_("Der er ikke sat et budget for {year}. En leder sætter det med u (Budget).").format(
                year=overview.year), style="bold"))
        else:
            m = overview.money
            text = Text()
            text.append(_("Budget") + " ", style="bold")
            text.append(format_kroner(m.budget_dkk))
            text.append("  ·  " + _("Klip brugt") + " ", style="bold")
            text.append(f"{fmt_int(m.punched_clips)} × {format_kroner(m.price_per_clip_dkk)} = "
                        f"{format_kroner(m.punched_dkk)}")
            text.append("  ·  " + _("Transport") + " ", style="bold")
            text.append(_("{spent} af {reserve}").format(spent=format_kroner(m.transport_spent_dkk),
                                                          reserve=format_kroner(m.transport_reserve_dkk)),
                        style="bold red" if m.reserve_left_dkk < 0 else "")
            text.append("  ·  " + pgettext("rest", "Tilbage") + " ", style="bold")
            text.append(format_kroner(m.left_dkk), style="bold red" if m.left_dkk < 0 else "")
            money.update(text)
            warn = [line.figures.district for line in overview.lines if line.projection and line.projection.warning]
            if warn:
                notes.append(Text(_("Løber tør før årets udgang: {names}.").format(names=", ".join(warn)),
                                  style="bold red"))
            if m.reserve_left_dkk < 0:
                notes.append(Text(_("Transporten har brugt {over} mere end reserven.").format(
                    over=format_kroner(-m.reserve_left_dkk)), style="bold red"))
        closed = overview.closed_for_intake
        if closed and overview.has_budget:
            notes.append(Text(_("Lukket for optag: {names}.").format(names=", ".join(closed))))
        if not overview.lines:
            notes.append(Text(_("Ingen distrikter endnu. En administrator opretter dem under Distrikter (d).")))
        status.update(Text("\n").join(notes) if notes else _("Alle puljer har klip til resten af året."))
        if not overview.weekly_read:
            self._read_weeks(overview)

    async def _show_bars(self, overview) -> None:
        box = self.query_one("#pools-bars", Vertical)
        ids = [line.figures.district_id for line in overview.lines] + [0]
        if ids != self._bar_ids:
            await box.remove_children()
            rows = []
            for line in overview.lines + [overview.total]:
                did = line.figures.district_id
                rows.append(Horizontal(
                    Static(classes="pool-name", id=f"pool-name-{did}"),
                    Static(classes="pool-bar", id=f"pool-bar-{did}"),
                    Sparkline([], summary_function=_mean, classes="pool-spark", id=f"pool-spark-{did}"),
                    Static(classes="pool-rate", id=f"pool-rate-{did}"),
                    classes="pool-row"))
            await box.mount_all(rows)
            self._bar_ids = ids
        for line in overview.lines + [overview.total]:
            f = line.figures
            did = f.district_id
            is_total = line is overview.total
            self.query_one(f"#pool-name-{did}", Static).update(
                Text(_("I alt") if is_total else f.district, style="bold" if is_total else ""))
            self.query_one(f"#pool-bar-{did}", Static).update(pool_bar(f.punched, f.committed, f.allocated))
            self.query_one(f"#pool-spark-{did}", Sparkline).data = [max(0, w) for w in line.weekly]
            rate = line.projection.rate_per_week if line.projection else None
            self.query_one(f"#pool-rate-{did}", Static).update(
                "" if rate is None else _("{rate} klip/uge").format(rate=f"{rate:.1f}".replace(".", ",")))

    # --- budget and moves

    def _may(self, action: str) -> bool:
        if can(self.app.actor, action):
            return True
        self.notify(_("Kun en leder eller en administrator kan ændre budget og puljer."), severity="error")
        return False

    def action_budget(self) -> None:
        if not self._may("budget.set"):
            return

        def saved(year: int | None) -> None:
            if year is not None:
                self.year = year
                self.action_refresh()

        self.run_read(budget_defaults, self.year, description=_("Henter budget"),
                      on_done=lambda defaults: self.app.push_screen(BudgetScreen(defaults), saved))

    def action_move(self) -> None:
        if not self._may("pool.move"):
            return
        if self.overview is None or not self.overview.has_budget or len(self.overview.lines) < 2:
            self.notify(_("Der skal være et budget og mindst to distrikter for at flytte klip."), severity="warning")
            return
        table = self.query_one("#pools-table", DataTable)
        districts = [(line.figures.district, line.figures.district_id) for line in self.overview.lines]
        source = districts[table.cursor_row][1] if table.cursor_row < len(districts) else districts[0][1]

        def moved(done: bool | None) -> None:
            if done:
                self.action_refresh()

        self.app.push_screen(MoveScreen(self.year, districts, source), moved)


class BudgetScreen(Form, CirkelDialog):
    """The year's budget: the clips and the split per district are shown before saving."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Gem"), id="budget-save", tooltip=_("Gem budgettet og fordel puljerne.")),
        Binding("escape", "cancel", _("Annullér"), id="budget-cancel", tooltip=_("Luk uden at gemme.")),
    ]
    FIELDS = ("year", "budget", "price", "reserve", "per_participant")

    def __init__(self, defaults: dict[str, str]) -> None:
        super().__init__()
        self.defaults = defaults
        # Fields the user has typed in (or all, after a save): only their errors are shown,
        # so an empty form does not open full of red.
        self.touched = {key for key, value in defaults.items() if value}

    def compose(self) -> ComposeResult:
        labels = {"year": _("År"), "budget": _("Budget (kr)"), "price": _("Pris pr. klip (kr)"),
                  "reserve": _("Transportreserve (kr)"), "per_participant": _("Klip pr. deltager pr. år")}
        with Vertical(id="budget-box", classes="dialog"):
            yield Static(_("Årets budget og puljer"), classes="dialog-title")
            for key in self.FIELDS:
                yield FieldRow(labels[key], Input(value=self.defaults.get(key, ""), id=f"budget-{key}", compact=True),
                               field=key, message_id=f"budget-{key}-error")
            yield FieldMessage(id="form-message")
            yield Static("", id="budget-clips")
            split = DataTable(id="budget-split", cursor_type="none", zebra_stripes=True)
            split.can_focus = False
            yield split
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Gem (Ctrl+S)"), id="budget-save-button", variant="primary", compact=True)
                yield Button(_("Annullér"), id="budget-cancel-button", compact=True)

    def on_mount(self) -> None:
        split = self.query_one("#budget-split", DataTable)
        split.add_columns(_("Distrikt"), _("Hjemmehj."), _("Ny pulje"), _("Nu"), _("Bundet"), _("Delt./kap."))
        self.update_preview()
        self.query_one("#budget-budget" if self.defaults.get("year") else "#budget-year", Input).focus()

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#budget-{key}", Input).value for key in self.FIELDS}

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.touched.add(event.input.id.removeprefix("budget-"))
        self.update_preview()

    def update_preview(self) -> None:
        """Check the fields at once (no database); the split is read in a worker, the latest keystroke wins."""
        v = self.values()
        args = (v["year"], v["budget"], v["price"], v["reserve"], v["per_participant"])
        errors = budget_input_errors(*args)
        if errors:
            self._show_input_errors(errors)
            return
        self.run_read(preview_budget, *args, on_done=self._show_preview, form=self,
                      on_error=self._preview_refused, description=_("Beregner fordelingen"))

    def _show_input_errors(self, errors: dict[str, str]) -> None:
        self.query_one("#budget-split", DataTable).clear()
        shown = {key: text for key, text in errors.items() if key in self.touched or key == "form"}
        self.show_errors(shown, focus=False)
        self.query_one("#budget-clips", Static).update(
            Text(_("Ret de markerede felter for at se fordelingen.") if shown
                 else _("Udfyld felterne for at se klippene og fordelingen."), style="dim"))

    def _preview_refused(self, err: BaseException) -> None:
        if isinstance(err, DomainError):
            self._show_input_errors({err.field or "form": err.message})

    def _show_preview(self, preview) -> None:
        self.clear_errors()
        split = self.query_one("#budget-split", DataTable)
        clips = self.query_one("#budget-clips", Static)
        split.clear()
        text = Text(_("({budget} − {reserve}) / {price} = ").format(
            budget=format_kroner(preview.budget_dkk), reserve=format_kroner(preview.transport_reserve_dkk),
            price=format_kroner(preview.price_per_clip_dkk)))
        text.append(_("{clips} klip").format(clips=fmt_int(preview.clips)), style="bold")
        if preview.exists:
            text.append("\n" + _("{year} har et budget; at gemme fordeler kun de klip, der ikke er bundet.").format(
                year=preview.year), style="dim")
        clips.update(text)
        for line in preview.lines:
            split.add_row(line.district, _num(line.home_help), _num(line.allocated, "bold"),
                          Text("–", justify="right") if line.current is None else _num(line.current),
                          _num(line.committed),
                          Text(f"{fmt_int(line.participants)}/{fmt_int(line.capacity)}", justify="right",
                               style="bold red" if line.participants >= line.capacity else ""))
        split.add_row(Text(_("I alt"), style="bold"), _num(sum(x.home_help for x in preview.lines), "bold"),
                      _num(preview.total_allocated, "bold"), "", "",
                      Text(f"{fmt_int(sum(x.participants for x in preview.lines))}/"
                           f"{fmt_int(preview.total_capacity)}", style="bold", justify="right"))

    @on(Button.Pressed, "#budget-save-button")
    def action_save(self) -> None:
        """flows (issue #15): the split of exactly these values is read first; when saving would close
        districts for intake (no free place left, R7), the leader is asked first, naming them."""
        v = self.values()
        self.touched.update(self.FIELDS)
        args = (v["year"], v["budget"], v["price"], v["reserve"], v["per_participant"])
        self.run_read(preview_budget, *args, on_done=lambda preview: self._ask_then_save(args, preview),
                      on_error=self._refused, group="budget-save", description=_("Beregner fordelingen"))

    def _ask_then_save(self, args: tuple, preview) -> None:
        from screens.dialogs import ConfirmDialog

        closes = preview.closes_intake
        if not closes:
            self._save(args)
            return
        body = _("Efter fordelingen er der ingen ledig plads i: {names}. Ingen optages dér, før der er plads.")
        body = body.format(names=", ".join(closes))
        self.app.push_screen(ConfirmDialog(_("Lukke for optag i {n} distrikter?").format(n=len(closes))
                                           if len(closes) > 1 else _("Lukke for optag i {name}?").format(
                                               name=closes[0]), body, yes=_("Gem alligevel"), no=_("Fortryd")),
                             lambda yes: self._save(args) if yes else None)

    def _save(self, args: tuple) -> None:
        self.run_operation(set_budget, self.app.actor, *args, on_done=self._saved, on_error=self._refused,
                           description=_("Gemmer budget"))

    def _refused(self, err: BaseException) -> None:
        if isinstance(err, DomainError):  # shown at its field, and said once more where the eye is
            self.notify(err.message, severity="error")

    def _saved(self, preview) -> None:
        self.notify(_("Budgettet for {year} er gemt: {clips} klip fordelt på {n} distrikter.").format(
            year=preview.year, clips=fmt_int(preview.clips), n=len(preview.lines)))
        self.dismiss(preview.year)

    @on(Button.Pressed, "#budget-cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(None)


class MoveScreen(Form, CirkelDialog):
    """Move clips between two districts' pools of one year, with a reason."""

    BINDINGS = [
        Binding("ctrl+s", "save", _("Flyt"), id="move-save", tooltip=_("Flyt klippene.")),
        Binding("escape", "cancel", _("Annullér"), id="move-cancel", tooltip=_("Luk uden at flytte.")),
    ]

    def __init__(self, year: int, districts: list[tuple[str, int]], source: int) -> None:
        super().__init__()
        self.year = year
        self.districts = districts
        self.source = source

    def compose(self) -> ComposeResult:
        target = next((d for _name, d in self.districts if d != self.source), Select.NULL)
        with Vertical(id="move-box", classes="dialog"):
            yield Static(_("Flyt klip mellem puljer {year}").format(year=self.year), classes="dialog-title")
            yield FieldRow(_("Fra"), Select(self.districts, value=self.source, allow_blank=False, id="move-source",
                                            compact=True), field="source", message_id="move-source-error")
            yield FieldRow(_("Til"), Select(self.districts, value=target, allow_blank=False, id="move-target",
                                            compact=True), field="target", message_id="move-target-error")
            yield FieldRow(_("Antal klip"), Input(id="move-clips", compact=True, placeholder="0"), field="clips",
                           message_id="move-clips-error")
            yield FieldRow(_("Begrundelse"), Input(id="move-reason", compact=True), field="reason",
                           message_id="move-reason-error")
            yield FieldMessage(id="form-message")
            yield Static("", id="move-free")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Flyt (Ctrl+S)"), id="move-save-button", variant="primary", compact=True)
                yield Button(_("Annullér"), id="move-cancel-button", compact=True)

    def on_mount(self) -> None:
        self.show_free()
        self.query_one("#move-clips", Input).focus()

    @on(Select.Changed, "#move-source")
    def show_free(self) -> None:
        source = self.query_one("#move-source", Select).value
        name = next((n for n, d in self.districts if d == source), "")
        line = self.query_one("#move-free", Static)

        def shown(free: int) -> None:
            line.update(_("{name} har {free} klip, der ikke er bundet, og som kan flyttes.").format(
                name=name, free=fmt_int(max(0, free))))

        def refused(message: str, _field) -> bool:
            line.update(message)
            return True

        self.run_read(movable_clips, source, self.year, on_done=shown, form=refused, status=line,
                      description=_("Henter frie klip"))

    @on(Button.Pressed, "#move-save-button")
    def action_save(self) -> None:
        source = self.query_one("#move-source", Select).value
        target = self.query_one("#move-target", Select).value
        self.clear_errors()
        if target is Select.NULL:
            self.show_error(_("Vælg distriktet, der skal have klippene."), "target")
            return
        self.run_operation(move_clips, self.app.actor, self.year, source, target,
                           self.query_one("#move-clips", Input).value, self.query_one("#move-reason", Input).value,
                           on_done=lambda move: self._moved(move, source, target), description=_("Flytter klip"))

    def _moved(self, move, source, target) -> None:
        names = dict((d, n) for n, d in self.districts)
        self.notify(_("{clips} klip flyttet fra {source} til {target}.").format(
            clips=fmt_int(move.clips), source=names.get(source, ""), target=names.get(target, "")))
        self.dismiss(True)

    @on(Button.Pressed, "#move-cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(False)

