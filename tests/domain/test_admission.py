"""Admission (R7), the waitlist (first screened, first offered), pause and resume."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models.admission import admit, pause, resume, room_in, waitlist
from models.base import DomainError
from models.cards import punch
from models.entities import AuditLog, Card, Citizen, Pool, Staff, StateChange
from models.reassessment import reassess
from tests.intake_helpers import BASELINE, district_with_pool, screen


def _screen_and_admit(admin, district, n, **kw):
    result = screen(admin, district, n, **kw)
    return admit(admin, result.citizen)


def test_admitted_while_there_is_capacity_then_waitlisted_with_the_position(admin, frozen_day):
    district = district_with_pool(admin, capacity=2)
    first = _screen_and_admit(admin, district, 0)
    assert first.admitted and first.card.number == 1001 and first.card.clips == 10
    assert Citizen.get_by_id(first.citizen.id).state == "active"
    assert "nr. 1001" in first.message
    second = _screen_and_admit(admin, district, 1)
    assert second.admitted and second.card.number == 1002
    third = _screen_and_admit(admin, district, 2)
    assert not third.admitted and third.position == 1 and third.card is None
    assert Citizen.get_by_id(third.citizen.id).state == "waitlisted"
    assert "venteliste i Hedensted som nr. 1" in third.message
    fourth = _screen_and_admit(admin, district, 3)
    assert fourth.position == 2
    room = room_in(district)
    assert (room.participants, room.capacity, room.places) == (2, 2, 0)
    assert Card.select().count() == 2


def test_capacity_is_floor_of_pool_over_clips_per_participant(admin, frozen_day):
    district = district_with_pool(admin, capacity=1, extra_clips=51)  # 103 clips // 52 = 1
    assert room_in(district).capacity == 1
    assert _screen_and_admit(admin, district, 0).admitted
    assert not _screen_and_admit(admin, district, 1).admitted


def test_the_pool_must_hold_ten_uncommitted_clips(admin, frozen_day):
    # capacity 3 by participants, but only 25 clips: two cards, not three
    district = district_with_pool(admin, capacity=0, extra_clips=25, per_participant=8)
    assert room_in(district).capacity == 3 and room_in(district).places == 2
    assert _screen_and_admit(admin, district, 0).admitted
    assert _screen_and_admit(admin, district, 1).admitted
    third = _screen_and_admit(admin, district, 2)
    assert not third.admitted and third.position == 1


def test_waitlist_order_is_first_screened_first_then_id(admin, frozen_day):
    district = district_with_pool(admin, capacity=0, extra_clips=0)
    day = frozen_day - dt.timedelta(days=10)
    # screened in this order of days: citizen 2 earliest; 0 and 1 on the same day (0 first)
    late = screen(admin, district, 3, on=day + dt.timedelta(days=5))
    same_a = screen(admin, district, 0, on=day + dt.timedelta(days=2))
    same_b = screen(admin, district, 1, on=day + dt.timedelta(days=2))
    early = screen(admin, district, 2, on=day)
    for r in (late, same_a, same_b, early):  # admitted in a different order than screened
        assert not admit(admin, r.citizen).admitted
    entries = waitlist(admin, district).entries
    assert [e.citizen_id for e in entries] == [early.citizen.id, same_a.citizen.id, same_b.citizen.id,
                                               late.citizen.id]
    assert [e.position for e in entries] == [1, 2, 3, 4]
    assert [e.screened_on for e in entries] == [day, day + dt.timedelta(days=2), day + dt.timedelta(days=2),
                                               day + dt.timedelta(days=5)]
    assert not any(e.place_free for e in entries)


def test_a_new_citizen_queues_behind_those_already_waiting(admin, frozen_day):
    district = district_with_pool(admin, capacity=1)
    a = _screen_and_admit(admin, district, 0)
    b = _screen_and_admit(admin, district, 1, on=frozen_day - dt.timedelta(days=3))
    assert a.admitted and not b.admitted
    reassess(admin, a.citizen, decision="end", end_reason="flyttet")
    # a place is free, but it is the waiting citizen's: a newcomer goes on the list behind
    newcomer = _screen_and_admit(admin, district, 2)
    assert not newcomer.admitted and newcomer.position == 2
    entries = waitlist(admin, district).entries
    assert [(e.citizen_id, e.place_free) for e in entries] == [(b.citizen.id, True), (newcomer.citizen.id, False)]
    with pytest.raises(DomainError, match="ingen ledig plads"):
        admit(admin, newcomer.citizen)


def test_promotion_when_a_participant_ends(admin, frozen_day):
    district = district_with_pool(admin, capacity=1)
    participant = _screen_and_admit(admin, district, 0)
    waiting = _screen_and_admit(admin, district, 1)
    assert waitlist(admin, district).entries[0].place_free is False
    with pytest.raises(DomainError, match="ingen ledig plads"):
        admit(admin, waiting.citizen)
    punch(admin, participant.citizen, 3, "Frisør")
    reassess(admin, participant.citizen, decision="end", end_reason="mindre ensom")
    top = waitlist(admin, district).entries[0]
    assert top.citizen_id == waiting.citizen.id and top.place_free
    promoted = admit(admin, waiting.citizen)
    assert promoted.admitted and promoted.card.number == 1002
    assert Citizen.get_by_id(waiting.citizen.id).state == "active"
    assert waitlist(admin, district).entries == []
    history = [(h.from_state, h.to_state) for h in
               StateChange.select().where(StateChange.citizen == waiting.citizen).order_by(StateChange.id)]
    assert history[-2:] == [("eligible", "waitlisted"), ("waitlisted", "active")]


def test_a_non_eligible_or_unwilling_citizen_cannot_be_admitted(admin, frozen_day):
    district = district_with_pool(admin)
    no = screen(admin, district, 0, lives_alone=False)
    with pytest.raises(DomainError, match="ikke i målgruppen"):
        admit(admin, no.citizen)
    unwilling = screen(admin, district, 1, wants=False)
    with pytest.raises(DomainError, match="ikke sagt ja"):
        admit(admin, unwilling.citizen)
    assert Card.select().count() == 0
    active = _screen_and_admit(admin, district, 2)
    with pytest.raises(DomainError, match="aktiv og kan ikke optages"):
        admit(admin, active.citizen)


def test_over_capacity_only_by_a_leader_with_a_written_reason(admin, frozen_day):
    district = district_with_pool(admin, capacity=1, extra_clips=20)
    assert _screen_and_admit(admin, district, 0).admitted
    waiting = _screen_and_admit(admin, district, 1)
    therapist = Staff.create(login="anne", name="Anne", role="terapeut")
    leader = Staff.create(login="mette", name="Mette", role="leder")
    with pytest.raises(DomainError, match="leder"):
        admit(therapist, waiting.citizen, over_capacity_reason="Stærkt behov")
    with pytest.raises(DomainError, match="begrundelse"):
        admit(leader, waiting.citizen, over_capacity_reason="   ")
    assert Citizen.get_by_id(waiting.citizen.id).state == "waitlisted"
    result = admit(leader, waiting.citizen, over_capacity_reason="Enke siden maj, ingen familie")
    assert result.admitted and result.over_capacity
    row = AuditLog.get(AuditLog.operation == "citizen.admit", AuditLog.entity_id == str(waiting.citizen.id))
    after = json.loads(row.after)
    assert row.actor_id == leader.id and after["over_capacity"] is True
    assert after["reason"] == "Enke siden maj, ingen familie"
    change = StateChange.select().where(StateChange.citizen == waiting.citizen).order_by(StateChange.id.desc()).get()
    assert "Enke siden maj" in change.reason
    room = room_in(district)
    assert room.participants == 2 and room.capacity == 1


def test_over_capacity_still_needs_ten_clips_in_the_pool(admin, frozen_day):
    district = district_with_pool(admin, capacity=1, extra_clips=0)
    Pool.update(allocated=52).execute()
    assert _screen_and_admit(admin, district, 0).admitted
    waiting = _screen_and_admit(admin, district, 1)
    Pool.update(allocated=15).execute()  # a leader moved clips away: 5 uncommitted
    with pytest.raises(DomainError, match="kun 5 klip"):
        admit(admin, waiting.citizen, over_capacity_reason="Akut")
    assert Citizen.get_by_id(waiting.citizen.id).state == "waitlisted"


def test_no_budget_means_no_capacity(admin, frozen_day):
    from models.entities import District

    district = District.create(name="Uden budget", home_help_count=1)
    result = _screen_and_admit(admin, district, 0)
    assert not result.admitted and result.position == 1


def test_pause_keeps_the_place_and_blocks_punching_resume_allows_it(admin, frozen_day):
    district = district_with_pool(admin, capacity=1)
    participant = _screen_and_admit(admin, district, 0)
    with pytest.raises(DomainError, match="hvorfor"):
        pause(admin, participant.citizen, "")
    pause(admin, participant.citizen, "indlagt på Vejle Sygehus")
    assert Citizen.get_by_id(participant.citizen.id).state == "paused"
    assert room_in(district).participants == 1 and room_in(district).places == 0  # the place is kept
    assert not _screen_and_admit(admin, district, 1).admitted
    with pytest.raises(DomainError, match="pause"):
        punch(admin, participant.citizen, 1, "Kaffe")
    with pytest.raises(DomainError, match="allerede pause"):
        pause(admin, participant.citizen, "ferie")
    resume(admin, participant.citizen)
    assert punch(admin, participant.citizen, 1, "Kaffe").left == 9
    with pytest.raises(DomainError, match="holder ikke pause"):
        resume(admin, participant.citizen)
    reasons = [h.reason for h in StateChange.select().where(StateChange.citizen == participant.citizen)
               .order_by(StateChange.id)]
    assert reasons[-2:] == ["indlagt på Vejle Sygehus", "pause slut"]


def test_only_participants_pause(admin, frozen_day):
    district = district_with_pool(admin, capacity=0)
    waiting = _screen_and_admit(admin, district, 0)
    with pytest.raises(DomainError, match="Kun en aktiv deltager"):
        pause(admin, waiting.citizen, "ferie")


def test_baseline_is_kept_from_screening(admin, frozen_day):
    from models.entities import Measurement

    district = district_with_pool(admin)
    _screen_and_admit(admin, district, 0)
    m = Measurement.get()
    assert (m.network_size, m.who5_answers, m.ucla_answers) == (
        BASELINE["network_size"], BASELINE["who5"], BASELINE["ucla"])
