"""The first run in the TUI (issue #15, item 5): on a database just made by `cirkel init` the
dashboard walks the admin through districts → budget → staff → first screening."""
from __future__ import annotations

from textual.widgets import Input

from screens.first_steps import FirstSteps


async def _settled(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


def _text(app) -> str:
    return str(app.screen.query_one(FirstSteps).render())


async def test_an_empty_database_points_the_admin_to_districts_then_hides_when_all_is_done(admin, make_app,
                                                                                          frozen_day):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        steps = app.screen.query_one(FirstSteps)
        assert steps.display
        text = _text(app)
        assert "Kom i gang — 0 af 4 trin klaret" in text
        assert "[>] 1. Distrikter" in text and "tryk d, derefter n" in text
        assert "tryk p / F9, derefter u" in text and "tryk M, derefter n" in text and "tryk s / F6" in text
        await pilot.press("d")
        await _settled(app, pilot)
        assert app.current_mode == "distrikter"
        await pilot.press("n")  # the key the checklist named opens the new district's form
        await _settled(app, pilot)
        assert app.screen.query("Input")

    from models.budget import add_district, set_budget
    from models.staff import add_staff

    add_district(admin, "Hedensted", 212)
    set_budget(admin, frozen_day.year, 1_200_000, 187, 60_000)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        text = _text(app)
        assert "[x] 1. Distrikter" in text and "[x] 2. Budget 2026" in text and "[>] 3. Medarbejdere" in text
        add_staff(admin, "daemon", "Tea Terapeut", "terapeut", "Hedensted")
        from models.entities import District
        from tests.intake_helpers import screen

        screen(admin, District.get(District.name == "Hedensted"), 0)
        await pilot.press("g")  # the dashboard's refresh reads the checklist again
        await _settled(app, pilot)
        assert not app.screen.query_one(FirstSteps).display


async def test_a_therapist_sees_what_they_can_do_and_whom_to_ask(admin, make_app, me, frozen_day):
    from models.staff import add_staff, set_staff

    add_staff(admin, "daemon", "Anna Admin", "admin")
    set_staff(admin, me, role="terapeut", name="Tea Terapeut")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settled(app, pilot)
        text = _text(app)
    assert "1. Distrikter" in text and "bed en administrator (Anna Admin)" in text
    assert "bed en leder eller en administrator (Anna Admin)" in text  # the budget
    assert "4. Første screening" in text and "tryk s" in text  # what a therapist can do
    assert "tryk d" not in text


async def test_the_admin_adds_staff_on_medarbejdere_with_n(admin, make_app):
    from models.budget import add_district
    from models.entities import Staff

    add_district(admin, "Hedensted", 212)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settled(app, pilot)
        await pilot.press("M")
        await _settled(app, pilot)
        await pilot.press("n")
        await _settled(app, pilot)
        app.screen.query_one("#sd-login", Input).value = "nosuchlogin"
        app.screen.query_one("#sd-name", Input).value = "Tea Terapeut"
        app.screen.query_one("#sd-districts", Input).value = "Hedensted"
        await pilot.press("ctrl+s")
        await _settled(app, pilot)
        assert "ikke en brugerkonto" in str(app.screen.query_one("#sd-login-msg").render())  # at its field
        assert not Staff.select().where(Staff.name == "Tea Terapeut").exists()
        app.screen.query_one("#sd-login", Input).value = "daemon"
        await pilot.press("ctrl+s")
        await _settled(app, pilot)
    staff = Staff.get(Staff.login == "daemon")
    assert (staff.name, staff.role, staff.district.name) == ("Tea Terapeut", "terapeut", "Hedensted")
