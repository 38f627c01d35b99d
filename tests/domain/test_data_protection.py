"""Issue #12: logging with purpose, reading the logs, review samples, retention, insight,
need-to-know and staff management — one test per rule, on a real temp SQLite database."""
from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from models import base
from models.access import NeedsReason
from models.base import DomainError, db
from models.citizen_view import open_citizen_detail
from models.entities import (
    AccessLog,
    Agreement,
    AuditLog,
    Card,
    Citizen,
    District,
    LogReview,
    Punch,
    Screening,
    Staff,
    StaffDistrict,
    StateChange,
)
from models.logs import LogFilter, access_page, audit_page, draw_sample, mark_review, review_overdue
from models.punching import lookup_citizen, register_punch
from models.search import reveal_match, search_citizens
from models.staff import deactivate_staff, find_staff, require_staff, set_staff


@pytest.fixture
def people(demo):
    """The demo's terapeut Anne (Hedensted), an active citizen of hers and one of Tørring."""
    anne = Staff.get(Staff.login == "anne")
    mine = (Citizen.select().join(Card, on=(Card.citizen == Citizen.id))
            .where((Citizen.district == anne.district_id) & (Citizen.state == "active") & (Card.status == "open"))
            .first())
    other = (Citizen.select().join(Card, on=(Card.citizen == Citizen.id)).join(District, on=(
        Citizen.district == District.id)).where((District.name == "Tørring") & (Citizen.state == "active")
                                                & (Card.status == "open") & (Card.used < 9)).first())
    return anne, mine, other


def rows(**where):
    query = AccessLog.select()
    for key, value in where.items():
        query = query.where(getattr(AccessLog, key) == value)
    return list(query.order_by(AccessLog.id))


# --- need-to-know -----------------------------------------------------------------

def test_a_terapeut_finds_another_district_only_as_name_masked_cpr_and_district(people):
    anne, mine, other = people
    match = next(m for m in search_citizens(other.cpr, actor=anne) if m.citizen_id == other.id)
    assert match.other_district and not match.pickable
    assert (match.name, match.cpr_masked, match.district) == (other.name, other.cpr[:6] + "-XXXX", "Tørring")
    assert match.card_number is None and match.clips_left is None and match.state_label == "andet distrikt"
    own = next(m for m in search_citizens(mine.cpr, actor=anne) if m.citizen_id == mine.id)
    assert not own.other_district and own.card_number is not None


def test_leder_and_admin_see_every_district(people, admin):
    _anne, _mine, other = people
    leder = Staff.get(Staff.role == "leder")
    for actor in (leder, admin):
        assert not search_citizens(other.cpr, actor=actor)[0].other_district


def test_opening_another_districts_citizen_needs_a_reason_which_is_logged(people):
    anne, _mine, other = people
    before = AccessLog.select().count()
    with pytest.raises(NeedsReason):
        open_citizen_detail(anne, other.id)
    assert AccessLog.select().count() == before  # nothing shown, nothing logged
    detail = open_citizen_detail(anne, other.id, reason="Vikar for Sofie")
    assert detail.cpr.replace("-", "") == other.cpr
    row = rows(action="open_citizen", citizen=other.id)[-1]
    assert "Vikar for Sofie" in row.criterion and row.actor_id == anne.id


def test_punching_another_districts_citizen_needs_a_reason(people):
    anne, _mine, other = people
    with pytest.raises(NeedsReason):
        lookup_citizen(anne, other.cpr, "klipregistrering")
    with pytest.raises(NeedsReason):
        register_punch(anne, other.id, 1, "Kaffe")
    citizen, _card = lookup_citizen(anne, other.cpr, "klipregistrering", reason="Vikar")
    register_punch(anne, citizen, 1, "Kaffe", reason="Vikar")
    assert rows(action="lookup", citizen=other.id)[-1].purpose == "klipregistrering"
    match = reveal_match(anne, other.id, "Vikar")
    assert match.pickable and not match.other_district


def test_a_staff_member_can_work_in_several_districts(people, admin):
    anne, _mine, other = people
    set_staff(admin, "anne", districts=["Hedensted", "Tørring"])
    assert StaffDistrict.select().where(StaffDistrict.staff == anne).count() == 2
    anne = Staff.get_by_id(anne.id)
    assert not search_citizens(other.cpr, actor=anne)[0].other_district
    open_citizen_detail(anne, other.id)  # no reason needed now


# --- logging with purpose ----------------------------------------------------------

def test_every_access_row_has_who_what_whom_and_a_purpose(people):
    anne, mine, _other = people
    open_citizen_detail(anne, mine.id)
    lookup_citizen(anne, mine.cpr, "klipregistrering")
    for row in rows(citizen=mine.id):
        assert row.at and row.actor_id == anne.id and row.action and row.purpose


# --- reading the logs -----------------------------------------------------------------

def test_the_access_log_reads_newest_first_in_pages_with_cpr_masked_unless_named(people, admin):
    anne, mine, other = people
    for _ in range(7):
        open_citizen_detail(anne, mine.id)
    lookup_citizen(anne, mine.cpr, "klipregistrering")  # its criterion holds the full CPR
    first = access_page(admin, LogFilter(staff="anne"), limit=3)
    second = access_page(admin, LogFilter(staff="anne"), limit=3, before_id=first[-1].id)
    ids = [e.id for e in first + second]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 6
    assert all(e.cpr.endswith("XXXX") for e in first) and mine.cpr not in first[0].criterion
    named = access_page(admin, LogFilter(citizen=mine.cpr), limit=2)
    assert named[0].cpr.replace("-", "") == mine.cpr and mine.cpr in named[0].criterion
    assert rows(action="log")[-1].purpose == "logkontrol"  # reading the log is logged


def test_the_log_is_for_leder_and_admin(people):
    anne, _mine, _other = people
    with pytest.raises(DomainError, match="Kun leder"):
        access_page(anne, LogFilter())
    with pytest.raises(DomainError, match="Kun leder"):
        audit_page(anne, LogFilter())


def test_log_filters_by_period_action_and_the_audit_log_by_citizen(people, admin):
    anne, mine, _other = people
    open_citizen_detail(anne, mine.id)
    today = dt.date.today()
    assert access_page(admin, LogFilter(since=today + dt.timedelta(days=1))) == []
    assert {e.action for e in access_page(admin, LogFilter(action="open_citizen"))} == {"open_citizen"}
    register_punch(anne, mine, 1, "Kaffe")
    audit = audit_page(admin, LogFilter(citizen=mine.cpr, action="punch"))
    assert audit and all(e.operation.startswith("punch") for e in audit)


# --- review samples -------------------------------------------------------------------

def test_a_sample_is_drawn_at_random_and_every_line_is_marked_and_audited(people, admin):
    anne, mine, _other = people
    for _ in range(40):
        open_citizen_detail(anne, mine.id)
    picks = set()
    for _ in range(4):
        sample = draw_sample(admin, 5, 30)
        picks.add(tuple(r.access_id for r in LogReview.select().where(LogReview.sample == sample)))
    assert len(picks) > 1  # not the same entries each time: unpredictable
    line = LogReview.select().where(LogReview.sample == sample).first()
    with pytest.raises(DomainError):
        mark_review(admin, line.id, "follow_up", "")  # følges op needs a note
    mark_review(admin, line.id, "follow_up", "Spørg Anne hvorfor")
    assert LogReview.get_by_id(line.id).verdict == "follow_up"
    assert AuditLog.select().where(AuditLog.operation == "log.review").count() == 1
    assert AuditLog.select().where(AuditLog.operation == "log.sample").count() == 4


def test_the_dashboard_flag_when_no_review_for_the_set_days(people, admin):
    anne, mine, _other = people
    open_citizen_detail(anne, mine.id)
    assert review_overdue() == -1  # never reviewed
    sample = draw_sample(admin, 1, 30)
    mark_review(admin, LogReview.get(LogReview.sample == sample).id, "ok")
    assert review_overdue(dt.date.today()) is None
    assert review_overdue(dt.date.today() + dt.timedelta(days=31)) == 31


# --- retention -------------------------------------------------------------------------

def test_access_log_entries_past_six_months_go_once_a_day_in_batches(people, monkeypatch):
    from models import retention

    anne, mine, _other = people
    now = base.now()
    with db.atomic():
        for days in (10, 170, 200, 400):
            AccessLog.create(at=now - dt.timedelta(days=days), actor=anne, action="open_citizen",
                             citizen=mine, purpose="borgeropslag")
    monkeypatch.setattr(retention, "BATCH", 1)  # short transactions: one row each
    old = AccessLog.select().where(AccessLog.at < now - dt.timedelta(days=186)).count()
    assert retention.purge_access_log(anne, at=now) == old == 2
    assert AccessLog.select().where(AccessLog.at < now - dt.timedelta(days=186)).count() == 0
    assert AccessLog.select().where(AccessLog.at == now - dt.timedelta(days=170)).exists()
    with db.atomic():
        AccessLog.create(at=now - dt.timedelta(days=300), actor=anne, action="search", purpose="søgning")
    assert retention.purge_access_log(anne, at=now) is None  # once a day
    assert retention.purge_access_log(anne, at=now, force=True) == 1  # cirkel retention --apply


def test_citizens_past_the_deadline_are_deleted_and_the_figures_stay(people, admin, frozen_day):
    from exports.excel import card_rows, punch_rows, year_period
    from models.pools import pool_figures
    from models.retention import delete_citizens, deletion_candidates

    anne, mine, _other = people
    ended = (Citizen.select().join(Card, on=(Card.citizen == Citizen.id))
             .where(Citizen.state == "ended").first())
    year = Card.select().where(Card.citizen == ended).first().issued_on.year
    figures = [(p.district, p.allocated, p.committed, p.punched) for p in pool_figures(year)]
    cards_before = list(card_rows(year_period(year)))
    punches_before = sum(r[4] for r in punch_rows(year_period(year)))
    with db.atomic():
        Citizen.update(state_since=frozen_day - dt.timedelta(days=6 * 365)).where(Citizen.id == ended.id).execute()
    candidates = deletion_candidates(admin)
    assert ended.id in [c.citizen_id for c in candidates] and candidates[0].cpr_masked.endswith("XXXX")
    with pytest.raises(DomainError):
        delete_citizens(anne)  # leder/admin only
    result = delete_citizens(admin)
    assert result.citizens >= 1
    assert Citizen.get_or_none(Citizen.id == ended.id) is None
    for model in (Screening, StateChange):
        assert not model.select().where(model.citizen == ended.id).exists()
    assert not AccessLog.select().where(AccessLog.citizen == ended.id).exists()
    assert Card.select().where(Card.citizen.is_null()).exists() and Punch.select().where(
        Punch.citizen.is_null()).exists()
    assert [(p.district, p.allocated, p.committed, p.punched) for p in pool_figures(year)] == figures
    after = list(card_rows(year_period(year)))
    assert len(after) == len(cards_before) and sum(r[5] for r in after) == sum(r[5] for r in cards_before)
    assert any(r[1] == "(slettet)" and r[0] == "" for r in after)
    assert sum(r[4] for r in punch_rows(year_period(year))) == punches_before
    deletion = AuditLog.select().where(AuditLog.operation == "retention.citizens").first()
    assert deletion.entity_id is None and ended.cpr not in (deletion.after or "") and ended.name not in deletion.after
    assert not AuditLog.select().where(AuditLog.after.contains(ended.cpr)).exists()


@pytest.mark.sqlite_only  # issue #18: SQLite's pragma; PostgreSQL's freed space is the server's (VACUUM)
def test_sqlite_overwrites_the_pages_of_deleted_rows(database):
    assert db.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1


def test_agreements_of_a_deleted_citizen_keep_their_clips_but_lose_the_person(people, admin, frozen_day):
    from models.retention import delete_citizens

    agreement = Agreement.select().first()
    assert agreement is not None  # the demo makes agreements
    with db.atomic():
        Citizen.update(state="ended", state_since=frozen_day - dt.timedelta(days=6 * 365)).where(
            Citizen.id == agreement.citizen_id).execute()
        Card.update(status="closed").where(Card.citizen == agreement.citizen_id).execute()
    delete_citizens(admin)
    kept = Agreement.get_by_id(agreement.id)
    assert kept.citizen_id is None and kept.reason == "" and kept.clips == agreement.clips


# --- right of access -----------------------------------------------------------------

def test_insight_writes_one_private_workbook_with_the_access_log_and_logs_itself(people, admin, tmp_path):
    from openpyxl import load_workbook

    from exports.insight import write_insight

    anne, mine, _other = people
    open_citizen_detail(anne, mine.id)
    path = write_insight(admin, mine.cpr, tmp_path / "indsigt.xlsx")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    wb = load_workbook(path)
    assert wb.sheetnames == ["Stamdata", "Tilstande", "Screeninger", "Målinger", "Revurderinger", "Kort", "Klip",
                             "Tilmeldinger", "Aftaler", "Adgangslog"]
    log = [[c.value for c in r] for r in wb["Adgangslog"].iter_rows()]
    assert log[0] == ["Tidspunkt", "Handling", "Formål"] and log[1][1:] == ["åbnet", "borgeropslag"]
    assert all(ws.print_title_rows for ws in wb)
    assert rows(action="insight", citizen=mine.id)[-1].purpose == "indsigt"
    staff = write_insight(admin, mine.cpr, tmp_path / "med.xlsx", with_staff=True)
    assert load_workbook(staff)["Adgangslog"]["D2"].value == anne.name
    with pytest.raises(DomainError, match="Kun leder"):
        write_insight(anne, mine.cpr, tmp_path / "x.xlsx")


# --- staff management --------------------------------------------------------------------

def test_a_deactivated_login_is_refused_like_an_unknown_one_and_history_keeps_the_name(people, admin):
    anne, mine, _other = people
    register_punch(anne, mine, 1, "Kaffe")
    deactivate_staff(admin, "anne")
    assert find_staff("anne") is None
    with pytest.raises(DomainError) as refused:
        require_staff("anne")
    with pytest.raises(DomainError) as unknown:
        require_staff("nobody")
    assert str(refused.value).replace("anne", "X") == str(unknown.value).replace("nobody", "X")
    assert Staff.get_by_id(anne.id).name == "Anne Sørensen"  # never deleted
    assert AuditLog.select().where(AuditLog.operation == "staff.deactivate").count() == 1


def test_staff_changes_are_admin_only_audited_and_the_last_admin_stays(people, admin):
    anne, _mine, _other = people
    with pytest.raises(DomainError):
        set_staff(anne, "anne", role="admin")
    set_staff(admin, "anne", name="Anne S. Sørensen", role="leder", language="en")
    anne = Staff.get_by_id(anne.id)
    assert (anne.name, anne.role, anne.language) == ("Anne S. Sørensen", "leder", "en")
    assert AuditLog.select().where(AuditLog.operation == "staff.set").count() == 1
    with pytest.raises(DomainError, match="sidste administrator"):
        set_staff(admin, admin.login, role="terapeut")
    with pytest.raises(DomainError, match="sprog"):
        set_staff(admin, "anne", language="fr")
