"""``cirkel pause``, ``resume`` and ``end`` (issue #13, item 2): the same operations as the TUI,
as real processes on a database prepared in the test."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest

from models.entities import Budget, Card, Citizen, District, Pool, Signup, StateChange
from models.events import sign_up
from tests.domain.test_events import _event, _person
from tests.helpers import run_cli


@pytest.fixture
def prepared(admin, db_path):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=2026, budget_dkk=decimal.Decimal(100000), price_per_clip_dkk=decimal.Decimal(100),
                           created_by=admin)
    Pool.create(budget=budget, district=district, allocated=1000)
    karen = _person(admin, district, 1, "Karen Jensen")
    ove = _person(admin, district, 2, "Ove Hansen")
    soon = (dt.date.today() + dt.timedelta(days=3)).strftime("%d-%m-%Y")
    event = _event(admin, seats=1, day=soon, title="Bilka Vejle")
    sign_up(admin, event, karen)
    sign_up(admin, event, ove)
    return karen, ove, event


def _status(event):
    return {s.citizen.name: s.status for s in Signup.select().where(Signup.event == event)}


def test_end_by_cpr_cancels_the_sign_up_and_says_who_moved_up(prepared, db_path):
    karen, _ove, event = prepared
    done = run_cli("end", karen.cpr[:6] + "-" + karen.cpr[6:], "--reason", "Flyttet", db=db_path)
    assert done.returncode == 0, done.stderr
    assert "Karen Jensen er afsluttet (flyttet)" in done.stdout
    assert "Afmeldt 1 fællestur" in done.stdout and "Ove Hansen rykket op" in done.stdout
    assert Citizen.get_by_id(karen.id).state == "ended"
    assert _status(event) == {"Karen Jensen": "cancelled", "Ove Hansen": "signed_up"}


def test_end_with_another_text_is_andet_with_the_text_as_note(prepared, db_path):
    karen = prepared[0]
    done = run_cli("end", karen.cpr, "--reason", "Flyttet til datteren i Aarhus", db=db_path)
    assert done.returncode == 0, done.stderr
    change = StateChange.select().where(StateChange.to_state == "ended").get()
    assert change.reason == "andet — Flyttet til datteren i Aarhus"


def test_pause_by_card_number_until_a_day_and_resume(prepared, db_path):
    karen, _ove, event = prepared
    number = Card.get(Card.citizen == karen).number
    last = (dt.date.today() + dt.timedelta(days=10)).strftime("%d-%m-%Y")
    done = run_cli("pause", str(number), "--reason", "indlagt", "--until", last, db=db_path)
    assert done.returncode == 0, done.stderr
    assert f"Karen Jensen holder pause til og med {last}." in done.stdout
    assert "Ove Hansen rykket op" in done.stdout
    assert Citizen.get_by_id(karen.id).state == "paused"
    again = run_cli("resume", str(number), db=db_path)
    assert again.returncode == 0 and "Karen Jensen er aktiv igen." in again.stdout
    assert Citizen.get_by_id(karen.id).state == "active"


def test_refusals_exit_1_with_one_line_and_write_nothing(prepared, db_path):
    karen, _ove, event = prepared
    changes = StateChange.select().count()
    for args, words in ((["pause", karen.cpr], "Skriv hvorfor"),
                        (["pause", karen.cpr, "--reason", "ferie", "--until", "01-01-2020"], "før dens første"),
                        (["pause", karen.cpr, "--reason", "ferie", "--until", "32-13-2026"], "findes ikke"),
                        (["resume", karen.cpr], "holder ikke pause"),
                        (["end", karen.cpr, "--reason", " "], "Vælg en årsag"),
                        (["end", "0101999999", "--reason", "død"], "Ingen borger"),
                        (["end", "999999", "--reason", "død"], "intet kort")):
        result = run_cli(*args, db=db_path)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert result.stderr.count("\n") == 1 and words in result.stderr, (args, result.stderr)
    assert StateChange.select().count() == changes
    assert _status(event) == {"Karen Jensen": "signed_up", "Ove Hansen": "waitlisted"}


def test_usage_errors_exit_2(prepared, db_path):
    karen = prepared[0]
    for args in (["end", karen.cpr], ["pause"], ["resume"]):
        result = run_cli(*args, db=db_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
