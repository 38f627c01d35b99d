"""Where participants stand: who is due for reassessment (R5)."""
from __future__ import annotations

import datetime as _dt

from peewee import JOIN, fn

from .base import today
from .entities import CARD_OPEN, STATE_ACTIVE, STATE_PAUSED, Card, Citizen, Reassessment, Setting

DEFAULT_REASSESS_MONTHS = 6


def reassessment_interval_months() -> int:
    row = Setting.get_or_none(Setting.key == "reassess_months")
    return int(row.value) if row else DEFAULT_REASSESS_MONTHS


def due_for_reassessment(district=None, on: _dt.date | None = None):
    """Participants with no open card (their card is used up), or not reassessed
    for the configured number of months since admission or the last reassessment."""
    on = on or today()
    months = reassessment_interval_months()
    cutoff = on - _dt.timedelta(days=round(months * 30.44))
    open_card = (Card.select(Card.citizen).where(Card.status == CARD_OPEN))
    last = (Reassessment.select(Reassessment.citizen, fn.MAX(Reassessment.assessed_on).alias("last"))
            .group_by(Reassessment.citizen).alias("last_r"))
    query = (Citizen.select(Citizen)
             .join(last, JOIN.LEFT_OUTER, on=(last.c.citizen_id == Citizen.id))
             .where(Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED])
                    & ((Citizen.id.not_in(open_card))
                       | (fn.COALESCE(last.c.last, Citizen.state_since) <= cutoff))))
    if district is not None:
        query = query.where(Citizen.district == district)
    return query
