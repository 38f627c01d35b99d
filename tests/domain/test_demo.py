"""Demo data: deterministic for a seed, realistic, and within the rules."""
from __future__ import annotations

import decimal
import sqlite3

import pytest
from peewee import fn

from models.base import DomainError
from models.cpr import normalise
from models.entities import (
    CARD_OPEN,
    STATE_ACTIVE,
    STATE_WAITLISTED,
    Card,
    Citizen,
    Event,
    Punch,
    Screening,
)
from models.pools import pool_figures


def test_demo_is_deterministic_for_a_seed(tmp_path, me, frozen_day):
    from models.demo import open_demo_database
    from models.store import close_database

    dumps = []
    for name in ("a.db", "b.db"):
        path = str(tmp_path / name)
        open_demo_database(path, me, citizens=150, seed=11)
        close_database()
        conn = sqlite3.connect(path)
        dumps.append((conn.execute("select cpr, name, address, state from citizen order by id").fetchall(),
                      conn.execute("select card_id, clips, activity, punched_on from punch "
                                   "order by punched_on, card_id, clips, activity").fetchall()))
    assert dumps[0] == dumps[1]


def test_demo_data_follows_the_rules(demo, frozen_day):
    citizens = Citizen.select().count()
    assert citizens == 300
    for c in Citizen.select():
        assert normalise(c.cpr) == c.cpr
        assert 1920 <= int(("19" + c.cpr[4:6])) <= 1955
    eligible = Screening.select().where(Screening.eligible == True).count()  # noqa: E712
    assert 0 < eligible < citizens * 0.35
    assert Citizen.select().where(Citizen.state == STATE_ACTIVE).exists()
    assert Citizen.select().where(Citizen.state == STATE_WAITLISTED).exists()
    # every card: the ledger adds up to its used clips, never above 10
    for card in Card.select():
        total = Punch.select(fn.COALESCE(fn.SUM(Punch.clips), 0)).where(Punch.card == card).scalar()
        assert total == card.used <= card.clips
    # one open card at most per citizen
    per_citizen = (Card.select(Card.citizen, fn.COUNT(Card.id)).where(Card.status == CARD_OPEN)
                   .group_by(Card.citizen).having(fn.COUNT(Card.id) > 1))
    assert not per_citizen.exists()
    assert Punch.select(fn.MAX(Punch.punched_on)).scalar() <= frozen_day
    for figures in pool_figures(frozen_day.year):
        assert 0 <= figures.committed <= figures.allocated
        assert figures.participants <= figures.capacity
    assert Event.select().where(Event.starts_at > frozen_day).exists()
    assert Event.select().where(Event.starts_at < frozen_day).exists()


def test_demo_refuses_a_database_with_citizens(demo, me):
    from models.demo import fill_demo

    with pytest.raises(DomainError, match="allerede borgere"):
        fill_demo(me, citizens=10)


def test_demo_outings_held_in_the_past_punched_their_attendees(demo):
    from models.entities import ATTENDED, Signup

    held = Event.select().where((Event.status == "held") & Event.programme.is_null())  # a café punches no clips
    assert held.exists()
    attended = 0
    for event in held:
        for signup in Signup.select().where(Signup.event == event):
            punches = Punch.select().where((Punch.event == event) & (Punch.citizen == signup.citizen_id))
            if signup.attendance == ATTENDED:
                attended += 1
                clips = [p.clips for p in punches]
                assert len(clips) == 1 and 1 <= clips[0] <= event.clips_per_participant
            else:
                assert not punches.exists()
    assert attended > 0


def test_demo_programmes_are_shaped_like_ishojs(demo):
    """Issue 14: the plan's three budgets and lines, a weekly café of 30–40 with more than half from the
    target group over six months, enrolment, spending and results notes."""
    import datetime as dt
    import decimal

    from models.programme_attendance import programme_attendance
    from models.programmes import programme_figures, report_rows

    figures = programme_figures()
    assert [(p.budget, [x.budget for x in p.lines]) for p in figures] == [
        (decimal.Decimal(a), [decimal.Decimal(x) for x in lines]) for a, lines in (
            ("450000", ("400000", "50000")), ("950000", ("850000", "100000")), ("1300000", ("1225000", "75000")))]
    assert report_rows(figures)[-1].budget == decimal.Decimal("2700000")
    assert all(p.spent > 0 and p.enrolled > 0 for p in figures)
    cafe = programme_attendance(figures[1].id)
    assert len(cafe.counts) in (26, 27) and {c.day.weekday() for c in cafe.counts} == {2}  # six months
    assert all(30 <= c.total <= 40 for c in cafe.counts)
    assert cafe.counts[0].day >= dt.date(2026, 11, 20) - dt.timedelta(weeks=27)
    assert cafe.shares.of_all > 0.5 and all(m.shares.of_all > 0.5 for m in cafe.months if m.shares.total)
    assert cafe.regulars()  # a core comes week after week
    assert Event.select().where((Event.programme == figures[1].id) & (Event.status == "planned")).count() == 8
    growth = programme_attendance(figures[0].id).months[-1].growth
    assert 0.25 <= growth <= 0.40  # Projekt 1: "steget med ca. 33 %"


def test_after_the_demo_new_rows_get_new_ids(demo, admin):
    """The filler writes explicit ids; PostgreSQL's sequences must follow them (issue #18)."""
    from models.citizens import create_citizen

    highest = Citizen.select(fn.MAX(Citizen.id)).scalar()
    citizen = create_citizen(admin, "0101301238", "Ny Borger")
    assert citizen.id > highest


# --- issue #15, item 6: a demo that looks like a well-run scheme


def _waiting_and_free(year):
    return [(p.district, p.places, p.waitlist) for p in pool_figures(year) if p.places and p.waitlist]


def test_demo_leaves_no_free_place_while_someone_waits_and_offered_places_first_screened_first(demo, frozen_day):
    from models.entities import STATE_ENDED, STATE_PAUSED, District

    assert _waiting_and_free(frozen_day.year) == []  # the dashboard's "Plads ledig til ventende" has nothing to say
    for district in District.select():
        def screened(states, district=district):
            return [s.screened_on for s in Screening.select().join(Citizen).where(
                (Citizen.district == district) & Citizen.state.in_(states)
                & (Screening.eligible == True))]  # noqa: E712
        waiting = screened([STATE_WAITLISTED])
        taken = screened([STATE_ACTIVE, STATE_PAUSED, STATE_ENDED])
        if waiting and taken:  # nobody screened later got a place before one who still waits
            assert max(taken) <= min(waiting)


def test_demo_fill_offers_a_place_freed_today_through_the_admission_operation(demo, frozen_day, admin):
    """A place that comes free (a participant ends) is filled by the demo's last step as on Venteliste:
    the admission operation, its audit row and a first card."""
    from models.admission import waitlisted
    from models.demo import _admit_from_waitlists
    from models.entities import AuditLog, District
    from models.reassessment import reassess

    district = next(d for d in District.select() if waitlisted(d))
    leaving = Citizen.select().where((Citizen.district == district) & (Citizen.state == STATE_ACTIVE)).first()
    reassess(admin, leaving, decision="end", end_reason="flyttet")
    assert _waiting_and_free(frozen_day.year)  # a place and somebody waiting for it
    first = waitlisted(district)[0][0]

    class Demo:  # what the step needs of the fill's state
        districts = [district]
        today = frozen_day
        staff_by_district = {district.id: admin}

    _admit_from_waitlists(Demo)
    assert _waiting_and_free(frozen_day.year) == []
    assert Citizen.get_by_id(first.id).state == STATE_ACTIVE
    assert AuditLog.select().where((AuditLog.operation == "citizen.admit")
                                   & (AuditLog.entity_id == str(first.id))).exists()
    assert Card.select().where(Card.citizen == first.id).exists()


@pytest.mark.parametrize("citizens", [300, 2000])
def test_demo_outings_fit_the_transport_reserve_at_every_size(tmp_path, me, frozen_day, citizens):
    """Outings scale with the scheme: the year's held outings spend most of the reserve, never more."""
    from models.demo import open_demo_database
    from models.followup import year_share
    from models.pool_overview import pools_overview
    from models.store import close_database

    open_demo_database(str(tmp_path / "demo.db"), me, citizens=citizens, seed=1)
    try:
        money = pools_overview(frozen_day.year, frozen_day).money
        assert money.reserve_left_dkk >= 0  # no "transporten har brugt … mere end reserven"
        assert money.transport_spent_dkk >= money.transport_reserve_dkk * decimal.Decimal(
            year_share(frozen_day)) / 2  # and the outings are not a token: at least half its pace
        assert Event.select().where((Event.status == "planned") & Event.programme.is_null()).exists()
    finally:
        close_database()


def test_demo_use_is_on_pace_in_a_well_run_district_and_honestly_behind_in_one(tmp_path, me, frozen_day):
    """Opfølgning at the default size: not every district "bagud"; the one whose therapist was away is."""
    from models.demo import AWAY_DISTRICT, open_demo_database
    from models.followup import TARGET_PERCENT, district_use
    from models.settings import get_setting
    from models.store import close_database

    open_demo_database(str(tmp_path / "demo.db"), me, citizens=2000, seed=1)
    try:
        uses = district_use(frozen_day, get_setting(TARGET_PERCENT.key))
        behind = {u.district for u in uses if u.behind}
        assert behind == {AWAY_DISTRICT}
        for use in uses:
            assert use.punched <= use.allocated
            if not use.behind:  # on pace: within a tenth of the year's even pace either way
                assert abs(use.used_share - use.year_share) <= 0.1, use
    finally:
        close_database()
