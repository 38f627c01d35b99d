"""The home screen's figures, gathered in one read."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from .base import today
from .entities import EVENT_PLANNED, SIGNUP_SEATED, SIGNUP_WAITLISTED, Citizen, District, Event, Signup
from .events import is_outing
from .followup import IDLE_WEEKS, count_idle_cards
from .logs import review_overdue  # imported with the module: the read may run in a thread (issue #17)
from .participation import due_for_reassessment
from .pools import PoolFigures, pool_figures
from .settings import get_setting


@dataclass
class DistrictLine:
    pool: PoolFigures
    reassessments_due: int


@dataclass
class EventLine:
    event_id: int
    title: str
    starts_at: _dt.datetime
    district: str
    seats: int
    taken: int
    waitlisted: int


@dataclass
class Dashboard:
    year: int
    districts: list[DistrictLine] = field(default_factory=list)
    events: list[EventLine] = field(default_factory=list)
    idle_cards: int = 0  # open cards without a clip for the follow-up weeks (issue #13)
    idle_weeks: int = 0
    review_overdue: int | None = None  # issue #12: days since the last log review (-1: never), if too long


def next_events(limit: int = 5, on: _dt.date | None = None) -> list[EventLine]:
    on = on or today()
    events = (Event.select(Event, District).join(District, JOIN.LEFT_OUTER)
              .where((Event.status == EVENT_PLANNED) & (Event.starts_at >= _dt.datetime.combine(on, _dt.time()))
                     & is_outing())  # issue 14: a programme's café is on the programme page
              .order_by(Event.starts_at).limit(limit))
    events = list(events)
    # the seated and waiting counts of all of them in one grouped query (issue #17: was two per outing)
    counts: dict[tuple[int, str], int] = {}
    if events:
        counts = {(event_id, status): n for event_id, status, n in (
            Signup.select(Signup.event, Signup.status, fn.COUNT(Signup.id))
            .where(Signup.event.in_([event.id for event in events])
                   & Signup.status.in_((SIGNUP_SEATED, SIGNUP_WAITLISTED)))
            .group_by(Signup.event, Signup.status).tuples())}
    return [EventLine(event.id, event.title, event.starts_at,
                      event.district.name if event.district_id else "Hele kommunen", event.seats,
                      counts.get((event.id, SIGNUP_SEATED), 0), counts.get((event.id, SIGNUP_WAITLISTED), 0))
            for event in events]


def due_per_district(on: _dt.date) -> dict[int | None, int]:
    """How many participants are due for reassessment, per district: one grouped query, not one per district."""
    query = (due_for_reassessment(on=on).select(Citizen.district, fn.COUNT(Citizen.id))
             .group_by(Citizen.district))
    return dict(query.tuples())


def dashboard(on: _dt.date | None = None) -> Dashboard:
    on = on or today()
    board = Dashboard(year=on.year)
    due = due_per_district(on)
    for figures in pool_figures(on.year):
        board.districts.append(DistrictLine(figures, due.get(figures.district_id, 0)))
    board.events = next_events(on=on)
    board.idle_weeks = get_setting(IDLE_WEEKS.key)
    board.idle_cards = count_idle_cards(on, board.idle_weeks)
    board.review_overdue = review_overdue(on)
    return board
