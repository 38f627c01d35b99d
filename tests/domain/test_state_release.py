"""Ending or pausing a participant handles what hangs on them (issue #13, item 1):
coming sign-ups are cancelled (the first waitlisted moves up), open agreements
are closed (unused clips back to the pool), in the same transaction as the state change."""
from __future__ import annotations

import datetime as dt

import pytest

from models.admission import pause, resume
from models.agreements import create_agreement
from models.base import DomainError, db
from models.cards import punch
from models.entities import Agreement, AuditLog, Citizen, Pool, Signup, StateChange
from models.events import sign_up
from models.pools import committed_clips
from models.reassessment import reassess
from tests.domain.test_events import _event, _person
from tests.domain.test_events import town as town_fixture

town = town_fixture  # the district with a pool of 1000 clips (a fixture)


@pytest.fixture
def crowd(admin, town):
    names = ["Karen Jensen", "Ove Hansen", "Inge Madsen", "Poul Nielsen"]
    return [_person(admin, town, n + 1, name) for n, name in enumerate(names)]


def _statuses(event):
    return {s.citizen.name: s.status for s in Signup.select().where(Signup.event == event)}


def test_ending_cancels_coming_sign_ups_and_the_first_waitlisted_moves_up(admin, crowd, frozen_day):
    karen, ove, inge, poul = crowd
    full = _event(admin, seats=1, day="03-12-2026", title="Bilka Vejle")
    for who in (karen, ove, inge):  # Karen seated, Ove 1st and Inge 2nd on the waitlist
        sign_up(admin, full, who)
    later = _event(admin, seats=5, day="10-12-2026", title="Banko")
    sign_up(admin, later, karen)
    past = _event(admin, seats=5, day="18-11-2026", title="Fisketur")  # before the end: left as it was
    sign_up(admin, past, karen)
    waiting_elsewhere = _event(admin, seats=1, day="17-12-2026", title="Dyrskue")
    sign_up(admin, waiting_elsewhere, poul)
    sign_up(admin, waiting_elsewhere, karen)  # Karen only on the waitlist here

    result = reassess(admin, karen, decision="end", end_reason="flyttet")

    assert _statuses(full) == {"Karen Jensen": "cancelled", "Ove Hansen": "signed_up", "Inge Madsen": "waitlisted"}
    assert _statuses(later) == {"Karen Jensen": "cancelled"}
    assert _statuses(waiting_elsewhere) == {"Poul Nielsen": "signed_up", "Karen Jensen": "cancelled"}
    assert _statuses(past) == {"Karen Jensen": "signed_up"}
    assert result.released.promoted == ["Ove Hansen"]
    assert len(result.released.outings) == 3
    assert "Afmeldt 3 fællesture" in result.message and "Ove Hansen rykket op" in result.message
    assert Citizen.get_by_id(karen.id).state == "ended"
    operations = [a.operation for a in AuditLog.select().order_by(AuditLog.id)]
    assert operations.count("event.signup_cancel") == 3 and operations.count("event.signup_promote") == 1


def test_ending_closes_open_agreements_and_gives_their_unused_clips_back(admin, crowd, frozen_day):
    karen = crowd[0]
    agreement = create_agreement(admin, karen, 14, "Hospitalsbesøg hver uge")
    punch(admin, karen, 12, "Hospitalsbesøg")
    pool = Pool.get()
    before = committed_clips(pool)  # all four cards' 10 + the agreement's 14

    result = reassess(admin, karen, decision="end", end_reason="død")

    agreement = Agreement.get_by_id(agreement.id)
    assert agreement.closed_on == frozen_day and "død" in agreement.close_reason
    # the card's 10 back (nothing used) and the agreement's 2 unused clips
    assert committed_clips(pool) == before - 10 - 2
    assert result.released.agreements == [agreement.id] and result.released.clips_back == 2
    assert f"Aftale nr. {agreement.id} lukket; 2 ubrugte klip" in result.message
    assert AuditLog.select().where(AuditLog.operation == "agreement.close").count() == 1


def test_a_closed_agreement_cannot_be_punched_when_the_citizen_returns(admin, crowd, frozen_day):
    from models.citizens import change_state

    karen = crowd[0]
    create_agreement(admin, karen, 14, "Hospitalsbesøg")
    reassess(admin, karen, decision="end", end_reason="ønsker ikke mere")
    with db.atomic():  # a later return starts with a new screening
        for state in ("screened", "eligible", "active"):
            change_state(admin, Citizen.get_by_id(karen.id), state)
    with pytest.raises(DomainError, match="individuel aftale"):
        punch(admin, karen, 12, "Hospitalsbesøg")


def test_a_failure_while_releasing_leaves_the_participant_as_they_were(admin, crowd, monkeypatch):
    import models.commitments as commitments

    karen, ove = crowd[:2]
    event = _event(admin, seats=1, day="03-12-2026")
    sign_up(admin, event, karen)
    sign_up(admin, event, ove)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(commitments, "close_agreements", broken)
    with pytest.raises(RuntimeError):
        reassess(admin, karen, decision="end", end_reason="flyttet")
    assert Citizen.get_by_id(karen.id).state == "active"
    assert _statuses(event) == {"Karen Jensen": "signed_up", "Ove Hansen": "waitlisted"}
    assert StateChange.select().where(StateChange.to_state == "ended").count() == 0


def test_a_pause_with_a_return_day_cancels_only_the_sign_ups_inside_it(admin, crowd, frozen_day):
    karen, ove = crowd[:2]
    inside = _event(admin, seats=1, day="27-11-2026", title="Bilka Vejle")
    sign_up(admin, inside, karen)
    sign_up(admin, inside, ove)
    last_day = _event(admin, seats=4, day="04-12-2026", title="Banko")
    sign_up(admin, last_day, karen)
    after = _event(admin, seats=4, day="05-12-2026", title="Fodbold")
    sign_up(admin, after, karen)

    result = pause(admin, karen, "indlagt", until=dt.date(2026, 12, 4))

    assert _statuses(inside) == {"Karen Jensen": "cancelled", "Ove Hansen": "signed_up"}
    assert _statuses(last_day) == {"Karen Jensen": "cancelled"}
    assert _statuses(after) == {"Karen Jensen": "signed_up"}
    assert result.message == ("Karen Jensen holder pause til og med 04-12-2026. Afmeldt 2 fællesture "
                              "(Bilka Vejle 27-11-2026, Banko 04-12-2026); Ove Hansen rykket op.")
    change = StateChange.select().order_by(StateChange.id.desc()).first()
    assert change.reason == "indlagt (til og med 04-12-2026)"


def test_a_pause_without_a_return_day_cancels_every_coming_sign_up_and_keeps_agreements(admin, crowd):
    karen = crowd[0]
    agreement = create_agreement(admin, karen, 14, "Hospitalsbesøg")
    one, two = _event(admin, day="27-11-2026"), _event(admin, day="27-03-2027")
    sign_up(admin, one, karen)
    sign_up(admin, two, karen)
    result = pause(admin, karen, "indlagt")
    assert _statuses(one) == _statuses(two) == {"Karen Jensen": "cancelled"}
    assert Agreement.get_by_id(agreement.id).closed_on is None
    assert "Afmeldt 2 fællesture" in result.message
    resume(admin, karen)
    assert sign_up(admin, one, karen).seated  # signed up again on return


def test_a_pause_refuses_a_return_day_before_its_first_day_and_writes_nothing(admin, crowd, frozen_day):
    karen = crowd[0]
    event = _event(admin, day="27-11-2026")
    sign_up(admin, event, karen)
    with pytest.raises(DomainError) as err:
        pause(admin, karen, "ferie", until=frozen_day - dt.timedelta(days=1))
    assert err.value.field == "until"
    assert Citizen.get_by_id(karen.id).state == "active"
    assert _statuses(event) == {"Karen Jensen": "signed_up"}


def test_nothing_to_release_says_nothing_more(admin, crowd):
    result = pause(admin, crowd[0], "ferie")
    assert result.message == "Karen Jensen holder pause."


def test_a_pause_reason_with_a_control_character_or_too_long_is_refused_at_its_field(admin, crowd):
    for bad in ("ferie\x1b[2J", "x" * 501):
        with pytest.raises(DomainError) as err:
            pause(admin, crowd[0], bad)
        assert err.value.field == "reason"
    assert Citizen.get_by_id(crowd[0].id).state == "active"
