"""Where participants stand: who is due for reassessment (R5)."""
from __future__ import annotations

import datetime as _dt

from peewee import SQL, Case, fn

from .base import today
from .entities import (
    CARD_OPEN,
    CARD_USED_UP,
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


def _postgresql() -> bool:
    from .store import is_postgresql_database

    return is_postgresql_database(Citizen._meta.database.obj)


def _later(a, b):
    """The later of two dates, either of them missing (NULL: the other; both: NULL)."""
    return fn.GREATEST(a, b) if _postgresql() else fn.MAX(fn.COALESCE(a, b), fn.COALESCE(b, a))


def _earlier(a, b):
    """The earlier of two dates, either of them missing (NULL: the other; both: NULL)."""
    return fn.LEAST(a, b) if _postgresql() else fn.MIN(fn.COALESCE(a, b), fn.COALESCE(b, a))


def _plus_days(day, days: int):
    return (day + SQL(str(int(days)))) if _postgresql() else fn.DATE(day, f"+{int(days)} days")


def reassessment_days(last, admitted, months: int):
    """Two columns of a query over ``Citizen`` (``last`` and ``admitted`` from :func:`due_parts`):

    - *since*: the day the reassessment clock runs from — the later of admission and the last
      reassessment, else the day of the current state;
    - *fell due*: the day a due reassessment fell due (issue #15) — the day the card was used up
      (no card open), else the interval after *since*; the earlier when both apply.

    Computed by the database (issue #17: the due list is ordered and cut there, not read whole)."""
    since = fn.COALESCE(_later(admitted, last), Citizen.state_since)
    has_open = fn.EXISTS(Card.select(Card.id).where((Card.citizen == Citizen.id) & (Card.status == CARD_OPEN)))
    last_used_up = (Card.select(Card.ended_on).where((Card.citizen == Citizen.id) & (Card.status == CARD_USED_UP))
                    .order_by(Card.issued_on.desc(), Card.id.desc()).limit(1))
    used_up_on = Case(None, [(has_open, SQL("NULL"))], last_used_up)
    return since, _earlier(used_up_on, _plus_days(since, interval_days(months).days))


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
