"""``cirkel import``: take over a spreadsheet kept by hand (sheet ``Klippekort``).

The sheet has the export's columns ``CPR | Navn | Distrikt | Kortnr |
Starttidspunkt | Antal klip | Sluttidspunkt`` (header names matched without
regard to case; extra columns are ignored). All rows or none: every row is
checked first, every error is reported in Danish with sheet, row and column,
and the writes run in one transaction that is rolled back on any error (and
always on a dry run, which therefore reports exactly what a real run would do).

A card is known by CPR + Kortnr: a card already in Cirkel for the same CPR is
skipped, so importing the same file twice changes nothing the second time.

Decisions:
* A new citizen is made ``active`` (from the start of the first card) when the
  file gives them an open card, else ``ended`` (on the last card's end date,
  reason "importeret"). An existing citizen keeps their state; an open card for
  an existing citizen who is not active or paused is refused.
* A card's pool is its district's pool for the year the card started, when a
  budget for that year exists; else the card has no pool.
* The used clips become one ledger entry of kind ``import`` dated the start.
* A district the file names that does not exist is created (0 home-help
  recipients; an administrator sets the figure) and reported.
"""
from __future__ import annotations

import datetime as _dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from models.base import DomainError, audit, operation, today
from models.cpr import formatted, masked, normalise
from models.entities import (
    CARD_CLOSED,
    CARD_OPEN,
    CARD_USED_UP,
    CLIPS_PER_CARD,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_PAUSED,
    Card,
    Citizen,
    District,
    Staff,
)
from models.staff import require_role

from .excel import CARD_HEADERS, SHEET_CARDS

MAX_ERRORS_SHOWN = 50
COL_CPR, COL_NAME, COL_DISTRICT, COL_NUMBER, COL_START, COL_CLIPS, COL_END = CARD_HEADERS
STATUS_LABELS = {CARD_OPEN: "åbent", CARD_CLOSED: "lukket", CARD_USED_UP: "brugt op"}
STATE_LABELS = {STATE_ACTIVE: "aktiv", STATE_ENDED: "afsluttet"}
DATE_FORMATS = ("%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d")


class ImportRefused(DomainError):
    """The file was refused; ``errors`` holds one Danish line per problem."""

    def __init__(self, path: Path, errors: list):
        # (row, column letter, text) triples are shown in sheet order
        self.errors = [e[2] if isinstance(e, tuple) else e
                       for e in sorted(errors, key=lambda e: e[:2] if isinstance(e, tuple) else (0, ""))]
        super().__init__(f"Importen af {path.name} er afvist: {len(errors)} fejl; intet er ændret.")

    def lines(self) -> list[str]:
        shown = self.errors[:MAX_ERRORS_SHOWN]
        if len(self.errors) > MAX_ERRORS_SHOWN:
            shown.append(f"… og {len(self.errors) - MAX_ERRORS_SHOWN} fejl mere.")
        return shown


@dataclass
class SheetRow:
    row: int  # the Excel row number
    cpr: str  # ten digits
    name: str
    district: str
    number: int
    start: _dt.date
    clips: int
    end: _dt.date | None
    letters: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def data(self) -> tuple:
        return (self.cpr, self.name, self.district.casefold(), self.start, self.clips, self.end)


@dataclass
class NewCitizen:
    cpr: str
    name: str
    district: str
    state: str


@dataclass
class NewCard:
    number: int
    cpr: str
    name: str
    start: _dt.date
    clips: int
    end: _dt.date | None
    status: str


@dataclass
class ImportReport:
    path: Path
    rows: int
    dry_run: bool
    new_districts: list[str] = field(default_factory=list)
    new_citizens: list[NewCitizen] = field(default_factory=list)
    new_cards: list[NewCard] = field(default_factory=list)
    known_cards: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not (self.new_districts or self.new_citizens or self.new_cards)

    def counts(self) -> str:
        """``2 nye borgere, 1 nyt kort, 0 nye distrikter, 3 kendte kort``."""
        return ", ".join((_n(len(self.new_citizens), "ny borger", "nye borgere"),
                          _n(len(self.new_cards), "nyt kort", "nye kort"),
                          _n(len(self.new_districts), "nyt distrikt", "nye distrikter"),
                          _n(len(self.known_cards), "kendt kort", "kendte kort")))

    def summary(self) -> str:
        counts = self.counts()
        if self.nothing_to_do:
            return f"Intet at importere fra {self.path.name}: {counts}."
        if self.dry_run:
            return f"Prøvekørsel af {self.path.name}: {counts}; intet er gemt."
        return f"Importeret fra {self.path.name}: {counts}."

    def lines(self) -> list[str]:
        out = [f"Fil: {self.path} (ark {SHEET_CARDS}, {self.rows} rækker)."]
        if self.new_districts:
            out.append(f"Nye distrikter, oprettes: {', '.join(self.new_districts)}.")
        out.append(f"Nye borgere: {len(self.new_citizens)}.")
        for c in self.new_citizens:
            out.append(f"  {masked(c.cpr)} {c.name} · {c.district or 'intet distrikt'} · "
                       f"{STATE_LABELS.get(c.state, c.state)}")
        clips = sum(c.clips for c in self.new_cards)
        by_status = {s: sum(1 for c in self.new_cards if c.status == s) for s in STATUS_LABELS}
        detail = ", ".join(f"{n} {STATUS_LABELS[s]}" for s, n in by_status.items() if n)
        out.append(f"Nye kort: {len(self.new_cards)}" + (f" ({detail}) med i alt {clips} klip." if detail else "."))
        for c in self.new_cards:
            end = c.end.strftime("%d-%m-%Y") if c.end else ""
            out.append(f"  kort {c.number} · {masked(c.cpr)} {c.name} · {c.start:%d-%m-%Y} – {end} · "
                       f"{c.clips} klip · {STATUS_LABELS[c.status]}")
        if self.known_cards:
            numbers = ", ".join(str(n) for n in self.known_cards[:20])
            more = " …" if len(self.known_cards) > 20 else ""
            out.append(f"Kort der allerede findes (springes over): {len(self.known_cards)} ({numbers}{more}).")
        out.extend(f"Bemærk: {w}" for w in self.warnings)
        out.append(self.summary())
        return out


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# --- reading the file --------------------------------------------------------------

def _where(row: int, column: str | None = None, letter: str | None = None) -> str:
    if column is None:
        return f"Ark {SHEET_CARDS}, række {row}"
    return f"Ark {SHEET_CARDS}, række {row}, kolonne {letter} ({column})"


def _error(row: int, column: str, letter: str, message: str) -> tuple:
    return (row, letter.rjust(3), f"{_where(row, column, letter)}: {message}")


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    if not path.exists():
        raise DomainError(f"Filen {path} findes ikke.", field="file")
    if path.is_dir():
        raise DomainError(f"{path} er en mappe, ikke en fil.", field="file")
    not_xlsx = (f"{path.name} er ikke en Excel-fil (.xlsx). Gem regnearket som "
                "Excel-projektmappe (.xlsx) og prøv igen.")
    if path.suffix.lower() != ".xlsx" or not zipfile.is_zipfile(path):
        raise DomainError(not_xlsx, field="file")
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken package
        raise DomainError(not_xlsx, field="file") from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value) -> int | None:
    """An int from a number cell or digits in a text cell; None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _cell_text(value)
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    return sign * int(digits) if digits.isdigit() else None


def _date(value) -> _dt.date:
    """A date from a date cell or a text cell; ValueError with a Danish message otherwise."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"'{_cell_text(value)}' er ikke en dato; skriv dd-mm-åååå.")
    text = _cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return _dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}", text):
        raise ValueError(f"datoen '{text}' findes ikke.")
    raise ValueError(f"'{text}' er ikke en dato; skriv dd-mm-åååå.")


def _cpr_text(value) -> str:
    """CPR from a cell; a number cell lost its leading zero, so it is padded back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _whole(value)
        if number is not None and 0 <= number < 10**10:
            return f"{number:010d}"
    return _cell_text(value)


def read_sheet(path: str | Path) -> tuple[Path, list[SheetRow]]:
    """Read and check sheet Klippekort; ImportRefused lists every error found."""
    target = Path(path).expanduser()
    wb = _open_workbook(target)
    try:
        sheet = next((name for name in wb.sheetnames if name.strip().casefold() == SHEET_CARDS.casefold()),
                     None)
        if sheet is None:
            raise DomainError(f"{target.name} har intet ark ved navn '{SHEET_CARDS}' "
                              f"(arkene hedder: {', '.join(wb.sheetnames)}).", field="file")
        rows_iter = wb[sheet].iter_rows(values_only=True)
        header = next(rows_iter, None) or ()
        wanted = {h.casefold(): h for h in CARD_HEADERS}
        index: dict[str, int] = {}
        for i, value in enumerate(header):
            key = _cell_text(value).casefold()
            if key in wanted and wanted[key] not in index:
                index[wanted[key]] = i
        missing = [h for h in CARD_HEADERS if h not in index]
        if missing:
            raise ImportRefused(target, [f"{_where(1)}: kolonnen '{h}' mangler." for h in missing])
        from openpyxl.utils import get_column_letter

        letters = {h: get_column_letter(i + 1) for h, i in index.items()}
        errors: list[tuple] = []
        rows: list[SheetRow] = []
        for excel_row, values in enumerate(rows_iter, start=2):
            values = tuple(values or ())
            cells = {h: (values[i] if i < len(values) else None) for h, i in index.items()}
            if all(_cell_text(v) == "" for v in cells.values()):
                continue
            row = _check_row(excel_row, cells, letters, errors)
            if row is not None:
                rows.append(row)
    finally:
        wb.close()
    rows = _check_consistency(rows, errors)
    if errors:
        raise ImportRefused(target, errors)
    return target.resolve(), rows


def _check_row(n: int, cells: dict, letters: dict[str, str], errors: list[tuple]) -> SheetRow | None:
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(_error(n, column, letters[column], message))

    cpr = ""
    try:
        cpr = normalise(_cpr_text(cells[COL_CPR]))
    except DomainError as exc:
        err(COL_CPR, exc.message)

    name = _cell_text(cells[COL_NAME])
    if not name:
        err(COL_NAME, "navnet mangler.")
    elif any(ord(ch) < 32 for ch in name):
        err(COL_NAME, "navnet må ikke indeholde kontroltegn.")

    district = _cell_text(cells[COL_DISTRICT])
    if any(ord(ch) < 32 for ch in district):
        err(COL_DISTRICT, "distriktet må ikke indeholde kontroltegn.")

    number = _whole(cells[COL_NUMBER])
    if _cell_text(cells[COL_NUMBER]) == "":
        err(COL_NUMBER, "kortnummeret mangler.")
    elif number is None or number < 1:
        err(COL_NUMBER, f"kortnummeret skal være et positivt helt tal (fik '{_cell_text(cells[COL_NUMBER])}').")

    start = end = None
    if _cell_text(cells[COL_START]) == "":
        err(COL_START, "starttidspunktet mangler.")
    else:
        try:
            start = _date(cells[COL_START])
        except ValueError as exc:
            err(COL_START, str(exc))
    if _cell_text(cells[COL_END]) != "":
        try:
            end = _date(cells[COL_END])
        except ValueError as exc:
            err(COL_END, str(exc))
    for column, day in ((COL_START, start), (COL_END, end)):
        if day is not None and day > today():
            err(column, f"datoen {day:%d-%m-%Y} ligger i fremtiden.")
    if start is not None and end is not None and end < start:
        err(COL_END, f"sluttidspunktet {end:%d-%m-%Y} ligger før starttidspunktet {start:%d-%m-%Y}.")

    raw_clips = _cell_text(cells[COL_CLIPS])
    clips = _whole(cells[COL_CLIPS])
    if raw_clips == "":
        err(COL_CLIPS, "antal klip mangler (skriv 0 for et ubrugt kort).")
    elif clips is None:
        err(COL_CLIPS, f"antal klip skal være et helt tal (fik '{raw_clips}').")
    elif clips < 0:
        err(COL_CLIPS, f"antal klip kan ikke være negativt (fik {clips}).")
    elif clips > CLIPS_PER_CARD:
        err(COL_CLIPS, f"et kort har højst {CLIPS_PER_CARD} klip (fik {clips}).")
    elif clips == CLIPS_PER_CARD and end is None and _cell_text(cells[COL_END]) == "":
        err(COL_END, f"kortet har brugt alle {CLIPS_PER_CARD} klip og skal have et sluttidspunkt.")

    if len(errors) > before:
        return None
    return SheetRow(n, cpr, name, district, number, start, clips, end, letters)


def _check_consistency(rows: list[SheetRow], errors: list[tuple]) -> list[SheetRow]:
    """Within the file: one set of data per card number, one name and district per
    CPR, at most one open card per citizen. Exact repeats of a row are dropped."""
    by_number: dict[int, SheetRow] = {}
    by_cpr: dict[str, SheetRow] = {}
    open_by_cpr: dict[str, SheetRow] = {}
    kept: list[SheetRow] = []
    for row in rows:
        L = row.letters

        def err(column: str, message: str) -> None:
            errors.append(_error(row.row, column, L[column], message))

        first = by_number.get(row.number)
        if first is not None:
            if first.data() != row.data():
                err(COL_NUMBER, f"kort {row.number} står også i række {first.row} med andre oplysninger.")
            continue  # an exact repeat: the first row stands
        by_number[row.number] = row
        same = by_cpr.get(row.cpr)
        if same is not None:
            if same.name != row.name:
                err(COL_NAME, f"CPR {formatted(row.cpr)} står i række {same.row} med navnet '{same.name}'.")
                continue
            if same.district.casefold() != row.district.casefold():
                err(COL_DISTRICT, f"CPR {formatted(row.cpr)} står i række {same.row} med distriktet "
                                  f"'{same.district}'.")
                continue
        else:
            by_cpr[row.cpr] = row
        if row.end is None:
            other = open_by_cpr.get(row.cpr)
            if other is not None:
                err(COL_END, f"borgeren har også et åbent kort i række {other.row} "
                             "(kun ét kort kan være åbent ad gangen).")
                continue
            open_by_cpr[row.cpr] = row
        kept.append(row)
    return kept


# --- writing --------------------------------------------------------------------------

class _DryRun(Exception):
    """Raised inside the import transaction to roll a dry run back."""

    def __init__(self, report: ImportReport):
        super().__init__("dry run")
        self.report = report


Progress = Callable[[int, int], None]


def import_file(actor: Staff, path: str | Path, dry_run: bool = False,
                progress: Progress | None = None) -> ImportReport:
    """Import sheet Klippekort of ``path``: all rows or none (see the module doc)."""
    require_role(actor, "leder")
    target, rows = read_sheet(path)
    try:
        return _apply(actor, target, rows, dry_run, progress)
    except _DryRun as done:
        return done.report


@operation
def _apply(actor: Staff, path: Path, rows: list[SheetRow], dry_run: bool,
           progress: Progress | None) -> ImportReport:
    from models.citizens import change_state, create_citizen
    from models.imports import card_status, import_card, import_district
    from models.pools import committed_clips, pool_of

    report = ImportReport(path=path, rows=len(rows), dry_run=dry_run)
    errors: list[tuple] = []

    def err(row: SheetRow, column: str, message: str) -> None:
        errors.append(_error(row.row, column, row.letters[column], message))

    # Districts the file names that do not exist yet.
    districts: dict[str, District] = {}
    for row in rows:
        key = row.district.casefold()
        if row.district and key not in districts:
            found = District.get_or_none(District.name == row.district)
            if found is None:
                found = import_district(actor, row.district)
                report.new_districts.append(found.name)
            districts[key] = found

    groups: dict[str, list[SheetRow]] = {}
    for row in sorted(rows, key=lambda r: (r.start, r.number)):
        groups.setdefault(row.cpr, []).append(row)

    touched_pools = {}
    done = 0
    for cpr, cards in groups.items():
        first = cards[0]
        citizen = Citizen.get_or_none(Citizen.cpr == cpr)
        new_rows = []
        for row in cards:
            known = Card.get_or_none(Card.number == row.number)
            if known is None:
                new_rows.append(row)
            elif known.citizen_id == (citizen.id if citizen else None):
                report.known_cards.append(row.number)
                if (known.issued_on, known.used, known.ended_on) != (row.start, row.clips, row.end):
                    report.warnings.append(
                        f"kort {row.number} (række {row.row}) findes allerede med andre tal "
                        f"({known.issued_on:%d-%m-%Y}, {known.used} klip); Cirkels tal beholdes.")
            else:
                err(row, COL_NUMBER, f"kort {row.number} findes allerede i Cirkel for en anden borger.")
        has_open = any(r.end is None for r in new_rows)
        if citizen is not None and new_rows:
            if citizen.name != first.name:
                report.warnings.append(f"{masked(cpr)} hedder '{citizen.name}' i Cirkel, "
                                       f"'{first.name}' i filen (række {first.row}); Cirkels navn beholdes.")
            in_db = District.get_by_id(citizen.district_id).name if citizen.district_id else ""
            if in_db.casefold() != first.district.casefold():
                report.warnings.append(f"{masked(cpr)} hører til '{in_db or 'intet distrikt'}' i Cirkel, "
                                       f"'{first.district}' i filen (række {first.row}); Cirkels distrikt "
                                       "bruges.")
            if has_open and citizen.state not in (STATE_ACTIVE, STATE_PAUSED):
                row = next(r for r in new_rows if r.end is None)
                err(row, COL_END, f"{citizen.name} er ikke aktiv deltager i Cirkel; "
                                  "et åbent kort kan ikke importeres.")
                continue
        if not new_rows:
            done += len(cards)
            continue
        created = citizen is None
        if created:
            try:
                citizen = create_citizen(actor, cpr, first.name,
                                         district=districts.get(first.district.casefold()))
            except DomainError as exc:
                err(first, COL_NAME, exc.message)
                continue
            start = min(r.start for r in cards)
            change_state(actor, citizen, STATE_ELIGIBLE, on=start, reason="importeret")
            change_state(actor, citizen, STATE_ACTIVE, on=start, reason="importeret")
            report.new_citizens.append(NewCitizen(cpr, citizen.name, first.district,
                                                  STATE_ACTIVE if has_open else STATE_ENDED))
        district = District.get_by_id(citizen.district_id) if citizen.district_id else None
        for row in new_rows:
            pool = pool_of(district, row.start.year) if district is not None else None
            try:
                import_card(actor, citizen, row.number, row.start, row.clips, row.end, pool)
            except DomainError as exc:
                err(row, COL_NUMBER, exc.message)
                continue
            if pool is not None:
                touched_pools[pool.id] = (pool, district.name, row.start.year)
            report.new_cards.append(NewCard(row.number, cpr, citizen.name, row.start, row.clips, row.end,
                                            card_status(row.clips, row.end)))
        if created and not has_open:
            last_end = max(r.end for r in cards if r.end is not None)
            change_state(actor, citizen, STATE_ENDED, on=last_end, reason="importeret")
        done += len(cards)
        if progress:
            progress(done, len(rows))

    for pool, name, year in touched_pools.values():
        left = pool.allocated - committed_clips(pool)
        if left < 0:
            report.warnings.append(f"puljen for {name} {year} binder {-left} klip mere end tildelt "
                                   "efter importen.")
    if errors:
        raise ImportRefused(path, errors)
    if dry_run:
        raise _DryRun(report)
    if not report.nothing_to_do:
        audit(actor, "import", "file", path.name, None,
              {"file": str(path), "rows": len(rows), "districts": report.new_districts,
               "citizens": len(report.new_citizens), "cards": len(report.new_cards),
               "known_cards": len(report.known_cards)})
    return report
