"""Pilot tests of Fællesture and Katalog: sign up, afbud, attendance, forms, the list; snapshots."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static

from models.entities import (
    AccessLog,
    Card,
    CatalogueItem,
    Citizen,
    Event,
    Punch,
    Signup,
)
from models.events import create_events


def _participants(n: int, min_left: int = 2) -> list[Citizen]:
    """Active demo participants whose open card has at least ``min_left`` clips."""
    cards = (Card.select().join(Citizen)
             .where((Card.status == "open") & (Citizen.state == "active") & (Card.clips - Card.used >= min_left))
             .order_by(Card.number).limit(n))
    return [Citizen.get_by_id(c.citizen_id) for c in cards]


def _card_number(citizen: Citizen) -> str:
    return str(Card.get((Card.citizen == citizen) & (Card.status == "open")).number)


async def _settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _type(pilot, text: str):
    await pilot.press(*[{" ": "space", "-": "minus"}.get(ch, ch) for ch in text])


@pytest.fixture
def outing(demo, admin, frozen_day):
    """An outing today with two seats and two clips each (coming first in the overview)."""
    [event] = create_events(admin, title="Tur til vandet", day=frozen_day, time="08:00", seats=2,
                            clips_per_participant=2, meeting_place="Ved kirken", transport_cost_dkk=600)
    return event


async def test_sign_up_afbud_and_attendance_from_the_keyboard(outing, make_app):
    first, second, third = _participants(3)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        coming = app.screen.query_one("#coming", DataTable)
        assert str(coming.get_row_at(0)[1]) == "Tur til vandet"
        await pilot.press("enter")
        await _settle(pilot)
        assert type(app.screen).__name__ == "SignupScreen"
        for person in (first, second, third):
            app.screen.query_one("#search", Input).value = ""
            app.screen.query_one("#search", Input).focus()
            await _type(pilot, _card_number(person))
            await _settle(pilot)  # the matches come as you type, the first highlighted
            await pilot.press("enter")  # one Enter signs up the highlighted match
            await _settle(pilot)
        statuses = {s.citizen_id: s.status for s in Signup.select().where(Signup.event == outing)}
        assert statuses == {first.id: "signed_up", second.id: "signed_up", third.id: "waitlisted"}
        head = str(app.screen.query_one("#signup-head", Static).render())
        assert "Pladser 2/2" in head and "venteliste 1" in head

        # afbud for the first: the waitlisted third moves up
        signups = app.screen.query_one("#signups", DataTable)
        signups.focus()
        signups.move_cursor(row=0)
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("j")
        await _settle(pilot)
        statuses = {s.citizen_id: s.status for s in Signup.select().where(Signup.event == outing)}
        assert statuses == {first.id: "cancelled", second.id: "signed_up", third.id: "signed_up"}

        # attendance: second deltog, third udeblev; confirm punches the second's card only
        await pilot.press("f12")
        await _settle(pilot)
        await pilot.press("x")
        await _settle(pilot)
        assert type(app.screen).__name__ == "AttendanceScreen"
        before = Card.get((Card.citizen == second) & (Card.status == "open")).used
        await pilot.press("d")
        await _settle(pilot)
        await pilot.press("u")
        await _settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await _settle(pilot)
        event = Event.get_by_id(outing.id)
        assert event.status == "held" and event.held_on == dt.date(2026, 11, 20)
        [entry] = Punch.select().where(Punch.event == event)
        assert entry.citizen_id == second.id and entry.clips == 2
        assert Card.get_by_id(entry.card_id).used == before + 2
        assert "Fremmødet er bekræftet" in str(app.screen.query_one("#attendance-status", Static).render())


async def test_refused_confirmation_names_the_participant_and_writes_nothing(outing, make_app, admin):
    from models.cards import punch
    from models.events import mark_all, sign_up

    rich, poor = _participants(2, min_left=3)
    sign_up(admin, outing.id, rich.id)
    sign_up(admin, outing.id, poor.id)
    card = Card.get((Card.citizen == poor) & (Card.status == "open"))
    punch(admin, poor, card.clips - card.used - 1, "Frisør")  # one clip left, the outing needs two
    mark_all(admin, outing.id, "attended")
    punches = Punch.select().count()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        await pilot.press("x")
        await _settle(pilot)
        table = app.screen.query_one("#attendance-table", DataTable)
        rows = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[4]) for i in range(table.row_count)}
        assert rows[poor.name] == "har kun 1 klip tilbage (skal bruge 2)" and rows[rich.name] == ""
        await pilot.press("ctrl+s")  # refused at once: no question, nothing written
        await _settle(pilot)
        assert Punch.select().count() == punches
        assert Event.get_by_id(outing.id).status == "planned"
        status = str(app.screen.query_one("#attendance-status", Static).render())
        assert poor.name in status
        # fewer clips for that person (1), then confirm
        table.move_cursor(row=[str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(poor.name))
        await pilot.press("minus")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = "1"
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("j")
        await _settle(pilot)
        assert Event.get_by_id(outing.id).status == "held"
        assert sorted(p.clips for p in Punch.select().where(Punch.event == outing)) == [1, 2]


async def test_a_leader_signs_up_a_non_participant_with_a_reason(outing, make_app):
    outsider = Citizen.select().where(Citizen.state == "not_eligible").order_by(Citizen.id).first()
    app = make_app()  # the test user is admin, who may make the exception
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        await pilot.press("t")
        await _settle(pilot)
        await _type(pilot, outsider.cpr)
        await pilot.press("enter")  # before the match has come: it is signed up when it comes (one match)
        await _settle(pilot)
        assert type(app.screen).__name__ == "AskDialog"
        await pilot.press("enter")  # no reason: the message stays at the field
        await pilot.pause()
        assert type(app.screen).__name__ == "AskDialog"
        await _type(pilot, "prøvetur")
        await pilot.press("enter")
        await _settle(pilot)
        signup = Signup.get((Signup.event == outing) & (Signup.citizen == outsider))
        assert signup.override_reason == "prøvetur"


async def test_new_event_form_shows_errors_at_the_field_and_repeats_monthly(demo, make_app):
    app = make_app()
    count = Event.select().count()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert type(form).__name__ == "EventForm"
        for name, value in (("title", "Café"), ("day", "31-02-2027"), ("time", "12:00"), ("seats", "20"),
                            ("repeat_months", "3")):
            form.query_one(f"#{name}", Input).value = value
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = form.query_one("#day-message", Static)
        assert error.display and "findes ikke" in str(error.render())
        assert app.focused is form.query_one("#day", Input)
        assert Event.select().count() == count
        form.query_one("#day", Input).value = "31-01-2027"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert type(app.screen).__name__ == "EventsScreen"
        cafes = list(Event.select().where(Event.title == "Café").order_by(Event.starts_at))
        assert [e.starts_at.date() for e in cafes] == [dt.date(2027, 1, 31), dt.date(2027, 2, 28),
                                                        dt.date(2027, 3, 31)]
        assert all(e.clips_per_participant is None for e in cafes)


async def test_participant_list_on_screen_and_saved_as_xlsx(outing, make_app, admin, tmp_path):
    from models.events import sign_up

    first, second = _participants(2)
    sign_up(admin, outing.id, first.id)
    sign_up(admin, outing.id, second.id)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        await pilot.press("l")
        await _settle(pilot)
        table = app.screen.query_one("#participants-table", DataTable)
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == [first.name, second.name]
        status = str(app.screen.query_one("#participants-status", Static).render())
        assert status.startswith("2 deltagere med plads.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = str(tmp_path)
        await pilot.press("enter")
        await _settle(pilot)
        assert (tmp_path / f"deltagerliste-{outing.id}-2026-11-20.xlsx").exists()
        assert AccessLog.select().where(AccessLog.action == "export").count() == 1

        # flows (issue #15): saving again onto the same file asks first
        from screens.dialogs import ConfirmDialog

        saved = tmp_path / f"deltagerliste-{outing.id}-2026-11-20.xlsx"
        saved.write_bytes(b"old")
        for answer in ("n", "j"):
            await pilot.press("ctrl+s")
            await pilot.pause()
            app.screen.query_one("#answer", Input).value = str(tmp_path)
            await pilot.press("enter")
            await _settle(pilot)
            assert isinstance(app.screen, ConfirmDialog) and str(saved) in app.screen.body
            await pilot.press(answer)
            await _settle(pilot)
            assert (saved.read_bytes() == b"old") == (answer == "n")  # "n": nothing written
        assert saved.read_bytes()[:2] == b"PK"  # a workbook now
        assert AccessLog.select().where(AccessLog.action == "export").count() == 2


async def test_catalogue_screen_promotes_an_idea_and_toggles_an_offer(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("c")
        await _settle(pilot)
        ideas = app.screen.query_one("#ideas", DataTable)
        idea = str(ideas.get_row_at(0)[0])
        ideas.focus()
        await pilot.press("plus")
        await _settle(pilot)
        item = CatalogueItem.get(CatalogueItem.name == idea)
        assert item.category == "andet" and item.active
        assert idea not in [str(ideas.get_row_at(i)[0]) for i in range(ideas.row_count)]
        offers = app.screen.query_one("#offers", DataTable)
        offers.focus()
        assert str(offers.get_row_at(offers.cursor_row)[0]) == idea  # the new offer is selected
        await pilot.press("t")
        await _settle(pilot)
        assert not CatalogueItem.get_by_id(item.id).active
        # a new offer through the form; a duplicate name is refused at the field
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "Banko"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "allerede" in str(app.screen.query_one("#name-message", Static).render())
        app.screen.query_one("#name", Input).value = "Havetur"
        app.screen.query_one("#suggested_clips", Input).value = "3"
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert CatalogueItem.get(CatalogueItem.name == "Havetur").suggested_clips == 3


async def test_outing_screens_open_at_80x24(outing, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        for key, name in (("t", "SignupScreen"), ("x", "AttendanceScreen"), ("l", "ParticipantListScreen")):
            await pilot.press(key)
            await _settle(pilot)
            assert type(app.screen).__name__ == name
            await pilot.press("f12")
            await _settle(pilot)
            assert type(app.screen).__name__ == "EventsScreen"


def test_events_overview_snapshot(demo, make_app, snap_compare):
    async def open_events(pilot):
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=open_events)


def test_events_overview_snapshot_80x24(demo, make_app, snap_compare):
    async def open_events(pilot):
        await _settle(pilot)
        await pilot.press("f10")
        await _settle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_events)


# flows (issue #15): one Enter signs up the highlighted match; the search is logged once, not per key
async def test_sign_up_takes_one_enter_on_the_highlighted_match(outing, make_app):
    from models.search import search_citizens

    active = (Citizen.select().where(Citizen.state == "active").order_by(Citizen.id))
    first_names: dict[str, list] = {}
    for c in active:
        first_names.setdefault(c.name.split()[0], []).append(c)
    word = next(w for w, people in first_names.items() if len(people) >= 2)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        await pilot.press("f")
        await _settle(pilot)
        await pilot.press("t")
        await _settle(pilot)
        logged = AccessLog.select().where(AccessLog.purpose == "fællestur").count()
        await _type(pilot, word)
        await _settle(pilot)
        assert AccessLog.select().where(AccessLog.purpose == "fællestur").count() == logged  # not per keystroke
        hits = app.screen.hits
        assert len(hits) >= 2 and app.screen.focused is app.screen.query_one("#search", Input)
        assert [h.id for h in hits] == [h.id for h in app.screen.hits]
        await pilot.press("down")  # the highlight moves from the field
        assert app.screen.query_one("#hits", DataTable).cursor_row == 1
        await pilot.press("enter")
        await _settle(pilot)
        [signup] = Signup.select().where(Signup.event == outing)
        assert signup.citizen_id == hits[1].id
        row = AccessLog.select().where(AccessLog.purpose == "fællestur").order_by(AccessLog.id.desc()).first()
        assert row.criterion == word and row.citizen_id == hits[1].id
        assert app.screen.query_one("#search", Input).value == ""  # ready for the next one
    assert search_citizens(word)  # the word really searches


# flows (issue #15): a coming outing's attendance says when it opens, before anything is marked
async def test_attendance_of_a_coming_outing_says_so_when_opened(demo, admin, frozen_day, make_app):
    from models.events import sign_up
    from screens.dialogs import ConfirmDialog
    from screens.event_attendance import AttendanceScreen

    [coming] = create_events(admin, title="Tur om en uge", day=frozen_day + dt.timedelta(days=7), time="08:00",
                             seats=2, clips_per_participant=2, meeting_place="Ved kirken")
    [person] = _participants(1)
    sign_up(admin, coming.id, person.id)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await _settle(pilot)
        app.push_screen(AttendanceScreen(coming.id))
        await _settle(pilot)
        status = str(app.screen.query_one("#attendance-status", Static).render())
        assert status.startswith("Turen er først 27-11-2026; fremmødet bekræftes på dagen eller senere.")
        assert app.screen.query_one("#confirm").disabled
        await pilot.press("d")  # marking ahead is allowed
        await _settle(pilot)
        await pilot.press("ctrl+s")  # no question first: it says why at once
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)
    assert Event.get_by_id(coming.id).status == "planned"
    assert Signup.get(Signup.event == coming).attendance == "attended"
