"""Pilot tests of the Borgere screen, the citizen's page and the Aftaler screen."""
from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from cirkel_tui.app import CirkelApp
from models.entities import AccessLog, Agreement, Card, Citizen, Punch, Staff
from screens.agreements import AgreementDialog, AgreementsScreen
from screens.citizens import CitizenDetailScreen, CitizensScreen
from screens.reversal import ReversalDialog


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


def a_participant_with_punches() -> tuple[Citizen, Card]:
    card = (Card.select().join(Citizen, on=(Card.citizen == Citizen.id))
            .where((Card.status == "open") & (Citizen.state == "active") & (Card.used >= 2) & (Card.used <= 8))
            .order_by(Card.id).first())
    return Citizen.get_by_id(card.citizen_id), card


async def test_search_open_and_see_the_card_and_punches(demo, make_app, monkeypatch):
    import models.search

    monkeypatch.setattr(models.search, "SETTLE_SECONDS", 60)  # no pause here (issue #12 tests the pause)
    citizen, card = a_participant_with_punches()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        assert isinstance(app.screen, CitizensScreen)
        await pilot.press(*citizen.name)
        await settle(app, pilot)
        table = app.screen.query_one("#citizens-table", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert citizen.name in names
        assert AccessLog.select().where(AccessLog.action == "search").count() == 0  # not per keystroke
        for _ in range(names.index(citizen.name)):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenDetailScreen)
        card_line = str(app.screen.query_one("#cd-card", Static).render())
        assert f"Kort {card.number}" in card_line and "■ " * card.used + "□" in card_line
        assert f"{10 - card.used} af 10 klip tilbage" in card_line
        punches = app.screen.query_one("#cd-punches", DataTable)
        assert punches.row_count == Punch.select().where(Punch.citizen == citizen).count()
        assert str(punches.get_row_at(0)[4])  # who registered it
    opened = AccessLog.get(AccessLog.action == "open_citizen")
    assert opened.citizen_id == citizen.id and opened.actor_id == app.actor_id
    search = AccessLog.get(AccessLog.action == "search")
    assert (search.criterion, search.citizen_id) == (citizen.name, citizen.id)


async def test_u_on_a_punch_in_the_list_reverses_it(demo, make_app):
    citizen, card = a_participant_with_punches()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(CitizenDetailScreen(citizen.id))
        await settle(app, pilot)
        punches = app.screen.query_one("#cd-punches", DataTable)
        first_id = punches.coordinate_to_cell_key(punches.cursor_coordinate).row_key.value
        clips = Punch.get_by_id(first_id).clips
        await pilot.press("u")
        assert isinstance(app.screen, ReversalDialog)
        await pilot.press(*"forkert borger", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenDetailScreen)
        await settle(app, pilot)
        assert f"{10 - card.used + clips} af 10 klip tilbage" in str(app.screen.query_one("#cd-card", Static).render())
        assert "modpost: forkert borger" in [str(c) for c in punches.get_row_at(0)]
    assert Card.get_by_id(card.id).used == card.used - clips
    assert Punch.get(Punch.reverses == first_id).reason == "forkert borger"


async def test_n_on_the_citizen_opens_the_dialog_with_the_citizen_picked(demo, make_app):
    citizen, card = a_participant_with_punches()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(CitizenDetailScreen(citizen.id))
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen.query_one("#qp-clips", Input).has_focus
        await pilot.press("1", "enter", *"Kaffe", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenDetailScreen)
    assert Card.get_by_id(card.id).used == card.used + 1


async def test_a_leader_adds_an_agreement_on_the_agreements_screen(demo, db_path):
    citizen, card = a_participant_with_punches()
    leader = Staff.get(Staff.login == "mette")
    app = CirkelApp(actor_id=leader.id, db_path=db_path)
    before = Agreement.select().count()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AgreementsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == before
        await pilot.press("n")
        assert isinstance(app.screen, AgreementDialog)
        clips = app.screen.query_one("#ag-clips", Input)  # flows (issue #15): its placeholder is seen whole
        await pilot.pause()
        assert len(clips.placeholder) < clips.content_region.width
        await pilot.press(*str(card.number), "enter", "1", "2", "enter", *"Hospitalsophold", "enter", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AgreementsScreen)
        await settle(app, pilot)
        assert table.row_count == before + 1
    agreement = Agreement.select().order_by(Agreement.id.desc()).first()
    assert (agreement.citizen_id, agreement.clips, agreement.approved_by_id) == (citizen.id, 12, leader.id)


async def test_an_agreement_of_ten_is_refused_beside_the_clips_field(demo, db_path):
    _citizen, card = a_participant_with_punches()
    app = CirkelApp(actor_id=Staff.get(Staff.login == "mette").id, db_path=db_path)
    before = Agreement.select().count()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a", "n", *str(card.number), "enter", "1", "0", "enter", *"Tur", "enter", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AgreementDialog)
        assert "mere end 10" in str(app.screen.query_one("#ag-clips-msg", Static).render())
    assert Agreement.select().count() == before


async def test_a_therapist_cannot_open_the_agreements_screen(demo, db_path):
    app = CirkelApp(actor_id=Staff.get(Staff.login == "anne").id, db_path=db_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, AgreementsScreen)
        assert any("Kun leder" in n.message for n in app._notifications)


# flows (issue #15): g refreshes, a punch made elsewhere appears, the outcomes and the tabs' keys are shown
async def test_the_citizen_page_follows_punches_made_elsewhere_and_shows_the_outcomes(demo, make_app, monkeypatch):
    import screens.citizens
    from models.cards import punch
    from models.entities import Measurement
    from models.inputs import format_date

    monkeypatch.setattr(screens.citizens, "CHANGE_CHECK_SECONDS", 0.2)
    citizen, card = a_participant_with_punches()
    measures = list(Measurement.select().where(Measurement.citizen == citizen).order_by(Measurement.measured_on))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CitizenDetailScreen(citizen.id))
        await settle(app, pilot)
        outcomes = str(app.screen.query_one("#cd-outcomes", Static).render())
        first = next(m for m in measures if m.kind == "baseline")
        assert outcomes.startswith(f"WHO-5 {first.who5_score}") and f"målt {format_date(first.measured_on)}" in outcomes
        assert f"UCLA-3 {first.ucla_score}" in outcomes and f"netværk {first.network_size}" in outcomes
        if measures[-1].kind == "followup":
            assert f"→ {measures[-1].who5_score}" in outcomes
        assert "1 Klip · 2 Kort" in str(app.screen.query_one("#cd-tabs-hint", Static).render())
        punches = app.screen.query_one("#cd-punches", DataTable)
        rows = punches.row_count
        punch(app.actor, citizen, 1, "Frisør")  # as if from another terminal
        for _ in range(40):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if punches.row_count > rows:
                break
        assert punches.row_count == rows + 1
        assert f"{10 - card.used - 1} af 10 klip tilbage" in str(app.screen.query_one("#cd-card", Static).render())
        await pilot.press("2")
        assert app.screen.query_one("#cd-tabs").active == "cd-tab-cards"
        assert app.focused is app.screen.query_one("#cd-cards", DataTable)
        await pilot.press("4", "1")
        assert app.screen.query_one("#cd-tabs").active == "cd-tab-punches"
        Punch.update(activity="Frisør og fodpleje").where(
            Punch.id == punches.coordinate_to_cell_key((0, 0)).row_key.value).execute()
        await pilot.press("g")  # refreshes like every other screen (the change mark counts, it sees no edit)
        await settle(app, pilot)
        assert "Frisør og fodpleje" in [str(punches.get_row_at(i)[3]) for i in range(punches.row_count)]


# flows (issue #15): "1 aftale", not "1 aftaler"
async def test_one_agreement_is_said_in_the_singular(admin, frozen_day, make_app):
    from models.admission import admit
    from models.agreements import create_agreement
    from tests.intake_helpers import district_with_pool, screen

    district = district_with_pool(admin, capacity=2, extra_clips=20)
    citizen = admit(admin, screen(admin, district, 0).citizen).citizen
    create_agreement(admin, citizen, 14, "Hospitalsophold")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AgreementsScreen)
        status = str(app.screen.query_one("#agreements-status", Static).render())
        assert status.startswith("1 aftale, 1 gælder i dag")
