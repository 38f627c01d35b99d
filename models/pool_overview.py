"""Where the year's pools stand, in clips and in kroner: one read for the
pools screen and ``cirkel pools`` (R6–R8).

Per district: allocated, committed, punched, left, participants / capacity,
waitlist (from :func:`models.pools.pool_figures`), plus the clips punched per
week and a projection: at the rate of the last 8 weeks, the day the pool's
clips are all punched, with a warning when that is before the year ends.
In kroner: the budget, clips punched × price, transport spent (held outings'
transport cost, booked on the day an outing is held) and what is left.
"""
from __future__ import annotations

import copy
import datetime as _dt
import decimal
import math
from dataclasses import dataclass, field

from peewee import fn

from .base import today
from .entities import Agreement, Budget, Card, Event, Pool, Punch
from .pools import PoolFigures, clips_for_year, pool_figures

WINDOW_WEEKS = 8
WINDOW_DAYS = WINDOW_WEEKS * 7


@dataclass
class Projection:
    """The run-out forecast of a pool at the rate of the last 8 weeks."""

    rate_per_week: float  # clips punched per week over the window
    runs_out_on: _dt.date | None  # None: no clips punched in the window (no forecast)
    used_up: bool  # every allocated clip is already punched
    warning: bool  # runs out before the year ends


def project_run_out(allocated: int, punched: int, punched_in_window: int, on: _dt.date,
                    year: int) -> Projection:
    """At the rate of the last 8 weeks (``punched_in_window`` clips in the 56 days
    up to and including ``on``), the day the pool's last clip is punched."""
    year_end = _dt.date(year, 12, 31)
    remaining = allocated - punched
    rate_week = max(0, punched_in_window) / WINDOW_WEEKS
    if remaining <= 0:
        return Projection(rate_week, on, True, allocated > 0 and on < year_end)
    if punched_in_window <= 0:
        return Projection(0.0, None, False, False)
    days = math.ceil(remaining * WINDOW_DAYS / punched_in_window)
    runs_out = on + _dt.timedelta(days=days)
    return Projection(rate_week, runs_out, False, runs_out <= year_end)


@dataclass
class PoolLine:
    figures: PoolFigures
    weekly: list[int]  # net clips punched per week of the year (week 1 starts 1 January)
    projection: Projection | None  # only for the current year


@dataclass
class Money:
    budget_dkk: decimal.Decimal
    price_per_clip_dkk: decimal.Decimal
    transport_reserve_dkk: decimal.Decimal
    punched_clips: int
    punched_dkk: decimal.Decimal  # clips punched × price
    transport_spent_dkk: decimal.Decimal
    held_events: int

    @property
    def left_dkk(self) -> decimal.Decimal:
        return self.budget_dkk - self.punched_dkk - self.transport_spent_dkk

    @property
    def reserve_left_dkk(self) -> decimal.Decimal:
        return self.transport_reserve_dkk - self.transport_spent_dkk


@dataclass
class PoolsOverview:
    year: int
    on: _dt.date
    has_budget: bool
    clips: int  # the year's clips by R8 (0 without a budget)
    clips_per_participant: int
    lines: list[PoolLine] = field(default_factory=list)
    total: PoolLine | None = None
    money: Money | None = None
    budget_years: list[int] = field(default_factory=list)
    weekly_read: bool = True  # False: the lines' weekly series are still empty (pool_weeks reads them)
    pool_ids: dict[int, int] = field(default_factory=dict)  # district id → the year's pool id

    @property
    def closed_for_intake(self) -> list[str]:
        return [line.figures.district for line in self.lines if not line.figures.open_for_intake]


def transport_spent(year: int) -> tuple[decimal.Decimal, int]:
    """Transport booked against the year's reserve: held outings (``held_on`` in the year).

    A programme's events (a café) are paid by the programme, never by the klippekort reserve (R13).
    """
    start, end = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    row = (Event.select(fn.COALESCE(fn.SUM(Event.transport_cost_dkk), 0), fn.COUNT(Event.id))
           .where(Event.held_on.is_null(False) & (Event.held_on >= start) & (Event.held_on <= end)
                  & Event.programme.is_null(True))
           .tuples().first())
    return decimal.Decimal(str(row[0] or 0)).quantize(decimal.Decimal("0.01")), int(row[1] or 0)


def punches_by_day(pool_ids: list[int]) -> dict[int, dict[_dt.date, int]]:
    """Net clips per pool and day (cards and agreements drawn on each pool).

    Two indexed queries (card.pool, agreement.pool) rather than one over every
    punch, so the cost follows the year's punches, not all years'.
    """
    result: dict[int, dict[_dt.date, int]] = {pid: {} for pid in pool_ids}
    if not pool_ids:
        return result
    on_cards = (Punch.select(Card.pool, Punch.punched_on, fn.SUM(Punch.clips))
                .join(Card, on=(Punch.card == Card.id)).where(Card.pool.in_(pool_ids))
                .group_by(Card.pool, Punch.punched_on).tuples())
    on_agreements = (Punch.select(Agreement.pool, Punch.punched_on, fn.SUM(Punch.clips))
                     .join(Agreement, on=(Punch.agreement == Agreement.id)).where(Agreement.pool.in_(pool_ids))
                     .group_by(Agreement.pool, Punch.punched_on).tuples())
    for query in (on_cards, on_agreements):
        for pid, day, clips in query:
            if isinstance(day, str):
                day = _dt.date.fromisoformat(day)
            result[pid][day] = result[pid].get(day, 0) + int(clips)
    return result


def weekly_series(days: dict[_dt.date, int], year: int, on: _dt.date) -> list[int]:
    """Clips per 7-day week from 1 January up to ``on`` (or the year's end).

    Punches dated after the year (a card keeps its pool into the next year) count
    in the last week, so the series always adds up to the pool's punched clips.
    """
    start, end = _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    last = min(max(on, start), end)
    if on < start:
        return []
    weeks = [0] * ((last - start).days // 7 + 1)
    for day, clips in days.items():
        index = min(max(0, (day - start).days // 7), len(weeks) - 1)
        weeks[index] += clips
    return weeks


def clips_in_window(pool_ids: list[int], on: _dt.date) -> dict[int, int]:
    """Net clips per pool in the projection's window (the 56 days up to and including ``on``), summed in
    the database over the window's punches only (issue #17: the pools screen's table needs no more; the
    weekly series are read behind it, :func:`pool_weeks`)."""
    result = {pid: 0 for pid in pool_ids}
    if not pool_ids:
        return result
    window = Punch.punched_on.between(on - _dt.timedelta(days=WINDOW_DAYS - 1), on)
    on_cards = (Punch.select(Card.pool, fn.SUM(Punch.clips)).join(Card, on=(Punch.card == Card.id))
                .where(Card.pool.in_(pool_ids) & window).group_by(Card.pool).tuples())
    on_agreements = (Punch.select(Agreement.pool, fn.SUM(Punch.clips))
                     .join(Agreement, on=(Punch.agreement == Agreement.id))
                     .where(Agreement.pool.in_(pool_ids) & window).group_by(Agreement.pool).tuples())
    for query in (on_cards, on_agreements):
        for pid, clips in query:
            result[pid] += int(clips or 0)
    return result


def pools_overview(year: int | None = None, on: _dt.date | None = None, *, weekly: bool = True) -> PoolsOverview:
    """Everything the pools screen shows for ``year``, read in one go; with ``weekly=False`` all but
    the weekly series (the lines' ``weekly`` empty, ``weekly_read`` False: :func:`pool_weeks` reads them).
    The projections count the window's punches (:func:`clips_in_window`)."""
    on = on or today()
    year = year or on.year
    budget = Budget.get_or_none(Budget.year == year)
    years = [b.year for b in Budget.select(Budget.year).order_by(Budget.year)]
    figures = pool_figures(year)
    per_participant = budget.clips_per_participant if budget else 52
    overview = PoolsOverview(year=year, on=on, has_budget=budget is not None,
                             clips=clips_for_year(budget.budget_dkk, budget.transport_reserve_dkk,
                                                  budget.price_per_clip_dkk) if budget else 0,
                             clips_per_participant=per_participant, budget_years=years, weekly_read=False)
    pools = {} if budget is None else {p.district_id: p.id for p in Pool.select().where(Pool.budget == budget)}
    overview.pool_ids = pools
    window = clips_in_window(list(pools.values()), on)
    current = on.year == year
    for f in figures:
        projection = (project_run_out(f.allocated, f.punched, window.get(pools.get(f.district_id, -1), 0), on, year)
                      if current and budget else None)
        overview.lines.append(PoolLine(f, [], projection))
    in_total_window = sum(window.get(pools.get(f.district_id, -1), 0) for f in figures)
    total = PoolFigures(
        district_id=0, district="I alt", year=year,
        allocated=sum(f.allocated for f in figures), committed=sum(f.committed for f in figures),
        punched=sum(f.punched for f in figures), participants=sum(f.participants for f in figures),
        capacity=sum(f.capacity for f in figures), waitlist=sum(f.waitlist for f in figures))
    overview.total = PoolLine(total, [], project_run_out(total.allocated, total.punched, in_total_window, on, year)
                              if current and budget else None)
    if budget is not None:
        spent, held = transport_spent(year)
        price = decimal.Decimal(budget.price_per_clip_dkk)
        overview.money = Money(budget_dkk=decimal.Decimal(budget.budget_dkk), price_per_clip_dkk=price,
                               transport_reserve_dkk=decimal.Decimal(budget.transport_reserve_dkk),
                               punched_clips=total.punched, punched_dkk=price * total.punched,
                               transport_spent_dkk=spent, held_events=held)
    return _read_weeks(overview) if weekly else overview


def pool_weeks(overview: PoolsOverview) -> PoolsOverview:
    """A copy of ``overview`` (read with ``weekly=False``) with the lines' weekly series: the pools
    screen's second read, behind the table (the screen keeps showing the one it has meanwhile)."""
    return _read_weeks(copy.deepcopy(overview))


def _read_weeks(done: PoolsOverview) -> PoolsOverview:
    """``done``'s lines given their weekly series (clips per week since 1 January), in place."""
    by_day = punches_by_day(list(done.pool_ids.values()))
    all_days: dict[_dt.date, int] = {}
    for line in done.lines:
        days = by_day.get(done.pool_ids.get(line.figures.district_id, -1), {})
        for day, clips in days.items():
            all_days[day] = all_days.get(day, 0) + clips
        line.weekly = weekly_series(days, done.year, done.on)
    done.total.weekly = weekly_series(all_days, done.year, done.on)
    done.weekly_read = True
    return done
