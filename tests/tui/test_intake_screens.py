"""Pilot tests of the intake screens' main paths: screening, waitlist, reassessment, outcomes."""
from __future__ import annotations

import pytest
from textual.widgets import Checkbox, DataTable, Input, RadioButton, Select, Static

from models.admission import admit
from models.cards import punch
from models.entities import Card, Citizen, Measurement, Screening
from models.reassessment import reassess
from screens.dialogs import ConfirmDialog
from screens.forms import AskDialog
from screens.intake_widgets import InfoDialog
from screens.pause_dialog import PauseDialog
from tests.intake_helpers import CPRS, district_with_pool, screen


async def _settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _searched(app, pilot):
    """Until a search typed has been read (it is read once typing pauses)."""
    await pilot.pause(0.3)
    await _settle(app, pilot)


async def _type(pilot, app, selector: str, text: str):
    app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*text)


def _static(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def _fill_outcomes(app, prefix: str, network: str, who5: list[int], ucla: list[int]):
    app.screen.query_one(f"#{prefix}-network", Input).value = network
    for i, v in enumerate(who5):
        app.screen.query_one(f"#{prefix}-who5-{i}", Select).value = v
    for i, v in enumerate(ucla):
        app.screen.query_one(f"#{prefix}-ucla-{i}", Select).value = v


@pytest.fixture
def small_district(admin, frozen_day):
    return district_with_pool(admin, capacity=1)


async def test_screening_a_new_citizen_shows_the_result_live_and_admits(small_district, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        assert app.current_mode == "screening"
        await _type(pilot, app, "#cpr", "010145-1235")
        await _settle(app, pilot)
        assert "Ny borger" in _static(app, "#cpr-info")
        await _type(pilot, app, "#name", "Karen Jensen")
        await _type(pilot, app, "#address", "Østergade 4")
        await _type(pilot, app, "#phone", "75123456")
        assert app.screen.query_one("#district", Select).value is Select.NULL  # admin has no district
        app.screen.query_one("#district", Select).value = "Hedensted"
        # the criteria one by one: the result follows live
        for key in ("receives_home_help", "lives_alone", "hard_to_get_out"):
            app.screen.query_one(f"#{key}", Checkbox).focus()
            await pilot.press("space")
        await pilot.pause()
        assert "mangler: har et begrænset netværk" in _static(app, "#criteria-result")
        app.screen.query_one("#limited_network", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert _static(app, "#criteria-result") == "Resultat: i målgruppen"
        app.screen.query_one("#wants", Checkbox).value = True
        await _type(pilot, app, "#provider", "Plejegruppen Øst")
        _fill_outcomes(app, "baseline", "1", [1, 1, 1, 2, 2], [3, 3, 2])
        await pilot.pause()
        assert "WHO-5: 28 af 100" in _static(app, "#baseline-who5-score")
        assert app.screen.query_one("#baseline-who5-score").has_class("flagged")
        assert "UCLA-3: 8" in _static(app, "#baseline-ucla-score")
        assert "WHO-5 28 ⚑" in _static(app, "#screening-result")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, InfoDialog)
        assert "nr. 1001" in app.screen.body and "Mulig depression" in app.screen.body
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Kort 1001 er udstedt" in app.screen.body  # issue 16
        await pilot.press("n")  # later: it waits under "Til udskrivning"
        await pilot.pause()
        assert app.screen.query_one("#cpr", Input).value == ""  # ready for the next citizen
    citizen = Citizen.get(Citizen.cpr == "0101451235")
    assert (citizen.name, citizen.state, citizen.phone) == ("Karen Jensen", "active", "75123456")
    assert Card.get().number == 1001
    assert Measurement.get().who5_score == 28
    assert Screening.get().provider == "Plejegruppen Øst"


async def test_invalid_cpr_is_refused_at_the_field_and_nothing_is_written(small_district, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        await _type(pilot, app, "#cpr", "320145-1234")
        await pilot.pause()
        assert "gyldig dato" in _static(app, "#cpr-message")
        app.screen.query_one("#cpr", Input).value = ""
        await _type(pilot, app, "#cpr", "0101a5")  # letters cannot even be typed
        assert app.screen.query_one("#cpr", Input).value == "01015"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "10 cifre" in _static(app, "#cpr-message")
        assert not isinstance(app.screen, InfoDialog)
    assert Citizen.select().count() == 0 and Screening.select().count() == 0


async def test_same_day_rescreening_is_refused_at_the_date(admin, small_district, make_app):
    screen(admin, small_district, 0, lives_alone=False)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        await _type(pilot, app, "#cpr", CPRS[0])
        await _settle(app, pilot)
        assert "Kendt borger · ikke i målgruppen" in _static(app, "#cpr-info")
        assert app.screen.query_one("#name", Input).value == "Borger 0"
        assert app.screen.query_one("#district", Select).value == "Hedensted"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "allerede screenet" in _static(app, "#date-message")
    assert Screening.select().count() == 1


async def test_waitlist_top_citizen_gets_the_free_place_with_one_key(admin, small_district, make_app,
                                                                    tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the TUI puts its PDFs
    first = screen(admin, small_district, 0).citizen
    admit(admin, first)
    waiting = screen(admin, small_district, 1).citizen
    admit(admin, waiting)
    reassess(admin, first, decision="end", end_reason="flyttet")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await _settle(app, pilot)
        assert app.current_mode == "venteliste"
        table = app.screen.query_one(DataTable)
        row = table.get_row_at(0)
        assert str(row[2]) == "Borger 1" and row[3] == f"{CPRS[1][:6]}-XXXX" and str(row[1]) == "plads ledig"
        assert "1 ledig plads" in _static(app, "#waitlist-status")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "nr. 1002" in app.screen.body
        await pilot.press("j")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog) and "nr. 1002" in app.screen.body
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog) and "Kort 1002 er udstedt" in app.screen.body  # issue 16
        await pilot.press("j")  # print it now
        await _settle(app, pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[2]) == "Ingen på ventelisten."
    assert Citizen.get_by_id(waiting.id).state == "active"
    assert Card.get(Card.number == 1002).print_state == "printed"
    assert [p.name.startswith("klippekort-") for p in tmp_path.glob("*.pdf")] == [True]


async def test_waitlist_without_a_place_refuses_and_a_leader_admits_with_a_reason(admin, small_district, make_app):
    admit(admin, screen(admin, small_district, 0).citizen)
    waiting = screen(admin, small_district, 1).citizen
    admit(admin, waiting)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f7")
        await _settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmDialog)  # no place: a warning, nothing asked
        assert Citizen.get_by_id(waiting.id).state == "waitlisted"
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        await pilot.press("enter")  # empty: refused at the field
        await pilot.pause()
        assert "begrundelse" in _static(app, "#answer-message")
        await pilot.press(*"Akut behov")
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog)
    assert Citizen.get_by_id(waiting.id).state == "active"


async def test_reassessment_of_a_used_up_card_gives_a_new_card(admin, small_district, make_app):
    citizen = screen(admin, small_district, 0).citizen
    admit(admin, citizen)
    punch(admin, citizen, 10, "Fællestur")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        assert app.current_mode == "revurdering"
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]) == "Borger 0" and str(table.get_cell_at((0, 2))) == "kort brugt op"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert "Kort nr. 1001 er brugt op" in _static(app, "#reassess-card")
        assert "Baseline" in _static(app, "#reassess-baseline") and "WHO-5 40" in _static(app, "#reassess-baseline")
        await pilot.press("ctrl+s")  # nothing filled in: refused
        await pilot.pause()
        assert Card.select().count() == 1
        _fill_outcomes(app, "followup", "3", [3, 3, 3, 3, 3], [2, 1, 1])
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog) and "nr. 1002" in app.screen.body
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog) and "Kort 1002 er udstedt" in app.screen.body  # issue 16
        await pilot.press("n")
        await _settle(app, pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[0]) == "Ingen skal revurderes lige nu."
    assert Card.get(Card.number == 1002).status == "open"


async def test_reassessment_can_end_with_a_reason_and_the_card_is_closed(admin, small_district, make_app):
    citizen = screen(admin, small_district, 0).citizen
    admit(admin, citizen)
    punch(admin, citizen, 4, "Frisør")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        await pilot.press("t")  # all participants: this one is not due
        await _settle(app, pilot)
        assert str(app.screen.query_one(DataTable).get_row_at(0)[0]) == "Borger 0"
        await pilot.press("enter")
        await _settle(app, pilot)
        app.screen.query_one("#end", RadioButton).value = True
        await pilot.pause()
        assert not app.screen.query_one("#end-reason", Select).disabled
        await pilot.press("ctrl+s")  # no reason chosen
        await pilot.pause()
        assert "årsag" in _static(app, "#end-reason-message")
        app.screen.query_one("#end-reason", Select).value = "mindre ensom"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog) and "6 klip går tilbage" in app.screen.body
    assert Citizen.get_by_id(citizen.id).state == "ended"
    assert Card.get().status == "closed"


async def test_pause_and_resume_from_the_reassessment_list(admin, small_district, make_app):
    citizen = screen(admin, small_district, 0).citizen
    admit(admin, citizen)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        await pilot.press("t")
        await _settle(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PauseDialog)
        await pilot.press(*"indlagt")
        await pilot.press("enter", "enter")  # to the (empty) last day, then save
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert Citizen.get_by_id(citizen.id).state == "paused"
        table = app.screen.query_one(DataTable)
        assert str(table.get_cell(table.coordinate_to_cell_key((0, 0)).row_key, "state")) == "pause"
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("j")
        await _settle(app, pilot)
    assert Citizen.get_by_id(citizen.id).state == "active"


async def test_outcomes_screen_shows_districts_total_and_citizens(demo, make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("m")
        await _settle(app, pilot)
        await _settle(app, pilot)
        assert app.current_mode == "resultater"
        table = app.screen.query_one("#outcome-districts", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == ["Hedensted", "Juelsminde", "Tørring", "I alt"]
        from models.results import district_outcomes, outcome_report

        citizens = app.screen.query_one("#outcome-citizens", DataTable)
        hedensted = outcome_report().districts[0]
        assert citizens.row_count == len(district_outcomes(None, hedensted.district_id)) > 0
        assert "XXXX" in str(citizens.get_row_at(0)[1])
        assert "→" in str(citizens.get_row_at(0)[3])
        assert "Hedensted" in _static(app, "#outcome-citizens-title")
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, InfoDialog)


async def test_eligible_and_willing_without_baseline_is_refused_in_the_form(small_district, make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        await _type(pilot, app, "#cpr", "010145-1235")
        await _settle(app, pilot)
        app.screen.query_one("#name", Input).value = "Karen Jensen"
        app.screen.query_one("#district", Select).value = "Hedensted"
        for key in ("receives_home_help", "lives_alone", "hard_to_get_out", "limited_network", "wants"):
            app.screen.query_one(f"#{key}", Checkbox).value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "baseline" in _static(app, "#baseline-network-message")
        assert app.focused.id == "baseline-network"
    assert Citizen.select().count() == 0


async def test_answers_outside_the_scales_cannot_be_entered(small_district, make_app):
    from textual.widgets._select import InvalidSelectValueError

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        who5 = app.screen.query_one("#baseline-who5-0", Select)
        ucla = app.screen.query_one("#baseline-ucla-0", Select)
        assert sorted(value for _label, value in who5._options if value is not Select.NULL) == [0, 1, 2, 3, 4, 5]
        assert sorted(value for _label, value in ucla._options if value is not Select.NULL) == [1, 2, 3]
        with pytest.raises(InvalidSelectValueError):
            who5.value = 6
        with pytest.raises(InvalidSelectValueError):
            ucla.value = 0
        await _type(pilot, app, "#baseline-network", "-2x5")
        assert app.screen.query_one("#baseline-network", Input).value == "25"


async def test_leader_sets_the_reassessment_interval_from_the_list(admin, small_district, make_app):
    from models.participation import reassessment_interval_months
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        answer = app.screen.query_one("#answer", Input)
        assert answer.value == "6"
        answer.value = "40"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)  # 40 is refused at the field
        assert "mellem 1 og 36" in str(app.screen.query_one("#answer-message", Static).render())
        assert reassessment_interval_months() == 6
        answer.value = "3"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert not isinstance(app.screen, AskDialog)
    assert reassessment_interval_months() == 3


async def test_a_screening_dated_with_a_two_digit_year_is_saved_in_this_century(small_district, make_app):
    """The year-26 bug: 19-11-26 was saved as 0026-11-19; it is 19 November 2026."""
    import datetime as dt

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        await _type(pilot, app, "#cpr", "010145-1235")
        await _settle(app, pilot)
        await _type(pilot, app, "#name", "Karen Jensen")
        await _type(pilot, app, "#address", "Østergade 4")
        app.screen.query_one("#district", Select).value = "Hedensted"
        await _type(pilot, app, "#provider", "Plejegruppen Øst")
        date = app.screen.query_one("#date", Input)
        date.value = ""
        await _type(pilot, app, "#date", "19-11-26")
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog)
    assert Screening.get().screened_on == dt.date(2026, 11, 19)


async def test_long_lists_show_a_page_and_enter_on_the_rest_shows_the_next(admin, frozen_day, make_app,
                                                                           monkeypatch):
    """Venteliste and Revurdering show a page (200 at 100,000 citizens; 2 here) with "… og n til";
    Enter on that line shows the next page. The counts are of the whole list."""
    import screens.reassessment
    import screens.waitlist

    monkeypatch.setattr(screens.waitlist, "WAITLIST_PAGE", 2)
    monkeypatch.setattr(screens.reassessment, "PARTICIPANT_PAGE", 2)
    district = district_with_pool(admin, capacity=3)
    for n in range(3):  # the three places: participants, their cards used up (due)
        person = admit(admin, screen(admin, district, n).citizen).citizen
        punch(admin, person, 10, "Bustur")
    for n in range(3, 8):
        admit(admin, screen(admin, district, n).citizen)  # waitlisted
    app = make_app()

    def column(index: int) -> list[str]:
        table = app.screen.query_one(DataTable)
        return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]

    async def next_page() -> None:
        app.screen.query_one(DataTable).move_cursor(row=2)
        await pilot.press("enter")
        await _settle(app, pilot)

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f7")
        await _settle(app, pilot)
        assert column(2) == ["Borger 3", "Borger 4", "… og 3 til"]
        assert "5 venter" in _static(app, "#waitlist-status")
        await next_page()
        assert column(2) == ["Borger 3", "Borger 4", "Borger 5", "Borger 6", "… og 1 til"]
        await pilot.press("f8")
        await _settle(app, pilot)
        assert column(0) == ["Borger 0", "Borger 1", "… og 1 til"]
        assert "3 skal revurderes" in _static(app, "#reassess-list-status")
        await next_page()
        assert column(0) == ["Borger 0", "Borger 1", "Borger 2"]


# flows (issue #15): Revurdering searches as you type, longest waiting first; Home/End in any table
async def test_reassessment_list_searches_as_you_type_and_home_end_reach_the_ends(admin, frozen_day, make_app):
    import datetime as dt

    from screens.reassessment import ReassessmentForm

    district = district_with_pool(admin, capacity=3)
    month_ago = frozen_day - dt.timedelta(days=30)
    people = []
    for n, days in enumerate((3, 25, 10)):
        citizen = admit(admin, screen(admin, district, n, on=month_ago).citizen, on=month_ago).citizen
        punch(admin, citizen, 10, "Bustur", on=frozen_day - dt.timedelta(days=days))
        people.append(citizen)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f8")
        await _settle(app, pilot)
        table = app.screen.query_one(DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(3)] == ["Borger 1", "Borger 2", "Borger 0"]
        await pilot.press("end")
        assert table.cursor_row == 2
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("slash", *"ger 0")
        await _searched(app, pilot)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Borger 0"
        await pilot.press("backspace", "2")
        await _searched(app, pilot)
        assert str(table.get_row_at(0)[0]) == "Borger 2"
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ReassessmentForm) and app.screen.citizen_id == people[2].id
        await pilot.press("1", "2", "home", "3")  # in a text field Home is the field's own
        assert app.screen.query_one("#followup-network", Input).value == "312"
        await pilot.press("escape")
        await _settle(app, pilot)
        find = app.screen.query_one("#reassess-find", Input)
        find.value = "030"  # CPR digits
        await _searched(app, pilot)
        assert table.row_count == 1 and str(table.get_row_at(0)[0]) == "Borger 0"
        find.value = "xyz"
        await _searched(app, pilot)
        assert str(table.get_row_at(0)[0]) == "Ingen matcher søgningen."


# flows (issue #15): the u key says what it does (out of turn while a place is free), and only to a leader
async def test_waitlist_u_is_labelled_by_what_it_does_and_shown_only_to_a_leader(admin, small_district, make_app,
                                                                                db_path):
    from cirkel_tui.app import CirkelApp
    from models.entities import Staff

    first = screen(admin, small_district, 0).citizen
    admit(admin, first)
    for n in (1, 2):
        admit(admin, screen(admin, small_district, n).citizen)
    reassess(admin, first, decision="end", end_reason="flyttet")  # one place free: Borger 1's
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f7")
        await _settle(app, pilot)
        keys = {b.binding.key: b.binding.description for b in app.screen.active_bindings.values()}
        assert keys["u"] == "Uden for tur"
        assert "u: uden for tur (leder)" in _static(app, "#waitlist-hint")
        await pilot.press("down", "u")  # Borger 2, behind Borger 1
        await pilot.pause()
        assert isinstance(app.screen, AskDialog) and "før 1 person, der står foran" in app.screen.prompt
        await pilot.press("escape")
    terapeut = Staff.create(login="tove", name="Tove Terapeut", role="terapeut", district=small_district)
    tove = CirkelApp(actor_id=terapeut.id, db_path=db_path)
    async with tove.run_test(size=(120, 36)) as pilot:
        await pilot.press("f7")
        await _settle(tove, pilot)
        assert tove.screen.active_bindings["u"].binding.id == "undo-punch"  # the global key, not admission
        assert "u:" not in _static(tove, "#waitlist-hint")


# flows (issue #15): a burst (a paste, a fast typist over SSH) lands in the right fields
def _burst(app, text_and_keys: list[str]) -> None:
    """Post every key to the App at once, as the driver does with a burst read in one go (Pilot's press
    lets each key settle first, so it never shows the race)."""
    from textual import events

    for key in text_and_keys:
        if key in ("tab", "shift+tab"):
            app.post_message(events.Key(key, None))
        else:
            for ch in key:
                app.post_message(events.Key({" ": "space", "-": "minus"}.get(ch, ch), ch))


@pytest.mark.parametrize("known", [False, True], ids=["new citizen", "known citizen"])
async def test_a_burst_in_screening_lands_in_the_right_fields(admin, small_district, make_app, known):
    if known:
        screen(admin, small_district, 0, wants=False)  # the lookup comes back while the burst is typed
    cpr = CPRS[0] if known else "010145-1235"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        _burst(app, [cpr, "tab", "Karen Jensen", "tab", "Østergade 4", "tab", "75123456"])
        await pilot.pause(0.3)
        await _settle(app, pilot)
        values = {f: app.screen.query_one(f"#{f}", Input).value for f in ("cpr", "name", "address", "phone")}
        assert values == {"cpr": cpr, "name": "Karen Jensen", "address": "Østergade 4", "phone": "75123456"}
        assert app.focused is app.screen.query_one("#phone", Input)
        _burst(app, ["shift+tab"])
        await pilot.pause(0.3)
        assert app.focused is app.screen.query_one("#address", Input)
    async with make_app().run_test(size=(80, 24)) as pilot:  # the same keys through Pilot, one by one
        await pilot.press("f6")
        await _settle(pilot.app, pilot)
        await pilot.press(*[{" ": "space", "-": "minus"}.get(c, c) for c in cpr], "tab", *"Karen", "space",
                          *"Jensen", "tab", *"Østergade", "space", "4", "tab", *"75123456")
        await _settle(pilot.app, pilot)
        assert [pilot.app.screen.query_one(f"#{f}", Input).value for f in ("name", "address", "phone")] == [
            "Karen Jensen", "Østergade 4", "75123456"]


# flows (issue #15): re-screening a known citizen starts from the four last answers and the full address
async def test_rescreening_a_known_citizen_fills_all_four_criteria_and_the_full_address(admin, small_district,
                                                                                       make_app, frozen_day):
    import datetime as dt

    earlier = frozen_day - dt.timedelta(days=90)
    known = screen(admin, small_district, 0, wants=False, on=earlier, hard_to_get_out=False).citizen
    Citizen.update(address="Nørregade 36", postcode="7130", city="Juelsminde").where(Citizen.id == known.id).execute()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        await _type(pilot, app, "#cpr", CPRS[0])
        await _settle(app, pilot)
        assert app.screen.query_one("#address", Input).value == "Nørregade 36, 7130 Juelsminde"
        answers = {key: app.screen.query_one(f"#{key}", Checkbox).value
                   for key in ("receives_home_help", "lives_alone", "hard_to_get_out", "limited_network")}
        assert answers == {"receives_home_help": True, "lives_alone": True, "hard_to_get_out": False,
                           "limited_network": True}
        app.screen.query_one("#hard_to_get_out", Checkbox).value = True  # the one that changed
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        assert isinstance(app.screen, InfoDialog) and "er i målgruppen" in app.screen.body
    latest = Screening.select().where(Screening.citizen == known).order_by(Screening.id.desc()).first()
    assert (latest.lives_alone, latest.hard_to_get_out, latest.limited_network, latest.eligible) == (
        True, True, True, True)
    after = Citizen.get_by_id(known.id)
    assert (after.address, after.postcode, after.city) == ("Nørregade 36", "7130", "Juelsminde")



# flows (issue #15): an open answer list covers the questions below it (no stray "?" beside it)
async def test_an_open_answer_list_covers_the_questions_under_it(small_district, make_app):
    from textual.widgets import Label
    from textual.widgets._select import SelectOverlay

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        await _settle(app, pilot)
        widest = max(label.size.width for label in app.screen.query(".item-label").results(Label))
        for select_id in ("#baseline-ucla-0", "#baseline-who5-1"):
            select = app.screen.query_one(select_id, Select)
            select.focus()
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            overlay = select.query_one(SelectOverlay)
            assert overlay.display and overlay.size.width >= widest
            await pilot.press("escape")
            await pilot.pause()


# flows (issue #15): "continue" says what it means for the card: a new card now, or when the open one is used
async def test_the_continue_choice_fits_the_card(admin, frozen_day, make_app):
    from screens.reassessment import ReassessmentForm

    district = district_with_pool(admin, capacity=2)
    used_up, still_open = (admit(admin, screen(admin, district, n).citizen).citizen for n in (0, 1))
    punch(admin, used_up, 10, "Fællestur")
    punch(admin, still_open, 4, "Frisør")
    card = Card.get((Card.citizen == still_open) & (Card.status == "open"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for citizen, expected in ((used_up, "Fortsæt — nyt klippekort nu"),
                                  (still_open, f"Fortsæt på kort nr. {card.number} — nyt klippekort, "
                                               "når det er brugt op")):
            app.push_screen(ReassessmentForm(citizen.id))
            await _settle(app, pilot)
            assert str(app.screen.query_one("#continue", RadioButton).label) == expected
            await pilot.press("escape")
            await _settle(app, pilot)
