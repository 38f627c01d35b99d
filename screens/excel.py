"""Eksport and Import: the Excel documentation (R11) from the keyboard.

Both screens hand the slow part (writing or reading the workbook) to a thread
worker that reports back with messages, so the UI never freezes. The export
shows a progress bar and a notification with the file's path; the import first
runs a dry run, shows what it would create and asks before it writes anything.
"""
from __future__ import annotations

import logging
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, ProgressBar, RichLog, Static
from textual.widgets.option_list import Option

from models.i18n import _
from screens.base import CirkelScreen
from screens.dialogs import ConfirmDialog

log = logging.getLogger(__name__)


def _last_month_text() -> str:
    from models.base import today

    first = today().replace(day=1)
    year, month = (first.year, first.month - 1) if first.month > 1 else (first.year - 1, 12)
    return f"{year:04d}-{month:02d}"


class PeriodValidator(Validator):
    """A month (ÅÅÅÅ-MM) or a year (ÅÅÅÅ); the Danish message is shown under the field."""

    def validate(self, value: str) -> ValidationResult:
        from exports.excel import parse_period
        from models.base import DomainError

        try:
            parse_period(value)
        except DomainError as err:
            return self.failure(err.message)
        return self.success()


# --- Eksport --------------------------------------------------------------------------

class ExportScreen(CirkelScreen):
    TITLE = _("Eksport")
    BINDINGS = [
        Binding("f5", "start", _("Eksportér"), id="export-start",
                tooltip=_("Skriv Excel-filen for perioden (Enter i et felt gør det samme).")),
    ]

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self) -> None:
        super().__init__()
        self._auto_file = ""
        self._exporting = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="export", classes="excel-form"):
            yield Static(_("Excel-dokumentation"), classes="section-title")
            help_text = _(
                "Arkene Klippekort, Klip, Puljer og Aftaler for en måned eller et år. Filen har fulde CPR-numre.")
            yield Static(help_text, classes="excel-help")
            with Horizontal(classes="excel-row"):
                yield Label(_("Periode"), classes="excel-label")
                yield Input(_last_month_text(), placeholder=_("ÅÅÅÅ-MM eller ÅÅÅÅ"), id="export-period",
                            validators=[PeriodValidator()], validate_on=["changed", "submitted"])
            yield Static("", id="export-period-info", classes="excel-info")
            with Horizontal(classes="excel-row"):
                yield Label(_("Fil"), classes="excel-label")
                yield Input(placeholder=_("sti til .xlsx-filen"), id="export-file")
            yield Static("", id="export-file-error", classes="excel-error")
            with Horizontal(classes="excel-buttons"):
                yield Button(_("Eksportér (F5)"), id="export-go", variant="primary")
            yield ProgressBar(id="export-progress", show_eta=False)
            yield Static("", id="export-status", classes="excel-info")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-progress", ProgressBar).display = False
        self._period_changed(self.query_one("#export-period", Input).value)
        self.query_one("#export-period", Input).focus()

    def _period(self):
        from exports.excel import parse_period
        from models.base import DomainError

        try:
            return parse_period(self.query_one("#export-period", Input).value)
        except DomainError:
            return None

    def _period_changed(self, value: str) -> None:
        from exports.excel import default_path, parse_period
        from models.base import DomainError

        info = self.query_one("#export-period-info", Static)
        try:
            period = parse_period(value)
        except DomainError as err:
            info.update(err.message)
            info.set_class(True, "-error")
            return
        info.update(_("Periode: {period}").format(period=period.describe()))
        info.set_class(False, "-error")
        file_input = self.query_one("#export-file", Input)
        if file_input.value in ("", self._auto_file):
            self._auto_file = str(default_path(period))
            file_input.value = self._auto_file

    @on(Input.Changed, "#export-period")
    def _on_period(self, event: Input.Changed) -> None:
        self._period_changed(event.value)

    @on(Input.Changed, "#export-file")
    def _on_file(self) -> None:
        self.query_one("#export-file-error", Static).update("")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#export-go")
    def _go(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        if self._exporting:
            self.notify(_("Eksporten kører allerede."), severity="warning")
            return
        period = self._period()
        if period is None:
            self.query_one("#export-period", Input).focus()
            return
        raw = self.query_one("#export-file", Input).value.strip()
        if not raw:
            self.query_one("#export-file-error", Static).update(_("Skriv filens navn."))
            self.query_one("#export-file", Input).focus()
            return
        path = Path(raw).expanduser()
        if path.exists() and path.is_file():
            self.app.push_screen(
                ConfirmDialog(_("Filen findes allerede"),
                              _("{path} findes. Vil du overskrive den?").format(path=path),
                              yes=_("Overskriv (j)")),
                lambda yes: self._begin(period, path, force=True) if yes else None)
            return
        self._begin(period, path)

    def _begin(self, period, path: Path, force: bool = False) -> None:
        self._exporting = True
        bar = self.query_one("#export-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#export-go", Button).disabled = True
        self.query_one("#export-status", Static).update(
            _("Skriver {period} til {path} …").format(period=period.describe(), path=path))
        self.write_file(period, path, force)

    def write_file(self, period, path: Path, force: bool = False) -> None:
        from exports.excel import export

        self.run_operation(export, self.app.actor, period, path, force=force,
                           progress=lambda done, total: self.post_message(self.Progress(done, total)),
                           on_done=self._finished, on_error=self._failed, description=_("Eksporterer"))

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.query_one("#export-progress", ProgressBar).update(total=max(1, message.total),
                                                                progress=message.done)

    def _finished(self, result) -> None:
        self._exporting = False
        self.query_one("#export-go", Button).disabled = False
        bar = self.query_one("#export-progress", ProgressBar)
        bar.update(total=max(1, bar.total or 1), progress=max(1, bar.total or 1))
        text = _("{cards} kort, {punches} klip og {districts} distrikter skrevet til {path}").format(
            cards=result.cards, punches=result.punches, districts=result.districts, path=result.path)
        from models.files import fetch_hint  # the outbox on the shared server (issue #20)

        hint = fetch_hint(result.path)
        self.query_one("#export-status", Static).update(f"{text}\n{hint}" if hint else text)
        self.notify(str(result.path), title=_("Eksport færdig"), timeout=10)

    def show_error(self, message: str, field: str | None) -> bool:
        """A refusal: at the file or the period, and said once more."""
        if field == "file":
            self.query_one("#export-file-error", Static).update(message)
            self.query_one("#export-file", Input).focus()
        elif field == "period":
            info = self.query_one("#export-period-info", Static)
            info.update(message)
            info.set_class(True, "-error")
        self.notify(message, severity="error")
        return True

    def _failed(self, _err: BaseException) -> None:
        self._exporting = False
        self.query_one("#export-go", Button).disabled = False
        self.query_one("#export-progress", ProgressBar).display = False
        self.query_one("#export-status", Static).update("")


# --- Import -----------------------------------------------------------------------------

def spreadsheets_in(folder: Path, limit: int = 200) -> list[Path]:
    """The .xlsx files in ``folder``, newest first (no hidden files or Excel lock files)."""
    try:
        found = [p for p in folder.iterdir()
                 if p.suffix.lower() == ".xlsx" and not p.name.startswith((".", "~$")) and p.is_file()]
    except OSError:
        return []
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return found[:limit]


class ImportScreen(CirkelScreen):
    TITLE = _("Import")
    BINDINGS = [
        Binding("f5", "check", _("Kontrollér"), id="import-check",
                tooltip=_("Prøv filen uden at gemme noget, og vis hvad der ville blive oprettet.")),
        Binding("f12", "apply", _("Importér"), id="import-apply",
                tooltip=_("Importér den kontrollerede fil (du bliver spurgt først).")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._working = False
        self._checked_report = None  # the last dry run with something to import

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="import", classes="excel-form"):
            yield Static(_("Indlæs regneark"), classes="section-title")
            yield Static(_("Arket Klippekort i eksportens format. Intet gemmes, før du har set og godkendt det."),
                         classes="excel-help")
            with Horizontal(classes="excel-row"):
                yield Label(_("Fil"), classes="excel-label")
                yield Input(placeholder=_("sti til .xlsx-filen, eller vælg den nedenfor"), id="import-file")
            yield Static("", id="import-file-error", classes="excel-error")
            with Horizontal(classes="excel-buttons"):
                yield Button(_("Kontrollér (F5)"), id="import-go", variant="primary")
                yield Button(_("Importér … (F12)"), id="import-do", disabled=True)
            with Horizontal(id="import-body"):
                yield OptionList(id="import-files")
                yield RichLog(id="import-result", wrap=True, markup=False, highlight=False, min_width=20)
            yield Static("", id="import-status", classes="excel-info")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#import-file", Input).focus()

    def on_screen_resume(self) -> None:
        # also the first showing: Textual sends a ScreenResume right after the mount (screens/base.py)
        self._list_files()

    def _list_files(self) -> None:
        from models.files import default_directory  # through sudo: the staff member's outbox (issue #20)

        folder = default_directory()
        files = self.query_one("#import-files", OptionList)
        files.border_title = _("Regneark i {folder}").format(folder=folder)
        files.clear_options()
        found = spreadsheets_in(folder)
        files.add_options([Option(p.name, id=str(p)) for p in found]
                          or [Option(_("(ingen .xlsx-filer her)"), disabled=True)])
        if found:
            files.highlighted = 0

    @on(OptionList.OptionSelected, "#import-files")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#import-file", Input).value = str(event.option.id)
        self.action_check()

    @on(Input.Changed, "#import-file")
    def _on_file(self, event: Input.Changed) -> None:
        report = self._checked_report
        if report is not None and event.value.strip() == str(report.path):
            return  # the change that chose this file, arriving after its check: the check stands
        self.query_one("#import-file-error", Static).update("")
        self._ready(None)

    @on(Input.Submitted, "#import-file")
    @on(Button.Pressed, "#import-go")
    def _go(self) -> None:
        self.action_check()

    @on(Button.Pressed, "#import-do")
    def _do(self) -> None:
        self.action_apply()

    def _ready(self, report) -> None:
        self._checked_report = report
        self.query_one("#import-do", Button).disabled = report is None

    def _path(self) -> Path | None:
        raw = self.query_one("#import-file", Input).value.strip()
        if not raw:
            self.query_one("#import-file-error", Static).update(_("Skriv filens navn, eller vælg den i listen."))
            self.query_one("#import-file", Input).focus()
            return None
        return Path(raw).expanduser()

    def action_check(self) -> None:
        if self._working:
            self.notify(_("Vent, filen behandles."), severity="warning")
            return
        path = self._path()
        if path is None:
            return
        self._working = True
        self._ready(None)
        self.query_one("#import-result", RichLog).clear()
        self.query_one("#import-status", Static).update(_("Kontrollerer {name} …").format(name=path.name))
        self.run_import(path, dry_run=True)

    def action_apply(self) -> None:
        if self._working:
            self.notify(_("Vent, filen behandles."), severity="warning")
            return
        report = self._checked_report
        if report is None:
            self.notify(_("Kontrollér filen først (F5)."), severity="warning")
            return
        body = _("Fra {name}: {counts}. Alt eller intet gemmes i én omgang.").format(
            name=report.path.name, counts=report.counts())
        if report.new_districts:
            body += " " + _("Filen nævner distrikter, der ikke findes i Cirkel: {names}. Importen opretter dem (med 0 hjemmehjælpsmodtagere; ret tallet under Distrikter).").format(  # noqa: E501
                names=", ".join(report.new_districts))
        title = _("Opret distrikterne og importér?") if report.new_districts else _("Importér nu?")
        self.app.push_screen(ConfirmDialog(title, body, yes=_("Importér (j)")),
                             lambda yes: self._confirmed(report.path) if yes else self._declined())

    def run_import(self, path: Path, dry_run: bool) -> None:
        """The check (a dry run, no write lock) or the import, through the runner.

        The check lists the districts the file would create; the confirmation asks before they are.
        """
        from exports.importer import import_file

        self.run_operation(import_file, self.app.actor, path, dry_run=dry_run, create_districts=True,
                           on_done=self._checked if dry_run else self._imported, on_error=self._refused,
                           form=lambda _message, _field: True,  # _refused shows it: status, lines, field
                           description=_("Importerer"))

    def _write(self, lines: list[str]) -> None:
        result = self.query_one("#import-result", RichLog)
        for line in lines:
            result.write(line, scroll_end=False)
        result.scroll_home(animate=False)

    def _checked(self, report) -> None:
        self._working = False
        self._write(report.lines())
        status = self.query_one("#import-status", Static)
        status.set_class(False, "-error")
        if report.nothing_to_do:
            status.update(report.summary())
            self.notify(report.summary())
            return
        self._ready(report)
        status.update(_("{summary} Tryk F12 for at importere.").format(summary=report.summary()))
        self.query_one("#import-do", Button).focus()

    def _declined(self) -> None:
        self.query_one("#import-status", Static).update(_("Intet er importeret."))

    def _confirmed(self, path: Path) -> None:
        self._working = True
        self._ready(None)
        self.query_one("#import-status", Static).update(_("Importerer {name} …").format(name=path.name))
        self.run_import(path, dry_run=False)

    def _imported(self, report) -> None:
        self._working = False
        self._write(["", report.summary()])
        self.query_one("#import-result", RichLog).scroll_end(animate=False)
        self.query_one("#import-status", Static).update(report.summary())
        self.notify(report.summary(), title=_("Import færdig"), timeout=10)

    def _refused(self, err: BaseException) -> None:
        from models.base import DomainError

        self._working = False
        if not isinstance(err, DomainError):  # the runner has logged it and told the user in one line
            self.query_one("#import-status", Static).update(_("Uventet fejl under importen; detaljerne står i loggen."))
            return
        if err.field == "file":
            self.query_one("#import-file-error", Static).update(err.message)
        self._write(err.lines() if hasattr(err, "lines") else [])
        status = self.query_one("#import-status", Static)
        status.set_class(True, "-error")
        status.update(err.message)
        self.notify(err.message, severity="error")
