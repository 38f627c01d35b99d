"""Joint outings (R10): planning, seats and the event waitlist, afbud and promotion,
the leader's override, attendance punching all or none, the driver's list."""
from __future__ import annotations

import datetime as dt
import decimal
import json
import zipfile

import pytest

from models.base import DomainError, db
from models.cards import issue_card, ledger_total, punch
from models.citizens import change_state, create_citizen
from models.entities import (
    AccessLog,
    Agreement,
    AuditLog,
    Budget,
    Card,
    CatalogueItem,
    District,
    Event,
    Pool,
    Punch,
    Signup,
    Staff,
)
from models.events import (
    add_months,
    attendance_sheet,
    cancel_event,
    cancel_signup,
    confirm_attendance,
    create_events,
    event_row,
    event_signups,
    events_overview,
    find_participants,
    mark_all,
    mark_attendance,
    monthly_dates,
    participant_list,
    sign_up,
)


@pytest.fixture
def town(admin, frozen_day):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=1000)
    return district


def _person(admin, district, n: int, name: str | None = None, *, active=True, card=True):
    citizen = create_citizen(admin, f"0101{40 + n:02d}-{1000 + n:04d}", name or f"Borger {n:02d}",
                             district=district, phone=f"7{n:07d}", address=f"Kirkevej {n}",
                             postcode="8722", city="Hedensted")
    with db.atomic():
        change_state(admin, citizen, "eligible")
        if active:
            change_state(admin, citizen, "active")
    if active and card:
        issue_card(admin, citizen, on=dt.date(2026, 1, 5))
    return citizen


@pytest.fixture
def people(admin, town):
    return [_person(admin, town, n) for n in range(1, 7)]


@pytest.fixture
def leader(admin):
    return Staff.create(login="mette", name="Mette Kjærgaard", role="leder")


@pytest.fixture
def therapist(admin, town):
    return Staff.create(login="anne", name="Anne Sørensen", role="terapeut", district=town)


def _event(admin, *, seats=3, clips=6, day="20-11-2026", **kw):
    return create_events(admin, title=kw.pop("title", "Bustur til Bilka Vejle"), day=day, time="09:00",
                         seats=seats, clips_per_participant=clips, meeting_place="Ved rådhuset",
                         transport_cost_dkk="1.850", **kw)[0]


def _status(event):
    return [(s.citizen.name, s.status) for s in Signup.select().where(Signup.event == event).order_by(Signup.seq)]


# --- planning --------------------------------------------------------------------------

def test_create_event_checks_its_fields(admin, town):
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Tur", day="31-02-2026", time="09:00", seats=5)
    assert err.value.field == "day"
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Tur", day="01-12-2026", time="25:00", seats=5)
    assert err.value.field == "time"
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Tur", day="01-12-2026", time="09:00", seats=0)
    assert err.value.field == "seats"
    with pytest.raises(DomainError) as err:
        create_events(admin, title="Tur", day="01-12-2026", time="09:00", seats=5, clips_per_participant=11)
    assert err.value.field == "clips_per_participant"
    with pytest.raises(DomainError) as err:
        create_events(admin, title="", day="01-12-2026", time="09:00", seats=5)
    assert err.value.field == "title"
    assert Event.select().count() == 0

    item = CatalogueItem.create(name="Bustur til Bilka Vejle", category="fællestur", suggested_clips=6)
    [event] = create_events(admin, day="03-12-2026", time="9.30", seats="12", catalogue_item=item.id,
                            transport_cost_dkk="1.850,50", district="Hedensted")
    assert event.title == "Bustur til Bilka Vejle"  # from the offer
    assert event.starts_at == dt.datetime(2026, 12, 3, 9, 30)
    assert event.transport_cost_dkk == decimal.Decimal("1850.50")
    assert event.district_id == town.id and event.series is None
    assert event.clips_per_participant is None  # optional: a café records attendance only


def test_repeat_monthly_makes_one_series_and_handles_month_ends(admin, town):
    events = create_events(admin, title="Banko", day="31-01-2027", time="13:00", seats=10,
                           clips_per_participant=5, repeat_months=6)
    days = [e.starts_at.date() for e in events]
    assert days == [dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 31),
                    dt.date(2027, 4, 30), dt.date(2027, 5, 31), dt.date(2027, 6, 30)]
    assert len({e.series for e in events}) == 1 and events[0].series
    assert all(e.starts_at.time() == dt.time(13, 0) for e in events)
    # a leap year and a year boundary
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert monthly_dates(dt.date(2026, 12, 15), 2) == [dt.date(2026, 12, 15), dt.date(2027, 1, 15)]
    with pytest.raises(DomainError):
        create_events(admin, title="Banko", day="31-01-2027", time="13:00", seats=10, repeat_months=25)


def test_cancel_event_and_the_rest_of_its_series(admin, town):
    events = create_events(admin, title="Banko", day="17-12-2026", time="13:00", seats=10, repeat_months=4)
    done = cancel_event(admin, events[1].id, "ingen bus", following=True)
    assert [e.id for e in done] == [e.id for e in events[1:]]
    assert [Event.get_by_id(e.id).status for e in events] == ["planned", "cancelled", "cancelled", "cancelled"]
    with pytest.raises(DomainError, match="allerede aflyst"):
        cancel_event(admin, events[1].id)


# --- seats, waitlist and afbud ------------------------------------------------------------

def test_seats_then_waitlist_in_order_and_nobody_twice(admin, people):
    event = _event(admin, seats=3)
    outcomes = [sign_up(admin, event.id, p.id) for p in people[:5]]
    assert [o.seated for o in outcomes] == [True, True, True, False, False]
    assert [o.waitlist_position for o in outcomes[3:]] == [1, 2]
    assert "nr. 2 på ventelisten" in outcomes[4].message
    assert _status(event) == [("Borger 01", "signed_up"), ("Borger 02", "signed_up"),
                              ("Borger 03", "signed_up"), ("Borger 04", "waitlisted"),
                              ("Borger 05", "waitlisted")]
    with pytest.raises(DomainError, match="allerede tilmeldt"):
        sign_up(admin, event.id, people[0].id)
    with pytest.raises(DomainError, match="allerede på turens venteliste"):
        sign_up(admin, event.id, people[4].id)
    assert Signup.select().where(Signup.event == event).count() == 5
    row = event_row(event.id)
    assert (row.taken, row.free, row.waitlisted) == (3, 0, 2)


def test_afbud_moves_the_first_waitlisted_up_and_says_so(admin, people):
    event = _event(admin, seats=2, day="10-12-2026")
    for p in people[:5]:
        sign_up(admin, event.id, p.id)
    seat = Signup.get((Signup.event == event) & (Signup.citizen == people[0]))
    outcome = cancel_signup(admin, seat.id, "syg")
    assert outcome.promoted_names == ["Borger 03"]
    assert "Borger 03 er rykket op fra ventelisten" in outcome.message
    assert _status(event) == [("Borger 01", "cancelled"), ("Borger 02", "signed_up"),
                              ("Borger 03", "signed_up"), ("Borger 04", "waitlisted"),
                              ("Borger 05", "waitlisted")]
    # a waitlisted afbud frees no seat and moves nobody
    waiting = Signup.get((Signup.event == event) & (Signup.citizen == people[3]))
    assert cancel_signup(admin, waiting.id).promoted == []
    # signing up again after an afbud goes to the back of the queue
    again = sign_up(admin, event.id, people[0].id)
    assert not again.seated and again.waitlist_position == 2
    lines = event_signups(admin, event.id)
    assert [(line.name, line.waitlist_position) for line in lines if line.status == "waitlisted"] == [
        ("Borger 05", 1), ("Borger 01", 2)]
    ops = [a.operation for a in AuditLog.select().order_by(AuditLog.id)]
    assert "event.signup_cancel" in ops and "event.signup_promote" in ops


def test_only_active_participants_unless_a_leader_overrides_with_a_reason(admin, town, leader, therapist):
    paused = _person(admin, town, 20, "Karen Pause")
    with db.atomic():
        change_state(admin, paused, "paused", reason="indlagt")
    waiting = _person(admin, town, 21, "Poul Venter", active=False)
    event = _event(admin, seats=5, day="10-12-2026")
    with pytest.raises(DomainError, match="kun aktive deltagere") as err:
        sign_up(therapist, event.id, waiting.id, override_reason="vil gerne med")
    assert err.value.field == "override"
    with pytest.raises(DomainError, match="begrundelse") as err:
        sign_up(leader, event.id, paused.id)
    assert err.value.field == "override"
    assert Signup.select().count() == 0
    outcome = sign_up(leader, event.id, waiting.id, override_reason="  prøvetur før optag ")
    assert outcome.seated and outcome.signup.override_reason == "prøvetur før optag"
    row = AuditLog.get(AuditLog.operation == "event.signup_override")
    assert row.actor_id == leader.id and json.loads(row.after)["reason"] == "prøvetur før optag"
    # an active participant needs no reason, and none is stored
    active = _person(admin, town, 22, "Aktiv Anna")
    assert sign_up(therapist, event.id, active.id, override_reason="x").signup.override_reason == ""


def test_no_sign_up_on_a_cancelled_event(admin, people):
    event = _event(admin, day="10-12-2026")
    cancel_event(admin, event.id)
    with pytest.raises(DomainError, match="aflyst"):
        sign_up(admin, event.id, people[0].id)


# --- attendance ---------------------------------------------------------------------------

def _seated(event):
    return list(Signup.select().where((Signup.event == event) & (Signup.status == "signed_up"))
                .order_by(Signup.seq))


def test_confirming_punches_every_attendee_once_and_marks_the_event_held(admin, people):
    event = _event(admin, seats=4, clips=3)
    for p in people[:5]:
        sign_up(admin, event.id, p.id)
    seats = _seated(event)
    mark_attendance(admin, seats[0].id, "attended")
    mark_attendance(admin, seats[1].id, "absent")
    with pytest.raises(DomainError, match="Markér deltog eller udeblev") as err:
        confirm_attendance(admin, event.id)
    assert "Borger 03" in str(err.value) and "Borger 04" in str(err.value)
    assert mark_all(admin, event.id, "attended") == 2
    with pytest.raises(DomainError, match="venteliste"):
        mark_attendance(admin, Signup.get(Signup.status == "waitlisted").id, "attended")
    outcome = confirm_attendance(admin, event.id)
    assert (outcome.attended, outcome.absent, outcome.clips) == (3, 1, 9)
    event = Event.get_by_id(event.id)
    assert event.status == "held" and event.held_on == dt.date(2026, 11, 20)
    punches = list(Punch.select().where(Punch.event == event))
    assert sorted(p.citizen_id for p in punches) == sorted([people[0].id, people[2].id, people[3].id])
    assert all(p.clips == 3 and p.activity == "Bustur til Bilka Vejle" and p.punched_on == dt.date(2026, 11, 20)
               for p in punches)
    assert Card.get(Card.citizen == people[1]).used == 0  # absent: nothing punched
    assert Card.get(Card.citizen == people[4]).used == 0  # waitlisted: nothing punched
    with pytest.raises(DomainError, match="allerede bekræftet"):
        confirm_attendance(admin, event.id)
    with pytest.raises(DomainError, match="afholdt"):
        mark_attendance(admin, seats[1].id, "attended")
    row = events_overview().past[0]
    assert row.id == event.id and row.attendance_rate == pytest.approx(0.75)


def _ledger_state():
    cards = [(c.id, c.used, c.status) for c in Card.select().order_by(Card.id)]
    return cards, Punch.select().count(), [ledger_total(Card.get_by_id(c[0])) for c in cards]


def test_a_participant_without_clips_enough_refuses_the_whole_confirmation(admin, people):
    event = _event(admin, seats=4, clips=6)
    for p in people[:4]:
        sign_up(admin, event.id, p.id)
    punch(admin, people[1], 7, "Lægebesøg", on=dt.date(2026, 11, 2))  # 3 left, needs 6
    card = Card.get(Card.citizen == people[2])
    card.status = "used_up"  # Borger 03's card is used up, no new card yet
    card.used = 10
    card.save()
    mark_all(admin, event.id, "attended")
    before = _ledger_state()
    audits = AuditLog.select().count()
    with pytest.raises(DomainError) as err:
        confirm_attendance(admin, event.id)
    message = str(err.value)
    assert "Borger 02 har kun 3 klip tilbage (skal bruge 6)" in message
    assert "Borger 03 har brugt kortet op" in message
    assert "Borger 01" not in message and "Borger 04" not in message
    assert _ledger_state() == before  # nothing punched, not even for those with clips
    assert AuditLog.select().count() == audits
    assert Event.get_by_id(event.id).status == "planned"
    sheet = {line.name: line for line in attendance_sheet(event.id)}
    assert sheet["Borger 02"].problem and sheet["Borger 01"].problem is None

    # resolve: fewer clips for Borger 02, remove Borger 03 (no promotion after the day)
    s02 = Signup.get((Signup.event == event) & (Signup.citizen == people[1]))
    s03 = Signup.get((Signup.event == event) & (Signup.citizen == people[2]))
    with pytest.raises(DomainError):
        confirm_attendance(admin, event.id, clips_for={s02.id: 7})  # more than the event's clips
    cancel_signup(admin, s03.id, "kort brugt op", promote=False)
    outcome = confirm_attendance(admin, event.id, clips_for={s02.id: 3})
    assert outcome.clips == 6 + 3 + 6
    assert Card.get(Card.citizen == people[1]).status == "used_up"
    for p in (people[0], people[1], people[3]):
        c = Card.get((Card.citizen == p) & (Card.issued_on == dt.date(2026, 1, 5)))
        assert ledger_total(c) == c.used
    held = json.loads(AuditLog.get(AuditLog.operation == "event.held").after)
    assert held["fewer_clips"] == {str(s02.id): 3}


def test_a_failure_half_way_rolls_back_every_punch(admin, people, monkeypatch):
    """All or none even when the ledger itself refuses after others were punched."""
    import models.event_attendance as events_mod  # where confirm_attendance punches

    event = _event(admin, seats=3, clips=2)
    for p in people[:3]:
        sign_up(admin, event.id, p.id)
    mark_all(admin, event.id, "attended")
    real_punch = events_mod.punch
    calls = []

    def flaky(actor, citizen, *args, **kwargs):
        calls.append(citizen.id)
        if len(calls) == 3:  # a concurrent punch took the last clips meanwhile
            raise DomainError("Der er kun 0 klip tilbage på kort 1003.")
        return real_punch(actor, citizen, *args, **kwargs)

    monkeypatch.setattr(events_mod, "punch", flaky)
    before = _ledger_state()
    with pytest.raises(DomainError, match="kun 0 klip"):
        confirm_attendance(admin, event.id)
    assert len(calls) == 3
    assert _ledger_state() == before
    assert Event.get_by_id(event.id).status == "planned"


def test_an_agreement_carries_the_clips_the_card_lacks(admin, people, leader):
    event = _event(admin, seats=2, clips=6)
    sign_up(admin, event.id, people[0].id)
    punch(admin, people[0], 8, "Lægebesøg", on=dt.date(2026, 11, 2))
    Agreement.create(citizen=people[0], approved_by=leader, clips=6, reason="fællestur", activity="Bilka",
                     valid_from=dt.date(2026, 11, 1))
    mark_all(admin, event.id, "attended")
    [line] = attendance_sheet(event.id)
    assert line.pays_with == "agreement" and line.problem is None
    confirm_attendance(admin, event.id)
    entry = Punch.get(Punch.event == event)
    assert entry.agreement_id is not None and entry.card_id is None
    assert Card.get(Card.citizen == people[0]).used == 8
    assert Agreement.get().used == 6


def test_confirming_waits_for_the_day(admin, people):
    event = _event(admin, day="21-11-2026")
    sign_up(admin, event.id, people[0].id)
    mark_all(admin, event.id, "attended")
    with pytest.raises(DomainError, match="først 21-11-2026"):
        confirm_attendance(admin, event.id)
    # flows (issue #15): the same rule tells the attendance screen when it is opened
    from models.event_attendance import too_early_to_confirm

    assert "først 21-11-2026" in too_early_to_confirm(event.starts_at)
    assert too_early_to_confirm(event.starts_at, on=event.starts_at.date()) is None


def test_a_cafe_records_attendance_without_clips(admin, people):
    [cafe] = create_events(admin, title="Café i Ishøj", day="20-11-2026", time="12:00", seats=20,
                           clips_per_participant="")
    with pytest.raises(DomainError, match="Ingen er tilmeldt"):
        confirm_attendance(admin, cafe.id)
    sign_up(admin, cafe.id, people[0].id)
    sign_up(admin, cafe.id, people[1].id)
    seats = _seated(cafe)
    mark_attendance(admin, seats[0].id, "attended")
    mark_attendance(admin, seats[1].id, "absent")
    outcome = confirm_attendance(admin, cafe.id)
    assert (outcome.attended, outcome.absent, outcome.clips) == (1, 1, 0)
    assert Punch.select().count() == 0
    assert Event.get_by_id(cafe.id).status == "held"


# --- search, lists and the overview ------------------------------------------------------

def test_search_by_name_cpr_and_card_number_is_logged(admin, town):
    karen = _person(admin, town, 30, "Karen Østergaard")
    _person(admin, town, 31, "Søren Jensen")
    event = _event(admin, day="10-12-2026")
    sign_up(admin, event.id, karen.id)
    assert [h.name for h in find_participants(admin, "øster")] == ["Karen Østergaard"]
    assert [h.name for h in find_participants(admin, "SØREN")] == ["Søren Jensen"]
    assert [h.name for h in find_participants(admin, "010170")] == ["Karen Østergaard"]
    card = Card.get(Card.citizen == karen)
    [hit] = find_participants(admin, str(card.number), event_id=event.id)
    assert hit.name == "Karen Østergaard" and hit.signup_status == "signed_up" and hit.cpr_masked.endswith("XXXX")
    assert find_participants(admin, "%") == []
    assert AccessLog.select().where(AccessLog.action == "search").count() == 5


def test_participant_list_is_the_seated_ones_and_is_logged(admin, people):
    event = _event(admin, seats=2, day="10-12-2026")
    for p in people[:3]:
        sign_up(admin, event.id, p.id)
    lines = participant_list(admin, event.id)
    assert [line.name for line in lines] == ["Borger 01", "Borger 02"]
    assert lines[0].pickup == "Kirkevej 1, 8722 Hedensted" and lines[0].phone == "70000001"
    log = AccessLog.select().order_by(AccessLog.id.desc()).first()
    assert log.action == "list" and log.criterion == f"deltagerliste tur {event.id}"


def test_overview_splits_coming_and_past(admin, people):
    past = _event(admin, title="Tidligere", day="10-10-2026")
    today_ = _event(admin, title="I dag", day="20-11-2026")
    later = _event(admin, title="Senere", day="10-12-2026")
    cancelled = _event(admin, title="Aflyst", day="05-12-2026")
    cancel_event(admin, cancelled.id)
    sign_up(admin, later.id, people[0].id)
    overview = events_overview()
    assert [r.title for r in overview.coming] == ["I dag", "Aflyst", "Senere"]
    assert [r.title for r in overview.past] == ["Tidligere"]
    assert [r.title for r in overview.awaiting] == ["I dag", "Tidligere"]
    assert overview.coming[2].taken == 1 and overview.coming[2].free == 2
    assert past.id and today_.id


def test_participant_list_xlsx_has_no_formulas_and_no_personal_data_in_its_name(admin, town, tmp_path):
    import openpyxl

    from exports.participant_list import write_participant_list

    tricky = _person(admin, town, 40, "=HYPERLINK(\"http://x\",\"klik\")")
    plus = _person(admin, town, 41, "+45 Hansen")
    minus = _person(admin, town, 42, "-Dorthe")
    at = _person(admin, town, 43, "@Bent")
    event = _event(admin, seats=10, day="10-12-2026")
    for p in (tricky, plus, minus, at):
        sign_up(admin, event.id, p.id)
    path = write_participant_list(admin, event.id, tmp_path)
    assert path.name == f"deltagerliste-{event.id}-2026-12-10.xlsx"
    assert path.stat().st_mode & 0o077 == 0
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    wb = openpyxl.load_workbook(path)
    ws = wb["Deltagere"]
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    names = [ws.cell(row=r, column=2).value for r in range(9, 13)]
    assert names == [tricky.name, "+45 Hansen", "-Dorthe", "@Bent"]
    assert ws.cell(row=9, column=4).value == "Kirkevej 40, 8722 Hedensted"
    assert ws["B2"].is_date and ws["B2"].number_format == "dd-mm-yyyy"
    log = AccessLog.select().order_by(AccessLog.id.desc()).first()
    assert log.action == "export" and str(event.id) in log.criterion


def test_a_held_event_shows_what_was_punched_not_what_is_left(admin, people):
    event = _event(admin, seats=2, clips=6)
    sign_up(admin, event.id, people[0].id)
    sign_up(admin, event.id, people[1].id)
    mark_all(admin, event.id, "attended")
    s1 = Signup.get((Signup.event == event) & (Signup.citizen == people[1]))
    confirm_attendance(admin, event.id, clips_for={s1.id: 4})
    sheet = {line.name: line for line in attendance_sheet(event.id)}
    assert (sheet["Borger 01"].clips, sheet["Borger 01"].reduced, sheet["Borger 01"].problem) == (6, False, None)
    assert (sheet["Borger 02"].clips, sheet["Borger 02"].reduced) == (4, True)
    assert sheet["Borger 01"].card_number == Card.get(Card.citizen == people[0]).number


def test_search_is_bounded(admin, town):
    for n in range(50, 60):
        _person(admin, town, n, f"Jens Hansen {n}", card=False)
    assert len(find_participants(admin, "jens", limit=4)) == 4
    assert len(find_participants(admin, "jens", limit=10_000)) == 10  # capped at 100, only 10 exist
