"""Taking over a spreadsheet kept by hand: the import's rules and its one write.

``exports.importer`` only reads the file into plain rows (an :class:`ImportSheet`:
the row number and the seven cell values in :data:`COLUMNS` order). Everything
else happens here, in three steps:

1. :func:`check_rows` checks every row on its own and the rows against each
   other (one set of data per card number, one name and district per CPR, at
   most one open card per citizen). No database access.
2. :func:`plan_import` reads what Cirkel already holds (districts, citizens by
   CPR, cards by number, pools) and decides what to create. Reads only: a dry
   run ends here and takes no write lock.
3. :func:`apply_import` writes the plan as **one short transaction**: it checks
   that nothing the plan relied on changed meanwhile, then inserts districts,
   citizens, their state history, cards, ledger entries and audit rows in bulk.

All rows or none: every refusal names sheet, row and column
(:class:`ImportRefused`), and a refused import changes nothing.

Rules (besides the obvious per-cell ones):

* Card numbers are whole numbers 1000–999,999,999 (:data:`CARD_NUMBER_MAX`
  keeps a card number from ever looking like a CPR number).
* Start dates lie between the day the scheme began (setting
  ``scheme.start_date``, default 01-01-2014) and today.
* An open card needs a district (the file's, or the citizen's in Cirkel).
* A district the file names that Cirkel does not know is created only when
  asked (``create_districts``; CLI ``--create-districts``; the Import screen
  lists them and asks); otherwise it is refused at its first row.
* A known CPR with another name in the file is refused unless
  ``accept_names`` (then Cirkel's name is kept and the difference reported).
* A card is known by its number: a card already in Cirkel for the same
  citizen is skipped (importing a file twice changes nothing the second time);
  for another citizen it is refused.
* A new citizen is ``active`` from their first card's start when the file gives
  them an open card, else ``ended`` on the last card's end (reason
  "importeret"). An existing citizen keeps their state; an open card for an
  existing citizen who is not active or paused is refused.
* A card goes into its district's pool for the year it started when that
  budget exists; imported cards are history and are not checked against the
  pool's free clips (R7), but the report warns when a pool ends up over-committed.
* The used clips become one ledger entry of kind ``import`` dated the start.
* Audit: one ``district.import`` row per new district, one ``citizen.import`` per
  new citizen (its state history is in ``StateChange``), one ``card.import`` per
  card and one ``import`` row for the file.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import re
import uuid
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, ContextManager, Iterable, Iterator

from peewee import fn

from .base import DomainError, db, now, operation, today
from .cards import CARD_NUMBER_MAX
from .citizens import state_label
from .cpr import formatted, masked, normalise
from .entities import (
    CARD_CLOSED,
    CARD_OPEN,
    CARD_USED_UP,
    CLIPS_PER_CARD,
    PUNCH_IMPORT,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_PAUSED,
    STATE_SCREENED,
    AuditLog,
    Budget,
    Card,
    Citizen,
    District,
    Pool,
    Punch,
    Staff,
    StateChange,
    card_status_label,
)
from .entities import CARD_STATUS_LABELS as STATUS_LABELS
from .i18n import _
from .inputs import clean_text, format_date, format_int, parse_date
from .permissions import require
from .settings import SettingSpec, declare, get_setting

SHEET = "Klippekort"
COLUMNS = ("CPR", "Navn", "Distrikt", "Kortnr", "Starttidspunkt", "Antal klip", "Sluttidspunkt")
COL_CPR, COL_NAME, COL_DISTRICT, COL_NUMBER, COL_START, COL_CLIPS, COL_END = COLUMNS

CARD_NUMBER_MIN = 1000
MAX_ROWS = 200_000  # rows in the sheet (the reader refuses a larger file before reading it)
MAX_ERRORS_SHOWN = 50

IMPORT_ACTIVITY = "importeret"
IMPORT_REASON = "importeret"

SCHEME_START = declare(SettingSpec(
    key="scheme.start_date", default=_dt.date(2014, 1, 1),
    parse=lambda text: parse_date(text, "scheme.start_date"),
    label="Ordningen begyndte"))

_CHUNK = 500  # parameters per IN (...) query


# --- the rows --------------------------------------------------------------------------

@dataclass
class ImportSheet:
    """What the reader found: plain cell values, nothing checked yet."""

    path: Path
    letters: dict[str, str]  # column name -> its letter in the file ("A")
    rows: Iterable[tuple[int, tuple]]  # (Excel row number, values in COLUMNS order)
    sheet: str = SHEET


class CardRow:
    """One checked row, made from :class:`CheckedRows` when a rule needs it."""

    __slots__ = ("row", "cpr", "name", "district", "number", "start", "clips", "end")

    def __init__(self, row, cpr, name, district, number, start, clips, end):
        self.row, self.cpr, self.name, self.district = row, cpr, name, district
        self.number, self.start, self.clips, self.end = number, start, clips, end


def card_status(used: int, ended_on: _dt.date | None) -> str:
    if used >= CLIPS_PER_CARD:
        return CARD_USED_UP
    return CARD_CLOSED if ended_on else CARD_OPEN


class ImportRefused(DomainError):
    """The file was refused; ``errors`` holds one Danish line per problem, in sheet order."""

    def __init__(self, path: Path, errors: list):
        self.errors = [e[2] if isinstance(e, tuple) else e
                       for e in sorted(errors, key=lambda e: e[:2] if isinstance(e, tuple) else (0, ""))]
        super().__init__(_("Importen af {name} er afvist: {errors} fejl; intet er ændret.").format(name=path.name, errors=len(errors)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)

    def lines(self) -> list[str]:
        shown = self.errors[:MAX_ERRORS_SHOWN]
        if len(self.errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… og {value} fejl mere.").format(value=len(self.errors) - MAX_ERRORS_SHOWN))
        return shown


class _Errors:
    """Refusals named by sheet, row and column."""

    def __init__(self, sheet: ImportSheet):
        self.sheet = sheet
        self.items: list[tuple] = []

    def add(self, row: int, column: str | None, message: str) -> None:
        if column is None:
            self.items.append((row, "", _("Ark {sheet}, række {row}: {message}").format(sheet=self.sheet.sheet, row=row, message=message)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            return
        letter = self.sheet.letters[column]
        self.items.append((row, letter.rjust(3),
                           _("Ark {sheet}, række {row}, kolonne {letter} ({column}): {message}").format(sheet=self.sheet.sheet, row=row, letter=letter, column=column, message=message)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)

    def __bool__(self) -> bool:
        return bool(self.items)


# --- cell values -----------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value) -> int | None:
    """An int from a number cell or ASCII digits in a text cell; None when it is not a whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else None
    text = _cell_text(value)
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 15:
        return None
    return sign * int(digits)


_DATE_TEXT = re.compile(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")


def _date(value) -> _dt.date:
    """A date from a date cell or a text cell; ValueError with a Danish message otherwise."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = _cell_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) or not _DATE_TEXT.fullmatch(text):
        raise ValueError(_("'{text}' er ikke en dato; skriv dd-mm-åååå.").format(text=text[:30]))
    try:
        return parse_date(text)
    except DomainError as exc:
        raise ValueError(exc.message[:1].lower() + exc.message[1:]) from None


def _cpr_text(value) -> str:
    """CPR from a cell; a number cell lost its leading zero, so it is padded back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = _whole(value)
        if number is not None and 0 <= number < 10**10:
            return f"{number:010d}"
    return _cell_text(value)


# --- step 1: the rows on their own and against each other -------------------------------

class CheckedRows:
    """The rows that passed the checks, kept as columns (issue #17: ~30 bytes a row, not ~400).

    One row at a time is read, checked and, if it stands, appended here; the
    file's citizens (one per CPR: the first row of the CPR that passed the
    card-number check) are kept once each. :meth:`card` gives a row back as a
    :class:`CardRow` when a rule needs one.
    """

    def __init__(self) -> None:
        self.row = array("i")  # Excel row number
        self.number = array("i")  # card numbers stop at 999,999,999 (CARD_NUMBER_MAX < 2**31)
        self.start = array("i")  # date ordinal
        self.end = array("i")  # date ordinal, 0: an open card
        self.clips = array("b")
        self.who = array("i")  # index of the row's citizen (below)
        self.district = array("i")  # index into ``spellings``: the district as written on this row
        self.spellings: list[str] = []
        self._spelling: dict[str, int] = {}
        # the file's citizens
        self.cprs = array("q")  # the ten ASCII digits (normalise checks them) as a number; see cpr()
        self.name: list[str] = []
        self.person_row = array("i")  # Excel row of the citizen's first row
        self.person_district = array("i")  # that row's district (index into ``spellings``)

    def __len__(self) -> int:
        return len(self.row)

    def spelling(self, district: str) -> int:
        index = self._spelling.get(district)
        if index is None:
            index = self._spelling[district] = len(self.spellings)
            self.spellings.append(district)
        return index

    def people(self) -> int:
        return len(self.cprs)

    def cpr(self, who: int) -> str:
        return f"{self.cprs[who]:010d}"

    def add_person(self, cpr: str, name: str, row: int, district: int) -> int:
        self.cprs.append(int(cpr))
        self.name.append(name)
        self.person_row.append(row)
        self.person_district.append(district)
        return len(self.cprs) - 1

    def add(self, n: int, who: int, district: int, number: int, start: _dt.date, clips: int,
            end: _dt.date | None) -> int:
        self.row.append(n)
        self.number.append(number)
        self.start.append(start.toordinal())
        self.end.append(end.toordinal() if end else 0)
        self.clips.append(clips)
        self.who.append(who)
        self.district.append(district)
        return len(self.row) - 1

    def start_of(self, i: int) -> _dt.date:
        return _dt.date.fromordinal(self.start[i])

    def end_of(self, i: int) -> _dt.date | None:
        end = self.end[i]
        return _dt.date.fromordinal(end) if end else None

    def card(self, i: int) -> CardRow:
        who = self.who[i]
        return CardRow(self.row[i], self.cpr(who), self.name[who], self.spellings[self.district[i]], self.number[i],
                       self.start_of(i), self.clips[i], self.end_of(i))


def check_rows(sheet: ImportSheet, errors: _Errors) -> CheckedRows:
    """Every row checked as it is read (errors collected in ``errors``); exact repeats of a row dropped.

    Within the file: one set of data per card number, one name and district per
    CPR, at most one open card per citizen. Only what these checks need is kept
    (:class:`CheckedRows`), so memory grows by a few dozen bytes a row.
    """
    scheme_start = get_setting(SCHEME_START.key)
    day = today()
    kept = CheckedRows()
    by_number: dict[int, bool] = {}  # card number -> its first row was kept (True) or refused (False, in ``refused``)
    where: dict[int, int] | None = None  # card number -> kept index; made at the first repeated number
    refused: dict[int, tuple] = {}  # card number -> (Excel row, data) of a first row refused by the CPR rules
    by_cpr: dict[int, int] = {}  # CPR (as a number) -> citizen index
    open_row = array("i")  # per citizen: the Excel row of its open card, 0 for none
    for excel_row, values in sheet.rows:
        checked = _check_row(excel_row, values, errors, scheme_start, day)
        if checked is None:
            continue
        n, cpr, name, district, number, start, clips, end = checked
        data = (cpr, name, district.casefold(), start, clips, end)
        first = by_number.get(number)
        if first is not None:
            if first and where is None:
                where = {number: i for i, number in enumerate(kept.number)}
            first_row, first_data = (kept.row[where[number]], _data(kept, where[number])) if first else refused[number]
            if first_data != data:
                errors.add(n, COL_NUMBER, _("kort {number} står også i række {row} med andre oplysninger.").format(number=number, row=first_row))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            continue  # an exact repeat: the first row stands
        by_number[number] = False
        spelling = kept.spelling(district)
        key = int(cpr)
        who = by_cpr.get(key)
        if who is not None:
            if kept.name[who] != name:
                errors.add(n, COL_NAME, _("CPR {cpr} står i række {row} med navnet '{name}'.").format(cpr=formatted(cpr), row=kept.person_row[who], name=kept.name[who]))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                refused[number] = (n, data)
                continue
            first_district = kept.spellings[kept.person_district[who]]
            if first_district.casefold() != district.casefold():
                errors.add(n, COL_DISTRICT, _("CPR {cpr} står i række {row} med distriktet '{district}'.").format(cpr=formatted(cpr), row=kept.person_row[who], district=first_district))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                refused[number] = (n, data)
                continue
        else:
            who = by_cpr[key] = kept.add_person(cpr, name, n, spelling)
            open_row.append(0)
        if end is None:
            if open_row[who]:
                errors.add(n, COL_END, _("borgeren har også et åbent kort i række {row} (kun ét kort kan være åbent ad gangen).").format(row=open_row[who]))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                refused[number] = (n, data)
                continue
            open_row[who] = n
        i = kept.add(n, who, spelling, number, start, clips, end)
        by_number[number] = True
        if where is not None:
            where[number] = i
    return kept


def _data(kept: CheckedRows, i: int) -> tuple:
    """What two rows with one card number must agree on (as ``CardRow.data``)."""
    who = kept.who[i]
    return (kept.cpr(who), kept.name[who], kept.spellings[kept.district[i]].casefold(), kept.start_of(i),
            kept.clips[i], kept.end_of(i))


def _check_row(n: int, values: tuple, errors: _Errors, scheme_start: _dt.date, day: _dt.date) -> tuple | None:
    """One row's seven cells, each checked (every error of the row is collected, in column order);
    long because it is the list of the per-cell rules, one after the other. Returns
    ``(row, cpr, name, district, number, start, clips, end)``, or None when the row is refused."""
    before = len(errors.items)
    raw_cpr, raw_name, raw_district, raw_number, raw_start, raw_clips, raw_end = values

    cpr = ""
    try:
        cpr = normalise(_cpr_text(raw_cpr))
    except DomainError as exc:
        errors.add(n, COL_CPR, exc.message)

    name = district = ""
    try:
        name = clean_text(_cell_text(raw_name), "name", kind="name", label=_("Navnet"))
    except DomainError as exc:
        errors.add(n, COL_NAME, exc.message)
    try:
        district = clean_text(_cell_text(raw_district), "district", kind="district", required=False,
                              label=_("Distriktet"))
    except DomainError as exc:
        errors.add(n, COL_DISTRICT, exc.message)

    number_text = _cell_text(raw_number)
    number = _whole(raw_number)
    if number_text == "":
        errors.add(n, COL_NUMBER, "kortnummeret mangler.")
    elif number is None or not CARD_NUMBER_MIN <= number <= CARD_NUMBER_MAX:
        errors.add(n, COL_NUMBER, _("kortnummeret skal være et helt tal mellem {CARD_NUMBER_MIN} og {CARD_NUMBER_MAX} (fik '{number_text}').").format(CARD_NUMBER_MIN=format_int(CARD_NUMBER_MIN), CARD_NUMBER_MAX=format_int(CARD_NUMBER_MAX), number_text=number_text[:30]))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)

    start = end = None
    if _cell_text(raw_start) == "":
        errors.add(n, COL_START, "starttidspunktet mangler.")
    else:
        try:
            start = _date(raw_start)
        except ValueError as exc:
            errors.add(n, COL_START, str(exc))
    has_end = _cell_text(raw_end) != ""
    if has_end:
        try:
            end = _date(raw_end)
        except ValueError as exc:
            errors.add(n, COL_END, str(exc))
    if start is not None and start < scheme_start:
        errors.add(n, COL_START, _("datoen {start:%d-%m-%Y} ligger før ordningen begyndte ({scheme_start:%d-%m-%Y}).").format(start=start, scheme_start=scheme_start))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    for column, when in ((COL_START, start), (COL_END, end)):
        if when is not None and when > day:
            errors.add(n, column, f"datoen {when:%d-%m-%Y} ligger i fremtiden.")
    if start is not None and end is not None and end < start:
        errors.add(n, COL_END, _("sluttidspunktet {end:%d-%m-%Y} ligger før starttidspunktet {start:%d-%m-%Y}.").format(end=end, start=start))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)

    raw = _cell_text(raw_clips)
    clips = _whole(raw_clips)
    if raw == "":
        errors.add(n, COL_CLIPS, _("antal klip mangler (skriv 0 for et ubrugt kort)."))
    elif clips is None:
        errors.add(n, COL_CLIPS, _("antal klip skal være et helt tal (fik '{raw}').").format(raw=raw[:30]))
    elif clips < 0:
        errors.add(n, COL_CLIPS, _("antal klip kan ikke være negativt (fik {clips}).").format(clips=clips))
    elif clips > CLIPS_PER_CARD:
        errors.add(n, COL_CLIPS, _("et kort har højst {CLIPS_PER_CARD} klip (fik {clips}).").format(CLIPS_PER_CARD=CLIPS_PER_CARD, clips=format_int(clips)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    elif clips == CLIPS_PER_CARD and not has_end:
        errors.add(n, COL_END, _("kortet har brugt alle {CLIPS_PER_CARD} klip og skal have et sluttidspunkt.").format(CLIPS_PER_CARD=CLIPS_PER_CARD))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)

    if len(errors.items) > before:
        return None
    return n, cpr, name, district, number, start, clips, end



# --- step 2: the plan (reads only) -----------------------------------------------------

@dataclass(slots=True)
class NewCitizen:
    cpr: str
    name: str
    district: str
    state: str


@dataclass(slots=True)
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
        return ", ".join((_n(len(self.new_citizens), _("ny borger"), _("nye borgere")),
                          _n(len(self.new_cards), _("nyt kort"), _("nye kort")),
                          _n(len(self.new_districts), _("nyt distrikt"), _("nye distrikter")),
                          _n(len(self.known_cards), _("kendt kort"), _("kendte kort"))))

    def summary(self) -> str:
        counts = self.counts()
        if self.nothing_to_do:
            return _("Intet at importere fra {name}: {counts}.").format(name=self.path.name, counts=counts)
        if self.dry_run:
            return _("Prøvekørsel af {name}: {counts}; intet er gemt.").format(name=self.path.name, counts=counts)
        return _("Importeret fra {name}: {counts}.").format(name=self.path.name, counts=counts)

    def lines(self, limit: int = 200) -> list[str]:
        """The dry run's report; the per-citizen and per-card lists stop at ``limit`` lines."""
        out = [_("Fil: {path} (ark {SHEET}, {rows} rækker).").format(path=self.path, SHEET=SHEET, rows=format_int(self.rows))]  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.new_districts:
            out.append(_("Nye distrikter, oprettes: {names}.").format(names=", ".join(self.new_districts)))
        out.append(_("Nye borgere: {new_citizens}.").format(new_citizens=format_int(len(self.new_citizens))))
        for c in self.new_citizens[:limit]:
            out.append(f"  {masked(c.cpr)} {c.name} · {c.district or _('intet distrikt')} · {state_label(c.state)}")
        if len(self.new_citizens) > limit:
            out.append(_("  … og {value} mere.").format(value=format_int(len(self.new_citizens) - limit)))
        clips, by_status = 0, dict.fromkeys(STATUS_LABELS, 0)
        for c in self.new_cards:  # one pass: at 200,000 cards each is made on demand
            clips += c.clips
            by_status[c.status] += 1
        detail = ", ".join(f"{format_int(n)} {card_status_label(s)}" for s, n in by_status.items() if n)
        if detail:
            out.append(_("Nye kort: {n} ({detail}) med i alt {clips} klip.").format(
                n=format_int(len(self.new_cards)), detail=detail, clips=format_int(clips)))
        else:
            out.append(_("Nye kort: {n}.").format(n=format_int(len(self.new_cards))))
        for c in self.new_cards[:limit]:
            end = format_date(c.end) if c.end else ""
            out.append(_("  kort {number} · {cpr} {name} · {start} – {end} · {clips} klip · {status}").format(
                number=c.number, cpr=masked(c.cpr), name=c.name, start=format_date(c.start), end=end,
                clips=c.clips, status=card_status_label(c.status)))
        if len(self.new_cards) > limit:
            out.append(_("  … og {value} mere.").format(value=format_int(len(self.new_cards) - limit)))
        if self.known_cards:
            numbers = ", ".join(str(n) for n in self.known_cards[:20])
            more = " …" if len(self.known_cards) > 20 else ""
            out.append(_("Kort der allerede findes (springes over): {known_cards} ({numbers}{more}).").format(known_cards=len(self.known_cards), numbers=numbers, more=more))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        out.extend(_("Bemærk: {w}").format(w=w) for w in self.warnings)
        out.append(self.summary())
        return out


def _n(count: int, one: str, many: str) -> str:
    return f"{format_int(count)} {one if count == 1 else many}"


class _Planned:
    """The new citizens, compactly: each one's earliest row and its new cards (indices into the rows)."""

    def __init__(self, rows: CheckedRows):
        self.rows = rows
        self.first = array("i")  # the citizen's earliest row: CPR, name, district, first start
        self.ended = array("i")  # ordinal of the last card's end, 0: active
        self.lo = array("i")  # its new cards are cards[lo:hi], by (start, number)
        self.hi = array("i")
        self.cards = array("i")
        self.order = array("i")  # by CPR: the write's order (see :meth:`sort`)
        self.written = array("i")  # every new citizen's new cards, in the write's order

    def __len__(self) -> int:
        return len(self.first)

    def add(self, first: int, ended: int, cards: list[int]) -> None:
        self.first.append(first)
        self.ended.append(ended)
        self.lo.append(len(self.cards))
        self.cards.extend(cards)
        self.hi.append(len(self.cards))

    def sort(self) -> None:
        """Ids given by CPR: ids and the CPR index then grow together (a faster bulk insert)."""
        rows = self.rows
        self.order = array("i", sorted(range(len(self.first)), key=lambda k: rows.cprs[rows.who[self.first[k]]]))
        for k in self.order:
            self.written.extend(self.cards[self.lo[k]:self.hi[k]])

    def cpr(self, k: int) -> str:
        return self.rows.cpr(self.rows.who[self.first[k]])

    def name(self, k: int) -> str:
        return self.rows.name[self.rows.who[self.first[k]]]

    def district(self, k: int) -> str:
        """The district as written on the citizen's earliest row ("" for none)."""
        return self.rows.spellings[self.rows.district[self.first[k]]]

    def first_start(self, k: int) -> _dt.date:
        return self.rows.start_of(self.first[k])

    def ended_on(self, k: int) -> _dt.date | None:
        return _dt.date.fromordinal(self.ended[k]) if self.ended[k] else None

    def card_indices(self, k: int) -> array:
        return self.cards[self.lo[k]:self.hi[k]]


class _NewCitizens(Sequence):
    """``ImportReport.new_citizens``: made one at a time from the plan, in the order the file's
    citizens first had a card."""

    def __init__(self, planned: _Planned):
        self.planned = planned

    def __len__(self) -> int:
        return len(self.planned)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        p = self.planned
        if not -len(p) <= k < len(p):
            raise IndexError(k)
        k %= len(p)
        return NewCitizen(p.cpr(k), p.name(k), p.district(k), STATE_ACTIVE if p.ended[k] == 0 else STATE_ENDED)


class _NewCards(Sequence):
    """``ImportReport.new_cards``: made one at a time from the plan, in the write's order
    (the new citizens' cards by CPR, then the cards for citizens Cirkel knows)."""

    def __init__(self, planned: _Planned, for_existing: list[tuple[_Existing, int]]):
        self.planned = planned
        self.for_existing = for_existing

    def __len__(self) -> int:
        return len(self.planned.written) + len(self.for_existing)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if not -len(self) <= k < len(self):
            raise IndexError(k)
        k %= len(self)
        rows = self.planned.rows
        if k < len(self.planned.written):
            i = self.planned.written[k]
            name = rows.name[rows.who[i]]
        else:
            existing, i = self.for_existing[k - len(self.planned.written)]
            name = existing.name
        end = rows.end_of(i)
        return NewCard(rows.number[i], rows.cpr(rows.who[i]), name, rows.start_of(i), rows.clips[i], end,
                       card_status(rows.clips[i], end))


@dataclass
class _Existing:
    id: int
    name: str
    district_id: int | None
    state: str
    has_open: bool


@dataclass
class ImportPlan:
    """What :func:`apply_import` writes, and what it relied on."""

    path: Path
    report: ImportReport
    new_districts: dict[str, str]  # casefolded -> name as in the file
    district_ids: dict[str, int]  # casefolded -> id of the existing district
    rows: CheckedRows
    new_citizens: _Planned
    cards_for_existing: list[tuple[_Existing, int]]  # (the citizen, the card's index in ``rows``)
    pools: dict[tuple[int, int], int]  # (district id, year) -> pool id
    seen: tuple[int, int, int] = (0, 0, 0)  # the highest citizen, card and district ids when planned

    @property
    def nothing_to_do(self) -> bool:
        return self.report.nothing_to_do


def _chunks(items: Iterable, size: int = _CHUNK) -> Iterator[list]:
    it = iter(items)
    while part := list(islice(it, size)):
        yield part


def _existing_citizens(cprs: Iterable[str]) -> dict[str, _Existing]:
    found: dict[str, _Existing] = {}
    for part in _chunks(cprs):
        query = (Citizen.select(Citizen.id, Citizen.cpr, Citizen.name, Citizen.district, Citizen.state)
                 .where(Citizen.cpr.in_(part)).tuples())
        for cid, cpr, name, district_id, state in query:
            found[cpr] = _Existing(cid, name, district_id, state, False)
    ids = {e.id: e for e in found.values()}
    for part in _chunks(list(ids)):
        for (cid,) in Card.select(Card.citizen).where(Card.citizen.in_(part) & (Card.status == CARD_OPEN)).tuples():
            ids[cid].has_open = True
    return found


def _existing_cards(numbers: list[int]) -> dict[int, tuple]:
    found: dict[int, tuple] = {}
    for part in _chunks(numbers):
        query = (Card.select(Card.number, Card.citizen, Card.issued_on, Card.used, Card.ended_on)
                 .where(Card.number.in_(part)).tuples())
        for number, citizen_id, issued_on, used, ended_on in query:
            found[number] = (citizen_id, issued_on, used, ended_on)
    return found


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def plan_import(actor: Staff, sheet: ImportSheet, *, create_districts: bool = False, accept_names: bool = False,
                dry_run: bool = False) -> ImportPlan:
    """Check the sheet and decide what to create; reads only (ImportRefused lists every refusal).

    Longer than most: one pass over the file's citizens, kept in one place so
    the decisions for a citizen (known card, new citizen, new card) read in order.
    """
    require(actor, "import")
    errors = _Errors(sheet)
    rows = check_rows(sheet, errors)
    report = ImportReport(path=sheet.path, rows=len(rows), dry_run=dry_run)

    seen = (_max_id(Citizen), _max_id(Card), _max_id(District))  # before the reads: a later write shows
    districts = {d.name.casefold(): d for d in District.select()}
    new_districts: dict[str, str] = {}
    first_use: dict[int, int] = {}  # district as written -> the first row naming it
    for i, spelling in enumerate(rows.district):
        first_use.setdefault(spelling, i)
    for spelling, i in sorted(first_use.items(), key=lambda item: item[1]):
        district = rows.spellings[spelling]
        key = district.casefold()
        if district and key not in districts and key not in new_districts:
            new_districts[key] = district
            if not create_districts:
                errors.add(rows.row[i], COL_DISTRICT,
                           _("distriktet '{district}' findes ikke i Cirkel. Ret stavningen, eller lad importen oprette det (--create-districts).").format(district=district))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    report.new_districts = list(new_districts.values()) if create_districts else []

    cards_in_db = _existing_cards(sorted(rows.number))
    # each citizen's rows together, by (start, number); the citizens in the order of their earliest card
    start, number, who = rows.start, rows.number, rows.who
    order = sorted(range(len(rows)), key=lambda i: (start[i] << 30) | number[i])  # numbers < 2**30
    order.sort(key=who.__getitem__)
    order = array("i", order)
    people = rows.people()
    lo = array("i", bytes(4 * (people + 1)))
    for w in who:
        lo[w + 1] += 1
    for p in range(people):
        lo[p + 1] += lo[p]
    groups = array("i", sorted(range(people), key=lambda p: (start[order[lo[p]]] << 30) | number[order[lo[p]]]))
    citizens_in_db = _existing_citizens(rows.cpr(p) for p in range(people))

    pools = {(district_id, year): pool_id for pool_id, district_id, year in
             Pool.select(Pool.id, Pool.district, Budget.year).join(Budget).tuples()}
    district_ids = {key: d.id for key, d in districts.items()}

    planned = _Planned(rows)
    for_existing: list[tuple[_Existing, int]] = []
    for p in groups:
        cards = order[lo[p]:lo[p + 1]]
        first = rows.card(cards[0])
        citizen = citizens_in_db.get(first.cpr)
        new_rows = []
        for i in cards:
            in_db = cards_in_db.get(rows.number[i])
            if in_db is None:
                new_rows.append(i)
                continue
            row = rows.card(i)
            if citizen is not None and in_db[0] == citizen.id:
                report.known_cards.append(row.number)
                if in_db[1:] != (row.start, row.clips, row.end):
                    report.warnings.append(
                        _("kort {number} (række {row}) findes allerede med andre tal ({in_db:%d-%m-%Y}, {in_db2} klip); Cirkels tal beholdes.").format(number=row.number, row=row.row, in_db=in_db[1], in_db2=in_db[2]))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
            else:
                errors.add(row.row, COL_NUMBER, _("kort {number} findes allerede i Cirkel for en anden borger.").format(number=row.number))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if not new_rows:
            continue
        open_row = next((rows.card(i) for i in new_rows if not rows.end[i]), None)
        if citizen is not None:
            _plan_existing(citizen, first, open_row, districts, accept_names, errors, report)
            for_existing.extend((citizen, i) for i in new_rows)
            continue
        if open_row is not None and not first.district:
            errors.add(open_row.row, COL_DISTRICT, _("et åbent kort skal høre til et distrikt; skriv distriktet."))
            continue
        planned.add(cards[0], 0 if open_row is not None else max(rows.end[i] for i in cards), new_rows)

    if errors:
        raise ImportRefused(sheet.path, errors.items)
    planned.sort()
    report.new_citizens = _NewCitizens(planned)
    report.new_cards = _NewCards(planned, for_existing)
    plan = ImportPlan(sheet.path, report, new_districts if create_districts else {}, district_ids, rows, planned,
                      for_existing, pools, seen)
    _warn_over_committed(plan)
    return plan


def _plan_existing(citizen: _Existing, first: CardRow, open_row: CardRow | None,
                   districts: dict[str, District], accept_names: bool, errors: _Errors,
                   report: ImportReport) -> None:
    """Checks for new cards of a citizen Cirkel already knows (errors/warnings only)."""
    if not _same_name(citizen.name, first.name):
        if accept_names:
            report.warnings.append(_("{cpr} hedder '{name}' i Cirkel, '{first_name}' i filen (række {row}); Cirkels navn beholdes.").format(cpr=masked(first.cpr), name=citizen.name, first_name=first.name, row=first.row))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        else:
            errors.add(first.row, COL_NAME, _("CPR {cpr} hedder '{name}' i Cirkel, ikke '{first_name}'. Ret navnet, eller godkend Cirkels navn (--accept-names).").format(cpr=masked(first.cpr), name=citizen.name, first_name=first.name))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    by_id = {d.id: d.name for d in districts.values()}
    in_db = by_id.get(citizen.district_id, "")
    if in_db.casefold() != first.district.casefold():
        report.warnings.append(_("{cpr} hører til '{value}' i Cirkel, '{district}' i filen (række {row}); Cirkels distrikt bruges.").format(cpr=masked(first.cpr), value=in_db or _("intet distrikt"), district=first.district, row=first.row))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if open_row is None:
        return
    if citizen.state not in (STATE_ACTIVE, STATE_PAUSED):
        errors.add(open_row.row, COL_END, _("{name} er ikke aktiv deltager i Cirkel; et åbent kort kan ikke importeres.").format(name=citizen.name))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    elif citizen.has_open:
        errors.add(open_row.row, COL_END, _("{name} har allerede et åbent klippekort i Cirkel.").format(name=citizen.name))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    elif citizen.district_id is None:
        errors.add(open_row.row, COL_DISTRICT, _("{name} hører ikke til et distrikt i Cirkel; et åbent kort skal høre til et distrikt.").format(name=citizen.name))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _warn_over_committed(plan: ImportPlan) -> None:
    """A warning per pool that binds more clips than it was given once the cards are in."""
    adding: dict[int, int] = {}
    rows = plan.rows
    for district_id, i in _card_targets(plan, plan.district_ids):
        pool_id = plan.pools.get((district_id, _dt.date.fromordinal(rows.start[i]).year)) if district_id else None
        if pool_id is not None:
            adding[pool_id] = adding.get(pool_id, 0) + (rows.clips[i] if rows.end[i] else CLIPS_PER_CARD)
    if not adding:
        return
    from .pools import committed_clips

    for pool in Pool.select().where(Pool.id.in_(list(adding))):
        left = pool.allocated - committed_clips(pool) - adding[pool.id]
        if left < 0:
            plan.report.warnings.append(_("puljen for {name} {year} binder {value} klip mere end tildelt efter importen.").format(name=pool.district.name, year=pool.budget.year, value=-left))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _card_targets(plan: ImportPlan, district_ids: dict[str, int]) -> Iterator[tuple[int | None, int]]:
    """(district id, the card's index in ``plan.rows``) for every new card, in the write's order."""
    planned = plan.new_citizens
    for k in planned.order:
        district_id = district_ids.get(planned.district(k).casefold())
        for i in planned.card_indices(k):
            yield district_id, i
    for existing, i in plan.cards_for_existing:
        yield existing.district_id, i


# --- step 3: one short write ----------------------------------------------------------

class ImportStale(DomainError):
    """Cirkel changed between the check and the write; the caller plans again."""


def _bulk_insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    from .store import insert_rows

    insert_rows(model, columns, rows)  # one prepared statement, on SQLite or PostgreSQL


def _max_id(model) -> int:
    return model.select(fn.MAX(model.id)).scalar() or 0


def _recheck(plan: ImportPlan) -> None:
    """Inside the write: what the plan relied on still holds, else ImportStale.

    Citizens, cards and districts are never deleted, so when none was added
    since the plan, no CPR or card number of the file can have appeared (and
    the ids given in advance are free); then only the existing citizens the
    file adds cards to are read again.
    """
    stale = ImportStale(_("Cirkel blev ændret, mens filen blev kontrolleret; kontrollér filen igen."))
    if (_max_id(Citizen), _max_id(Card), _max_id(District)) != plan.seen:
        raise stale  # the rows' ids were given from these
    existing = {c.id: c for c, _row in plan.cards_for_existing}
    for part in _chunks(list(existing)):
        for cid, state, district_id in (Citizen.select(Citizen.id, Citizen.state, Citizen.district)
                                        .where(Citizen.id.in_(part)).tuples()):
            if (state, district_id) != (existing[cid].state, existing[cid].district_id):
                raise stale
        opened = Card.select(Card.citizen).where(Card.citizen.in_(part) & (Card.status == CARD_OPEN)).tuples()
        if any(not existing[cid].has_open for (cid,) in opened):
            raise stale
    now_known = {name.casefold(): did for did, name in District.select(District.id, District.name).tuples()}
    if any(now_known.get(key) != did for key, did in plan.district_ids.items()) or \
            any(key in now_known for key in plan.new_districts):
        raise stale


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)




PREBUILD_CARDS = 50_000  # PostgreSQL: up to this many cards every row is built before the write lock


class _Writes:
    """The rows the import inserts, with their ids given in advance (from ``plan.seen``).

    Each method yields one table's rows. On SQLite the citizens and cards are
    first put into a private in-memory database (:func:`_memory_spool`) and each
    table is filled from it by one ``INSERT … SELECT`` inside the lock; on
    PostgreSQL up to :data:`PREBUILD_CARDS` cards the rows are built into lists
    before the write lock (the lock then only inserts), above that while
    inserting, so memory stays flat.
    """

    def __init__(self, actor: Staff, plan: ImportPlan, *, prebuild: bool = False):
        self.actor_id = actor.id
        self.plan = plan
        self.at = now().isoformat(sep=" ")
        self.district_ids = dict(plan.district_ids)
        self.new_district_rows = []
        for i, (key, name) in enumerate(plan.new_districts.items(), start=plan.seen[2] + 1):
            self.district_ids[key] = i
            self.new_district_rows.append((i, name, 0, 1, self.at))
        # ids: one random 128-bit base per import plus the card's place, so the punches' ids are unique and
        # ascending (random ids inserted into a large index cost a disk page each)
        self.punch_base = uuid.uuid4().int & ~((1 << 40) - 1)
        self.tables: dict[str, Iterable[tuple]] = {
            "citizen": self.citizens(), "state_change": self.changes(), "card": self.cards(),
            "punch": self.punches(), "audit_log": self.audits()}
        if prebuild and len(plan.report.new_cards) <= PREBUILD_CARDS:
            self.tables = {name: list(rows) for name, rows in self.tables.items()}

    def _citizens(self) -> Iterator[tuple[int, int | None, int]]:
        """(citizen id, district id, k) for every new citizen (k: its place in ``plan.new_citizens``)."""
        planned = self.plan.new_citizens
        for cid, k in enumerate(planned.order, start=self.plan.seen[0] + 1):
            yield cid, self.district_ids.get(planned.district(k).casefold()), k

    def _cards(self) -> Iterator[tuple[int, int, int | None, int]]:
        """(card id, citizen id, pool id, i) for every new card (i: its index in ``plan.rows``)."""
        card_id = self.plan.seen[1]
        pools = self.plan.pools
        start = self.plan.rows.start
        fromordinal = _dt.date.fromordinal
        for cid, district_id, k in self._citizens():
            for i in self.plan.new_citizens.card_indices(k):
                card_id += 1
                yield card_id, cid, pools.get((district_id, fromordinal(start[i]).year)) if district_id else None, i
        for existing, i in self.plan.cards_for_existing:
            card_id += 1
            district_id = existing.district_id
            yield card_id, existing.id, pools.get((district_id, fromordinal(start[i]).year)) if district_id else None, i

    def _state(self, k: int) -> tuple[str, _dt.date]:
        planned = self.plan.new_citizens
        ended = planned.ended_on(k)
        return (STATE_ACTIVE, planned.first_start(k)) if ended is None else (STATE_ENDED, ended)

    def citizens(self) -> Iterator[tuple]:
        planned = self.plan.new_citizens
        for cid, district_id, k in self._citizens():
            state, since = self._state(k)
            yield (cid, planned.cpr(k), planned.name(k), "", "", "", "", district_id, 0, state, since.isoformat(),
                   self.at, self.actor_id)

    def changes(self) -> Iterator[tuple]:
        planned = self.plan.new_citizens
        for cid, _district_id, k in self._citizens():
            first = planned.first_start(k).isoformat()
            yield cid, STATE_SCREENED, STATE_ELIGIBLE, first, self.at, self.actor_id, IMPORT_REASON
            yield cid, STATE_ELIGIBLE, STATE_ACTIVE, first, self.at, self.actor_id, IMPORT_REASON
            ended = planned.ended_on(k)
            if ended is not None:
                yield cid, STATE_ACTIVE, STATE_ENDED, ended.isoformat(), self.at, self.actor_id, IMPORT_REASON

    def _card(self, i: int) -> tuple[int, int, str, str, str | None]:
        """(number, used, status, issued ISO, ended ISO or None) of the card in row ``i``."""
        rows = self.plan.rows
        end = rows.end_of(i)
        return (rows.number[i], rows.clips[i], card_status(rows.clips[i], end), rows.start_of(i).isoformat(),
                end.isoformat() if end else None)

    def cards(self) -> Iterator[tuple]:
        for card_id, cid, pool_id, i in self._cards():
            number, used, status, issued, ended = self._card(i)
            yield (card_id, number, cid, pool_id, CLIPS_PER_CARD, used, status, issued, ended,
                   IMPORT_REASON if status == CARD_CLOSED else "", self.actor_id, self.at)

    def punches(self) -> Iterator[tuple]:
        clips, base = self.plan.rows.clips, self.punch_base
        for place, (card_id, cid, _pool_id, i) in enumerate(self._cards()):
            if clips[i]:
                yield (str(uuid.UUID(int=base + place)), card_id, cid, PUNCH_IMPORT, clips[i], IMPORT_ACTIVITY,
                       self.plan.rows.start_of(i).isoformat(), "", self.actor_id, self.at)

    def district_audits(self) -> Iterator[tuple]:
        for did, name, *_rest in self.new_district_rows:
            yield (self.at, self.actor_id, "district.import", "district", str(did), None,
                   _json({"name": name, "home_help_count": 0}))

    def file_audit(self) -> tuple:
        report = self.plan.report
        return (self.at, self.actor_id, "import", "file", self.plan.path.name, None,
                _json({"file": str(self.plan.path), "rows": report.rows, "districts": report.new_districts,
                       "citizens": len(report.new_citizens), "cards": len(report.new_cards),
                       "known_cards": len(report.known_cards)}))

    def audits(self) -> Iterator[tuple]:
        at, actor = self.at, self.actor_id
        yield from self.district_audits()
        # the JSON by hand: numbers, state words and ISO dates need no escaping (~5x faster than json.dumps);
        # the same text as _SPOOL_WRITES' printf on SQLite
        planned = self.plan.new_citizens
        for cid, district_id, k in self._citizens():
            state, since = self._state(k)
            yield (at, actor, "citizen.import", "citizen", str(cid), None,
                   f'{{"cpr": "{masked(planned.cpr(k))}", "name": {json.dumps(planned.name(k), ensure_ascii=False)}, '
                   f'"district": {_null(district_id)}, "state": "{state}", "state_since": "{since}"}}')
        for card_id, cid, pool_id, i in self._cards():
            number, used, status, issued, ended = self._card(i)
            end = f'"{ended}"' if ended else "null"
            yield (at, actor, "card.import", "card", str(card_id), None,
                   f'{{"number": {number}, "citizen": {cid}, "pool": {_null(pool_id)}, "used": {used}, '
                   f'"status": "{status}", "issued_on": "{issued}", "ended_on": {end}}}')
        yield self.file_audit()

    # SQLite: the rows of the spool (see _memory_spool)
    def spool_citizens(self) -> Iterator[tuple]:
        planned = self.plan.new_citizens
        for cid, district_id, k in self._citizens():
            ended = planned.ended_on(k)
            yield (cid, planned.cpr(k), planned.name(k), district_id, planned.first_start(k).isoformat(),
                   ended.isoformat() if ended else None)

    def spool_cards(self) -> Iterator[tuple]:
        for card_id, cid, pool_id, i in self._cards():
            number, used, _status, issued, ended = self._card(i)
            yield card_id, number, cid, pool_id, used, issued, ended

    def spool_parameters(self) -> dict:
        prefix = str(uuid.UUID(int=self.punch_base))[:-10]  # the last 10 hex digits: the card's place
        return {"at": self.at, "actor": self.actor_id, "reason": IMPORT_REASON, "activity": IMPORT_ACTIVITY,
                "kind": PUNCH_IMPORT, "clips": CLIPS_PER_CARD, "closed": CARD_CLOSED, "prefix": prefix,
                "first_card": self.plan.seen[1] + 1}


def _null(value) -> str:
    return "null" if value is None else str(value)


COLUMNS_WRITTEN = {
    District: ("id", "name", "home_help_count", "active", "created_at"),
    Citizen: ("id", "cpr", "name", "address", "postcode", "city", "phone", "district_id", "receives_home_help",
              "state", "state_since", "created_at", "created_by_id"),
    StateChange: ("citizen_id", "from_state", "to_state", "on", "at", "by_id", "reason"),
    Card: ("id", "number", "citizen_id", "pool_id", "clips", "used", "status", "issued_on", "ended_on",
           "end_reason", "issued_by_id", "created_at"),
    Punch: ("id", "card_id", "citizen_id", "kind", "clips", "activity", "punched_on", "reason", "registered_by_id",
            "registered_at"),
    AuditLog: ("at", "actor_id", "operation", "entity", "entity_id", "before", "after"),
}


SPOOL = "cirkel_import_spool"  # the attached in-memory database (SQLite)
_SPOOL_TABLES = (  # each citizen's state and each card's status are not stored but derived (views), as _Writes does
    f"CREATE TABLE {SPOOL}.c (id INTEGER PRIMARY KEY, cpr TEXT, name TEXT, district_id INTEGER, first TEXT, "
    "ended TEXT)",
    f"CREATE TABLE {SPOOL}.k (id INTEGER PRIMARY KEY, number INTEGER, citizen_id INTEGER, pool_id INTEGER, "
    "used INTEGER, issued TEXT, ended TEXT)",
    f"CREATE TABLE {SPOOL}.steps (step INTEGER PRIMARY KEY, from_state TEXT, to_state TEXT)",
    f"CREATE VIEW {SPOOL}.citizens AS SELECT id, cpr, name, district_id, first, ended, "
    f"CASE WHEN ended IS NULL THEN '{STATE_ACTIVE}' ELSE '{STATE_ENDED}' END AS state, "
    "ifnull(ended, first) AS since FROM c",
    f"CREATE VIEW {SPOOL}.cards AS SELECT id, number, citizen_id, pool_id, used, issued, ended, "
    f"CASE WHEN used >= {CLIPS_PER_CARD} THEN '{CARD_USED_UP}' WHEN ended IS NOT NULL THEN '{CARD_CLOSED}' "
    f"ELSE '{CARD_OPEN}' END AS status FROM k",  # card_status()
)
# Inside the lock, per table one statement from the spool: the same rows as _Writes' methods, in the same
# order (the audit JSON as printf, json_quote escaping a name as json.dumps(..., ensure_ascii=False) does)
_SPOOL_WRITES = {
    "citizen": f"SELECT id, cpr, name, '', '', '', '', district_id, 0, state, since, :at, :actor FROM {SPOOL}.citizens "
               "ORDER BY id",
    "state_change": f"SELECT c.id, s.from_state, s.to_state, CASE s.step WHEN 3 THEN c.ended ELSE c.first END, "
                    f":at, :actor, :reason FROM {SPOOL}.citizens AS c CROSS JOIN {SPOOL}.steps AS s "
                    "WHERE s.step < 3 OR c.ended IS NOT NULL ORDER BY c.id, s.step",
    "card": f"SELECT id, number, citizen_id, pool_id, :clips, used, status, issued, ended, "
            f"CASE WHEN status = :closed THEN :reason ELSE '' END, :actor, :at FROM {SPOOL}.cards ORDER BY id",
    "punch": f"SELECT :prefix || printf('%010x', id - :first_card), id, citizen_id, :kind, used, :activity, issued, "
             f"'', :actor, :at FROM {SPOOL}.cards WHERE used > 0 ORDER BY id",
    "citizen_audit": "SELECT :at, :actor, 'citizen.import', 'citizen', CAST(id AS TEXT), NULL, "
                     "printf('{\"cpr\": \"%s-XXXX\", \"name\": %s, \"district\": %s, \"state\": \"%s\", "
                     "\"state_since\": \"%s\"}', substr(cpr, 1, 6), json_quote(name), ifnull(district_id, 'null'), "
                     f"state, since) FROM {SPOOL}.citizens ORDER BY id",
    "card_audit": "SELECT :at, :actor, 'card.import', 'card', CAST(id AS TEXT), NULL, "
                  "printf('{\"number\": %d, \"citizen\": %d, \"pool\": %s, \"used\": %d, \"status\": \"%s\", "
                  "\"issued_on\": \"%s\", \"ended_on\": %s}', number, citizen_id, ifnull(pool_id, 'null'), used, "
                  f"status, issued, CASE WHEN ended IS NULL THEN 'null' ELSE '\"' || ended || '\"' END) "
                  f"FROM {SPOOL}.cards ORDER BY id",
}


def _spooled() -> bool:
    """Whether this store takes the spool: SQLite (an attached in-memory database), when no transaction is
    open on the connection (SQLite attaches only outside one; the import then runs as a savepoint)."""
    from .store import is_postgresql_database

    return not is_postgresql_database(db.obj) and not db.connection().in_transaction


@contextlib.contextmanager
def _memory_spool(writes: _Writes) -> Iterator[None]:
    """The new citizens and cards, compactly, in a private in-memory database attached to this connection.

    Filled before the write lock (in its own transaction, which locks only the
    spool: nobody waits for it); :func:`_write` fills Cirkel's tables from it.
    Nothing of it is ever on disk, and it is detached (freed) on every way out.
    """
    db.execute_sql(f"ATTACH DATABASE ':memory:' AS {SPOOL}")
    try:
        cursor = db.cursor()
        for statement in _SPOOL_TABLES:
            cursor.execute(statement)
        cursor.execute("BEGIN")  # only the spool is written: it alone is locked
        cursor.executemany(f"INSERT INTO {SPOOL}.steps VALUES (?, ?, ?)", [
            (1, STATE_SCREENED, STATE_ELIGIBLE), (2, STATE_ELIGIBLE, STATE_ACTIVE), (3, STATE_ACTIVE, STATE_ENDED)])
        cursor.executemany(f"INSERT INTO {SPOOL}.c VALUES (?, ?, ?, ?, ?, ?)", writes.spool_citizens())
        cursor.executemany(f"INSERT INTO {SPOOL}.k VALUES (?, ?, ?, ?, ?, ?, ?)", writes.spool_cards())
        cursor.execute("COMMIT")
        yield
    finally:
        if db.connection().in_transaction:  # the fill failed half-way
            db.execute_sql("ROLLBACK")
        db.execute_sql(f"DETACH DATABASE {SPOOL}")


def apply_import(actor: Staff, plan: ImportPlan) -> ImportReport:
    """Write the plan: its rows are built first (SQLite: into the spool), then written in one short transaction."""
    require(actor, "import")
    if not _spooled():
        return _write(_Writes(actor, plan, prebuild=True))
    writes = _Writes(actor, plan)
    with _memory_spool(writes):
        return _write(writes, spooled=True)


@operation
def _write(writes: _Writes, spooled: bool = False) -> ImportReport:
    """The one write transaction: recheck, then bulk inserts (all rows or none)."""
    from .store import search_index_paused

    plan = writes.plan
    _recheck(plan)
    _bulk_insert(District, COLUMNS_WRITTEN[District], writes.new_district_rows)
    if spooled:
        _write_spooled(writes, search_index_paused)
    else:
        tables = writes.tables
        with search_index_paused(len(plan.new_citizens) > 200) as index_by_hand:
            if index_by_hand is None:
                _bulk_insert(Citizen, COLUMNS_WRITTEN[Citizen], tables["citizen"])
            else:
                names: list[tuple[int, str]] = []
                _bulk_insert(Citizen, COLUMNS_WRITTEN[Citizen], _noting(tables["citizen"], names))
                index_by_hand(names)
        _bulk_insert(StateChange, COLUMNS_WRITTEN[StateChange], tables["state_change"])
        _bulk_insert(Card, COLUMNS_WRITTEN[Card], tables["card"])
        _bulk_insert(Punch, COLUMNS_WRITTEN[Punch], tables["punch"])
        _bulk_insert(AuditLog, COLUMNS_WRITTEN[AuditLog], tables["audit_log"])
    plan.report.dry_run = False
    return plan.report


def _write_spooled(writes: _Writes, search_index_paused) -> None:
    """SQLite, inside the write: every table filled from the spool by one statement each."""
    parameters = writes.spool_parameters()
    cursor = db.cursor()

    def fill(model, select: str) -> None:
        names = ", ".join(f'"{c}"' for c in COLUMNS_WRITTEN[model])
        cursor.execute(f'INSERT INTO "{model._meta.table_name}" ({names}) {select}', parameters)

    with search_index_paused(len(writes.plan.new_citizens) > 200) as index_by_hand:
        fill(Citizen, _SPOOL_WRITES["citizen"])
        if index_by_hand is not None:
            index_by_hand(db.cursor().execute(f"SELECT id, name FROM {SPOOL}.c ORDER BY id"))
    fill(StateChange, _SPOOL_WRITES["state_change"])
    fill(Card, _SPOOL_WRITES["card"])
    fill(Punch, _SPOOL_WRITES["punch"])
    _bulk_insert(AuditLog, COLUMNS_WRITTEN[AuditLog], writes.district_audits())
    fill(AuditLog, _SPOOL_WRITES["citizen_audit"])
    fill(AuditLog, _SPOOL_WRITES["card_audit"])
    _bulk_insert(AuditLog, COLUMNS_WRITTEN[AuditLog], [writes.file_audit()])


def _noting(rows: Iterable[tuple], names: list) -> Iterator[tuple]:
    for row in rows:
        names.append((row[0], row[2]))
        yield row


def import_sheet(actor: Staff, open_sheet: Callable[[], ContextManager[ImportSheet]], *, dry_run: bool = False,
                 create_districts: bool = False, accept_names: bool = False) -> ImportReport:
    """Check, plan and (unless ``dry_run``) write; planned again once if Cirkel changed meanwhile.

    ``open_sheet()`` gives the file's rows (``exports.importer.open_sheet``); the
    file is read and checked outside any write lock, and closed before the write.
    """
    require(actor, "import")
    for attempt in (1, 2):
        with open_sheet() as sheet:
            plan = plan_import(actor, sheet, create_districts=create_districts, accept_names=accept_names,
                               dry_run=dry_run)
        if dry_run or plan.nothing_to_do:
            return plan.report
        try:
            return apply_import(actor, plan)
        except ImportStale:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["COLUMNS", "SHEET", "CARD_NUMBER_MIN", "CARD_NUMBER_MAX", "MAX_ROWS", "ImportSheet",
           "ImportReport", "ImportRefused", "ImportPlan", "check_rows", "plan_import", "apply_import",
           "import_sheet", "card_status"]
