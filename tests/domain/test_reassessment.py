"""Reassessment (R5): who is due, new card or end with a reason, clips back to the pool."""
from __future__ import annotations

import datetime as dt

import pytest

from models.admission import admit, pause, room_in, waitlist
from models.base import DomainError, freeze_today
from models.cards import punch
from models.entities import END_REASONS, AuditLog, Card, Citizen, Measurement, Pool, Reassessment, Staff
from models.participation import due_for_reassessment
from models.pools import committed_clips
from models.reassessment import participants, reassess, set_reassessment_interval
from tests.intake_helpers import district_with_pool, screen

FOLLOWUP = dict(network_size=4, who5="33333", ucla="211")


@pytest.fixture
def district(admin, frozen_day):
    return district_with_pool(admin, capacity=2)


def _participant(admin, district, n=0, on=None):
    result = screen(admin, district, n, on=on)
    return admit(admin, result.citizen, on=on).citizen


def test_a_used_up_card_makes_the_participant_due_and_a_new_card_follows(admin, district, frozen_day):
    citizen = _participant(admin, district)
    assert participants(admin, district, only_due=True) == []
    punch(admin, citizen, 6, "Bustur")
    punch(admin, citizen, 4, "Banko")
    lines = participants(admin, district, only_due=True)
    assert [(line.citizen_id, line.why, line.card_number, line.card_open) for line in lines] == [
        (citizen.id, "kort brugt op", 1001, False)]
    with pytest.raises(DomainError, match="opfølgningen"):
        reassess(admin, citizen, decision="continue")
    result = reassess(admin, citizen, decision="continue", **FOLLOWUP)
    assert result.new_card.number == 1002 and result.new_card.status == "open"
    assert "nr. 1002" in result.message
    r = Reassessment.get()
    assert (r.decision, r.card.number, r.assessed_by_id) == ("continue", 1001, admin.id)
    m = Measurement.get(Measurement.kind == "followup")
    assert (m.reassessment_id, m.network_size, m.who5_score, m.ucla_score) == (r.id, 4, 60, 4)
    assert participants(admin, district, only_due=True) == []


def test_ending_closes_the_card_returns_clips_and_frees_the_place(admin, district, frozen_day):
    citizen = _participant(admin, district)
    other = _participant(admin, district, 1)
    waiting = admit(admin, screen(admin, district, 2).citizen)
    assert not waiting.admitted
    punch(admin, citizen, 3, "Frisør")
    pool = Pool.get()
    assert committed_clips(pool) == 20
    result = reassess(admin, citizen, decision="end", end_reason="mere livskvalitet", notes="Går til banko selv")
    card = Card.get(Card.number == 1001)
    assert card.status == "closed" and card.ended_on == frozen_day and "mere livskvalitet" in card.end_reason
    assert committed_clips(pool) == 13  # 7 unused clips are back
    assert "7 klip går tilbage" in result.message
    assert Citizen.get_by_id(citizen.id).state == "ended"
    assert room_in(district).participants == 1
    assert waitlist(admin, district).entries[0].place_free
    assert Reassessment.get().end_reason == "mere livskvalitet"
    assert Measurement.select().where(Measurement.kind == "followup").count() == 0  # no follow-up given
    assert "card.close" in [a.operation for a in AuditLog.select()]
    assert Citizen.get_by_id(other.id).state == "active"


@pytest.mark.parametrize("reason", END_REASONS)
def test_every_end_reason_is_accepted(admin, district, reason):
    citizen = _participant(admin, district)
    notes = "Flytter til datteren" if reason == "andet" else ""
    reassess(admin, citizen, decision="end", end_reason=reason, notes=notes)
    assert Citizen.get_by_id(citizen.id).state == "ended"


def test_end_needs_a_known_reason_and_andet_needs_a_note(admin, district):
    citizen = _participant(admin, district)
    with pytest.raises(DomainError, match="årsag"):
        reassess(admin, citizen, decision="end", end_reason="træt af det")
    with pytest.raises(DomainError, match="andet"):
        reassess(admin, citizen, decision="end", end_reason="andet")
    with pytest.raises(DomainError, match="Vælg"):
        reassess(admin, citizen, decision="maybe")
    assert Reassessment.select().count() == 0 and Citizen.get_by_id(citizen.id).state == "active"


def test_continue_with_an_open_card_keeps_it(admin, district, frozen_day):
    citizen = _participant(admin, district)
    result = reassess(admin, citizen, decision="continue", **FOLLOWUP)
    assert result.new_card is None and result.kept_card.number == 1001
    assert Card.select().count() == 1


def test_a_new_card_needs_ten_clips_in_the_pool(admin, district):
    citizen = _participant(admin, district)
    punch(admin, citizen, 10, "Fællestur")
    Pool.update(allocated=15).execute()  # 10 used, 5 uncommitted
    with pytest.raises(DomainError, match="kun 5 klip"):
        reassess(admin, citizen, decision="continue", **FOLLOWUP)
    assert Reassessment.select().count() == 0  # all or nothing


def test_paused_participant_with_used_up_card_must_resume_first(admin, district):
    citizen = _participant(admin, district)
    punch(admin, citizen, 10, "Fællestur")
    pause(admin, citizen, "ferie")
    with pytest.raises(DomainError, match="genoptag"):
        reassess(admin, citizen, decision="continue", **FOLLOWUP)
    reassess(admin, citizen, decision="end", end_reason="død")
    assert Citizen.get_by_id(citizen.id).state == "ended"


def test_not_reassessed_for_six_months_is_due_and_pause_does_not_restart_the_clock(admin, district, frozen_day):
    start = frozen_day - dt.timedelta(days=200)
    freeze_today(start)
    citizen = _participant(admin, district, on=start)
    freeze_today(frozen_day - dt.timedelta(days=20))
    pause(admin, citizen, "ferie")
    from models.admission import resume

    resume(admin, citizen)
    freeze_today(frozen_day)
    lines = participants(admin, district)
    assert [(line.citizen_id, line.why, line.card_open, line.since) for line in lines] == [
        (citizen.id, "6 mdr. gået", True, start)]
    assert due_for_reassessment(district=district).count() == 1
    reassess(admin, citizen, decision="continue", **FOLLOWUP)
    assert participants(admin, district) == []


def test_the_interval_is_a_setting_for_leaders(admin, district, frozen_day):
    start = frozen_day - dt.timedelta(days=100)
    freeze_today(start)
    citizen = _participant(admin, district, on=start)
    freeze_today(frozen_day)
    assert participants(admin, district) == []
    therapist = Staff.create(login="anne", name="Anne", role="terapeut")
    with pytest.raises(DomainError, match="leder"):
        set_reassessment_interval(therapist, 3)
    with pytest.raises(DomainError, match="mellem 1 og 36"):
        set_reassessment_interval(admin, 0)
    set_reassessment_interval(admin, 3)
    assert [line.citizen_id for line in participants(admin, district)] == [citizen.id]
    assert participants(admin, district)[0].why == "3 mdr. gået"


def test_all_participants_view_lists_those_not_due(admin, district):
    a = _participant(admin, district)
    b = _participant(admin, district, 1)
    punch(admin, b, 10, "Fællestur")
    lines = participants(admin, district, only_due=False)
    assert {(line.citizen_id, line.due) for line in lines} == {(a.id, False), (b.id, True)}


def test_only_participants_are_reassessed(admin, district):
    waiting = screen(admin, district, 0, wants=False).citizen
    with pytest.raises(DomainError, match="kun deltagere"):
        reassess(admin, waiting, decision="end", end_reason="flyttet")


def test_the_list_pages_with_the_counts_of_all(admin, frozen_day):
    """A page of the first ``limit`` — the due ones longest waiting first, then the rest by name —
    with the counts of the whole list (the screen shows a page and "… og n til" at 100,000 citizens)."""
    from models.reassessment import participant_page

    district = district_with_pool(admin, capacity=5)
    people = [_participant(admin, district, n) for n in range(5)]
    for person in people[1::2]:
        punch(admin, person, 10, "Fællestur")  # used up today: due
    due_by_name = [pid for _n, pid in sorted((p.name, p.id) for p in people[1::2])]
    rest_by_name = [pid for _n, pid in sorted((p.name, p.id) for p in people[0::2])]
    everyone = participant_page(admin, district, only_due=False, limit=3)
    assert [line.citizen_id for line in everyone.lines] == due_by_name + rest_by_name[:1]
    assert (everyone.total, everyone.due) == (5, 2)
    due = participant_page(admin, district, only_due=True, limit=1)
    assert (due.total, due.due, len(due.lines)) == (2, 2, 1)
    assert due.lines[0].citizen_id == due_by_name[0]
    assert participant_page(admin, district, only_due=False, limit=10).lines == participants(
        admin, district, only_due=False, limit=10)


def test_the_longest_waiting_is_on_the_first_page_whatever_the_name(admin, frozen_day):
    """The order is over the whole list, not only within the page read."""
    from models.reassessment import participant_page

    district = district_with_pool(admin, capacity=4)
    people = [_participant(admin, district, n, on=frozen_day - dt.timedelta(days=40)) for n in range(3)]
    last_by_name = max(people, key=lambda p: (p.name, p.id))
    for person in people:
        punch(admin, person, 10, "Bustur", on=frozen_day - dt.timedelta(days=1 if person is not last_by_name else 30))
    page = participant_page(admin, district, only_due=True, limit=1)
    assert [line.citizen_id for line in page.lines] == [last_by_name.id]
    assert page.total == 3


def test_the_list_is_searched_in_the_whole_list(admin, frozen_day):
    """Search by a part of the name or the CPR number's first digits, over every line (not one page)."""
    from models.reassessment import participant_page

    district = district_with_pool(admin, capacity=4)
    people = [_participant(admin, district, n) for n in range(3)]
    target = people[2]
    part = target.name[1:]  # a part of the name, not its start
    page = participant_page(admin, district, only_due=False, limit=1, search=part)
    assert [line.citizen_id for line in page.lines] == [target.id] and page.total == 1
    assert participant_page(admin, district, only_due=False, limit=1, search=part[:4]).total == 3
    by_cpr = participant_page(admin, district, only_due=False, search=target.cpr[:6] + "-" + target.cpr[6:8])
    assert [line.citizen_id for line in by_cpr.lines] == [target.id]
    assert participant_page(admin, district, only_due=False, search="zzzz-ingen").lines == []
    folded = participant_page(admin, district, only_due=False, search=target.name.upper())  # case folded
    assert [line.citizen_id for line in folded.lines] == [target.id]


# flows (issue #15): the list is sorted by how long each reassessment has waited
def test_the_longest_waiting_reassessment_comes_first(admin, frozen_day):
    district = district_with_pool(admin, capacity=4)
    day = frozen_day - dt.timedelta(days=250)
    old = _participant(admin, district, 0, on=day)  # due by the interval since ~7 months after `day`
    month_ago = frozen_day - dt.timedelta(days=30)
    late, early = _participant(admin, district, 1, on=month_ago), _participant(admin, district, 2, on=month_ago)
    waiting = _participant(admin, district, 3)  # not due
    punch(admin, late, 10, "Bustur", on=frozen_day - dt.timedelta(days=2))
    punch(admin, early, 10, "Bustur", on=frozen_day - dt.timedelta(days=20))
    lines = participants(admin, district, only_due=False)
    assert [line.citizen_id for line in lines] == [old.id, early.id, late.id, waiting.id]
    assert lines[1].waiting_since == frozen_day - dt.timedelta(days=20)
    assert lines[0].waiting_since == day + dt.timedelta(days=round(6 * 30.44))
    assert lines[3].waiting_since is None


# screensB (issue #17): the due list filters by the rule itself (no repeated "due" column); it is
# exactly the rule's set (models.participation.due_for_reassessment), and the others are the rest
def test_the_due_list_is_the_due_rule_and_the_rest_is_everyone_else(admin, frozen_day):
    from models.reassessment import participant_page

    district = district_with_pool(admin, capacity=6)
    old = frozen_day - dt.timedelta(days=200)
    freeze_today(old)
    waited = _participant(admin, district, 0, on=old)  # 6 months without a reassessment: due
    reassessed = _participant(admin, district, 1, on=old)
    freeze_today(frozen_day - dt.timedelta(days=10))
    reassess(admin, reassessed, decision="continue", **FOLLOWUP)  # reassessed since the cutoff: not due
    freeze_today(frozen_day)
    used_up = _participant(admin, district, 2)
    punch(admin, used_up, 10, "Fællestur")  # its card used up: due
    paused = _participant(admin, district, 3, on=old)
    pause(admin, paused, "ferie")  # paused and past the interval: due
    fresh = _participant(admin, district, 4)  # admitted today: not due
    rule = {c.id for c in due_for_reassessment(district=district)}
    assert rule == {waited.id, used_up.id, paused.id}
    due = participant_page(admin, district, only_due=True)
    assert {line.citizen_id for line in due.lines} == rule and all(line.due for line in due.lines)
    assert (due.total, due.due) == (3, 3)
    everyone = participant_page(admin, district, only_due=False)
    assert {(line.citizen_id, line.due) for line in everyone.lines} == (
        {(cid, True) for cid in rule} | {(reassessed.id, False), (fresh.id, False)})
    assert (everyone.total, everyone.due) == (5, 3)


# issue #17: the due list is ordered, counted and cut by the database; a name search orders the same way
def test_a_page_of_the_due_list_is_the_longest_waiting_and_the_count_is_of_all(admin, frozen_day):
    from models.reassessment import participant_page

    district = district_with_pool(admin, capacity=4)
    day = frozen_day - dt.timedelta(days=250)
    old = _participant(admin, district, 0, on=day)  # fell due ~67 days ago (by the interval)
    month_ago = frozen_day - dt.timedelta(days=30)
    late, early = _participant(admin, district, 1, on=month_ago), _participant(admin, district, 2, on=month_ago)
    punch(admin, late, 10, "Bustur", on=frozen_day - dt.timedelta(days=2))  # fell due 2 days ago
    punch(admin, early, 10, "Bustur", on=frozen_day - dt.timedelta(days=20))  # 20 days ago
    _participant(admin, district, 3)  # not due
    page = participant_page(admin, district, only_due=True, limit=2)
    assert [line.citizen_id for line in page.lines] == [old.id, early.id]
    assert (page.total, page.due) == (3, 3)
    assert page.lines[1].waiting_since == frozen_day - dt.timedelta(days=20)
    assert page.lines[0].since == day
    everyone = participant_page(admin, district, only_due=False, limit=2)
    assert [line.citizen_id for line in everyone.lines] == [old.id, early.id] and everyone.total == 4
    searched = participant_page(admin, district, only_due=True, search="BORGER", limit=10)  # case folded
    assert [line.citizen_id for line in searched.lines] == [old.id, early.id, late.id]
    assert participant_page(admin, district, only_due=True, search="borger 2", limit=10).lines[0].citizen_id == \
        early.id
