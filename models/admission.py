"""Admission, the district waitlists and pauses (R7, participation states).

A citizen in the target group who wants to take part is admitted when the
district has a free place (participants < capacity) and its pool has 10
uncommitted clips for the first card; otherwise the citizen goes on the
district's waitlist. The waitlist is first screened, first offered: ordered by
the date of the screening that put the citizen there, then by that screening's
id. Only a leader may admit beyond the capacity, and only with a written reason.
All checks run inside the operation's ``BEGIN IMMEDIATE`` transaction, so two
staff members admitting at once cannot both take the last place.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from peewee import JOIN, SQL, Case, fn

from .base import DomainError, audit, log_access, operation, today
from .cards import issue_card, next_card_number
from .citizens import change_state, state_label
from .commitments import Released, release_on_pause
from .entities import (
    CLIPS_PER_CARD,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_NOT_ELIGIBLE,
    STATE_PAUSED,
    STATE_WAITLISTED,
    Budget,
    Card,
    Citizen,
    District,
    Screening,
    Staff,
)
from .i18n import _
from .inputs import clean_text, date_of, format_date, parse_date
from .permissions import require
from .pools import committed_clips, free_places, participants_in, pool_of
from .screening import latest_screening

DEFAULT_CLIPS_PER_PARTICIPANT = 52


@dataclass
class Room:
    """Where a district stands for intake on a day."""

    district_id: int
    district: str
    year: int
    participants: int
    capacity: int
    clips_left: int  # uncommitted clips in the pool

    @property
    def places(self) -> int:
        """Free places: below capacity and covered by the pool's uncommitted clips."""
        return free_places(self.capacity, self.participants, self.clips_left)


def _district(value) -> District:
    if isinstance(value, District):
        return value
    if isinstance(value, int):
        district = District.get_or_none(District.id == value)
    else:
        district = District.get_or_none(District.name == str(value).strip())
    if district is None:
        raise DomainError(_("Distriktet '{value}' findes ikke.").format(value=value), field="district")
    return district


def room_in(district, on: _dt.date | None = None) -> Room:
    on = on or today()
    district = _district(district)
    pool = pool_of(district, on.year)
    budget = Budget.get_or_none(Budget.year == on.year)
    per_participant = budget.clips_per_participant if budget else DEFAULT_CLIPS_PER_PARTICIPANT
    allocated = pool.allocated if pool else 0
    return Room(district.id, district.name, on.year, participants_in(district),
                allocated // per_participant if per_participant else 0,
                allocated - committed_clips(pool) if pool else 0)


def _waitlist_order(district_id: int, *columns):
    """The district's waitlisted citizens in waitlist order (the one definition of it): the date
    of the screening that put each citizen there (their latest), then that screening's id; a
    citizen without a screening last. ``columns`` from ``Citizen`` and ``Screening`` (LEFT JOINed)."""
    latest = (Screening.select(Screening.id).where(Screening.citizen == Citizen.id)
              .order_by(Screening.screened_on.desc(), Screening.id.desc()).limit(1))
    return (Citizen.select(*columns)
            .join(Screening, JOIN.LEFT_OUTER, on=(Screening.id == latest), attr="latest_screening")
            .where((Citizen.district == district_id) & (Citizen.state == STATE_WAITLISTED))
            .order_by(Case(None, [(Screening.id.is_null(), 1)], 0), Screening.screened_on, Screening.id, Citizen.id))


def waitlisted(district) -> list[tuple[Citizen, Screening | None]]:
    """The district's waitlist in order (:func:`_waitlist_order`), with each citizen's screening."""
    district = _district(district)
    return [(c, c.latest_screening if c.latest_screening and c.latest_screening.id is not None else None)
            for c in _waitlist_order(district.id, Citizen, Screening)]


@dataclass
class WaitlistEntry:
    position: int
    citizen_id: int
    name: str
    cpr: str  # ten digits; lists show it masked
    district: str
    screened_on: _dt.date | None
    waiting_since: _dt.date | None
    place_free: bool  # a place is free for this citizen now ("plads ledig")


@dataclass
class Waitlist:
    room: Room
    entries: list[WaitlistEntry]
    total: int = 0  # on the waitlist in all (the entries may be the first of them)


def waitlist(actor: Staff | None, district, on: _dt.date | None = None, limit: int | None = None) -> Waitlist:
    """The district's waitlist with who has a free place (the first ``limit``, or all).
    The read is access-logged."""
    from .access import require_own_district

    on = on or today()
    room = room_in(district, on)
    require_own_district(actor, room.district_id)
    query = _waitlist_order(room.district_id, Citizen.id, Citizen.name, Citizen.cpr, Screening.screened_on,
                            Citizen.state_since, fn.COUNT(SQL("*")).over())
    if limit is not None:
        query = query.limit(limit)
    rows = list(query.tuples())
    entries = [WaitlistEntry(position, cid, name, cpr, room.district, date_of(screened_on), date_of(since),
                             position <= room.places)
               for position, (cid, name, cpr, screened_on, since, _total) in enumerate(rows, start=1)]
    if actor is not None:
        log_access(actor, "list", criterion=f"venteliste {room.district}", purpose="venteliste")
    return Waitlist(room, entries, int(rows[0][-1]) if rows else 0)


def waitlist_position(citizen: Citizen) -> int | None:
    for position, (c, _s) in enumerate(waitlisted(citizen.district_id), start=1):
        if c.id == citizen.id:
            return position
    return None


@dataclass
class Admission:
    citizen: Citizen
    admitted: bool
    card: Card | None = None
    position: int | None = None  # on the waitlist, when not admitted
    over_capacity: bool = False

    @property
    def message(self) -> str:
        if self.admitted:
            return (_("{name} er optaget. Første klippekort: nr. {number} — skriv nummeret på det fysiske kort.").format(name=self.citizen.name, number=self.card.number))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        return _("{name} er sat på venteliste i {district} som nr. {position}.").format(name=self.citizen.name, district=self.citizen.district.name, position=self.position)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


@operation
def admit(actor: Staff, citizen: Citizen | int, *, over_capacity_reason: str | None = None,
          on: _dt.date | None = None) -> Admission:
    """R7: admit an eligible citizen who wants to take part, or put them on the waitlist.

    A waitlisted citizen is admitted only when a place is free for them (their
    place in the queue is within the free places); otherwise this refuses. A
    leader may admit beyond the capacity with ``over_capacity_reason``; the
    pool must still hold 10 uncommitted clips for the first card.
    """
    on = on or today()
    person = Citizen.get_or_none(Citizen.id == (citizen.id if isinstance(citizen, Citizen) else citizen))
    if person is None:
        raise DomainError(_("Borgeren findes ikke."))
    if person.state == STATE_NOT_ELIGIBLE:
        raise DomainError(_("{name} er ikke i målgruppen og kan ikke optages.").format(name=person.name))
    if person.state not in (STATE_ELIGIBLE, STATE_WAITLISTED):
        raise DomainError(_("{name} er {state} og kan ikke optages.").format(name=person.name, state=state_label(person.state)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    screening = latest_screening(person)
    if screening is None or not screening.eligible:
        raise DomainError(_("{name} er ikke screenet i målgruppen og kan ikke optages.").format(name=person.name))
    if not screening.wants_to_take_part:
        raise DomainError(_("{name} har ikke sagt ja til at deltage.").format(name=person.name))
    if person.district_id is None:
        raise DomainError(_("Borgeren er ikke knyttet til et distrikt."), field="district")
    reason = (over_capacity_reason or "").strip()
    if over_capacity_reason is not None and not reason:
        raise DomainError(_("Skriv en begrundelse for at optage ud over kapaciteten."), field="reason")
    if reason:
        require(actor, "admission.override")

    room = room_in(person.district, on)
    ahead = 0
    for c, _s in waitlisted(person.district_id):
        if c.id == person.id:
            break
        ahead += 1
    # a new citizen queues behind everyone already waiting
    has_place = ahead < room.places
    if not has_place and not reason:
        if person.state == STATE_WAITLISTED:
            raise DomainError(
                _("Der er ingen ledig plads til {name} i {district} ({participants}/{capacity} deltagere, {clips_left} klip tilbage i puljen); en leder kan optage ud over kapaciteten med en skriftlig begrundelse.").format(name=person.name, district=room.district, participants=room.participants, capacity=room.capacity, clips_left=room.clips_left))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        change_state(actor, person, STATE_WAITLISTED, on=on, reason="ingen ledig plads")
        position = waitlist_position(person)
        audit(actor, "citizen.waitlist", "citizen", person.id, None,
              {"district": room.district, "position": position})
        return Admission(person, False, position=position)
    over = not has_place
    if over and room.clips_left < CLIPS_PER_CARD:
        raise DomainError(_("Puljen for {district} {year} har kun {clips_left} klip tilbage; et nyt kort kræver {CLIPS_PER_CARD}.").format(district=room.district, year=room.year, clips_left=room.clips_left, CLIPS_PER_CARD=CLIPS_PER_CARD))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    state_reason = f"optaget ud over kapaciteten: {reason}" if over else "optaget"
    change_state(actor, person, STATE_ACTIVE, on=on, reason=state_reason)
    card = issue_card(actor, person, on)
    audit(actor, "citizen.admit", "citizen", person.id, None,
          {"district": room.district, "card_number": card.number, "participants": room.participants + 1,
           "capacity": room.capacity, "over_capacity": over, "reason": reason if over else ""})
    return Admission(person, True, card=card, over_capacity=over)


def next_card_number_preview() -> int:
    """The number the next card will get, for the confirmation dialog."""
    return next_card_number()


def _participant(citizen) -> Citizen:
    person = Citizen.get_or_none(Citizen.id == (citizen.id if isinstance(citizen, Citizen) else citizen))
    if person is None:
        raise DomainError(_("Borgeren findes ikke."))
    return person


@dataclass
class PauseResult:
    citizen: Citizen
    until: _dt.date | None
    released: Released

    @property
    def message(self) -> str:
        if self.until:
            paused = _("{name} holder pause til og med {until}.").format(name=self.citizen.name,
                                                                          until=format_date(self.until))
        else:
            paused = _("{name} holder pause.").format(name=self.citizen.name)
        return " ".join(part for part in (paused, self.released.summary()) if part)


MAX_PAUSE_DAYS = 366


@operation
def pause(actor: Staff, citizen: Citizen | int, reason: str, on: _dt.date | None = None,
          until: _dt.date | str | None = None) -> PauseResult:
    """Pause a participant (hospital stay, holiday): the place is kept, no punching meanwhile.

    The sign-ups on outings inside the pause are cancelled in the same
    transaction (the first waitlisted moves up): from ``on`` to ``until`` (the
    expected last day of the pause), or every coming one when the return day is
    not known (``models.commitments``). ``until`` may be typed text (DD-MM-ÅÅÅÅ; empty: not known).
    """
    person = _participant(citizen)
    if not (reason or "").strip():
        raise DomainError(_("Skriv hvorfor borgeren holder pause (fx indlagt, ferie)."), field="reason")
    reason = clean_text(reason, "reason", kind="reason", label=_("Begrundelsen"))
    if person.state == STATE_PAUSED:
        raise DomainError(_("{name} holder allerede pause.").format(name=person.name))
    if person.state != STATE_ACTIVE:
        raise DomainError(_("Kun en aktiv deltager kan holde pause; {name} er {state}.").format(name=person.name, state=state_label(person.state)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    on = on or today()
    until = parse_date(until, "until") if str(until or "").strip() else None
    if until is not None:
        if until < on:
            raise DomainError(_("Pausens sidste dag kan ikke ligge før dens første."), field="until")
        if (until - on).days > MAX_PAUSE_DAYS:
            raise DomainError(_("En pause kan højst planlægges et år frem; lad slutdatoen stå tom."), field="until")
    state_reason = reason + (f" (til og med {until:%d-%m-%Y})" if until else "")
    change_state(actor, person, STATE_PAUSED, on=on, reason=state_reason)
    released = release_on_pause(actor, person, reason, on, until)
    if released.outings:
        audit(actor, "citizen.pause_release", "citizen", person.id, None,
              {"outings": released.outings, "promoted": released.promoted, "until": until})
    return PauseResult(Citizen.get_by_id(person.id), until, released)


@operation
def resume(actor: Staff, citizen: Citizen | int, on: _dt.date | None = None) -> Citizen:
    """End a pause: the participant is active again and may punch."""
    person = _participant(citizen)
    if person.state != STATE_PAUSED:
        raise DomainError(_("{name} holder ikke pause.").format(name=person.name))
    change_state(actor, person, STATE_ACTIVE, on=on or today(), reason="pause slut")
    return person


def districts(actor: Staff | None = None) -> list[tuple[int, str]]:
    """Active districts (id, name) for the screens' pickers; given ``actor``, only those they may list."""
    from .access import district_ids

    visible = district_ids(actor) if actor is not None else None
    return [(d.id, d.name) for d in District.select().where(District.active == True)  # noqa: E712
            .order_by(District.name) if visible is None or d.id in visible]


@operation
def screen_and_admit(actor: Staff, **screening) -> tuple:
    """The screening form's one save: screen the citizen (``screen_citizen``) and,
    when they are in the target group and want to take part, admit them or put
    them on the waitlist (``admit``) — all or nothing."""
    from .screening import screen_citizen

    result = screen_citizen(actor, **screening)
    admission = None
    if result.eligible and result.screening.wants_to_take_part:
        admission = admit(actor, result.citizen)
    return result, admission
