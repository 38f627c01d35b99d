"""Where participants stand: who is due for reassessment (R5)."""
from __future__ import annotations

import datetime as _dt

from peewee import JOIN, Case, fn

from .base import today
from .entities import (
    CARD_OPEN,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_PAUSED,
    STATE_WAITLISTED,
    Card,
    Citizen,
    Reassessment,
    Setting,
    StateChange,
)

DEFAULT_REASSESS_MONTHS = 6


def reassessment_interval_months() -> int:
    row = Setting.get_or_none(Setting.key == "reassess_months")
    return int(row.value) if row else DEFAULT_REASSESS_MONTHS


def due_for_reassessment(district=None, on: _dt.date | None = None):
    """Participants with no open card (their card is used up), or not reassessed
    for the configured number of months since admission or the last reassessment.

    Admission is the latest move to active from eligible or waitlisted (a pause
    and its resume do not restart the clock)."""
    on = on or today()
    months = reassessment_interval_months()
    cutoff = on - _dt.timedelta(days=round(months * 30.44))
    open_card = (Card.select(Card.citizen).where(Card.status == CARD_OPEN))
    last = (Reassessment.select(Reassessment.citizen, fn.MAX(Reassessment.assessed_on).alias("last"))
            .group_by(Reassessment.citizen).alias("last_r"))
    admitted = (StateChange.select(StateChange.citizen, fn.MAX(StateChange.on).alias("admitted"))
                .where((StateChange.to_state == STATE_ACTIVE)
                       & (StateChange.from_state.in_([STATE_ELIGIBLE, STATE_WAITLISTED])))
                .group_by(StateChange.citizen).alias("adm"))
    start = fn.COALESCE(admitted.c.admitted, Citizen.state_since)
    since = Case(None, [((last.c.last.is_null(False)) & (last.c.last > start), last.c.last)], start)
    query = (Citizen.select(Citizen)
             .join(last, JOIN.LEFT_OUTER, on=(last.c.citizen_id == Citizen.id))
             .join(admitted, JOIN.LEFT_OUTER, on=(admitted.c.citizen_id == Citizen.id))
             .where(Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED])
                    & ((Citizen.id.not_in(open_card))
                       | (since <= cutoff))))
    if district is not None:
        query = query.where(Citizen.district == district)
    return query
