"""What hangs on a participant when they pause or end (issue #13, item 1).

Ending a participation cancels the participant's coming outing sign-ups (a
freed seat goes to the first on that outing's waitlist, through
``models.events.cancel_signup``) and closes their open individual agreements
(the unused clips go back to the pool, ``models.pools.committed_clips``).
A pause cancels the sign-ups on outings inside the pause: from its first day
to the expected return day, or every coming one when no return day is known
(the participant is signed up again on return). Agreements stay open during a
pause: the participant keeps the place and what was agreed.

These run inside the calling operation's transaction (``reassess``,
``pause``), so the state change and everything it releases are one write.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from .base import audit, snapshot
from .entities import (
    EVENT_PLANNED,
    SIGNUP_SEATED,
    SIGNUP_WAITLISTED,
    Agreement,
    Citizen,
    Event,
    Signup,
    Staff,
)
from .i18n import _

MAX_RELEASED = 500


@dataclass
class Released:
    """What a pause or an end released: cancelled sign-ups, who moved up, closed agreements."""

    outings: list[str] = field(default_factory=list)  # "Bilka Vejle 03-12-2026"
    promoted: list[str] = field(default_factory=list)  # names moved up from a waitlist
    agreements: list[int] = field(default_factory=list)  # closed agreements' numbers
    clips_back: int = 0  # unused agreement clips back to the pool

    def summary(self) -> str:
        """Danish, e.g. "Afmeldt 2 fællesture; Ove Hansen rykket op." (empty when nothing hung on them)."""
        parts = []
        if self.outings:
            n = len(self.outings)
            titles = ", ".join(self.outings[:4])
            if n > 4:
                titles = _("{titles} og {more} til").format(titles=titles, more=n - 4)
            parts.append((_("Afmeldt 1 fællestur ({titles})") if n == 1 else _("Afmeldt {n} fællesture ({titles})"))
                         .format(n=n, titles=titles))
        if self.promoted:
            names = self.promoted
            joined = names[0] if len(names) == 1 else _("{first} og {last}").format(first=", ".join(names[:-1]),
                                                                                  last=names[-1])
            parts.append(_("{names} rykket op").format(names=joined))
        if self.agreements:
            numbers = ", ".join(str(n) for n in self.agreements)
            parts.append((_("Aftale nr. {numbers} lukket; {clips} ubrugte klip tilbage til puljen")
                          if len(self.agreements) == 1 else
                          _("Aftalerne nr. {numbers} lukket; {clips} ubrugte klip tilbage til puljen"))
                         .format(numbers=numbers, clips=self.clips_back))
        return "; ".join(parts) + ("." if parts else "")


def cancel_signups(actor: Staff, person: Citizen, reason: str, *, start: _dt.date,
                   until: _dt.date | None = None, released: Released | None = None) -> Released:
    """Cancel ``person``'s seated and waitlisted sign-ups on planned outings dated ``start``–``until``
    (``until`` None: every coming one). Each freed seat moves the outing's first waitlisted up."""
    from .events import cancel_signup

    released = released or Released()
    query = (Signup.select(Signup, Event).join(Event)
             .where((Signup.citizen == person) & Signup.status.in_([SIGNUP_SEATED, SIGNUP_WAITLISTED])
                    & (Event.status == EVENT_PLANNED)
                    & (Event.starts_at >= _dt.datetime.combine(start, _dt.time()))))
    if until is not None:
        query = query.where(Event.starts_at < _dt.datetime.combine(until + _dt.timedelta(days=1), _dt.time()))
    for signup in list(query.order_by(Event.starts_at, Event.id).limit(MAX_RELEASED)):
        outcome = cancel_signup(actor, signup.id, reason=reason, promote=True)
        released.outings.append(f"{signup.event.title} {signup.event.starts_at:%d-%m-%Y}")
        released.promoted.extend(outcome.promoted_names)
    return released


def close_agreements(actor: Staff, person: Citizen, reason: str, on: _dt.date,
                     released: Released | None = None) -> Released:
    """Close ``person``'s open agreements on ``on``: no more punching on them, unused clips back to the pool."""
    released = released or Released()
    for agreement in list(Agreement.select().where((Agreement.citizen == person) & Agreement.closed_on.is_null())
                          .order_by(Agreement.id).limit(MAX_RELEASED)):
        before = snapshot(agreement)
        Agreement.update(closed_on=on, close_reason=reason).where(Agreement.id == agreement.id).execute()
        audit(actor, "agreement.close", "agreement", agreement.id, before,
              snapshot(Agreement.get_by_id(agreement.id)))
        released.agreements.append(agreement.id)
        released.clips_back += agreement.clips - agreement.used
    return released


def release_on_end(actor: Staff, person: Citizen, reason: str, on: _dt.date) -> Released:
    """Everything an ended participant held: coming sign-ups and open agreements."""
    released = cancel_signups(actor, person, f"deltagelse afsluttet: {reason}", start=on)
    return close_agreements(actor, person, f"deltagelse afsluttet: {reason}", on, released)


def release_on_pause(actor: Staff, person: Citizen, reason: str, on: _dt.date,
                     until: _dt.date | None) -> Released:
    """The sign-ups on outings inside the pause (``on``–``until``; every coming one without ``until``)."""
    return cancel_signups(actor, person, f"pause: {reason}", start=on, until=until)
