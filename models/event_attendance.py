"""Outings: attendance (R10). Marked per seated participant; confirming punches every attendee's
clips in one transaction, all or none, and names everyone who cannot carry them.
"""
from __future__ import annotations

import datetime as _dt
import uuid
from dataclasses import dataclass

from .base import DomainError, audit, operation, snapshot, today
from .cards import open_card, punch, punch_agreement
from .citizens import state_label
from .entities import (
    ABSENT,
    ATTENDED,
    CARD_USED_UP,
    EVENT_CANCELLED,
    EVENT_HELD,
    EVENT_PLANNED,
    SIGNUP_SEATED,
    STATE_ACTIVE,
    Agreement,
    Card,
    Citizen,
    Event,
    Signup,
    Staff,
)
from .events import (
    _PUNCH_NAMESPACE,
    MAX_SEATS,
    _event,
    _names,
    _signup,
    _whole,
    status_label,
)
from .i18n import _
from .inputs import format_date

# --- attendance ---------------------------------------------------------------------

def too_early_to_confirm(starts_at: _dt.datetime | _dt.date, on: _dt.date | None = None) -> str | None:
    """R10: attendance is confirmed on the outing's day or later. For a coming outing the reason it
    cannot be confirmed yet (shown when its attendance is opened, and the refusal of confirming); else None."""
    day = starts_at.date() if isinstance(starts_at, _dt.datetime) else starts_at
    if day > (on or today()):
        return _("Turen er først {day}; fremmødet bekræftes på dagen eller senere.").format(day=format_date(day))
    return None


@operation
def mark_attendance(actor: Staff, signup_id, attendance: str | None) -> Signup:
    """Mark one seated participant deltog (attended) / udeblev (absent), or clear it (None)."""
    if attendance not in (ATTENDED, ABSENT, None):
        raise DomainError(_("Fremmøde skal være deltog eller udeblev."), field="attendance")
    signup = _signup(signup_id)
    event = Event.get_by_id(signup.event_id)
    if event.status != EVENT_PLANNED:
        raise DomainError(_("Turen er {status}; fremmødet kan ikke ændres.").format(status=status_label(event.status)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if signup.status != SIGNUP_SEATED:
        raise DomainError(_("Kun tilmeldte med en plads kan markeres (ikke venteliste eller afbud)."))
    if signup.attendance == attendance:
        return signup
    before = snapshot(signup)
    Signup.update(attendance=attendance).where(Signup.id == signup.id).execute()
    signup = Signup.get_by_id(signup.id)
    audit(actor, "event.attendance", "signup", signup.id, before, snapshot(signup))
    return signup


@operation
def mark_all(actor: Staff, event_id, attendance: str = ATTENDED) -> int:
    """Mark every seated participant not yet marked; returns how many were marked."""
    event = _event(event_id)
    count = 0
    for s in Signup.select().where((Signup.event == event) & (Signup.status == SIGNUP_SEATED)
                                   & Signup.attendance.is_null()).limit(MAX_SEATS):
        mark_attendance(actor, s.id, attendance)
        count += 1
    return count


@dataclass
class AttendanceLine:
    signup_id: int
    citizen_id: int
    name: str
    attendance: str | None
    clips: int  # to punch if attended (0 for a café)
    reduced: bool  # staff gave fewer clips than the event's
    card_number: int | None
    card_left: int | None
    agreement_left: int | None
    pays_with: str | None  # "card" | "agreement" | None
    problem: str | None  # why the clips cannot be punched


def _clips_for(event: Event, clips_for: dict | None, signup_ids: set[int]) -> dict[int, int]:
    wanted = {}
    k = event.clips_per_participant or 0
    for key, value in (clips_for or {}).items():
        sid = int(key)
        if sid not in signup_ids:
            raise DomainError(_("Der er angivet klip for en, der ikke er tilmeldt turen."), field="clips")
        wanted[sid] = _whole(value, "clips", _("Antal klip"), 0, k)
    return wanted


def _funding(citizen: Citizen, k: int, on: _dt.date) -> tuple[str | None, str | None, Card | None, int | None]:
    """(pays_with, problem, open card, agreement clips left) for ``k`` clips on ``on``."""
    card = open_card(citizen)
    agreements = (Agreement.select().where(
        (Agreement.citizen == citizen) & (Agreement.valid_from <= on)
        & ((Agreement.valid_until.is_null()) | (Agreement.valid_until >= on)) & Agreement.closed_on.is_null()))
    agreement_left = max([a.clips - a.used for a in agreements], default=None)
    if k <= 0:
        return None, None, card, agreement_left
    if citizen.state != STATE_ACTIVE:
        return None, (_("er ikke aktiv deltager ({state}); der kan ikke registreres klip").format(state=state_label(citizen.state))), card, agreement_left  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if card is not None and card.clips - card.used >= k and on >= card.issued_on:
        return "card", None, card, agreement_left
    if agreement_left is not None and agreement_left >= k:
        return "agreement", None, card, agreement_left
    if card is None:
        used_up = Card.select().where((Card.citizen == citizen) & (Card.status == CARD_USED_UP)).exists()
        problem = _("har brugt kortet op og skal revurderes") if used_up else _("har intet åbent klippekort")
    elif on < card.issued_on:
        problem = _("har kun et kort udstedt efter turen ({day})").format(day=format_date(card.issued_on))
    else:
        problem = _("har kun {value} klip tilbage (skal bruge {k})").format(value=card.clips - card.used, k=k)
    return None, problem, card, agreement_left


def attendance_sheet(event_id, clips_for: dict | None = None) -> list[AttendanceLine]:
    """The seated participants with their attendance and whether their clips can be punched.

    For a held event: what was punched for each of them when it was confirmed.
    """
    event = _event(event_id)
    seated = list(Signup.select(Signup, Citizen).join(Citizen)
                  .where((Signup.event == event) & (Signup.status == SIGNUP_SEATED))
                  .order_by(Signup.seq).limit(MAX_SEATS))
    k_event = event.clips_per_participant or 0
    on = event.starts_at.date()
    if event.status == EVENT_HELD:
        return _held_sheet(event, seated, k_event)
    wanted = _clips_for(event, clips_for, {s.id for s in seated})
    lines = []
    for s in seated:
        k = wanted.get(s.id, k_event)
        pays, problem, card, agreement_left = _funding(s.citizen, k, on)
        if s.attendance != ATTENDED:
            pays, problem = None, None
        lines.append(AttendanceLine(s.id, s.citizen_id, s.citizen.name, s.attendance, k, k < k_event,
                                    card.number if card else None,
                                    (card.clips - card.used) if card else None, agreement_left, pays, problem))
    return lines


def _held_sheet(event: Event, seated: list[Signup], k_event: int) -> list[AttendanceLine]:
    """A held event as it was confirmed: the clips punched (net of reversals) and on what."""
    from .entities import Punch

    punched: dict[int, list] = {}
    for citizen_id, clips, card_id, agreement_id in (
            Punch.select(Punch.citizen, Punch.clips, Punch.card, Punch.agreement)
            .where(Punch.event == event).limit(MAX_SEATS * 4).tuples()):
        entry = punched.setdefault(citizen_id, [0, None, None])
        entry[0] += clips
        entry[1] = entry[1] or card_id
        entry[2] = entry[2] or agreement_id
    numbers = dict(Card.select(Card.id, Card.number)
                   .where(Card.id.in_([e[1] for e in punched.values() if e[1]])).tuples()) if punched else {}
    lines = []
    for s in seated:
        clips, card_id, agreement_id = punched.get(s.citizen_id, (0, None, None))
        pays = "card" if card_id else ("agreement" if agreement_id else None)
        lines.append(AttendanceLine(s.id, s.citizen_id, s.citizen.name, s.attendance, clips,
                                    s.attendance == ATTENDED and clips < k_event, numbers.get(card_id),
                                    None, None, pays, None))
    return lines


@dataclass
class ConfirmOutcome:
    event: Event
    attended: int
    absent: int
    clips: int
    message: str


def _punch_id(event: Event, signup_id: int) -> str:
    return str(uuid.uuid5(_PUNCH_NAMESPACE, f"event:{event.id}:signup:{signup_id}"))


@operation
def confirm_attendance(actor: Staff, event_id, clips_for: dict | None = None) -> ConfirmOutcome:
    """Punch the clips on every attendee's card in one transaction, all or none.

    ``clips_for`` maps a sign-up id to fewer clips for that person (0–the
    event's clips). Refused, naming every attendee concerned, when anyone is
    unmarked or cannot carry the clips; then nothing is written. On success the
    event is held on its date (its transport cost is booked then).
    """
    event = _event(event_id)
    if event.status == EVENT_HELD:
        raise DomainError(_("Fremmødet er allerede bekræftet for denne tur."))
    if event.status == EVENT_CANCELLED:
        raise DomainError(_("Turen er aflyst."))
    on = event.starts_at.date()
    early = too_early_to_confirm(on)
    if early:
        raise DomainError(early)
    lines = attendance_sheet(event, clips_for)
    if not lines:
        raise DomainError(_("Ingen er tilmeldt med en plads; tilmeld deltagerne først, eller aflys turen."))
    unmarked = [line.name for line in lines if line.attendance is None]
    if unmarked:
        raise DomainError(_("Markér deltog eller udeblev for alle tilmeldte først: {unmarked}.").format(unmarked=_names(unmarked)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="attendance")
    problems = [f"{line.name} {line.problem}" for line in lines if line.problem]
    if problems:
        raise DomainError(_("Klippene kan ikke registreres: {problems}. Giv færre klip, lav en aftale eller fjern deltageren, og bekræft igen.").format(problems="; ".join(problems)),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="clips")
    activity = event.catalogue_item.name if event.catalogue_item_id else event.title
    total = 0
    attendees = [line for line in lines if line.attendance == ATTENDED]
    for line in attendees:
        if line.clips <= 0:
            continue
        citizen = Citizen.get_by_id(line.citizen_id)
        kwargs = dict(on=on, punch_id=_punch_id(event, line.signup_id), event=event,
                      catalogue_item=event.catalogue_item_id)
        if line.pays_with == "card":
            punch(actor, citizen, line.clips, activity, **kwargs)
        else:
            punch_agreement(actor, citizen, line.clips, activity, **kwargs)
        total += line.clips
    before = snapshot(event)
    Event.update(status=EVENT_HELD, held_on=on).where(Event.id == event.id).execute()
    event = Event.get_by_id(event.id)
    absent = sum(1 for line in lines if line.attendance == ABSENT)
    audit(actor, "event.held", "event", event.id, before,
          {**snapshot(event), "attended": len(attendees), "absent": absent, "clips": total,
           "fewer_clips": {line.signup_id: line.clips for line in attendees if line.reduced}})
    if event.clips_per_participant:
        message = (_("Fremmøde bekræftet: {attendees} deltog, {absent} udeblev; {total} klip registreret.").format(attendees=len(attendees), absent=absent, total=total))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    else:
        message = _("Fremmøde bekræftet: {attendees} deltog, {absent} udeblev.").format(attendees=len(attendees), absent=absent)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return ConfirmOutcome(event, len(attendees), absent, total, message)
