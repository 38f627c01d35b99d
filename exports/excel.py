"""The Excel documentation (R11, docs/excel.md): one workbook, four sheets.

``Klippekort``  one row per card active at any time in the period
``Klip``        one row per ledger entry (punch, reversal, import) dated in the period
``Puljer``      one row per district: the pool of the period's year
``Aftaler``     one row per individual agreement (R4) valid in the period or punched in it

Written with openpyxl's write-only mode: rows stream from peewee cursors
(``.iterator()``) straight into the sheet files, so memory stays flat however
many rows there are. openpyxl is imported inside :func:`export` only (it costs
about 150 ms to import). Every text cell is written as text: a value that begins
with ``=``, ``+``, ``-`` or ``@`` is a string cell with a quote prefix, never a
formula, and control characters are removed.

What the figures mean:
* ``Antal klip`` is the card's ledger total when the file is made: punches and
  imported clips minus reversals (a reversed punch counts zero). It equals
  ``Card.used``. ``Sluttidspunkt`` is the card's end date (used up or closed),
  empty while it is open.
* ``Klip`` lists every ledger entry dated in the period, reversals too (negative
  clips, activity ``Tilbageført: <activity> — <reason>``), so the sheet adds up
  to the net clips of the period. A punch on a card has its Kortnr, one on an
  individual agreement (R4) its agreement's number in the last column, ``Aftale``.
  For every card (and agreement) whose entries all fall in the period, its
  ``Klip`` rows add up to its ``Antal klip`` (``Brugt`` in ``Aftaler``).
* ``Aftaler``: ``Klip`` is the clips approved, ``Brugt`` the ledger total as the
  file is made, ``Gyldig til`` the last valid day (the day it was closed when a
  participation ended before it), empty when open-ended.
* ``Puljer`` is :func:`models.pools.pool_figures` for the period's year, as it
  stands when the file is made: ``Brugt`` is the clips punched from the pool
  (cards and agreements, net of reversals) and ``Tilbage`` the clips not yet
  committed (open cards bind their 10, ended cards what they used), as on the
  Puljer screen: what new cards can still draw on.

Every sheet is print-ready (``exports.workbook.print_setup``): A4, one page
wide, the header row repeated on every page, the sheet and period in the page
header.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from peewee import JOIN, fn

from models.base import DomainError, audit, log_access, operation, today
from models.cpr import formatted
from models.entities import PUNCH_IMPORT, PUNCH_REVERSAL, Agreement, Card, Citizen, District, Pool, Punch, Staff
from models.files import default_directory, write_private
from models.i18n import _
from models.imports import COLUMNS as CARD_HEADERS  # one definition: the import reads them back
from models.imports import SHEET as SHEET_CARDS
from models.permissions import require
from models.store import read_transaction

from .workbook import print_setup, sheet_temp_files_beside

SHEET_PUNCHES = "Klip"
SHEET_POOLS = "Puljer"
SHEET_AGREEMENTS = "Aftaler"
PUNCH_HEADERS = ("Dato", "CPR", "Navn", "Kortnr", "Klip", "Aktivitet", "Registreret af", "Aftale")
POOL_HEADERS = ("Distrikt", "År", "Tildelt", "Brugt", "Tilbage", "Deltagere", "Kapacitet", "Venteliste")
AGREEMENT_HEADERS = ("CPR", "Navn", "Aftale", "Godkendt af", "Klip", "Brugt", "Gyldig til", "Begrundelse")

CARD_WIDTHS = (13, 30, 16, 9, 15, 11, 15)
PUNCH_WIDTHS = (12, 13, 30, 9, 7, 44, 24, 8)
POOL_WIDTHS = (18, 7, 10, 10, 10, 11, 11, 11)
AGREEMENT_WIDTHS = (13, 30, 8, 24, 7, 7, 12, 60)

DATE_FORMAT = "dd-mm-yyyy"
IMPORT_ACTIVITY = "importeret"
REVERSAL_PREFIX = "Tilbageført: "
REASON_SEPARATOR = " — "
FORMULA_STARTS = ("=", "+", "-", "@")
PROGRESS_EVERY = 500

_CONTROL = {code: None for code in (*range(0, 32), 127)}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Period:
    """A calendar month or a calendar year."""

    start: _dt.date
    end: _dt.date
    kind: str  # "month" | "year"

    @property
    def label(self) -> str:
        """``2026-11`` or ``2026``."""
        return self.start.strftime("%Y-%m") if self.kind == "month" else str(self.start.year)

    @property
    def year(self) -> int:
        return self.start.year

    def default_filename(self) -> str:
        return f"cirkel-{self.label}.xlsx"

    def describe(self) -> str:
        """Danish: ``november 2026 (01-11-2026 – 30-11-2026)``."""
        span = f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"
        if self.kind == "year":
            return f"hele {self.year} ({span})"
        return f"{MONTHS[self.start.month - 1]} {self.year} ({span})"


MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(_dt.date(year, month, 1), _dt.date(year, month, last), "month")


def year_period(year: int) -> Period:
    return Period(_dt.date(year, 1, 1), _dt.date(year, 12, 31), "year")


def parse_month(text: str) -> Period:
    """``YYYY-MM`` (also ``MM-YYYY``) → the month; a Danish DomainError otherwise."""
    raw = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", raw) or re.fullmatch(r"(\d{1,2})-(\d{4})", raw)
    if not match:
        raise DomainError(_("Ugyldig måned '{raw}'; skriv ÅÅÅÅ-MM, fx 2026-11.").format(raw=raw), field="period")
    a, b = match.groups()
    year, month = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
    if not 1 <= month <= 12:
        raise DomainError(_("Måneden skal være 01–12 (fik '{raw}').").format(raw=raw), field="period")
    if not 1900 <= year <= 9999:
        raise DomainError(_("Året {year} er uden for det mulige.").format(year=year), field="period")
    return month_period(year, month)


def parse_year(text: str) -> Period:
    raw = (text or "").strip()
    if not re.fullmatch(r"\d{4}", raw) or not 1900 <= int(raw) <= 9999:
        raise DomainError(_("Ugyldigt år '{raw}'; skriv ÅÅÅÅ, fx 2026.").format(raw=raw), field="period")
    return year_period(int(raw))


def parse_period(text: str) -> Period:
    """A month (``YYYY-MM``/``MM-YYYY``) or a year (``YYYY``), as typed in the export screen."""
    raw = (text or "").strip()
    if re.fullmatch(r"\d{4}", raw):
        return parse_year(raw)
    if not raw:
        raise DomainError(_("Skriv en måned (ÅÅÅÅ-MM) eller et år (ÅÅÅÅ)."), field="period")
    return parse_month(raw)


# --- cell values ----------------------------------------------------------------

def clean_text(value) -> str:
    """The text as it goes into a cell: control characters removed."""
    return "" if value is None else str(value).translate(_CONTROL)


def _text_cell(ws, value):
    """A string cell that can never become a formula (or an error value)."""
    from openpyxl.cell import WriteOnlyCell

    text = clean_text(value)
    cell = WriteOnlyCell(ws, value=None)
    cell._value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def _text(ws, value):
    """Plain strings pass as they are (openpyxl writes them as inline strings);
    anything that looks like a formula gets a forced string cell."""
    text = clean_text(value)
    if text.startswith(FORMULA_STARTS) or text.startswith("#"):
        return _text_cell(ws, text)
    return text


def _date(ws, value: _dt.date | None):
    if value is None:
        return None
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATE_FORMAT
    return cell


# --- the rows ---------------------------------------------------------------------

DELETED_NAME = "(slettet)"  # a citizen deleted after the deletion deadline (models.retention)


def cards_query(period: Period):
    """Cards active at any time in the period: issued by its last day and not
    ended before its first day."""
    # A citizen deleted after the deletion deadline (issue #12) leaves the card without a person:
    # its row stays (the totals stay right), with no CPR, "(slettet)" and the pool's district.
    return (Card.select(Citizen.cpr, Citizen.name, District.name, Card.number, Card.issued_on,
                        Card.used, Card.ended_on)
            .join(Citizen, JOIN.LEFT_OUTER, on=(Card.citizen == Citizen.id))
            .switch(Card).join(Pool, JOIN.LEFT_OUTER, on=(Card.pool == Pool.id))
            .join(District, JOIN.LEFT_OUTER, on=(District.id == fn.COALESCE(Citizen.district, Pool.district)))
            .where((Card.issued_on <= period.end)
                   & (Card.ended_on.is_null() | (Card.ended_on >= period.start)))
            .order_by(District.name, Citizen.name, Citizen.cpr, Card.issued_on, Card.number))


def punches_query(period: Period):
    """Every ledger entry dated in the period."""
    return (Punch.select(Punch.punched_on, Citizen.cpr, Citizen.name, Card.number, Punch.clips,
                         Punch.activity, Punch.kind, Staff.name, Punch.agreement, Punch.reason)
            .join(Citizen, JOIN.LEFT_OUTER, on=(Punch.citizen == Citizen.id))
            .switch(Punch).join(Card, JOIN.LEFT_OUTER, on=(Punch.card == Card.id))
            .switch(Punch).join(Staff, on=(Punch.registered_by == Staff.id))
            .where(Punch.punched_on.between(period.start, period.end))
            .order_by(Punch.punched_on, Punch.registered_at, Punch.id))


def agreements_query(period: Period):
    """Agreements valid at any time in the period (and not closed before it), and any agreement
    with a ledger entry dated in the period (a reversal may come after the last valid day)."""
    punched = (Punch.select(Punch.agreement)
               .where(Punch.agreement.is_null(False) & Punch.punched_on.between(period.start, period.end)))
    valid = ((Agreement.valid_from <= period.end)
             & (Agreement.valid_until.is_null() | (Agreement.valid_until >= period.start))
             & (Agreement.closed_on.is_null() | (Agreement.closed_on >= period.start)))
    return (Agreement.select(Citizen.cpr, Citizen.name, Agreement.id, Staff.name, Agreement.clips, Agreement.used,
                             Agreement.valid_until, Agreement.closed_on, Agreement.reason, Agreement.close_reason)
            .join(Citizen, JOIN.LEFT_OUTER, on=(Agreement.citizen == Citizen.id))
            .switch(Agreement).join(Staff, on=(Agreement.approved_by == Staff.id))
            .where(valid | Agreement.id.in_(punched))
            .order_by(Citizen.name, Citizen.cpr, Agreement.valid_from, Agreement.id))


def agreement_rows(period: Period) -> Iterator[tuple]:
    """(CPR, Navn, Aftale, Godkendt af, Klip, Brugt, Gyldig til, Begrundelse), streamed."""
    query = agreements_query(period).tuples().iterator()
    for cpr, name, number, approved_by, clips, used, until, closed_on, reason, close_reason in query:
        last_day = closed_on if closed_on is not None and (until is None or closed_on < until) else until
        if closed_on is not None:
            reason = f"{reason}{REASON_SEPARATOR}lukket {closed_on:%d-%m-%Y}" + (
                f": {close_reason}" if close_reason else "")
        yield (formatted(cpr) if cpr else "", name or DELETED_NAME, number, approved_by, clips, used, last_day,
               reason)


def card_rows(period: Period) -> Iterator[tuple]:
    """(CPR, Navn, Distrikt, Kortnr, Starttidspunkt, Antal klip, Sluttidspunkt), streamed."""
    for cpr, name, district, number, issued_on, used, ended_on in cards_query(period).tuples().iterator():
        yield (formatted(cpr) if cpr else "", name or DELETED_NAME, district or "", number, issued_on, used,
               ended_on)


def punch_rows(period: Period) -> Iterator[tuple]:
    """(Dato, CPR, Navn, Kortnr, Klip, Aktivitet, Registreret af, Aftale), streamed.

    A reversal reads ``Tilbageført: <activity> — <reason>``."""
    query = punches_query(period).tuples().iterator()
    for punched_on, cpr, name, number, clips, activity, kind, staff, agreement, reason in query:
        if kind == PUNCH_REVERSAL:
            activity = REVERSAL_PREFIX + (activity or "") + (REASON_SEPARATOR + reason if reason else "")
        elif kind == PUNCH_IMPORT and not activity:
            activity = IMPORT_ACTIVITY
        yield (punched_on, formatted(cpr) if cpr else "", name or DELETED_NAME, number, clips, activity or "",
               staff, agreement)


def pool_rows(year: int) -> list[tuple]:
    """(Distrikt, År, Tildelt, Brugt, Tilbage, Deltagere, Kapacitet, Venteliste), one per district."""
    from models.pools import pool_figures

    return [(p.district, p.year, p.allocated, p.punched, p.left, p.participants, p.capacity, p.waitlist)
            for p in pool_figures(year)]


# --- writing -----------------------------------------------------------------------

@dataclass
class ExportResult:
    path: Path
    period: Period
    cards: int
    punches: int
    districts: int
    agreements: int = 0


def default_path(period: Period, directory: str | Path | None = None) -> Path:
    """The period's file in ``directory``, else here (under the service account: the staff member's outbox)."""
    return Path(directory or default_directory()) / period.default_filename()


def _header(ws, headers, widths, title: str, landscape: bool = True) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    print_setup(ws, title, landscape=landscape)
    bold = Font(bold=True)
    cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        cells.append(cell)
    ws.append(cells)


def _finish(ws, columns: int, rows: int) -> None:
    from openpyxl.utils import get_column_letter

    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def write_workbook(path: Path, period: Period, progress: Progress | None = None) -> ExportResult:
    """Write the four sheets to ``path`` (no checks, no logging): the streaming core."""
    from openpyxl import Workbook

    n_cards = cards_query(period).count()
    n_punches = (Punch.select().where(Punch.punched_on.between(period.start, period.end)).count())
    n_agreements = agreements_query(period).count()
    pools = pool_rows(period.year)
    total = n_cards + n_punches + len(pools) + n_agreements
    done = 0
    if progress:
        progress(0, total)

    def title(sheet: str) -> str:
        return f"Cirkel — {sheet} — {period.describe()}"

    def stream(ws, headers, widths, rows, dates: tuple[int, ...], texts: tuple[int, ...],
               landscape: bool = True) -> int:
        nonlocal done
        _header(ws, headers, widths, title(ws.title), landscape)
        count = 0
        for row in rows:
            ws.append([_date(ws, v) if i in dates else _text(ws, v) if i in texts else v
                       for i, v in enumerate(row)])
            count += 1
            done += 1
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
        _finish(ws, len(headers), count)
        return count

    wb = Workbook(write_only=True)
    cards = stream(wb.create_sheet(SHEET_CARDS), CARD_HEADERS, CARD_WIDTHS, card_rows(period),
                   dates=(4, 6), texts=(0, 1, 2))
    punches = stream(wb.create_sheet(SHEET_PUNCHES), PUNCH_HEADERS, PUNCH_WIDTHS, punch_rows(period),
                     dates=(0,), texts=(1, 2, 5, 6))
    stream(wb.create_sheet(SHEET_POOLS), POOL_HEADERS, POOL_WIDTHS, pools, dates=(), texts=(0,), landscape=False)
    agreements = stream(wb.create_sheet(SHEET_AGREEMENTS), AGREEMENT_HEADERS, AGREEMENT_WIDTHS,
                        agreement_rows(period), dates=(6,), texts=(0, 1, 3, 7))
    wb.save(str(path))
    if progress:
        progress(done, total)
    return ExportResult(path=path, period=period, cards=cards, punches=punches, districts=len(pools),
                        agreements=agreements)


def export(actor: Staff, period: Period, path: str | Path | None = None,
           progress: Progress | None = None, force: bool = False) -> ExportResult:
    """The monthly (or yearly) documentation file, for a leader.

    Reads one consistent snapshot, writes it through :func:`models.files.write_private`
    (0600, beside ``path``, never through a symlink, an existing file only with
    ``force``; a failed export leaves no half file), then
    records the export in the audit log and the access log.
    """
    require(actor, "export")
    if period.start > today():
        raise DomainError(_("Perioden {label} er ikke begyndt endnu.").format(label=period.label), field="period")
    holder: list[ExportResult] = []

    def write(temp: Path) -> None:
        with read_transaction(), sheet_temp_files_beside(temp.parent):
            holder.append(write_workbook(temp, period, progress))

    target = write_private(path or default_path(period), write, force=force, suffix=".xlsx")
    result = holder[0]
    result.path = target
    _record_export(actor, result)
    return result


@operation
def _record_export(actor: Staff, result: ExportResult) -> None:
    figures = {"period": result.period.label, "file": str(result.path), "cards": result.cards,
               "punches": result.punches, "districts": result.districts, "agreements": result.agreements}
    audit(actor, "export", "export", result.period.label, None, figures)
    log_access(actor, "export", criterion=(f"periode {result.period.label}: {result.cards} kort, "
                                           f"{result.punches} klip → {result.path}"), purpose="eksport")
