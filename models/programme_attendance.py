"""A programme's café (Ishøj's Projekt 2): who came, how many guests, and what that says.

* Attendance at a programme event without clips is registered in one go: the
  registered citizens who came (any citizen found through the one citizen
  search; a café is not only for klippekort participants) and a count of
  unregistered guests. It can be corrected later; every registration is audited.
  An event that punches clips uses the outings' confirmation instead (R10).
* The figures are computed from plain lists (:class:`Visit`, :class:`EventCount`)
  so the rules are tested on constructed data:

  - attendance per week (Monday–Sunday), weeks without a café shown as 0;
  - regulars: registered citizens who came in at least ``n`` of the last ``m``
    weeks, counted back from the week of the latest held event;
  - the share from the target group, counted over attendances: a registered
    attendee is from the target group when their latest screening on or before
    the day was eligible. *Of all attendees* divides by registered + guests;
    *of registered attendees* by the registered only (guests are unknown);
  - participants per month: distinct registered citizens who were enrolled in or
    came to the programme that month; growth against the first month with any.
"""
from __future__ import annotations

import bisect
import datetime as _dt
from dataclasses import dataclass, field

from .base import DomainError, audit, log_access, operation, snapshot, today
from .entities import (
    ABSENT,
    ATTENDED,
    EVENT_CANCELLED,
    EVENT_HELD,
    SIGNUP_SEATED,
    Citizen,
    Enrolment,
    Event,
    Programme,
    Screening,
    Signup,
    Staff,
)
from .i18n import _
from .inputs import format_date, parse_whole
from .permissions import require

MAX_ATTENDEES = 500
MAX_MONTHS = 60
REGULAR_MIN, REGULAR_WEEKS = 3, 4  # a regular came at least 3 of the last 4 weeks


# --- registering attendance -------------------------------------------------------

@dataclass
class AttendanceOutcome:
    event: Event
    registered: int
    guests: int
    message: str


@operation
def register_attendance(actor: Staff, event_id, citizen_ids, guests=0) -> AttendanceOutcome:
    """Who came to a programme event (registered citizens) and how many guests; replaces what was registered."""
    require(actor, "programme.attendance")
    event = Event.get_or_none(Event.id == (event_id.id if isinstance(event_id, Event) else event_id))
    if event is None:
        raise DomainError(_("Arrangementet findes ikke."))
    if event.programme_id is None:
        raise DomainError(_("Arrangementet hører ikke til et projekt; brug Fællesture."))
    if event.clips_per_participant:
        raise DomainError(_("Arrangementet klipper klip; bekræft fremmødet under Fællesture."))
    if event.status == EVENT_CANCELLED:
        raise DomainError(_("Arrangementet er aflyst."))
    on = event.starts_at.date()
    if on > today():
        raise DomainError(_("Arrangementet er først {value}; fremmødet registreres på dagen eller senere.").format(value=format_date(on)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    n_guests = parse_whole(guests, "guests", minimum=0, maximum=MAX_ATTENDEES, label=_("Antal gæster"))
    wanted = list(dict.fromkeys(int(c.id if isinstance(c, Citizen) else c) for c in citizen_ids or ()))
    if len(wanted) + n_guests > MAX_ATTENDEES:
        raise DomainError(_("Højst {MAX_ATTENDEES} fremmødte pr. arrangement.").format(MAX_ATTENDEES=MAX_ATTENDEES), field="guests")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    found = {c.id for c in Citizen.select(Citizen.id).where(Citizen.id.in_(wanted))} if wanted else set()
    if len(found) != len(wanted):
        raise DomainError(_("En af de valgte borgere findes ikke."), field="citizen")
    existing = {s.citizen_id: s for s in Signup.select().where(Signup.event == event).limit(MAX_ATTENDEES * 2)}
    before = {"attended": sorted(cid for cid, s in existing.items() if s.attendance == ATTENDED),
              "guests": event.guests, "status": event.status}
    seq = max((s.seq for s in existing.values()), default=0)
    for cid in wanted:
        signup = existing.get(cid)
        if signup is None:
            seq += 1
            Signup.create(event=event, citizen=cid, status=SIGNUP_SEATED, seq=seq, attendance=ATTENDED, by=actor)
        elif signup.status != SIGNUP_SEATED or signup.attendance != ATTENDED:
            Signup.update(status=SIGNUP_SEATED, attendance=ATTENDED).where(Signup.id == signup.id).execute()
    gone = [s.id for cid, s in existing.items() if cid not in wanted and s.attendance == ATTENDED]
    if gone:
        Signup.update(attendance=ABSENT).where(Signup.id.in_(gone)).execute()
    prior = snapshot(event)
    Event.update(guests=n_guests, status=EVENT_HELD, held_on=on).where(Event.id == event.id).execute()
    event = Event.get_by_id(event.id)
    audit(actor, "programme.attendance", "event", event.id, {**before, "event": prior},
          {"attended": sorted(wanted), "guests": n_guests, "status": event.status})
    total = len(wanted) + n_guests
    return AttendanceOutcome(event, len(wanted), n_guests,
                             _("Fremmøde gemt: {total} i alt ({wanted} registrerede borgere, {n_guests} gæster).").format(total=total, wanted=len(wanted), n_guests=n_guests))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def attendees(actor: Staff, event_id) -> list[tuple[int, str]]:
    """(citizen id, name) of the registered citizens marked as attended, for the attendance form.

    Names are personal data: the read goes to the access log.
    """
    people = [(s.citizen_id, s.citizen.name) for s in
              Signup.select(Signup, Citizen).join(Citizen)
              .where((Signup.event == event_id) & (Signup.status == SIGNUP_SEATED)
                     & (Signup.attendance == ATTENDED))
              .order_by(Citizen.name).limit(MAX_ATTENDEES)]
    if people:
        log_access(actor, "list", criterion=f"fremmøde arrangement {event_id}")
    return people


# --- the rules, on plain data -------------------------------------------------------

@dataclass(frozen=True)
class Visit:
    day: _dt.date
    citizen_id: int
    target: bool  # latest screening on or before the day was eligible


@dataclass(frozen=True)
class EventCount:
    day: _dt.date
    registered: int
    target: int
    guests: int

    @property
    def total(self) -> int:
        return self.registered + self.guests


@dataclass(frozen=True)
class WeekCount:
    monday: _dt.date
    registered: int
    guests: int
    events: int

    @property
    def total(self) -> int:
        return self.registered + self.guests

    @property
    def week(self) -> int:
        return self.monday.isocalendar()[1]


def monday(day: _dt.date) -> _dt.date:
    return day - _dt.timedelta(days=day.weekday())


def weekly(counts: list[EventCount]) -> list[WeekCount]:
    """Attendance per week from the first to the last week with an event; empty weeks are 0."""
    if not counts:
        return []
    by_week: dict[_dt.date, list[EventCount]] = {}
    for c in counts:
        by_week.setdefault(monday(c.day), []).append(c)
    first, last = min(by_week), max(by_week)
    weeks, week = [], first
    while week <= last:
        items = by_week.get(week, [])
        weeks.append(WeekCount(week, sum(c.registered for c in items), sum(c.guests for c in items), len(items)))
        week += _dt.timedelta(weeks=1)
    return weeks


@dataclass(frozen=True)
class Shares:
    target: int  # attendances by registered citizens from the target group
    registered: int  # attendances by registered citizens
    guests: int  # unregistered guests (unknown: never counted as target group)

    @property
    def total(self) -> int:
        return self.registered + self.guests

    @property
    def of_all(self) -> float | None:
        """Target group's share of ALL attendees (registered + guests)."""
        return self.target / self.total if self.total else None

    @property
    def of_registered(self) -> float | None:
        """Target group's share of the REGISTERED attendees only."""
        return self.target / self.registered if self.registered else None


def shares(counts: list[EventCount]) -> Shares:
    return Shares(sum(c.target for c in counts), sum(c.registered for c in counts), sum(c.guests for c in counts))


def regulars(visits: list[Visit], n: int = REGULAR_MIN, m: int = REGULAR_WEEKS,
             last_week: _dt.date | None = None) -> dict[int, int]:
    """{citizen id: weeks came} for those who came in at least ``n`` of the ``m`` weeks up to ``last_week``
    (the Monday of the latest week with a visit when None)."""
    if not visits or n < 1 or m < 1:
        return {}
    end = monday(last_week) if last_week else max(monday(v.day) for v in visits)
    start = end - _dt.timedelta(weeks=m - 1)
    weeks: dict[int, set[_dt.date]] = {}
    for v in visits:
        week = monday(v.day)
        if start <= week <= end:
            weeks.setdefault(v.citizen_id, set()).add(week)
    return {cid: len(w) for cid, w in weeks.items() if len(w) >= n}


@dataclass(frozen=True)
class MonthRow:
    month: _dt.date  # the 1st
    participants: int  # distinct registered citizens enrolled or attending in the month
    guests: int
    shares: Shares
    growth: float | None  # participants against the first month with any (0.33 = +33 %)


def _months(first: _dt.date, last: _dt.date) -> list[_dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = (month + _dt.timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: _dt.date) -> _dt.date:
    return (month + _dt.timedelta(days=32)).replace(day=1) - _dt.timedelta(days=1)


def growth(first: int, current: int) -> float | None:
    """Growth against the first period: (current − first) / first; None without a first figure."""
    return (current - first) / first if first else None


def monthly(visits: list[Visit], counts: list[EventCount], enrolments: list[tuple[int, _dt.date, _dt.date | None]],
            until: _dt.date) -> list[MonthRow]:
    """Participants per month (enrolled ∪ attending), guests, target-group shares, growth against the first."""
    days = [v.day for v in visits] + [c.day for c in counts] + [e[1] for e in enrolments]
    if not days:
        return []
    first = min(days)
    last = max(days + [e[2] for e in enrolments if e[2] is not None and e[2] <= until])
    if any(e[2] is None or e[2] > until for e in enrolments):
        last = max(last, until)  # still enrolled: the months run up to today
    rows: list[MonthRow] = []
    base = 0
    for month in _months(first, last):
        end = _month_end(month)
        people = {v.citizen_id for v in visits if month <= v.day <= end}
        people |= {cid for cid, start, stop in enrolments if start <= end and (stop is None or stop >= month)}
        month_counts = [c for c in counts if month <= c.day <= end]
        if not base and people:
            base = len(people)
        rows.append(MonthRow(month, len(people), sum(c.guests for c in month_counts), shares(month_counts),
                             growth(base, len(people)) if base else None))
    return rows


# --- reading a programme's attendance ----------------------------------------------

@dataclass
class ProgrammeAttendance:
    programme_id: int
    name: str
    counts: list[EventCount] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    enrolments: list[tuple[int, _dt.date, _dt.date | None]] = field(default_factory=list)
    until: _dt.date = field(default_factory=today)

    @property
    def weeks(self) -> list[WeekCount]:
        return weekly(self.counts)

    @property
    def shares(self) -> Shares:
        return shares(self.counts)

    @property
    def months(self) -> list[MonthRow]:
        return monthly(self.visits, self.counts, self.enrolments, self.until)

    def regulars(self, n: int = REGULAR_MIN, m: int = REGULAR_WEEKS) -> dict[int, int]:
        last = max((c.day for c in self.counts), default=None)
        return regulars(self.visits, n, m, last)


def _target_lookup(citizen_ids: set[int]):
    """A function (citizen id, day) -> was the latest screening on or before the day eligible?"""
    history: dict[int, tuple[list[_dt.date], list[bool]]] = {}
    ids = list(citizen_ids)
    for start in range(0, len(ids), 500):
        for cid, on, eligible in (Screening.select(Screening.citizen, Screening.screened_on, Screening.eligible)
                                  .where(Screening.citizen.in_(ids[start:start + 500]))
                                  .order_by(Screening.citizen, Screening.screened_on).tuples()):
            days, flags = history.setdefault(cid, ([], []))
            days.append(on)
            flags.append(bool(eligible))

    def target(cid: int, day: _dt.date) -> bool:
        days, flags = history.get(cid, ([], []))
        i = bisect.bisect_right(days, day)
        return bool(i and flags[i - 1])

    return target


def programme_attendance(programme) -> ProgrammeAttendance:
    """The held events of a programme with their registered attendees and guests, and its enrolments."""
    from .programmes import find_programme

    p: Programme = find_programme(programme)
    events = list(Event.select(Event.id, Event.starts_at, Event.guests)
                  .where((Event.programme == p) & (Event.status == EVENT_HELD)).order_by(Event.starts_at)
                  .limit(MAX_MONTHS * 31))
    by_event: dict[int, list[int]] = {e.id: [] for e in events}
    if events:
        for event_id, cid in (Signup.select(Signup.event, Signup.citizen)
                              .where(Signup.event.in_(list(by_event)) & (Signup.status == SIGNUP_SEATED)
                                     & (Signup.attendance == ATTENDED)).tuples()):
            by_event[event_id].append(cid)
    enrolments = [(cid, start, stop) for cid, start, stop in
                  Enrolment.select(Enrolment.citizen, Enrolment.enrolled_on, Enrolment.left_on)
                  .where(Enrolment.programme == p).limit(MAX_ATTENDEES * 20).tuples()]
    target = _target_lookup({cid for ids in by_event.values() for cid in ids})
    counts, visits = [], []
    for e in events:
        day = e.starts_at.date()
        these = [Visit(day, cid, target(cid, day)) for cid in by_event[e.id]]
        visits += these
        counts.append(EventCount(day, len(these), sum(1 for v in these if v.target), e.guests))
    return ProgrammeAttendance(p.id, p.name, counts, visits, enrolments, today())
