"""The dashboard's read (models/dashboard.py) after issue #17: fewer queries, the same figures."""
from __future__ import annotations

from models.dashboard import dashboard, due_per_district, next_events
from models.entities import SIGNUP_CANCELLED, SIGNUP_SEATED, SIGNUP_WAITLISTED, Citizen, Event, Signup
from models.participation import due_for_reassessment


def test_the_next_outings_count_seated_and_waiting_per_outing_not_cancelled(demo, admin, frozen_day):
    coming = next_events(limit=10)
    assert coming
    event = Event.get_by_id(coming[0].event_id)
    others = Citizen.select().where(Citizen.id.not_in(Signup.select(Signup.citizen).where(Signup.event == event)))
    extra = list(others.limit(3))
    seq = Signup.select().where(Signup.event == event).count()
    for n, (citizen, status) in enumerate(zip(extra, (SIGNUP_SEATED, SIGNUP_WAITLISTED, SIGNUP_CANCELLED),
                                              strict=True)):
        # the test's own data, set up directly: one more seated, one more waiting, one cancelled
        Signup.create(event=event, citizen=citizen, status=status, seq=seq + 100 + n, by=admin)
    for line in next_events(limit=10):
        def count(status, event_id=line.event_id):
            return Signup.select().where((Signup.event == event_id) & (Signup.status == status)).count()

        assert (line.taken, line.waitlisted) == (count(SIGNUP_SEATED), count(SIGNUP_WAITLISTED))
    first = next_events(limit=10)[0]
    assert (first.taken, first.waitlisted) == (coming[0].taken + 1, coming[0].waitlisted + 1)


def test_no_outings_coming_is_an_empty_list(database, admin, frozen_day):
    assert next_events() == [] and dashboard().events == []


def test_the_reassessments_due_per_district_are_the_due_rule_counted(demo, frozen_day):
    due = due_per_district(frozen_day)
    expected: dict = {}
    for citizen in due_for_reassessment(on=frozen_day):
        expected[citizen.district_id] = expected.get(citizen.district_id, 0) + 1
    assert due == expected and sum(due.values()) > 0
