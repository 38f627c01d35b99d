"""Joint outings and cafés (R10, R13): plan, sign up, mark attendance, confirm.

* An event has seats; sign-ups beyond them go on the event's own waitlist in
  the order they came (``Signup.seq``). A cancellation (afbud) of a seated
  participant moves the first waitlisted up, and the caller is told who.
* Only active participants are signed up; a leader may sign up anybody else
  with a reason, which is kept on the sign-up and in the audit trail.
* Attendance is marked per seated participant (deltog / udeblev). Confirming
  punches ``clips_per_participant`` on every attendee's card in one
  transaction: all or none. Every attendee who cannot carry the clips is named
  and nothing is written until staff resolve it (fewer clips for that person,
  an individual agreement, or removal). An event without clips (a café)
  records attendance only. Confirming marks the event held on its date, which
  books its transport cost against the year's transport reserve.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import decimal
import re
import uuid
from dataclasses import dataclass, field

from peewee import JOIN, Case, fn

from .base import DomainError, audit, log_access, operation, snapshot, today
from .cards import open_card, punch, punch_agreement
from .cpr import masked
from .entities import (
    ABSENT,
    ATTENDED,
    CARD_USED_UP,
    CLIPS_PER_CARD,
    EVENT_CANCELLED,
    EVENT_HELD,
    EVENT_PLANNED,
    SIGNUP_CANCELLED,
    SIGNUP_SEATED,
    SIGNUP_WAITLISTED,
    STATE_ACTIVE,
    Agreement,
    Card,
    CatalogueItem,
    Citizen,
    District,
    Event,
    Programme,
    Signup,
    Staff,
)

STATE_WORDS = {
    "screened": "screenet", "eligible": "i målgruppen", "not_eligible": "ikke i målgruppen",
    "waitlisted": "på ventelisten til ordningen", "active": "aktiv", "paused": "på pause",
    "ended": "afsluttet",
}
STATUS_LABELS = {EVENT_PLANNED: "planlagt", EVENT_HELD: "afholdt", EVENT_CANCELLED: "aflyst"}
SIGNUP_LABELS = {SIGNUP_SEATED: "tilmeldt", SIGNUP_WAITLISTED: "venteliste", SIGNUP_CANCELLED: "afbud"}
ATTENDANCE_LABELS = {ATTENDED: "deltog", ABSENT: "udeblev", None: "—"}
WHOLE_MUNICIPALITY = "Hele kommunen"
MAX_SEATS = 500
MAX_REPEAT_MONTHS = 24
MAX_REPEAT_WEEKS = 104  # issue 14: a weekly café, up to two years ahead
MAX_TITLE = 100
SEARCH_LIMIT = 20
OVERVIEW_LIMIT = 200
_PUNCH_NAMESPACE = uuid.UUID("6f1c9a4e-3b2d-4c55-9a70-0c1e5d7b2a10")


# --- parsing what staff type (one set of messages for the TUI and the CLI) --------

def parse_day(value) -> _dt.date:
    """A date typed as dd-mm-åååå (also d.m.åååå or ÅÅÅÅ-MM-DD)."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise DomainError("Skriv en dato (dd-mm-åååå).", field="day")
    m = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text)
    try:
        if m:
            return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise DomainError(f"'{text}' er ikke en gyldig dato.", field="day") from None
    raise DomainError(f"Ugyldig dato '{text}'; skriv dd-mm-åååå.", field="day")


def parse_time(value) -> _dt.time:
    """A time typed as tt:mm (also tt.mm or just tt)."""
    if isinstance(value, _dt.time):
        return value
    text = str(value or "").strip()
    if not text:
        raise DomainError("Skriv et klokkeslæt (tt:mm).", field="time")
    m = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise DomainError(f"Ugyldigt klokkeslæt '{text}'; skriv tt:mm.", field="time")
    return _dt.time(int(m.group(1)), int(m.group(2) or 0))


def parse_dkk(value) -> decimal.Decimal:
    """An amount in DKK typed the Danish way: 1.850 or 1850,50 (not negative)."""
    if isinstance(value, decimal.Decimal):
        amount = value
    elif isinstance(value, (int, float)):
        amount = decimal.Decimal(str(value))
    else:
        text = str(value or "").strip().replace(" ", "").removesuffix("kr.").removesuffix("kr")
        if not text:
            return decimal.Decimal("0.00")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text) or re.fullmatch(r"\d+(,\d{1,2})?", text):
            text = text.replace(".", "").replace(",", ".")
        elif not re.fullmatch(r"\d+(\.\d{1,2})?", text):
            raise DomainError(f"Ugyldigt beløb '{value}'; skriv fx 1.850 eller 1850,50.",
                              field="transport_cost_dkk")
        amount = decimal.Decimal(text)
    if amount < 0:
        raise DomainError("Transportudgiften kan ikke være negativ.", field="transport_cost_dkk")
    return amount.quantize(decimal.Decimal("0.01"))


def _whole(value, field_name: str, label: str, low: int, high: int, *, optional: bool = False) -> int | None:
    if optional and (value is None or str(value).strip() == ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{label} skal være et helt tal.", field=field_name) from None
    if not low <= number <= high:
        raise DomainError(f"{label} skal være mellem {low} og {high}.", field=field_name)
    return number


def add_months(day: _dt.date, months: int) -> _dt.date:
    """``day`` moved ``months`` months on; a day the month lacks becomes its last day.

    Always counted from the first date, so 31-01 gives 28-02 (or 29-02), 31-03, 30-04, …
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def monthly_dates(first: _dt.date, months: int) -> list[_dt.date]:
    return [add_months(first, n) for n in range(months)]


def weekly_dates(first: _dt.date, weeks: int) -> list[_dt.date]:
    """``weeks`` dates a week apart from ``first``: the same weekday every week."""
    return [first + _dt.timedelta(weeks=n) for n in range(weeks)]


# --- small lookups --------------------------------------------------------------------

def district_choices() -> list[tuple[int, str]]:
    """(id, name) of the active districts, for a picker."""
    return [(d.id, d.name) for d in District.select(District.id, District.name)
            .where(District.active == True).order_by(District.name).limit(200)]  # noqa: E712


def _district(value) -> District | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, District):
        return value
    if isinstance(value, int) or str(value).isdigit():
        found = District.get_or_none(District.id == int(value))
    else:
        found = District.get_or_none(District.name == str(value).strip())
    if found is None:
        raise DomainError(f"Distriktet '{value}' findes ikke.", field="district")
    return found


def _catalogue_item(value) -> CatalogueItem | None:
    if value in (None, "", 0):
        return None
    if isinstance(value, CatalogueItem):
        return value
    if isinstance(value, int) or str(value).isdigit():
        found = CatalogueItem.get_or_none(CatalogueItem.id == int(value))
    else:
        from .catalogue import find_offer

        found = find_offer(str(value))
    if found is None:
        raise DomainError(f"Tilbuddet '{value}' findes ikke i kataloget.", field="catalogue_item")
    return found


def _event(event_or_id) -> Event:
    event_id = event_or_id.id if isinstance(event_or_id, Event) else event_or_id
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise DomainError("Turen findes ikke.")
    return event


def _signup(signup_or_id) -> Signup:
    signup_id = signup_or_id.id if isinstance(signup_or_id, Signup) else signup_or_id
    signup = Signup.get_or_none(Signup.id == signup_id)
    if signup is None:
        raise DomainError("Tilmeldingen findes ikke.")
    return signup


def _when(event: Event) -> str:
    return event.starts_at.strftime("%d-%m-%Y %H:%M")


def _names(names: list[str], most: int = 5) -> str:
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[:most]) + f" og {len(names) - most} til"


# --- planning -----------------------------------------------------------------------

@operation
def create_events(actor: Staff, *, title: str = "", day, time, seats, catalogue_item=None,
                  meeting_place: str = "", clips_per_participant=None, transport_cost_dkk=0,
                  district=None, programme: Programme | None = None, repeat_months=1,
                  repeat_weeks=None) -> list[Event]:
    """Plan an event, or ``repeat_months`` monthly (or ``repeat_weeks`` weekly) events of one series.

    ``day``/``time`` may be typed text (dd-mm-åååå, tt:mm). Clips per
    participant are optional (None: a café with attendance only). A district
    of None means the whole municipality. Each monthly repetition falls on the
    same day of the month, or the month's last day when it is shorter; each
    weekly one on the same weekday and time as the first.
    """
    item = _catalogue_item(catalogue_item)
    if item is not None and not item.active:
        raise DomainError(f"Tilbuddet '{item.name}' er ikke aktivt i kataloget.", field="catalogue_item")
    title = " ".join((title or "").split()) or (item.name if item else "")
    if not title:
        raise DomainError("Skriv en titel eller vælg et tilbud fra kataloget.", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"Titlen må højst være {MAX_TITLE} tegn.", field="title")
    place = " ".join((meeting_place or "").split())
    if any(ord(ch) < 32 for ch in (title or "") + (meeting_place or "")):
        raise DomainError("Teksten må ikke indeholde kontroltegn.", field="title")
    first_day = parse_day(day)
    at = parse_time(time)
    n_seats = _whole(seats, "seats", "Antal pladser", 1, MAX_SEATS)
    clips = _whole(clips_per_participant, "clips_per_participant", "Klip pr. deltager", 1, CLIPS_PER_CARD,
                   optional=True)
    transport = parse_dkk(transport_cost_dkk)
    where = _district(district)
    months = _whole(repeat_months, "repeat_months", "Antal måneder", 1, MAX_REPEAT_MONTHS)
    weeks = _whole(repeat_weeks, "repeat_weeks", "Antal uger", 1, MAX_REPEAT_WEEKS, optional=True)
    if weeks is not None and months > 1:
        raise DomainError("Gentag enten hver uge eller hver måned, ikke begge.", field="repeat_weeks")
    dates = weekly_dates(first_day, weeks) if weeks is not None else monthly_dates(first_day, months)
    series = str(uuid.uuid4()) if len(dates) > 1 else None
    events = []
    for on in dates:
        event = Event.create(title=title, catalogue_item=item, programme=programme, district=where,
                             starts_at=_dt.datetime.combine(on, at), meeting_place=place, seats=n_seats,
                             clips_per_participant=clips, transport_cost_dkk=transport,
                             status=EVENT_PLANNED, series=series, created_by=actor)
        audit(actor, "event.create", "event", event.id, None, snapshot(event))
        events.append(event)
    return events


@operation
def cancel_event(actor: Staff, event_id, reason: str = "", following: bool = False) -> list[Event]:
    """Cancel a planned event (and with ``following`` the later planned ones of its series)."""
    event = _event(event_id)
    if event.status == EVENT_HELD:
        raise DomainError("Turen er afholdt og kan ikke aflyses.")
    if event.status == EVENT_CANCELLED:
        raise DomainError("Turen er allerede aflyst.")
    targets = [event]
    if following and event.series:
        targets += list(Event.select().where((Event.series == event.series) & (Event.id != event.id)
                                             & (Event.starts_at > event.starts_at)
                                             & (Event.status == EVENT_PLANNED))
                        .order_by(Event.starts_at).limit(max(MAX_REPEAT_MONTHS, MAX_REPEAT_WEEKS) * 4))
    done = []
    for target in targets:
        before = snapshot(target)
        Event.update(status=EVENT_CANCELLED).where(Event.id == target.id).execute()
        target = Event.get_by_id(target.id)
        audit(actor, "event.cancel", "event", target.id, before, {**snapshot(target), "reason": reason})
        done.append(target)
    return done


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

    Names are personal data: the read is written to the access log.
    """
    event = _event(event_id)
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
        log_access(actor, "list", criterion=f"tilmeldinger til tur {event.id}")
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


def find_participants(actor: Staff, text: str, *, event_id=None, limit: int = SEARCH_LIMIT) -> list[CitizenHit]:
    """Citizens for a sign-up, through the one citizen search (models.search): exact
    card/CPR first, then names; within each group active participants first (only
    they can be signed up without a leader's exception). Written to the access log."""
    from .search import search_citizens

    text = " ".join((text or "").split())
    if not text:
        return []
    matches = search_citizens(text, limit=max(1, min(int(limit), 100)))
    log_access(actor, "search", criterion=text)
    matches.sort(key=lambda m: (m.group, m.state != STATE_ACTIVE))  # stable: keeps the search's order
    signups = {}
    if event_id is not None and matches:
        ids = [m.citizen_id for m in matches]
        signups = dict(Signup.select(Signup.citizen, Signup.status)
                       .where((Signup.event == event_id) & Signup.citizen.in_(ids)).tuples())
    return [CitizenHit(m.citizen_id, m.name, m.cpr_masked, m.district, m.state, m.card_number, m.clips_left,
                       signups.get(m.citizen_id)) for m in matches]


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
        raise DomainError(f"Turen er {STATUS_LABELS[event.status]}; der kan ikke tilmeldes.")
    cid = citizen_id.id if isinstance(citizen_id, Citizen) else citizen_id
    citizen = Citizen.get_or_none(Citizen.id == cid)
    if citizen is None:
        raise DomainError("Borgeren findes ikke.")
    existing = Signup.get_or_none((Signup.event == event) & (Signup.citizen == citizen))
    if existing is not None and existing.status == SIGNUP_SEATED:
        raise DomainError(f"{citizen.name} er allerede tilmeldt turen.")
    if existing is not None and existing.status == SIGNUP_WAITLISTED:
        raise DomainError(f"{citizen.name} står allerede på turens venteliste "
                          f"(nr. {_waitlist_position(existing)}).")
    reason = " ".join((override_reason or "").split())
    if citizen.state != STATE_ACTIVE:
        state = STATE_WORDS.get(citizen.state, citizen.state)
        if actor.role not in ("leder", "admin"):
            raise DomainError(f"{citizen.name} er {state}; kun aktive deltagere kan tilmeldes. "
                              "En leder kan gøre en undtagelse med en begrundelse.", field="override")
        if not reason:
            raise DomainError(f"{citizen.name} er {state}. Skriv en begrundelse for at tilmelde alligevel.",
                              field="override")
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
        free = "1 ledig plads" if left == 1 else f"{left} ledige pladser"
        return SignupOutcome(signup, True, None, f"{citizen.name} er tilmeldt {event.title} {_when(event)} ({free}).")
    position = _waitlist_position(signup)
    return SignupOutcome(signup, False, position,
                         f"Turen er fuld: {citizen.name} står nr. {position} på ventelisten.")


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
        raise DomainError(f"Turen er {STATUS_LABELS[event.status]}; tilmeldingerne kan ikke ændres.")
    if signup.status == SIGNUP_CANCELLED:
        raise DomainError(f"{citizen.name} har allerede meldt afbud.")
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
    message = f"Afbud registreret for {citizen.name}."
    if names:
        message += f" {_names(names)} er rykket op fra ventelisten og har nu en plads."
    elif was_seated and promote:
        message += " Ingen på ventelisten; pladsen er ledig."
    return CancelOutcome(signup, promoted, names, message)


# --- attendance ---------------------------------------------------------------------

@operation
def mark_attendance(actor: Staff, signup_id, attendance: str | None) -> Signup:
    """Mark one seated participant deltog (attended) / udeblev (absent), or clear it (None)."""
    if attendance not in (ATTENDED, ABSENT, None):
        raise DomainError("Fremmøde skal være deltog eller udeblev.", field="attendance")
    signup = _signup(signup_id)
    event = Event.get_by_id(signup.event_id)
    if event.status != EVENT_PLANNED:
        raise DomainError(f"Turen er {STATUS_LABELS[event.status]}; fremmødet kan ikke ændres.")
    if signup.status != SIGNUP_SEATED:
        raise DomainError("Kun tilmeldte med en plads kan markeres (ikke venteliste eller afbud).")
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
            raise DomainError("Der er angivet klip for en, der ikke er tilmeldt turen.", field="clips")
        wanted[sid] = _whole(value, "clips", "Antal klip", 0, k)
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
        return None, f"er {STATE_WORDS.get(citizen.state, citizen.state)}; der kan ikke registreres klip", \
            card, agreement_left
    if card is not None and card.clips - card.used >= k and on >= card.issued_on:
        return "card", None, card, agreement_left
    if agreement_left is not None and agreement_left >= k:
        return "agreement", None, card, agreement_left
    if card is None:
        used_up = Card.select().where((Card.citizen == citizen) & (Card.status == CARD_USED_UP)).exists()
        problem = "har brugt kortet op og skal revurderes" if used_up else "har intet åbent klippekort"
    elif on < card.issued_on:
        problem = f"har kun et kort udstedt efter turen ({card.issued_on.strftime('%d-%m-%Y')})"
    else:
        problem = f"har kun {card.clips - card.used} klip tilbage (skal bruge {k})"
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
        raise DomainError("Fremmødet er allerede bekræftet for denne tur.")
    if event.status == EVENT_CANCELLED:
        raise DomainError("Turen er aflyst.")
    on = event.starts_at.date()
    if on > today():
        raise DomainError(f"Turen er først {on.strftime('%d-%m-%Y')}; fremmødet bekræftes på dagen eller senere.")
    lines = attendance_sheet(event, clips_for)
    if not lines:
        raise DomainError("Ingen er tilmeldt med en plads; tilmeld deltagerne først, eller aflys turen.")
    unmarked = [line.name for line in lines if line.attendance is None]
    if unmarked:
        raise DomainError(f"Markér deltog eller udeblev for alle tilmeldte først: {_names(unmarked)}.",
                          field="attendance")
    problems = [f"{line.name} {line.problem}" for line in lines if line.problem]
    if problems:
        raise DomainError("Klippene kan ikke registreres: " + "; ".join(problems)
                          + ". Giv færre klip, lav en aftale eller fjern deltageren, og bekræft igen.",
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
        message = (f"Fremmøde bekræftet: {len(attendees)} deltog, {absent} udeblev; "
                   f"{total} klip registreret.")
    else:
        message = f"Fremmøde bekræftet: {len(attendees)} deltog, {absent} udeblev."
    return ConfirmOutcome(event, len(attendees), absent, total, message)


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
    screen, "export" for the spreadsheet).
    """
    event = _event(event_id)
    rows = (Signup.select(Signup, Citizen).join(Citizen)
            .where((Signup.event == event) & (Signup.status == SIGNUP_SEATED))
            .order_by(Signup.seq).limit(MAX_SEATS))
    lines = [ParticipantLine(s.seq, s.citizen.name, s.citizen.phone, s.citizen.address, s.citizen.postcode,
                             s.citizen.city) for s in rows]
    log_access(actor, action, criterion=f"deltagerliste tur {event.id}")
    return lines
