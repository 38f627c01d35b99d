"""Outings: sign-up and afbud (R10). Seats first come first served; beyond them the event's own
waitlist, whose first moves up when a seated participant cancels.
"""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from .base import DomainError, audit, operation, snapshot, today
from .citizens import state_label
from .entities import (
    EVENT_PLANNED,
    SIGNUP_CANCELLED,
    SIGNUP_SEATED,
    SIGNUP_WAITLISTED,
    STATE_ACTIVE,
    Citizen,
    Event,
    Signup,
    Staff,
)
from .events import (
    _event,
    _names,
    _signup,
    _when,
    status_label,
)
from .i18n import _
from .permissions import can

# --- sign-up and afbud -----------------------------------------------------------------

@dataclass
class SignupOutcome:
    signup: Signup
    seated: bool
    waitlist_position: int | None
    message: str


def _seated_count(event: Event) -> int:
    return Signup.select().where((Signup.event == event) & (Signup.status == SIGNUP_SEATED)).count()


def _waitlist_position(signup: Signup) -> int:
    return (Signup.select().where((Signup.event == signup.event_id) & (Signup.status == SIGNUP_WAITLISTED)
                                  & (Signup.seq <= signup.seq)).count())


@operation
def sign_up(actor: Staff, event_id, citizen_id, override_reason: str = "") -> SignupOutcome:
    """Sign a citizen up: a free seat, else the event's waitlist (in order).

    Nobody is signed up twice. Only active participants; a leader may sign up
    another citizen with a reason (kept on the sign-up, audited).
    """
    event = _event(event_id)
    if event.status != EVENT_PLANNED:
        raise DomainError(_("Turen er {status}; der kan ikke tilmeldes.").format(status=status_label(event.status)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    cid = citizen_id.id if isinstance(citizen_id, Citizen) else citizen_id
    citizen = Citizen.get_or_none(Citizen.id == cid)
    if citizen is None:
        raise DomainError(_("Borgeren findes ikke."))
    existing = Signup.get_or_none((Signup.event == event) & (Signup.citizen == citizen))
    if existing is not None and existing.status == SIGNUP_SEATED:
        raise DomainError(_("{name} er allerede tilmeldt turen.").format(name=citizen.name))
    if existing is not None and existing.status == SIGNUP_WAITLISTED:
        raise DomainError(_("{name} står allerede på turens venteliste (nr. {existing}).").format(name=citizen.name, existing=_waitlist_position(existing)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    reason = " ".join((override_reason or "").split())
    if citizen.state != STATE_ACTIVE:
        state = state_label(citizen.state)
        if not can(actor, "signup.override"):
            raise DomainError(_("{name} er ikke aktiv deltager ({state}); kun aktive deltagere kan tilmeldes. En leder kan gøre en undtagelse med en begrundelse.").format(name=citizen.name, state=state), field="override")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if not reason:
            raise DomainError(_("{name} er ikke aktiv deltager ({state}). Skriv en begrundelse for at tilmelde alligevel.").format(name=citizen.name, state=state), field="override")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    else:
        reason = ""
    seq = (Signup.select(fn.MAX(Signup.seq)).where(Signup.event == event).scalar() or 0) + 1
    seated = _seated_count(event) < event.seats
    status = SIGNUP_SEATED if seated else SIGNUP_WAITLISTED
    before = snapshot(existing)
    if existing is not None:  # signed up again after an afbud: to the back of the queue
        Signup.update(status=status, seq=seq, attendance=None, override_reason=reason, by=actor) \
            .where(Signup.id == existing.id).execute()
        signup = Signup.get_by_id(existing.id)
    else:
        signup = Signup.create(event=event, citizen=citizen, status=status, seq=seq, override_reason=reason,
                               by=actor)
    audit(actor, "event.signup", "signup", signup.id, before, snapshot(signup))
    if reason:
        audit(actor, "event.signup_override", "signup", signup.id, {"state": citizen.state},
              {"citizen": citizen.id, "event": event.id, "reason": reason})
    if seated:
        left = event.seats - _seated_count(event)
        free = _("1 ledig plads") if left == 1 else _("{left} ledige pladser").format(left=left)
        return SignupOutcome(signup, True, None, _("{name} er tilmeldt {title} {event} ({free}).").format(name=citizen.name, title=event.title, event=_when(event), free=free))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    position = _waitlist_position(signup)
    return SignupOutcome(signup, False, position,
                         _("Turen er fuld: {name} står nr. {position} på ventelisten.").format(name=citizen.name, position=position))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


@dataclass
class CancelOutcome:
    signup: Signup
    promoted: list[Signup]
    promoted_names: list[str]
    message: str


@operation
def cancel_signup(actor: Staff, signup_id, reason: str = "", promote: bool | None = None) -> CancelOutcome:
    """Afbud: cancel a sign-up. A freed seat goes to the first on the waitlist.

    ``promote`` defaults to True while the event's day has not passed; staff
    removing a participant when confirming attendance pass False.
    """
    signup = _signup(signup_id)
    event = Event.get_by_id(signup.event_id)
    citizen = Citizen.get_by_id(signup.citizen_id)
    if event.status != EVENT_PLANNED:
        raise DomainError(_("Turen er {status}; tilmeldingerne kan ikke ændres.").format(status=status_label(event.status)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if signup.status == SIGNUP_CANCELLED:
        raise DomainError(_("{name} har allerede meldt afbud.").format(name=citizen.name))
    if promote is None:
        promote = event.starts_at.date() >= today()
    before = snapshot(signup)
    was_seated = signup.status == SIGNUP_SEATED
    Signup.update(status=SIGNUP_CANCELLED, attendance=None).where(Signup.id == signup.id).execute()
    signup = Signup.get_by_id(signup.id)
    audit(actor, "event.signup_cancel", "signup", signup.id, before, {**snapshot(signup), "reason": reason})
    promoted: list[Signup] = []
    if was_seated and promote:
        free = event.seats - _seated_count(event)
        waiting = list(Signup.select().where((Signup.event == event) & (Signup.status == SIGNUP_WAITLISTED))
                       .order_by(Signup.seq).limit(max(0, free)))
        for nxt in waiting:
            prior = snapshot(nxt)
            Signup.update(status=SIGNUP_SEATED).where(Signup.id == nxt.id).execute()
            nxt = Signup.get_by_id(nxt.id)
            audit(actor, "event.signup_promote", "signup", nxt.id, prior, snapshot(nxt))
            promoted.append(nxt)
    names = [Citizen.get_by_id(p.citizen_id).name for p in promoted]
    message = _("Afbud registreret for {name}.").format(name=citizen.name)
    if names:
        message += _(" {names} er rykket op fra ventelisten og har nu en plads.").format(names=_names(names))
    elif was_seated and promote:
        message += _(" Ingen på ventelisten; pladsen er ledig.")
    return CancelOutcome(signup, promoted, names, message)
