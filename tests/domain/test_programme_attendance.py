"""The weekly café (issue 14): a weekly series, attendance with guests, and its figures on constructed data."""
from __future__ import annotations

import datetime as dt

import pytest

from models.base import DomainError
from models.entities import AuditLog, Citizen, Event, Screening, Signup, Staff
from models.programme_attendance import (
    EventCount,
    Shares,
    Visit,
    growth,
    monthly,
    regulars,
    shares,
    weekly,
)

WED = dt.date(2026, 6, 3)  # a Wednesday


def test_weekly_series_keeps_weekday_and_time(admin):
    from models.events import create_events

    events = create_events(admin, title="Café", day="03-06-2026", time="12:30", seats=40, repeat_weeks=26)
    assert len(events) == 26 and len({e.series for e in events}) == 1 and events[0].series
    assert {e.starts_at.weekday() for e in events} == {2} and {e.starts_at.time() for e in events} == {dt.time(12, 30)}
    assert events[-1].starts_at.date() == WED + dt.timedelta(weeks=25)
    assert all(e.clips_per_participant is None for e in events)  # no clips unless set
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Café", day="03-06-2026", time="12:30", seats=40, repeat_weeks=105)
    assert err.value.field == "repeat_weeks"
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Café", day="03-06-2026", time="12:30", seats=40, repeat_weeks=4,
                      repeat_months=3)
    assert err.value.field == "repeat_weeks"
    assert Event.select().count() == 26
    monthly_events = create_events(admin, title="Bus", day="31-01-2026", time="9", seats=10, repeat_months=3)
    assert [e.starts_at.date() for e in monthly_events] == [dt.date(2026, 1, 31), dt.date(2026, 2, 28),
                                                             dt.date(2026, 3, 31)]


def test_weekly_counts_fill_empty_weeks():
    counts = [EventCount(WED, 20, 12, 10), EventCount(WED + dt.timedelta(days=1), 2, 1, 0),
              EventCount(WED + dt.timedelta(weeks=2), 25, 15, 8)]
    weeks = weekly(counts)
    assert [(w.monday, w.registered, w.guests, w.total, w.events) for w in weeks] == [
        (dt.date(2026, 6, 1), 22, 10, 32, 2), (dt.date(2026, 6, 8), 0, 0, 0, 0), (dt.date(2026, 6, 15), 25, 8, 33, 1)]
    assert weekly([]) == []


def test_shares_of_all_and_of_registered():
    s = shares([EventCount(WED, 24, 18, 10), EventCount(WED, 26, 20, 10)])
    assert (s.target, s.registered, s.guests, s.total) == (38, 50, 20, 70)
    assert s.of_all == pytest.approx(38 / 70) and s.of_registered == pytest.approx(38 / 50)
    assert Shares(0, 0, 0).of_all is None and Shares(0, 0, 5).of_registered is None and Shares(0, 0, 5).of_all == 0


def test_regulars_came_n_of_the_last_m_weeks():
    visits = []
    for week in range(6):  # citizen 1 every week, 2 in weeks 0-2 only, 3 in weeks 3 and 5
        day = WED + dt.timedelta(weeks=week)
        visits.append(Visit(day, 1, True))
        if week <= 2:
            visits.append(Visit(day, 2, True))
        if week in (3, 5):
            visits.append(Visit(day, 3, False))
    visits.append(Visit(WED + dt.timedelta(weeks=5, days=1), 1, True))  # twice in one week counts once
    assert regulars(visits, 3, 4) == {1: 4}
    assert regulars(visits, 2, 4) == {1: 4, 3: 2}
    assert regulars(visits, 3, 6) == {1: 6, 2: 3}
    assert regulars(visits, 3, 4, last_week=WED + dt.timedelta(weeks=3)) == {1: 4, 2: 3}


def test_participants_per_month_and_growth_against_the_first():
    assert growth(30, 40) == pytest.approx(1 / 3) and growth(0, 5) is None
    # June: 3 enrolled; July: 4 (one more); August: one left at the end of July, two came to the café
    enrolments = [(1, dt.date(2026, 6, 1), None), (2, dt.date(2026, 6, 10), None), (3, dt.date(2026, 6, 20),
                                                                                     dt.date(2026, 7, 31)),
                  (4, dt.date(2026, 7, 5), None)]
    visits = [Visit(dt.date(2026, 8, 5), 9, True), Visit(dt.date(2026, 8, 5), 1, False)]
    counts = [EventCount(dt.date(2026, 8, 5), 2, 1, 3)]
    rows = monthly(visits, counts, enrolments, until=dt.date(2026, 8, 20))
    assert [(r.month, r.participants, r.guests) for r in rows] == [
        (dt.date(2026, 6, 1), 3, 0), (dt.date(2026, 7, 1), 4, 0), (dt.date(2026, 8, 1), 4, 3)]
    assert rows[0].growth == 0 and rows[1].growth == pytest.approx(1 / 3) and rows[2].growth == pytest.approx(1 / 3)
    assert rows[2].shares.of_all == pytest.approx(1 / 5) and rows[2].shares.of_registered == pytest.approx(1 / 2)
    assert rows[0].shares.of_all is None


@pytest.fixture
def cafe(admin, frozen_day):
    from models.programmes import create_programme, plan_cafe

    p = create_programme(admin, "Caféen", year=2026, budget="950.000")
    events = plan_cafe(admin, p, title="Ugentlig café", day=frozen_day - dt.timedelta(weeks=2), time="12:00",
                       weeks=4, seats=40)
    return p, events


def _citizen(cpr, name, eligible_on=None, not_eligible_on=None):
    c = Citizen.create(cpr=cpr, name=name)
    staff = Staff.get()
    for on, eligible in ((eligible_on, True), (not_eligible_on, False)):
        if on:
            Screening.create(citizen=c, screened_on=on, screened_by=staff, receives_home_help=True,
                             lives_alone=eligible, hard_to_get_out=eligible, limited_network=eligible,
                             eligible=eligible)
    return c


def test_attendance_registers_citizens_and_guests(cafe, admin, frozen_day):
    from models.programme_attendance import attendees, programme_attendance, register_attendance

    p, events = cafe
    a = _citizen("0101401234", "Karen Jensen", eligible_on=dt.date(2026, 1, 1))
    b = _citizen("0202402345", "Poul Hansen", eligible_on=dt.date(2026, 1, 1),
                 not_eligible_on=frozen_day - dt.timedelta(weeks=1, days=1))  # re-screened: no longer eligible
    c = _citizen("0303403456", "Ruth Madsen")  # never screened
    out = register_attendance(admin, events[0].id, [a.id, b.id, c.id, a.id], guests="12")
    assert (out.registered, out.guests) == (3, 12) and "15 i alt" in out.message
    register_attendance(admin, events[1].id, [a.id, b.id], guests=10)
    event = Event.get_by_id(events[0].id)
    assert event.status == "held" and event.held_on == event.starts_at.date() and event.guests == 12
    # a correction replaces the registration: Ruth was not there after all
    register_attendance(admin, events[0].id, [a.id, b.id], guests=11)
    assert [cid for cid, _ in attendees(admin, events[0].id)] == [a.id, b.id]
    from models.entities import AccessLog

    assert AccessLog.get(AccessLog.criterion == f"fremmøde arrangement {events[0].id}").action == "list"
    assert Signup.get((Signup.event == events[0].id) & (Signup.citizen == c.id)).attendance == "absent"
    report = programme_attendance(p.id)
    assert [(x.registered, x.target, x.guests) for x in report.counts] == [(2, 2, 11), (2, 1, 10)]
    s = report.shares
    assert (s.target, s.registered, s.total) == (3, 4, 25)
    assert report.regulars(2, 2) == {a.id: 2, b.id: 2}
    assert len(AuditLog.select().where(AuditLog.operation == "programme.attendance")) == 3


def test_attendance_refusals_write_nothing(cafe, admin, frozen_day):
    from models.events import create_events
    from models.programme_attendance import register_attendance
    from models.staff import add_staff

    p, events = cafe
    a = _citizen("0101401234", "Karen Jensen")
    cases = [((events[3].id, [a.id], 0), None),  # in the future
             ((events[0].id, [a.id], "-1"), "guests"), ((events[0].id, [a.id], "x"), "guests"),
             ((events[0].id, [999], 0), "citizen")]
    outing = create_events(admin, title="Bus", day=frozen_day, time="9", seats=10, clips_per_participant=2)[0]
    cases.append(((outing.id, [a.id], 0), None))  # not a programme event
    for args, field in cases:
        with pytest.raises(DomainError) as err:
            register_attendance(admin, *args)
        assert err.value.field == field
    assert Signup.select().count() == 0 and Event.get_by_id(events[0].id).status == "planned"
    who = add_staff(admin, "daemon", "Tea Terapeut", "terapeut", None)  # therapists register café attendance
    assert register_attendance(who, events[0].id, [a.id], 3).registered == 1


def test_a_programme_event_is_never_booked_against_the_klippekort_transport_reserve(cafe, admin, frozen_day):
    from models.events import create_events
    from models.pool_overview import transport_spent
    from models.programme_attendance import register_attendance

    p, _events = cafe
    before = transport_spent(frozen_day.year)
    bus = create_events(admin, title="Bus til caféen", day=frozen_day, time="11", seats=40, programme=p,
                        transport_cost_dkk="1.850")[0]
    register_attendance(admin, bus.id, [], guests=30)
    assert transport_spent(frozen_day.year) == before
    outing = create_events(admin, title="Bustur", day=frozen_day, time="11", seats=40, transport_cost_dkk="900")[0]
    Event.update(status="held", held_on=frozen_day).where(Event.id == outing.id).execute()
    assert transport_spent(frozen_day.year)[0] == before[0] + 900


def test_a_cafe_without_clips_is_not_a_joint_outing(cafe, admin, frozen_day):
    from models.dashboard import next_events
    from models.events import create_events, events_overview

    p, events = cafe
    outing = create_events(admin, title="Bustur", day=frozen_day + dt.timedelta(days=1), time="9", seats=10)[0]
    clipped = create_events(admin, title="Projektets tur", day=frozen_day + dt.timedelta(days=2), time="9", seats=10,
                            programme=p, clips_per_participant=2)[0]
    overview = events_overview()
    listed = {row.id for row in overview.coming + overview.past}
    assert outing.id in listed and clipped.id in listed  # a programme event that punches clips is an outing
    assert not listed & {e.id for e in events}
    assert [e.event_id for e in next_events(limit=10)] == [outing.id, clipped.id]
