"""Pilot tests of Projekter and a programme's page (issue 14), and a snapshot of the page."""
from __future__ import annotations

import datetime as dt
import decimal

from textual.widgets import DataTable, Input, Static

from models.entities import AuditLog, Enrolment, Event, Expense, Programme, ResultNote, Signup


async def settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text: str):
    await pilot.press(*[{" ": "space", "-": "minus", ",": "comma", ".": "full_stop"}.get(ch, ch) for ch in text])


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_programme(pilot, index: int):
    await pilot.press("j")
    await settle(pilot)
    table = pilot.app.screen.query_one("#programmes-table", DataTable)
    row = [i for i, r in enumerate(cells(table)) if r[0].startswith(f"Projekt {index}")][0]
    table.move_cursor(row=row)
    await pilot.press("enter")
    await settle(pilot)


async def test_projekter_shows_the_plans_table_with_bars(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("j")
        await settle(pilot)
        rows = cells(app.screen.query_one("#programmes-table", DataTable))
        budgets = {r[0]: r[1] for r in rows}
        assert budgets["Projekt 1: Rehabiliterende indsats"] == "450.000"
        assert budgets["  Personaleudgifter"] == "400.000" and budgets["  Øvrige aktiviteter"] == "50.000"
        assert budgets["Projekt 2: Ensomhed, isolation og underernæring"] == "950.000"
        assert budgets["Projekt 3: Social- og sundhedsfaglig indsats"] == "1.300.000"
        assert [r[1] for r in rows if r[0] == "  Medarbejderressourcer"] == ["850.000", "1.225.000"]
        assert rows[-1][0] == "I alt" and rows[-1][1] == "2.700.000"
        assert all("█" in r[4] or "░" in r[4] for r in rows if r[0].strip() != "")  # a bar on every line
        status = str(app.screen.query_one("#programmes-status", Static).render())
        assert "budget i alt 2.700.000 kr" in status


async def test_an_expense_is_refused_at_its_field_then_saved(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_programme(pilot, 2)
        before = Expense.select().count()
        await pilot.press("u")
        await settle(pilot)
        await pilot.press("enter")  # the line is filled in: Medarbejderressourcer
        await type_text(pilot, "12,345")
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        message = str(app.screen.query_one("#pf-amount-msg", Static).render())
        assert "beløb i kroner" in message and Expense.select().count() == before
        amount = app.screen.query_one("#pf-amount", Input)
        assert app.screen.focused is amount
        amount.value = ""
        await type_text(pilot, "1.850,50")
        await pilot.press("enter", "enter")
        await type_text(pilot, "Kaffe")
        await pilot.press("enter")
        await settle(pilot)
        assert Expense.select().count() == before + 1
        assert Expense.select().order_by(Expense.id.desc()).get().amount_dkk == decimal.Decimal("1850.50")
        lines = cells(app.screen.query_one("#lines-table", DataTable))
        assert lines[0][0] == "Medarbejderressourcer" and lines[0][2].endswith(",50")


async def test_enrol_and_end_an_enrolment_with_the_citizen_search(demo, make_app, frozen_day):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_programme(pilot, 3)
        programme = Programme.get(Programme.name.startswith("Projekt 3"))
        enrolled = {e.citizen_id for e in Enrolment.select().where(Enrolment.programme == programme)}
        from models.entities import Citizen

        newcomer = Citizen.select().where(Citizen.id.not_in(list(enrolled))).order_by(Citizen.id).first()
        await pilot.press("t")
        await settle(pilot)
        await type_text(pilot, newcomer.cpr)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "01-11-2026")
        await pilot.press("enter")
        await settle(pilot)
        enrolment = Enrolment.get((Enrolment.programme == programme) & (Enrolment.citizen == newcomer))
        assert enrolment.enrolled_on == dt.date(2026, 11, 1) and enrolment.left_on is None
        # end it from the Tilmeldte tab
        app.screen.query_one("#programme-tabs").active = "tab-enrolment"
        await settle(pilot)
        table = app.screen.query_one("#enrolment-table", DataTable)
        table.move_cursor(row=table.get_row_index(str(enrolment.id)))
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "31-10-2026")  # before the enrolment: refused at the date
        await pilot.press("enter")
        await settle(pilot)
        assert "før tilmeldingen" in str(app.screen.query_one("#pf-date-msg", Static).render())
        app.screen.query_one("#pf-date", Input).value = "20-11-2026"
        await pilot.press("enter")
        await settle(pilot)
        assert Enrolment.get_by_id(enrolment.id).left_on == frozen_day


async def test_a_results_note_and_the_cafes_attendance(demo, make_app, frozen_day):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_programme(pilot, 2)
        programme = Programme.get(Programme.name.startswith("Projekt 2"))
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "Flere spiser sammen")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert ResultNote.select().where(ResultNote.text == "Flere spiser sammen").get().noted_on == frozen_day
        app.screen.query_one("#programme-tabs").active = "tab-events"
        await settle(pilot)
        summary = str(app.screen.query_one("#cafe-summary", Static).render())
        assert "af alle fremmødte (registrerede + gæster)" in summary and "af de registrerede fremmødte" in summary
        assert "Faste deltagere (mindst 3 af de seneste 4 uger)" in summary
        chart = str(app.screen.query_one("#cafe-chart", Static).render())
        assert "█" in chart and "uge" in chart
        latest = (Event.select().where((Event.programme == programme) & (Event.status == "held"))
                  .order_by(Event.starts_at.desc()).first())
        came = Signup.select().where((Signup.event == latest) & (Signup.attendance == "attended")).count()
        await pilot.press("x")  # the latest held café is at the top of the list
        await settle(pilot)
        await pilot.press("tab", "delete")  # to the list, remove the first on it
        guests = app.screen.query_one("#att-guests", Input)
        guests.value = "15"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert Event.get_by_id(latest.id).guests == 15
        assert Signup.select().where((Signup.event == latest) & (Signup.attendance == "attended")).count() == came - 1
        assert AuditLog.select().where(AuditLog.operation == "programme.attendance").count() == 1


async def test_the_programme_can_be_edited_but_its_budget_not_below_its_lines(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_programme(pilot, 1)
        await pilot.press("e")
        await settle(pilot)
        budget = app.screen.query_one("#pf-budget", Input)
        assert budget.value == "450.000"
        budget.value = "449.999"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "kan ikke være mindre" in str(app.screen.query_one("#pf-budget-msg", Static).render())
        budget.value = "500.000"
        await pilot.press("ctrl+s")
        await settle(pilot)
        programme = Programme.get(Programme.name.startswith("Projekt 1"))
        assert programme.budget_dkk == decimal.Decimal("500000")
        lines = cells(app.screen.query_one("#lines-table", DataTable))
        assert ["Ikke fordelt", "50.000"] == lines[2][:2]  # the rest shows as not allocated


async def test_a_therapist_is_refused_a_programme_write_with_a_message(demo, make_app, admin):
    from models.staff import add_staff

    add_staff(admin, "daemon", "Tea Terapeut", "terapeut", None)
    from cirkel_tui.app import CirkelApp
    from models.staff import require_staff

    app = CirkelApp(actor_id=require_staff("daemon").id, db_path=make_app().db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_programme(pilot, 1)
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "Et resultat")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "Kun leder" in str(app.screen.query_one("#pf-general-msg", Static).render())
        assert not ResultNote.select().where(ResultNote.text == "Et resultat").exists()


def test_programme_page_snapshot(demo, make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await open_programme(pilot, 2)
        await pilot.pause(0.2)  # the table's header takes its widths on the next refresh

    assert snap_compare(make_app(), terminal_size=(100, 30), run_before=run_before)


def test_programme_cafe_tab_snapshot_80x24(demo, make_app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await open_programme(pilot, 2)
        pilot.app.screen.query_one("#programme-tabs").active = "tab-events"
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=run_before)
