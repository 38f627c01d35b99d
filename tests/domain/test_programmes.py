"""Programmes (R13, issue 14): budget lines against the budget, amounts, expenses, enrolment, results notes."""
from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest

from models.base import DomainError
from models.entities import AuditLog, BudgetLine, Citizen, Enrolment, Expense, Pool, Programme, ResultNote

D = decimal.Decimal
ISHOJ = (("Projekt 1: En rehabiliterende indsats", "450.000",
          (("Personaleudgifter", "400.000"), ("Øvrige aktiviteter", "50.000"))),
         ("Projekt 2: Ensomhed, isolation og underernæring", "950.000",
          (("Medarbejderressourcer", "850.000"), ("Aktivitetsmidler", "100.000"))),
         ("Projekt 3: Udsatte ældre borgere", "1.300.000",
          (("Medarbejderressourcer", "1.225.000"), ("Kompetenceudvikling", "75.000"))))


@pytest.fixture
def leder(admin):
    from models.staff import add_staff

    return add_staff(admin, "bin", "Leo Leder", "leder", None)


@pytest.fixture
def terapeut(admin):
    from models.staff import add_staff

    return add_staff(admin, "daemon", "Tea Terapeut", "terapeut", None)


def enter_ishoj(actor, prefix=""):
    from models.programmes import create_programme, set_line

    for name, budget, lines in ISHOJ:
        name = prefix + name
        create_programme(actor, name, year=2015, budget=budget)
        for line, amount in lines:
            set_line(actor, name, line, amount)


def test_the_plans_table_is_reproduced(leder):
    from models.programmes import programme_figures, report_rows

    enter_ishoj(leder)
    figures = programme_figures(2015)
    assert [p.budget for p in figures] == [D("450000"), D("950000"), D("1300000")]
    assert [[x.budget for x in p.lines] for p in figures] == [
        [D("400000"), D("50000")], [D("850000"), D("100000")], [D("1225000"), D("75000")]]
    assert all(p.unallocated == 0 for p in figures)
    rows = report_rows(figures)
    assert rows[-1].kind == "total" and rows[-1].budget == D("2700000") and rows[-1].left == D("2700000")
    assert [r.budget for r in rows if r.kind == "subtotal"] == [D("450000"), D("950000"), D("1300000")]
    assert not any(r.kind == "unallocated" for r in rows)


def test_lines_may_not_exceed_the_budget_and_the_rest_shows_as_unallocated(leder):
    from models.programmes import create_programme, programme_figures, report_rows, set_line

    create_programme(leder, "Caféen", year=2015, budget="950.000")
    out = set_line(leder, "Caféen", "Medarbejderressourcer", "850000")
    assert out.created and out.unallocated == D("100000")
    with pytest.raises(DomainError) as err:
        set_line(leder, "Caféen", "Aktivitetsmidler", "100.000,01")
    assert err.value.field == "amount" and "100.000 kr ikke fordelt" in err.value.message
    assert BudgetLine.select().count() == 1
    rows = report_rows(programme_figures())
    unallocated = [r for r in rows if r.kind == "unallocated"]
    assert len(unallocated) == 1 and unallocated[0].line == "Ikke fordelt" and unallocated[0].budget == D("100000")
    assert rows[-1].budget == D("950000")  # the subtotal and total are the budget, not the lines' sum
    # setting an existing line again changes its amount (case of the name ignored), not a second line
    again = set_line(leder, "caféen", "medarbejderressourcer", "900.000")
    assert not again.created and BudgetLine.get().amount_dkk == D("900000") and again.unallocated == D("50000")


def test_amounts_accept_danish_writing_and_refuse_the_rest(leder):
    from models.programmes import create_programme

    for i, text in enumerate(("1.225.000", "1225000", "1225000,50")):
        p = create_programme(leder, f"P{i}", year=2015, budget=text)
        assert p.budget_dkk == (D("1225000.50") if "," in text else D("1225000"))
    for bad in ("1,225,000", "12.25", "-5", "0", "abc", "1225000,505", ""):
        with pytest.raises(DomainError) as err:
            create_programme(leder, f"X{bad}", year=2015, budget=bad)
        assert err.value.field == "budget", bad
    assert Programme.select().count() == 3


def test_bad_input_is_refused_at_its_field_with_nothing_written(leder):
    from models.programmes import create_programme

    audits = AuditLog.select().count()
    cases = [(dict(name="", year=2015, budget="1"), "name"), (dict(name="A\x07", year=2015, budget="1"), "name"),
             (dict(name="A", year="15", budget="1"), "year"), (dict(name="A", year="20x5", budget="1"), "year"),
             (dict(name="A", year=2015, budget="1", description="x" * 1001), "description")]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as err:
            create_programme(leder, **kwargs)
        assert err.value.field == field
    create_programme(leder, "Caféen", year=2015, budget="1")
    with pytest.raises(DomainError) as err:
        create_programme(leder, "CAFÉEN", year=2016, budget="1")
    assert err.value.field == "name"
    assert Programme.select().count() == 1 and AuditLog.select().count() == audits + 1


def test_only_a_leader_writes_and_every_write_is_audited(leder, terapeut, frozen_day):
    from models import programmes as pm

    with pytest.raises(DomainError) as err:
        pm.create_programme(terapeut, "Caféen", year=2026, budget="950.000")
    assert "leder" in err.value.message
    p = pm.create_programme(leder, "Caféen", year=2026, budget="950.000")
    pm.set_line(leder, p.id, "Aktivitetsmidler", "100.000")
    citizen = Citizen.create(cpr="0101401234", name="Karen Jensen")
    pm.add_expense(leder, p.id, "Aktivitetsmidler", "1.850,50", on="05-11-2026", note="Kaffe og kage")
    pm.enrol(leder, p.id, citizen.id, on="2026-10-01")
    pm.leave(leder, p.id, citizen.id, on="2026-11-01")
    pm.add_result_note(leder, p.id, "30-40 deltager hver uge.", on="30-06-2026")
    pm.update_programme(leder, p.id, description="Ugentlig café")
    for write in (lambda: pm.set_line(terapeut, p.id, "X", "1"),
                  lambda: pm.add_expense(terapeut, p.id, "Aktivitetsmidler", "1"),
                  lambda: pm.enrol(terapeut, p.id, citizen.id),
                  lambda: pm.add_result_note(terapeut, p.id, "x")):
        with pytest.raises(DomainError):
            write()
    ops = [a.operation for a in AuditLog.select().where(AuditLog.operation.startswith("programme."))
           .order_by(AuditLog.id)]
    assert ops == ["programme.create", "programme.line", "programme.expense", "programme.enrol",
                   "programme.leave", "programme.result", "programme.update"]
    expense = json.loads(AuditLog.get(AuditLog.operation == "programme.expense").after)
    assert expense["amount_dkk"] == "1850.50" and expense["programme"] == p.id


def test_expenses_are_a_ledger_per_line(leder, frozen_day):
    from models.programmes import add_expense, create_programme, programme_figures, set_line

    create_programme(leder, "P", year=2026, budget="100.000")
    set_line(leder, "P", "Aktiviteter", "10.000")
    add_expense(leder, "P", "Aktiviteter", "12.000", on="2026-11-01")  # overspending is recorded
    line = programme_figures()[0].lines[0]
    assert line.spent == D("12000") and line.left == D("-2000")
    with pytest.raises(DomainError) as err:
        add_expense(leder, "P", "Aktiviteter", "-500")  # a correction needs a note
    assert err.value.field == "note"
    with pytest.raises(DomainError) as err:
        add_expense(leder, "P", "Aktiviteter", "-12.000,01", note="fejl")
    assert err.value.field == "amount"
    add_expense(leder, "P", "Aktiviteter", "-2.000", note="faktura bogført to gange")
    with pytest.raises(DomainError) as err:
        add_expense(leder, "P", "Aktiviteter", "10", on=frozen_day + dt.timedelta(days=1))
    assert err.value.field == "date"
    with pytest.raises(DomainError) as err:
        add_expense(leder, "P", "Husleje", "10")
    assert err.value.field == "line" and "Aktiviteter" in err.value.message
    with pytest.raises(DomainError) as err:
        add_expense(leder, "P", "Aktiviteter", "0")
    assert err.value.field == "amount"
    p = programme_figures()[0]
    assert p.spent == D("10000") and p.left == D("90000") and p.unallocated == D("90000")
    assert Expense.select().count() == 2


def test_enrolment_from_and_to(leder, frozen_day):
    from models.programmes import create_programme, enrol, leave, programme_figures

    create_programme(leder, "P", year=2026, budget="1")
    karen = Citizen.create(cpr="0101401234", name="Karen Jensen")
    enrol(leder, "P", "0101401234", on="01-09-2026")  # found through the citizen search by CPR
    with pytest.raises(DomainError) as err:
        enrol(leder, "P", karen.id, on="01-10-2026")
    assert err.value.field == "citizen" and "allerede tilmeldt" in err.value.message
    assert programme_figures()[0].enrolled == 1
    with pytest.raises(DomainError) as err:
        leave(leder, "P", karen.id, on="31-08-2026")
    assert err.value.field == "date"
    leave(leder, "P", "Karen Jensen", on="30-09-2026")  # a unique name is enough
    assert programme_figures()[0].enrolled == 0
    with pytest.raises(DomainError) as err:
        enrol(leder, "P", karen.id, on="15-09-2026")  # overlaps the first enrolment
    assert err.value.field == "date"
    enrol(leder, "P", karen.id, on="01-11-2026")
    assert Enrolment.select().count() == 2 and programme_figures()[0].enrolled == 1
    with pytest.raises(DomainError) as err:
        enrol(leder, "P", "Ingen Sådan")
    assert err.value.field == "citizen"


def test_budget_cannot_drop_below_its_lines(leder):
    from models.programmes import create_programme, set_line, update_programme

    create_programme(leder, "P", year=2015, budget="450.000")
    set_line(leder, "P", "Personaleudgifter", "400.000")
    with pytest.raises(DomainError) as err:
        update_programme(leder, "P", budget="399.999")
    assert err.value.field == "budget"
    assert update_programme(leder, "P", budget="400.000").budget_dkk == D("400000")


def test_programme_money_is_separate_from_the_klippekort_pools(demo, leder):
    from models.pool_overview import transport_spent

    pools_before = [(p.id, p.allocated) for p in Pool.select().order_by(Pool.id)]
    transport_before = transport_spent(dt.date.today().year)
    enter_ishoj(leder, prefix="Ishøj ")  # the demo has its own three
    assert [(p.id, p.allocated) for p in Pool.select().order_by(Pool.id)] == pools_before
    assert transport_spent(dt.date.today().year) == transport_before


def test_results_notes_are_dated(leder, frozen_day):
    from models.programmes import add_result_note, create_programme, programme_page

    create_programme(leder, "P", year=2026, budget="1")
    add_result_note(leder, "P", "Antallet er steget med ca. 33 %.", on="30-06-2026")
    add_result_note(leder, "P", "Endnu ingen konkrete resultater.")
    with pytest.raises(DomainError) as err:
        add_result_note(leder, "P", "   ")
    assert err.value.field == "text"
    page = programme_page(leder, "P")
    assert [(n.on, n.text) for n in page.notes] == [(frozen_day, "Endnu ingen konkrete resultater."),
                                                    (dt.date(2026, 6, 30), "Antallet er steget med ca. 33 %.")]
    assert ResultNote.select().count() == 2
