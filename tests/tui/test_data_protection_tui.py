"""Issue #12 in the TUI (Pilot): need-to-know, settled searches, and an access row for every
screen that shows a citizen; the Log, Logopfølgning and Medarbejdere screens."""
from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from models.entities import AccessLog, Card, Citizen, District, LogReview, Staff, StaffDistrict
from screens.citizens import CitizenDetailScreen
from screens.forms import AskDialog


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


def as_terapeut_of(login: str, district: str) -> None:
    me = Staff.get(Staff.login == login)
    d = District.get(District.name == district)
    Staff.update(role="terapeut", district=d).where(Staff.id == me.id).execute()
    StaffDistrict.create(staff=me, district=d)


def citizen_in(district: str) -> Citizen:
    return (Citizen.select().join(District, on=(Citizen.district == District.id))
            .switch(Citizen).join(Card, on=(Card.citizen == Citizen.id))
            .where((District.name == district) & (Citizen.state == "active") & (Card.status == "open")
                   & (Card.used < 9)).first())


async def test_a_terapeut_opens_another_districts_citizen_only_with_a_logged_reason(demo, make_app, me):
    as_terapeut_of(me, "Hedensted")
    other = citizen_in("Tørring")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await pilot.press(*other.cpr)
        await settle(app, pilot)
        table = app.screen.query_one("#citizens-table", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:4] == [other.name, other.cpr[:6] + "-XXXX", "Tørring", "andet distrikt"]
        assert row[4:] == ["", ""]  # no card, no clips: nothing more is shown
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AskDialog)
        assert not AccessLog.select().where(AccessLog.action == "open_citizen").exists()
        await pilot.press(*"Vikar for Sofie", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenDetailScreen)
        row = AccessLog.get(AccessLog.action == "open_citizen")
        assert row.citizen_id == other.id and "Vikar for Sofie" in row.criterion


async def test_quick_punch_for_another_district_asks_for_a_reason(demo, make_app, me):
    as_terapeut_of(me, "Hedensted")
    other = citizen_in("Tørring")
    card = Card.get((Card.citizen == other.id) & (Card.status == "open"))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await pilot.press(*str(card.number), "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"Vikar", "enter")
        await settle(app, pilot)
        await pilot.press("1", "enter", *"Kaffe", "enter")
        await settle(app, pilot)
    assert Card.get_by_id(card.id).used == card.used + 1
    assert AccessLog.select().where((AccessLog.citizen == other.id) & AccessLog.criterion.contains("Vikar")
                                    & (AccessLog.purpose == "klipregistrering")).exists()


async def test_a_search_is_logged_once_it_settles_not_per_keystroke(demo, make_app, monkeypatch):
    import models.search

    monkeypatch.setattr(models.search, "SETTLE_SECONDS", 0.2)
    citizen = Citizen.select().where(Citizen.state == "active").first()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        app.screen.query_one("#citizens-input", Input).value = citizen.cpr  # pasted: one search
        await settle(app, pilot)
        for _ in range(30):  # the pause: the timer fires, its row is written by a worker
            await pilot.pause(0.1)
            await settle(app, pilot)
            if AccessLog.select().where(AccessLog.action == "search").exists():
                break
        rows = list(AccessLog.select().where(AccessLog.action == "search"))
        assert len(rows) == 1 and rows[0].criterion == citizen.cpr and rows[0].citizen_id == citizen.id, [
            (r.criterion, r.citizen_id, r.at) for r in rows]
        assert rows[0].purpose == "borgeropslag"


@pytest.mark.parametrize("key, purpose", [("v", "venteliste"), ("r", "revurdering"), ("m", "resultater")])
async def test_every_list_screen_that_shows_citizens_writes_an_access_row(demo, make_app, key, purpose):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(key)
        await settle(app, pilot)
        await pilot.pause(0.2)
        await settle(app, pilot)
    assert AccessLog.select().where(AccessLog.purpose == purpose).exists()


async def test_citizen_page_open_and_insight_are_logged(demo, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    citizen = Citizen.select().where(Citizen.state == "active").first()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(CitizenDetailScreen(citizen.id))
        await settle(app, pilot)
        await pilot.press("I")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
    assert AccessLog.select().where((AccessLog.citizen == citizen.id) & (AccessLog.action == "open_citizen")).exists()
    assert AccessLog.select().where((AccessLog.citizen == citizen.id) & (AccessLog.action == "insight")).exists()
    assert list(tmp_path.glob("indsigt-*.xlsx"))


async def test_log_screen_pages_and_review_screen_marks_a_sample(demo, make_app):
    from models.citizen_view import open_citizen_detail

    admin = Staff.get(Staff.role == "admin")
    citizen = Citizen.select().first()
    for _ in range(120):
        open_citizen_detail(admin, citizen.id)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("L")
        await settle(app, pilot)
        table = app.screen.query_one("#log-table", DataTable)
        assert table.row_count == 100
        assert str(table.get_row_at(0)[2]).startswith(citizen.cpr[:6] + "-XXXX")
        await pilot.press("n")
        await settle(app, pilot)
        assert table.row_count > 100
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("n")  # draw a sample
        await settle(app, pilot)
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
    assert LogReview.select().where(LogReview.verdict == "ok").count() == 1


async def test_staff_screen_admin_changes_a_language(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("M")
        await settle(app, pilot)
        table = app.screen.query_one("#staff-table", DataTable)
        logins = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        for _ in range(logins.index("anne")):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
        field = app.screen.query_one("#sd-language", Input)
        field.value = "en"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
    assert Staff.get(Staff.login == "anne").language == "en"
