"""Pilot tests of issue #13's screens: Opfølgning (w) and the pause's confirmation in Revurdering."""
from __future__ import annotations

from textual.widgets import DataTable, Static, TabbedContent

from models.cards import punch
from models.entities import Citizen, Signup, Staff
from models.events import sign_up
from screens.intake_widgets import InfoDialog
from screens.pause_dialog import PauseDialog
from tests.domain.test_events import _event, _person
from tests.domain.test_events import town as town_fixture

town = town_fixture  # a district with a pool (a fixture)


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


def _cells(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def test_followup_shows_the_lists_and_enter_opens_the_citizen(admin, town, make_app):
    quiet = _person(admin, town, 1, "Stille Svend")  # a card from 05-01-2026, no clip since
    busy = _person(admin, town, 2, "Aktiv Anna")
    punch(admin, busy, 1, "Kaffe")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(app, pilot)
        dashboard = str(app.screen.query_one("#dashboard-status", Static).render())
        assert "1 åbent kort uden klip i 6 uger — se Opfølgning (w)." in dashboard
        await pilot.press("w")
        await _settle(app, pilot)
        assert app.current_mode == "opfoelgning"
        status = str(app.screen.query_one("#followup-status", Static).render())
        assert "stille: 6 uger" in status and "Bagud: Hedensted" in status
        districts = app.screen.query_one("#fu-districts-table", DataTable)
        assert _cells(districts, 0) == ["Hedensted"] and "bagud" in _cells(districts, 7)[0]
        tabs = app.screen.query_one("#followup-tabs", TabbedContent)
        assert str(tabs.get_tab("fu-idle").label) == "Stille kort (1)"
        await pilot.press("2")
        await pilot.pause()
        idle = app.screen.query_one("#fu-idle-table", DataTable)
        assert _cells(idle, 1) == ["Stille Svend"] and "XXXX" in _cells(idle, 2)[0]
        await pilot.press("plus")  # seven weeks: still Svend only
        await _settle(app, pilot)
        assert "stille: 7 uger" in str(app.screen.query_one("#followup-status", Static).render())
        await pilot.press("enter")
        await _settle(app, pilot)
        assert type(app.screen).__name__ == "CitizenDetailScreen" and app.screen.citizen_id == quiet.id


async def test_the_idle_weeks_setting_from_the_screen(admin, town, make_app):
    _person(admin, town, 1, "Stille Svend")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await _settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        answer = app.screen.query_one("#answer")
        answer.value = "10"
        await pilot.press("enter")
        await _settle(app, pilot)
        await _settle(app, pilot)
        assert "stille: 10 uger" in str(app.screen.query_one("#followup-status", Static).render())
    from models.settings import get_setting

    assert get_setting("followup.idle_weeks") == 10


async def test_a_therapist_cannot_open_followup(admin, town, make_app, me):
    Staff.update(role="terapeut").where(Staff.login == me).execute()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("w")
        await _settle(app, pilot)
        assert app.current_mode != "opfoelgning"


async def test_pausing_says_which_outings_were_cancelled_and_who_moved_up(admin, town, make_app):
    karen = _person(admin, town, 1, "Karen Jensen")
    ove = _person(admin, town, 2, "Ove Hansen")
    event = _event(admin, seats=1, day="03-12-2026", title="Bilka Vejle")
    sign_up(admin, event, karen)
    sign_up(admin, event, ove)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        await pilot.press("t")
        await _settle(app, pilot)
        table = app.screen.query_one("#reassess-table", DataTable)
        table.move_cursor(row=_cells(table, 0).index("Karen Jensen"))
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PauseDialog)
        await pilot.press(*"ferie", "enter", *"31-12-2025", "enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, PauseDialog)  # refused at the field: nothing written
        assert "før dens første" in str(app.screen.query_one("#pause-until-message", Static).render())
        assert Citizen.get_by_id(karen.id).state == "active"
        app.screen.query_one("#pause-until").value = "10-12-2026"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog)
        body = str(app.screen.query_one(".dialog-body", Static).render())
        assert "Afmeldt 1 fællestur (Bilka Vejle 03-12-2026); Ove Hansen rykket op." in body
    assert Citizen.get_by_id(karen.id).state == "paused"
    assert Signup.get((Signup.event == event) & (Signup.citizen == ove)).status == "signed_up"


def test_a_closed_agreement_says_so_where_agreements_are_listed(admin, town):
    from models.agreements import agreements_of, create_agreement
    from models.reassessment import reassess
    from screens.widgets import fmt_validity

    karen = _person(admin, town, 1, "Karen Jensen")
    create_agreement(admin, karen, 14, "Hospitalsbesøg")
    [line] = agreements_of(karen.id)
    assert fmt_validity(line) == "20-11-2026 – "
    reassess(admin, karen, decision="end", end_reason="flyttet")
    [line] = agreements_of(karen.id)
    assert fmt_validity(line) == "20-11-2026 – (lukket 20-11-2026)" and not line.valid_on(line.valid_from)


# flows (issue #15): one week is "1 uge", not "1 uger"
async def test_one_week_is_said_in_the_singular(admin, town, make_app):
    _person(admin, town, 1, "Stille Svend")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("w")
        await _settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#answer").value = "1"
        await pilot.press("enter")
        await _settle(app, pilot)
        await _settle(app, pilot)
        status = str(app.screen.query_one("#followup-status", Static).render())
        assert "stille: 1 uge ·" in status
