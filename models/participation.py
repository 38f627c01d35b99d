"""Where participants stand: who is due for reassessment (R5)."""
from __future__ import annotations

import datetime as _dt

from peewee import fn

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


def interval_days(months: int) -> _dt.timedelta:
    """The reassessment interval of ``months`` as days (a month is 30.44 days): the due rule's
    cutoff and the day a reassessment fell due both count with it."""
    return _dt.timedelta(days=round(months * 30.44))


def due_parts(on: _dt.date | None = None):
    """The due rule's pieces, for a query over ``Citizen``: the day of the last reassessment,
    the day of admission (correlated subqueries on the citizen's own rows, by index) and
    the condition "due" — the one definition :func:`due_for_reassessment` and
    :func:`models.reassessment.participants` both use."""
    on = on or today()
    months = reassessment_interval_months()
    cutoff = on - interval_days(months)
    open_card = Card.select(Card.id).where((Card.citizen == Citizen.id) & (Card.status == CARD_OPEN))
    last = Reassessment.select(fn.MAX(Reassessment.assessed_on)).where(Reassessment.citizen == Citizen.id)
    admitted = (StateChange.select(fn.MAX(StateChange.on))
                .where((StateChange.citizen == Citizen.id) & (StateChange.to_state == STATE_ACTIVE)
                       & (StateChange.from_state.in_([STATE_ELIGIBLE, STATE_WAITLISTED]))))
    # due when the later of admission (else the state's date) and the last reassessment is on or
    # before the cutoff: no reassessment after it, and admitted on or before it (each probe once)
    reassessed_since = Reassessment.select(Reassessment.id).where(
        (Reassessment.citizen == Citizen.id) & (Reassessment.assessed_on > cutoff))
    due = ~fn.EXISTS(open_card) | (~fn.EXISTS(reassessed_since)
                                   & (fn.COALESCE(admitted, Citizen.state_since) <= cutoff))
    return last, admitted, due


def due_for_reassessment(district=None, on: _dt.date | None = None):
    """Participants with no open card (their card is used up), or not reassessed
    for the configured number of months since admission or the last reassessment.

    Admission is the latest move to active from eligible or waitlisted (a pause
    and its resume do not restart the clock)."""
    _last, _admitted, due = due_parts(on)
    query = Citizen.select(Citizen).where(Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED]) & due)
    if district is not None:
        query = query.where(Citizen.district == district)
    return query
