"""Outings: the reads the screens and the CLI show (R10) — the overview, one event, its sign-ups,
the citizens to sign up, and the driver's and the escort's participant list.
"""
from __future__ import annotations

import datetime as _dt
import decimal
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from .base import log_access, today
from .cpr import masked
from .entities import (
    ABSENT,
    ATTENDED,
    EVENT_HELD,
    EVENT_PLANNED,
    SIGNUP_CANCELLED,
    SIGNUP_SEATED,
    SIGNUP_WAITLISTED,
    STATE_ACTIVE,
    CatalogueItem,
    Citizen,
    District,
    Event,
    Signup,
    Staff,
)
from .events import (
    MAX_SEATS,
    OVERVIEW_LIMIT,
    SEARCH_LIMIT,
    WHOLE_MUNICIPALITY,
    _event,
)

# --- reads for the screens ---------------------------------------------------------

@dataclass
class EventRow:
    id: int
    title: str
    starts_at: _dt.datetime
    district: str
    meeting_place: str
    seats: int
    taken: int
    waitlisted: int
    attended: int
    absent: int
    clips_per_participant: int | None
    transport_cost_dkk: decimal.Decimal
    status: str
    held_on: _dt.date | None
    series: str | None
    catalogue_item: str

    @property
    def free(self) -> int:
        return max(0, self.seats - self.taken)

    @property
    def attendance_rate(self) -> float | None:
        """Attended of those marked, 0–1 (None before attendance is marked)."""
        marked = self.attended + self.absent
        return self.attended / marked if marked else None

    @property
    def awaiting_attendance(self) -> bool:
        return self.status == EVENT_PLANNED and self.starts_at.date() <= today()


@dataclass
class Overview:
    coming: list[EventRow] = field(default_factory=list)
    past: list[EventRow] = field(default_factory=list)

    @property
    def awaiting(self) -> list[EventRow]:
        return [row for row in self.coming + self.past if row.awaiting_attendance]


def _rows(query) -> list[EventRow]:
    events = list(query)
    if not events:
        return []
    ids = [e.id for e in events]
    counts = {}
    for event_id, taken, waiting, attended, absent in (
            Signup.select(Signup.event,
                          fn.SUM(Case(None, [(Signup.status == SIGNUP_SEATED, 1)], 0)),
                          fn.SUM(Case(None, [(Signup.status == SIGNUP_WAITLISTED, 1)], 0)),
                          fn.SUM(Case(None, [((Signup.status == SIGNUP_SEATED)
                                              & (Signup.attendance == ATTENDED), 1)], 0)),
                          fn.SUM(Case(None, [((Signup.status == SIGNUP_SEATED)
                                              & (Signup.attendance == ABSENT), 1)], 0)))
            .where(Signup.event.in_(ids)).group_by(Signup.event).tuples()):
        counts[event_id] = (int(taken or 0), int(waiting or 0), int(attended or 0), int(absent or 0))
    rows = []
    for e in events:
        taken, waiting, attended, absent = counts.get(e.id, (0, 0, 0, 0))
        rows.append(EventRow(
            id=e.id, title=e.title, starts_at=e.starts_at,
            district=e.district.name if e.district_id else WHOLE_MUNICIPALITY,
            meeting_place=e.meeting_place, seats=e.seats, taken=taken, waitlisted=waiting,
            attended=attended, absent=absent, clips_per_participant=e.clips_per_participant,
            transport_cost_dkk=e.transport_cost_dkk, status=e.status, held_on=e.held_on, series=e.series,
            catalogue_item=e.catalogue_item.name if e.catalogue_item_id else ""))
    return rows


def is_outing():
    """The joint outings (R10): every event except a programme's café that punches no clips (issue 14).

    A programme's café has its own attendance (registered citizens and guests) on
    the programme page; a programme event that punches clips is handled as an outing.
    """
    return Event.programme.is_null() | Event.clips_per_participant.is_null(False)


def _events_query():
    return (Event.select(Event, District, CatalogueItem)
            .join(District, JOIN.LEFT_OUTER).switch(Event)
            .join(CatalogueItem, JOIN.LEFT_OUTER))


def events_overview(on: _dt.date | None = None, limit: int = OVERVIEW_LIMIT) -> Overview:
    """Coming events (soonest first) and past ones (latest first), with their counts.

    Past: held, or dated before ``on``. A planned event whose day has come is
    awaiting attendance (``EventRow.awaiting_attendance``).
    """
    on = on or today()
    midnight = _dt.datetime.combine(on, _dt.time())
    coming = (_events_query().where((Event.starts_at >= midnight) & (Event.status != EVENT_HELD) & is_outing())
              .order_by(Event.starts_at, Event.id).limit(limit))
    past = (_events_query().where(((Event.starts_at < midnight) | (Event.status == EVENT_HELD)) & is_outing())
            .order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit))
    return Overview(coming=_rows(coming), past=_rows(past))


def event_row(event_id) -> EventRow:
    """One event with its counts (for a screen's header)."""
    event = _event(event_id)
    return _rows(_events_query().where(Event.id == event.id))[0]


@dataclass
class SignupLine:
    id: int
    seq: int
    citizen_id: int
    name: str
    cpr_masked: str
    phone: str
    state: str
    status: str
    attendance: str | None
    override_reason: str
    waitlist_position: int | None  # 1 = next to move up


def event_signups(actor: Staff, event_id, *, include_cancelled: bool = True, log: bool = True) -> list[SignupLine]:
    """Seated, then waitlisted (in order), then cancelled sign-ups of an event.

    Names are personal data: the read is written to the access log. A terapeut
    sees the lists of their own districts' outings and the municipality-wide ones.
    """
    from .access import require_own_district

    event = _event(event_id)
    require_own_district(actor, event.district_id)
    order = Case(None, [(Signup.status == SIGNUP_SEATED, 0), (Signup.status == SIGNUP_WAITLISTED, 1)], 2)
    query = (Signup.select(Signup, Citizen).join(Citizen)
             .where(Signup.event == event).order_by(order, Signup.seq).limit(MAX_SEATS * 4))
    if not include_cancelled:
        query = query.where(Signup.status != SIGNUP_CANCELLED)
    lines, position = [], 0
    for s in query:
        if s.status == SIGNUP_WAITLISTED:
            position += 1
        lines.append(SignupLine(s.id, s.seq, s.citizen_id, s.citizen.name, masked(s.citizen.cpr),
                                s.citizen.phone, s.citizen.state, s.status, s.attendance, s.override_reason,
                                position if s.status == SIGNUP_WAITLISTED else None))
    if log:
        log_access(actor, "list", criterion=f"tilmeldinger til tur {event.id}", purpose="fællestur")
    return lines


@dataclass
class CitizenHit:
    id: int
    name: str
    cpr_masked: str
    district: str
    state: str
    card_number: int | None
    clips_left: int | None
    signup_status: str | None  # on the given event, if any

    @property
    def active(self) -> bool:
        return self.state == STATE_ACTIVE


def find_participants(actor: Staff, text: str, *, event_id=None, limit: int = SEARCH_LIMIT,
                      log: bool = True) -> list[CitizenHit]:
    """Citizens for a sign-up, through the one citizen search (models.search): exact
    card/CPR first, then names; within each group active participants first (only
    they can be signed up without a leader's exception). Written to the access log;
    ``log=False`` for a search as you type, which the screen logs with
    ``models.search.log_search`` once it settles or is used (as Borgere does)."""
    from .search import search_citizens

    text = " ".join((text or "").split())
    if not text:
        return []
    matches = search_citizens(text, limit=max(1, min(int(limit), 100)))
    if log:
        log_access(actor, "search", criterion=text, purpose="fællestur")
    matches.sort(key=lambda m: (m.group, m.state != STATE_ACTIVE))  # stable: keeps the search's order
    signups = {}
    if event_id is not None and matches:
        ids = [m.citizen_id for m in matches]
        signups = dict(Signup.select(Signup.citizen, Signup.status)
                       .where((Signup.event == event_id) & Signup.citizen.in_(ids)).tuples())
    return [CitizenHit(m.citizen_id, m.name, m.cpr_masked, m.district, m.state, m.card_number, m.clips_left,
                       signups.get(m.citizen_id)) for m in matches]


# --- the driver's and the escort's list ---------------------------------------------

@dataclass
class ParticipantLine:
    seq: int
    name: str
    phone: str
    address: str
    postcode: str
    city: str

    @property
    def pickup(self) -> str:
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.address, town) if part)


def participant_list(actor: Staff, event_id, action: str = "list") -> list[ParticipantLine]:
    """The seated participants' names, phones and pickup addresses, in sign-up order.

    A read of personal data: written to the access log (``action`` "list" on
    screen, "export" for the spreadsheet). Need-to-know as :func:`event_signups`.
    """
    from .access import require_own_district

    event = _event(event_id)
    require_own_district(actor, event.district_id)
    rows = (Signup.select(Signup, Citizen).join(Citizen)
            .where((Signup.event == event) & (Signup.status == SIGNUP_SEATED))
            .order_by(Signup.seq).limit(MAX_SEATS))
    lines = [ParticipantLine(s.seq, s.citizen.name, s.citizen.phone, s.citizen.address, s.citizen.postcode,
                             s.citizen.city) for s in rows]
    log_access(actor, action, criterion=f"deltagerliste tur {event.id}", purpose="fællestur")
    return lines
