"""One home per rule (models.inputs, models.permissions, the state labels): each rule as the
TUI, the CLI and the operations now all read it."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest

from models.base import DomainError, as_date
from models.inputs import format_int, format_kroner, parse_date, parse_kroner, parse_whole, refuse_control


@pytest.mark.parametrize("text, day", [
    ("20-11-2026", dt.date(2026, 11, 20)), ("20.11.2026", dt.date(2026, 11, 20)), ("2026-11-20", dt.date(2026, 11, 20)),
    ("20-11-26", dt.date(2026, 11, 20)),   # the year-26 bug: never 0026
    ("1-2-36", dt.date(2036, 2, 1)),       # up to 10 years ahead: this century
    ("03-04-45", dt.date(1945, 4, 3)),     # further ahead than that: the last century (a birth date)
])
def test_dates_are_read_as_users_write_them_with_a_stated_century_rule(frozen_day, text, day):
    assert parse_date(text) == day
    assert as_date(text) == day  # the operations read dates the same way


@pytest.mark.parametrize("text, message", [("31-11-2026", "findes ikke"), ("20-11-0026", "mellem 1900 og 2100"),
                                           ("i morgen", "Ugyldig dato"), ("", "Skriv en dato")])
def test_a_bad_date_is_refused_at_its_field(frozen_day, text, message):
    with pytest.raises(DomainError, match=message) as err:
        parse_date(text, "until")
    assert err.value.field == "until"


@pytest.mark.parametrize("text, amount", [
    ("1.225.000", "1225000"), ("1225000,50", "1225000.50"), ("1 850 kr", "1850"), ("1850 DKK", "1850"),
    ("187,50", "187.50")])
def test_kroner_are_read_the_danish_way(text, amount):
    assert parse_kroner(text, "x") == decimal.Decimal(amount)


@pytest.mark.parametrize("text", ["187.5", "1,225,000", "12,505", "-", "mange"])
def test_kroner_not_written_the_danish_way_are_refused_not_guessed(text):
    with pytest.raises(DomainError) as err:
        parse_kroner(text, "price", label="Prisen")
    assert err.value.field == "price"


def test_an_outing_takes_its_transport_cost_as_the_budget_does(admin, frozen_day):
    """1850 DKK was accepted by the budget and refused by the outings; one parser now."""
    from models.events import create_events

    [event] = create_events(admin, title="Tur til vandet", day="27-11-2026", time="09:00", seats=8,
                            transport_cost_dkk="1850 DKK")
    assert event.transport_cost_dkk == decimal.Decimal("1850.00")
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Tur", day="27-11-2026", time="09:00", seats=8, transport_cost_dkk="mange")
    assert err.value.field == "transport_cost_dkk"


def test_figures_are_shown_the_danish_way():
    assert (format_int(1225000), format_kroner(1225000), format_kroner(decimal.Decimal("187.5"))) == (
        "1.225.000", "1.225.000 kr", "187,50 kr")


def test_whole_numbers_are_ascii_digits_in_a_range():
    assert parse_whole("1.000", "n", maximum=5000) == 1000
    for bad in ("¹⁰", "1e3", "-1", "12a"):
        with pytest.raises(DomainError):
            parse_whole(bad, "n")
    with pytest.raises(DomainError, match="^Skriv et antal$"):
        parse_whole("x", "n", message="Skriv et antal")


@pytest.mark.parametrize("text", ["a\x00b", "a\x1bb", "a\x7fb", "a\u200bb", "a\u202eb"])
def test_control_characters_are_refused_by_one_rule(text):
    with pytest.raises(DomainError, match="kontroltegn") as err:
        refuse_control(text, "note", label="Noten")
    assert err.value.field == "note"
    refuse_control("linje 1\nlinje 2", "note", allow="\n")


def test_a_control_character_in_the_meeting_place_is_refused_at_the_meeting_place(admin, frozen_day):
    from models.events import create_events

    with pytest.raises(DomainError, match="kontroltegn") as err:
        create_events(admin, title="Tur", day="27-11-2026", time="09:00", seats=8, meeting_place="Torvet\x1b[2J")
    assert err.value.field == "meeting_place"


def test_the_role_rule_is_one_rule(admin):
    from types import SimpleNamespace

    from models.permissions import ACTIONS, allowed, can, require

    therapist, leader = SimpleNamespace(role="terapeut"), SimpleNamespace(role="leder")
    assert allowed(admin, ()) and not allowed(leader, ()) and allowed(leader, ("leder",))
    assert all(can(admin, action) for action in ACTIONS)
    assert can(leader, "budget.set") and not can(therapist, "budget.set") and not can(leader, "district.manage")
    with pytest.raises(DomainError, match=r"^Kun leder eller administrator må gøre dette \(du er terapeut\)\.$"):
        require(therapist, "export")


def test_the_screens_name_the_states_as_the_domain_does():
    from models.citizens import STATE_LABELS
    from screens.widgets import STATE_TITLES

    assert STATE_TITLES == STATE_LABELS  # in Danish; the catalogue translates the screens' words


# flows (issue #15): "1 aftale", not "1 aftaler"
def test_a_count_takes_the_singular_for_exactly_one():
    from models.inputs import format_count

    assert [format_count(n, "uge", "uger") for n in (0, 1, 2, 1500)] == ["0 uger", "1 uge", "2 uger", "1.500 uger"]


# flows (issue #15): the screening result names a criterion with the checkbox's own words
def test_the_screening_result_names_the_criteria_as_the_form_does():
    from models.screening import CRITERION_LABELS
    from screens.screening import CRITERION_TITLES

    assert {key: title.lower() for key, title in CRITERION_TITLES.items()} == CRITERION_LABELS
