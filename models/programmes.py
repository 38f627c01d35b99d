"""Pool-funded programmes (R13, the Ishøj plan): budget lines, expenses, enrolment, results notes.

* A programme has a name (unique), a year, a total budget in kroner and a
  description. Its budget lines (name, amount) may never add up to more than
  the budget; while they add up to less, every figure and report shows the
  part not yet allocated ("Ikke fordelt") as its own row.
* Expenses are a ledger per line: dated, with a note; a correction is a
  negative entry (a note is then required), and a line's spending never goes
  below zero. Spending beyond a line's amount is recorded (the money is spent)
  and shows as a negative "Tilbage".
* Citizens are enrolled from a date and leave on a date; one open enrolment per
  citizen and programme, and enrolments of one citizen never overlap.
* Results notes are dated texts (the plan reports results "indtil udgangen af juni").
* Programme money is its own: nothing here reads or writes the klippekort
  budget, pools or transport reserve.

Every write needs ``programme.write`` (leder) and is audited; every refusal names its field.
"""
from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass, field

from peewee import fn

from .base import DomainError, audit, log_access, operation, snapshot, today
from .cpr import masked
from .entities import (
    EVENT_CANCELLED,
    BudgetLine,
    Citizen,
    Enrolment,
    Event,
    Expense,
    Programme,
    ResultNote,
    Staff,
)
from .i18n import _
from .inputs import clean_text, format_date, format_kroner, parse_date, parse_kroner, parse_whole
from .permissions import require

ZERO = decimal.Decimal("0.00")
MAX_AMOUNT = 1_000_000_000
MIN_YEAR, MAX_YEAR = 2000, 2100
UNALLOCATED = "Ikke fordelt"
LIST_LIMIT = 500
PAGE_LIMIT = 500


# --- lookups -----------------------------------------------------------------------

def find_programme(value) -> Programme:
    """A programme by id, or by name (exact, else ignoring case)."""
    if isinstance(value, Programme):
        return value
    if isinstance(value, int):
        found = Programme.get_or_none(Programme.id == value)
    else:
        name = " ".join(str(value or "").split())
        if not name:
            raise DomainError(_("Skriv projektets navn."), field="programme")
        found = Programme.get_or_none(Programme.name == name)
        if found is None:
            folded = name.casefold()
            found = next((p for p in Programme.select().limit(LIST_LIMIT) if p.name.casefold() == folded), None)
    if found is None:
        raise DomainError(_("Projektet '{value}' findes ikke (se: cirkel programme list).").format(value=value), field="programme")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return found


def _line(programme: Programme, value) -> BudgetLine:
    if isinstance(value, BudgetLine):
        return value
    if isinstance(value, int):
        found = BudgetLine.get_or_none((BudgetLine.id == value) & (BudgetLine.programme == programme))
    else:
        name = " ".join(str(value or "").split())
        if not name:
            raise DomainError(_("Vælg en budgetlinje."), field="line")
        lines = list(BudgetLine.select().where(BudgetLine.programme == programme).limit(LIST_LIMIT))
        found = next((x for x in lines if x.name == name), None) or next(
            (x for x in lines if x.name.casefold() == name.casefold()), None)
    if found is None:
        names = ", ".join(x.name for x in BudgetLine.select().where(BudgetLine.programme == programme)
                          .order_by(BudgetLine.id).limit(20))
        if names:
            raise DomainError(_("Projektet {programme} har ingen budgetlinje '{line}' (linjer: {names}).").format(
                programme=programme.name, line=value, names=names), field="line")
        raise DomainError(_("Projektet {programme} har ingen budgetlinje '{line}'; opret den først.").format(
            programme=programme.name, line=value), field="line")
    return found


def find_citizen(text: str) -> Citizen:
    """One citizen through the one citizen search (models.search): CPR, card number or a unique name."""
    from .search import EXACT, search_citizens

    text = " ".join(str(text or "").split())
    if not text:
        raise DomainError(_("Angiv borgeren (CPR-nummer, kortnummer eller navn)."), field="citizen")
    matches = search_citizens(text, limit=10)
    exact = [m for m in matches if m.group == EXACT]
    if len(exact) == 1:
        return Citizen.get_by_id(exact[0].citizen_id)
    if len(matches) == 1:
        return Citizen.get_by_id(matches[0].citizen_id)
    if not matches:
        raise DomainError(_("Ingen borger passer til '{text}'.").format(text=text), field="citizen")
    raise DomainError(_("{matches}{value} borgere passer til '{text}'; angiv CPR-nummeret.").format(matches=len(matches), value='+' if len(matches) == 10 else '', text=text), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _citizen(value) -> Citizen:
    if isinstance(value, Citizen):
        return value
    if isinstance(value, int):
        found = Citizen.get_or_none(Citizen.id == value)
        if found is None:
            raise DomainError(_("Borgeren findes ikke."), field="citizen")
        return found
    return find_citizen(value)


def _name(value, field_name: str, label: str) -> str:
    return " ".join(clean_text(value, field_name, kind="title", label=label).split())


def _allocated(programme: Programme, without: BudgetLine | None = None) -> decimal.Decimal:
    query = BudgetLine.select(fn.COALESCE(fn.SUM(BudgetLine.amount_dkk), 0)).where(BudgetLine.programme == programme)
    if without is not None:
        query = query.where(BudgetLine.id != without.id)
    return decimal.Decimal(str(query.scalar() or 0)).quantize(ZERO)


def _spent_on_line(line: BudgetLine) -> decimal.Decimal:
    total = Expense.select(fn.COALESCE(fn.SUM(Expense.amount_dkk), 0)).where(Expense.budget_line == line).scalar()
    return decimal.Decimal(str(total or 0)).quantize(ZERO)


# --- writes ------------------------------------------------------------------------

@operation
def create_programme(actor: Staff, name, *, year, budget, description="") -> Programme:
    """A new programme with its year and total budget in kroner (leder)."""
    require(actor, "programme.write")
    name = _name(name, "name", "Projektets navn")
    year = parse_whole(year, "year", minimum=MIN_YEAR, maximum=MAX_YEAR, label=_("Året"))
    amount = parse_kroner(budget, "budget", label=_("Budgettet"), minimum=1, maximum=MAX_AMOUNT)
    text = clean_text(description, "description", kind="note", required=False, label=_("Beskrivelsen"))
    if any(p.name.casefold() == name.casefold() for p in Programme.select(Programme.name).limit(LIST_LIMIT)):
        raise DomainError(_("Der findes allerede et projekt med navnet {name}.").format(name=name), field="name")
    programme = Programme.create(name=name, year=year, budget_dkk=amount, description=text, created_by=actor)
    audit(actor, "programme.create", "programme", programme.id, None, snapshot(programme))
    return programme


@operation
def update_programme(actor: Staff, programme, *, name=None, year=None, budget=None, description=None) -> Programme:
    """Change a programme's name, year, budget or description (leder). The budget never drops below its lines."""
    require(actor, "programme.write")
    programme = find_programme(programme)
    before = snapshot(programme)
    changes: dict = {}
    if name is not None:
        new_name = _name(name, "name", "Projektets navn")
        clash = Programme.select().where(Programme.id != programme.id).limit(LIST_LIMIT)
        if any(p.name.casefold() == new_name.casefold() for p in clash):
            raise DomainError(_("Der findes allerede et projekt med navnet {new_name}.").format(new_name=new_name), field="name")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        changes["name"] = new_name
    if year is not None:
        changes["year"] = parse_whole(year, "year", minimum=MIN_YEAR, maximum=MAX_YEAR, label=_("Året"))
    if budget is not None:
        amount = parse_kroner(budget, "budget", label=_("Budgettet"), minimum=1, maximum=MAX_AMOUNT)
        allocated = _allocated(programme)
        if amount < allocated:
            raise DomainError(_("Budgetlinjerne er allerede fordelt med {allocated}; budgettet kan ikke være mindre. Nedsæt en linje først.").format(allocated=format_kroner(allocated)), field="budget")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        changes["budget_dkk"] = amount
    if description is not None:
        changes["description"] = clean_text(description, "description", kind="note", required=False,
                                            label=_("Beskrivelsen"))
    if changes:
        Programme.update(**changes).where(Programme.id == programme.id).execute()
        programme = Programme.get_by_id(programme.id)
        audit(actor, "programme.update", "programme", programme.id, before, snapshot(programme))
    return programme


@dataclass
class LineOutcome:
    line: BudgetLine
    created: bool
    unallocated: decimal.Decimal


@operation
def set_line(actor: Staff, programme, line_name, amount) -> LineOutcome:
    """Create a budget line, or set an existing line's amount. All lines together never exceed the budget."""
    require(actor, "programme.write")
    programme = find_programme(programme)
    name = _name(line_name, "line", "Linjens navn")
    amount = parse_kroner(amount, "amount", label=_("Linjens beløb"), minimum=0, maximum=MAX_AMOUNT)
    existing = next((x for x in BudgetLine.select().where(BudgetLine.programme == programme).limit(LIST_LIMIT)
                     if x.name.casefold() == name.casefold()), None)
    others = _allocated(programme, without=existing)
    budget = decimal.Decimal(programme.budget_dkk).quantize(ZERO)
    if others + amount > budget:
        free = budget - others
        raise DomainError(_("Linjerne må tilsammen højst være projektets budget på {budget}; der er {free} ikke fordelt.").format(budget=format_kroner(budget), free=format_kroner(free)), field="amount")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if existing is None:
        line = BudgetLine.create(programme=programme, name=name, amount_dkk=amount)
        audit(actor, "programme.line", "budget_line", line.id, None, snapshot(line))
    else:
        before = snapshot(existing)
        BudgetLine.update(amount_dkk=amount).where(BudgetLine.id == existing.id).execute()
        line = BudgetLine.get_by_id(existing.id)
        audit(actor, "programme.line", "budget_line", line.id, before, snapshot(line))
    return LineOutcome(line, existing is None, budget - others - amount)


@operation
def add_expense(actor: Staff, programme, line, amount, *, on=None, note="") -> Expense:
    """Record spending on a budget line (leder). A negative amount corrects earlier spending (with a note)."""
    require(actor, "programme.write")
    programme = find_programme(programme)
    budget_line = _line(programme, line)
    amount = parse_kroner(amount, "amount", label=_("Beløbet"), minimum=-MAX_AMOUNT, maximum=MAX_AMOUNT)
    if amount == 0:
        raise DomainError(_("Beløbet kan ikke være 0."), field="amount")
    day = parse_date(on, "date", default_today=True)
    if day > today():
        raise DomainError(_("En udgift kan ikke dateres efter i dag."), field="date")
    text = clean_text(note, "note", kind="note", required=amount < 0, label=_("Noten"))
    if amount < 0 and _spent_on_line(budget_line) + amount < 0:
        raise DomainError(_("Rettelsen er større end forbruget på {name} ({budget_line}).").format(name=budget_line.name, budget_line=format_kroner(_spent_on_line(budget_line))), field="amount")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    expense = Expense.create(budget_line=budget_line, amount_dkk=amount, spent_on=day, note=text, by=actor)
    audit(actor, "programme.expense", "expense", expense.id, None,
          {**snapshot(expense), "programme": programme.id})
    return expense


@operation
def enrol(actor: Staff, programme, citizen, *, on=None) -> Enrolment:
    """Enrol a citizen in a programme from a date (leder); never twice at once."""
    require(actor, "programme.write")
    programme = find_programme(programme)
    person = _citizen(citizen)
    day = parse_date(on, "date", default_today=True)
    overlapping = (Enrolment.select().where((Enrolment.programme == programme) & (Enrolment.citizen == person)
                                            & (Enrolment.left_on.is_null() | (Enrolment.left_on >= day)))
                   .order_by(Enrolment.enrolled_on.desc()).first())
    if overlapping is not None:
        if overlapping.left_on is None:
            raise DomainError(_("{name} er allerede tilmeldt {programme_name} (fra {value}).").format(name=person.name, programme_name=programme.name, value=format_date(overlapping.enrolled_on)), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        raise DomainError(_("{name} var tilmeldt {programme_name} til {value}; vælg en senere dato.").format(name=person.name, programme_name=programme.name, value=format_date(overlapping.left_on)), field="date")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    enrolment = Enrolment.create(programme=programme, citizen=person, enrolled_on=day)
    audit(actor, "programme.enrol", "enrolment", enrolment.id, None, snapshot(enrolment))
    return enrolment


@operation
def leave(actor: Staff, programme, citizen, *, on=None) -> Enrolment:
    """End a citizen's open enrolment on a date (leder)."""
    require(actor, "programme.write")
    programme = find_programme(programme)
    person = _citizen(citizen)
    day = parse_date(on, "date", default_today=True)
    enrolment = Enrolment.get_or_none((Enrolment.programme == programme) & (Enrolment.citizen == person)
                                      & Enrolment.left_on.is_null())
    if enrolment is None:
        raise DomainError(_("{name} er ikke tilmeldt {programme_name}.").format(name=person.name, programme_name=programme.name), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if day < enrolment.enrolled_on:
        raise DomainError(_("Slutdatoen kan ikke ligge før tilmeldingen ({value}).").format(value=format_date(enrolment.enrolled_on)), field="date")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    before = snapshot(enrolment)
    Enrolment.update(left_on=day).where(Enrolment.id == enrolment.id).execute()
    enrolment = Enrolment.get_by_id(enrolment.id)
    audit(actor, "programme.leave", "enrolment", enrolment.id, before, snapshot(enrolment))
    return enrolment


@operation
def add_result_note(actor: Staff, programme, text, *, on=None) -> ResultNote:
    """A dated results note (leder)."""
    require(actor, "programme.write")
    programme = find_programme(programme)
    body = clean_text(text, "text", kind="note", label=_("Resultatet"))
    day = parse_date(on, "date", default_today=True)
    note = ResultNote.create(programme=programme, noted_on=day, text=body, by=actor)
    audit(actor, "programme.result", "result_note", note.id, None, snapshot(note))
    return note


@operation
def plan_cafe(actor: Staff, programme, *, title, day, time, weeks, seats, meeting_place="",
              clips_per_participant=None):
    """A programme's weekly event series (a café): same weekday and time every week (leder).

    No clips are punched unless ``clips_per_participant`` is given.
    """
    from .events import create_events

    require(actor, "programme.write")
    programme = find_programme(programme)
    return create_events(actor, title=title, day=day, time=time, seats=seats, meeting_place=meeting_place,
                         clips_per_participant=clips_per_participant, programme=programme, repeat_weeks=weeks)


# --- reads -------------------------------------------------------------------------

@dataclass
class LineFigures:
    id: int | None  # None: the part of the budget not yet allocated to a line
    name: str
    budget: decimal.Decimal
    spent: decimal.Decimal

    @property
    def left(self) -> decimal.Decimal:
        return self.budget - self.spent


@dataclass
class ProgrammeFigures:
    id: int
    name: str
    year: int | None
    description: str
    budget: decimal.Decimal
    lines: list[LineFigures] = field(default_factory=list)
    enrolled: int = 0

    @property
    def allocated(self) -> decimal.Decimal:
        return sum((x.budget for x in self.lines if x.id is not None), ZERO)

    @property
    def unallocated(self) -> decimal.Decimal:
        return self.budget - self.allocated

    @property
    def spent(self) -> decimal.Decimal:
        return sum((x.spent for x in self.lines), ZERO)

    @property
    def left(self) -> decimal.Decimal:
        return self.budget - self.spent

    @property
    def rows(self) -> list[LineFigures]:
        """The lines, and the part not yet allocated when the lines do not add up to the budget."""
        if self.unallocated:
            return self.lines + [LineFigures(None, UNALLOCATED, self.unallocated, ZERO)]
        return list(self.lines)


def programme_figures(year: int | None = None, programme_id: int | None = None) -> list[ProgrammeFigures]:
    """Every programme (of ``year``) with its budget, lines, spending and how many are enrolled today."""
    query = Programme.select().order_by(Programme.year, Programme.name).limit(LIST_LIMIT)
    if year is not None:
        query = query.where(Programme.year == year)
    if programme_id is not None:
        query = query.where(Programme.id == programme_id)
    programmes = list(query)
    if not programmes:
        return []
    ids = [p.id for p in programmes]
    spent = dict(Expense.select(Expense.budget_line, fn.SUM(Expense.amount_dkk))
                 .join(BudgetLine).where(BudgetLine.programme.in_(ids)).group_by(Expense.budget_line).tuples())
    lines: dict[int, list[LineFigures]] = {pid: [] for pid in ids}
    for line in BudgetLine.select().where(BudgetLine.programme.in_(ids)).order_by(BudgetLine.id):
        lines[line.programme_id].append(LineFigures(line.id, line.name, _money(line.amount_dkk),
                                                    _money(spent.get(line.id, 0))))
    day = today()
    enrolled = dict(Enrolment.select(Enrolment.programme, fn.COUNT(Enrolment.id))
                    .where(Enrolment.programme.in_(ids) & (Enrolment.enrolled_on <= day)
                           & (Enrolment.left_on.is_null() | (Enrolment.left_on >= day)))
                    .group_by(Enrolment.programme).tuples())
    return [ProgrammeFigures(p.id, p.name, p.year, p.description, _money(p.budget_dkk), lines[p.id],
                             int(enrolled.get(p.id, 0))) for p in programmes]


def _money(value) -> decimal.Decimal:
    return decimal.Decimal(str(value or 0)).quantize(ZERO)


@dataclass
class ReportRow:
    programme: str
    line: str
    budget: decimal.Decimal
    spent: decimal.Decimal
    left: decimal.Decimal
    kind: str  # "line" | "unallocated" | "subtotal" | "total"


def report_rows(figures: list[ProgrammeFigures]) -> list[ReportRow]:
    """``Projekt | Linje | Budget | Forbrugt | Tilbage``: the lines (and "Ikke fordelt"), a subtotal per
    programme and a total."""
    rows = []
    for p in figures:
        for x in p.rows:
            rows.append(ReportRow(p.name, x.name, x.budget, x.spent, x.left,
                                  "line" if x.id is not None else "unallocated"))
        rows.append(ReportRow(p.name, "I alt", p.budget, p.spent, p.left, "subtotal"))
    budget = sum((p.budget for p in figures), ZERO)
    spent = sum((p.spent for p in figures), ZERO)
    rows.append(ReportRow("I alt", "", budget, spent, budget - spent, "total"))
    return rows


@dataclass
class ExpenseLine:
    id: int
    line: str
    on: _dt.date
    amount: decimal.Decimal
    note: str
    by: str


@dataclass
class EnrolmentLine:
    id: int
    citizen_id: int
    name: str
    cpr_masked: str
    enrolled_on: _dt.date
    left_on: _dt.date | None

    def current(self, on: _dt.date) -> bool:
        return self.enrolled_on <= on and (self.left_on is None or self.left_on >= on)


@dataclass
class EventLine:
    id: int
    title: str
    starts_at: _dt.datetime
    status: str
    registered: int
    guests: int
    clips_per_participant: int | None


@dataclass
class NoteLine:
    id: int
    on: _dt.date
    text: str
    by: str


@dataclass
class ProgrammePage:
    figures: ProgrammeFigures
    expenses: list[ExpenseLine]
    enrolments: list[EnrolmentLine]
    events: list[EventLine]
    notes: list[NoteLine]


def programme_page(actor: Staff, programme) -> ProgrammePage:
    """A programme's lines, expenses, enrolment (CPR masked), events and results notes.

    The enrolled citizens' names are personal data: the read goes to the access log.
    """
    from .entities import ATTENDED, SIGNUP_SEATED, Signup

    p = find_programme(programme)
    figures = programme_figures(programme_id=p.id)[0]
    staff_names = {}

    def who(staff_id):
        if staff_id not in staff_names:
            s = Staff.get_or_none(Staff.id == staff_id)
            staff_names[staff_id] = s.name if s else ""
        return staff_names[staff_id]

    expenses = [ExpenseLine(e.id, e.budget_line.name, e.spent_on, _money(e.amount_dkk), e.note, who(e.by_id))
                for e in Expense.select(Expense, BudgetLine).join(BudgetLine)
                .where(BudgetLine.programme == p).order_by(Expense.spent_on.desc(), Expense.id.desc())
                .limit(PAGE_LIMIT)]
    enrolments = [EnrolmentLine(e.id, e.citizen_id, e.citizen.name, masked(e.citizen.cpr), e.enrolled_on, e.left_on)
                  for e in Enrolment.select(Enrolment, Citizen).join(Citizen)
                  .where(Enrolment.programme == p)
                  .order_by(Enrolment.left_on.is_null(False), Enrolment.enrolled_on.desc(), Enrolment.id)
                  .limit(PAGE_LIMIT)]
    midnight = _dt.datetime.combine(today() + _dt.timedelta(days=1), _dt.time())
    base = Event.select().where((Event.programme == p) & (Event.status != EVENT_CANCELLED))
    events = (list(base.where(Event.starts_at < midnight).order_by(Event.starts_at.desc()).limit(PAGE_LIMIT))
              + list(base.where(Event.starts_at >= midnight).order_by(Event.starts_at).limit(PAGE_LIMIT)))
    counts = dict(Signup.select(Signup.event, fn.COUNT(Signup.id))
                  .where(Signup.event.in_([e.id for e in events]) & (Signup.status == SIGNUP_SEATED)
                         & (Signup.attendance == ATTENDED)).group_by(Signup.event).tuples()) if events else {}
    event_lines = [EventLine(e.id, e.title, e.starts_at, e.status, int(counts.get(e.id, 0)), e.guests,
                             e.clips_per_participant) for e in events]
    notes = [NoteLine(n.id, n.noted_on, n.text, who(n.by_id))
             for n in ResultNote.select().where(ResultNote.programme == p)
             .order_by(ResultNote.noted_on.desc(), ResultNote.id.desc()).limit(PAGE_LIMIT)]
    if enrolments:
        log_access(actor, "list", criterion=f"deltagere i projekt {p.id}")
    return ProgrammePage(figures, expenses, enrolments, event_lines, notes)


def programme_page_with_attendance(actor: Staff, programme):
    """The page and the café's figures in one read (for the programme screen)."""
    from .programme_attendance import programme_attendance

    page = programme_page(actor, programme)
    return page, programme_attendance(page.figures.id)
