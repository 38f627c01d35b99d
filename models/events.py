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
import re
import uuid

from .base import DomainError, audit, operation, snapshot
from .entities import (
    ABSENT,
    ATTENDED,
    CLIPS_PER_CARD,
    EVENT_CANCELLED,
    EVENT_HELD,
    EVENT_PLANNED,
    SIGNUP_CANCELLED,
    SIGNUP_SEATED,
    SIGNUP_WAITLISTED,
    CatalogueItem,
    District,
    Event,
    Programme,
    Signup,
    Staff,
)
from .i18n import _
from .inputs import parse_date, parse_kroner, refuse_control

STATUS_LABELS = {EVENT_PLANNED: "planlagt", EVENT_HELD: "afholdt", EVENT_CANCELLED: "aflyst"}


def status_label(status: str) -> str:
    """An outing's status in the user's language (STATUS_LABELS keeps the Danish words for files)."""
    return {EVENT_PLANNED: _("planlagt"), EVENT_HELD: _("afholdt"), EVENT_CANCELLED: _("aflyst")}.get(status, status)


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

def parse_time(value) -> _dt.time:
    """A time typed as tt:mm (also tt.mm or just tt)."""
    if isinstance(value, _dt.time):
        return value
    text = str(value or "").strip()
    if not text:
        raise DomainError(_("Skriv et klokkeslæt (tt:mm)."), field="time")
    m = re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise DomainError(_("Ugyldigt klokkeslæt '{text}'; skriv tt:mm.").format(text=text), field="time")
    return _dt.time(int(m.group(1)), int(m.group(2) or 0))


def _whole(value, field_name: str, label: str, low: int, high: int, *, optional: bool = False) -> int | None:
    if optional and (value is None or str(value).strip() == ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("{label} skal være et helt tal.").format(label=label), field=field_name) from None
    if not low <= number <= high:
        raise DomainError(_("{label} skal være mellem {low} og {high}.").format(label=label, low=low, high=high), field=field_name)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
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
        raise DomainError(_("Distriktet '{value}' findes ikke.").format(value=value), field="district")
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
        raise DomainError(_("Tilbuddet '{value}' findes ikke i kataloget.").format(value=value), field="catalogue_item")
    return found


def _event(event_or_id) -> Event:
    event_id = event_or_id.id if isinstance(event_or_id, Event) else event_or_id
    event = Event.get_or_none(Event.id == event_id)
    if event is None:
        raise DomainError(_("Turen findes ikke."))
    return event


def _signup(signup_or_id) -> Signup:
    signup_id = signup_or_id.id if isinstance(signup_or_id, Signup) else signup_or_id
    signup = Signup.get_or_none(Signup.id == signup_id)
    if signup is None:
        raise DomainError(_("Tilmeldingen findes ikke."))
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
        raise DomainError(_("Tilbuddet '{name}' er ikke aktivt i kataloget.").format(name=item.name), field="catalogue_item")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    title = " ".join((title or "").split()) or (item.name if item else "")
    if not title:
        raise DomainError(_("Skriv en titel eller vælg et tilbud fra kataloget."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("Titlen må højst være {MAX_TITLE} tegn.").format(MAX_TITLE=MAX_TITLE), field="title")
    place = " ".join((meeting_place or "").split())
    refuse_control(title, "title", label=_("Titlen"))
    refuse_control(meeting_place, "meeting_place", label=_("Mødestedet"))
    first_day = parse_date(day, "day")
    at = parse_time(time)
    n_seats = _whole(seats, "seats", _("Antal pladser"), 1, MAX_SEATS)
    clips = _whole(clips_per_participant, "clips_per_participant", _("Klip pr. deltager"), 1, CLIPS_PER_CARD,
                   optional=True)
    transport = parse_kroner(transport_cost_dkk if transport_cost_dkk not in (None, "") else 0,
                             "transport_cost_dkk", label=_("Transportudgiften"))
    where = _district(district)
    months = _whole(repeat_months, "repeat_months", _("Antal måneder"), 1, MAX_REPEAT_MONTHS)
    weeks = _whole(repeat_weeks, "repeat_weeks", _("Antal uger"), 1, MAX_REPEAT_WEEKS, optional=True)
    if weeks is not None and months > 1:
        raise DomainError(_("Gentag enten hver uge eller hver måned, ikke begge."), field="repeat_weeks")
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
        raise DomainError(_("Turen er afholdt og kan ikke aflyses."))
    if event.status == EVENT_CANCELLED:
        raise DomainError(_("Turen er allerede aflyst."))
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


# --- the rest of the outings live beside this module; their names stay importable from here
from .event_attendance import (  # noqa: E402,F401
    AttendanceLine,
    ConfirmOutcome,
    attendance_sheet,
    confirm_attendance,
    mark_all,
    mark_attendance,
)
from .event_listings import (  # noqa: E402,F401
    CitizenHit,
    EventRow,
    Overview,
    ParticipantLine,
    SignupLine,
    event_row,
    event_signups,
    events_overview,
    find_participants,
    is_outing,
    participant_list,
)
from .event_signups import CancelOutcome, SignupOutcome, cancel_signup, sign_up  # noqa: E402,F401
