"""Citizens: CPR validation, duplicates, audit and access logs, state history."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models import cpr
from models.base import DomainError
from models.citizens import change_state, create_citizen, open_citizen, update_citizen
from models.entities import AccessLog, AuditLog, Citizen, StateChange


@pytest.mark.parametrize("text,reason", [
    ("320145-1234", "gyldig dato"),      # day 32
    ("011345-1234", "gyldig dato"),      # month 13
    ("0101451234x", "cifre"),
    ("abcdefghij", "cifre"),
    ("0101451", "10 cifre"),
    ("", "mangler"),
])
def test_invalid_cpr_is_refused_with_the_reason(text, reason):
    with pytest.raises(DomainError, match=reason) as info:
        cpr.normalise(text)
    assert info.value.field == "cpr"


def test_future_birth_date_is_refused():
    future = dt.date.today() + dt.timedelta(days=30)
    # century digit 4 with year < 37 means 20xx
    number = future.strftime("%d%m%y") + "4000"
    with pytest.raises(DomainError, match="fremtiden"):
        cpr.normalise(number)


def test_modulus_11_is_never_required():
    # 010145-1235 fails the old modulus-11 check but is a valid CPR number since 2007
    from stdnum.dk.cpr import checksum

    assert checksum("0101451235") != 0
    assert cpr.normalise("010145-1235") == "0101451235"


def test_masking():
    assert cpr.masked("0101451235") == "010145-XXXX"


def test_create_citizen_writes_an_audit_row_and_refuses_duplicates(admin):
    citizen = create_citizen(admin, "010145-1235", "Karen Jensen", address="Østergade 4", phone="75 12 34 56")
    assert citizen.cpr == "0101451235"
    row = AuditLog.get(AuditLog.operation == "citizen.create")
    assert row.actor_id == admin.id and json.loads(row.after)["name"] == "Karen Jensen"
    with pytest.raises(DomainError, match="findes allerede"):
        create_citizen(admin, "0101451235", "Karen Jensen")
    assert Citizen.select().count() == 1


def test_refused_write_leaves_nothing_behind(admin):
    before = AuditLog.select().count()
    with pytest.raises(DomainError):
        create_citizen(admin, "010145-1235", "   ")
    assert Citizen.select().count() == 0
    assert AuditLog.select().count() == before


def test_update_citizen_audits_before_and_after(admin):
    citizen = create_citizen(admin, "010145-1235", "Karen Jensen")
    update_citizen(admin, citizen.id, phone="20304050")
    row = AuditLog.get(AuditLog.operation == "citizen.update")
    assert json.loads(row.before)["phone"] == "" and json.loads(row.after)["phone"] == "20304050"
    with pytest.raises(DomainError, match="Telefonnummeret"):
        update_citizen(admin, citizen.id, phone="ring til datteren")


def test_opening_a_citizen_is_written_to_the_access_log(admin):
    citizen = create_citizen(admin, "010145-1235", "Karen Jensen")
    open_citizen(admin, citizen.id)
    entry = AccessLog.get()
    assert (entry.actor_id, entry.action, entry.citizen_id) == (admin.id, "open_citizen", citizen.id)


def test_state_changes_are_dated_named_and_kept(admin):
    from models.base import db

    citizen = create_citizen(admin, "010145-1235", "Karen Jensen")
    with db.atomic():
        change_state(admin, citizen, "eligible", reason="screening")
        change_state(admin, citizen, "waitlisted")
    history = list(StateChange.select().where(StateChange.citizen == citizen).order_by(StateChange.id))
    assert [(h.from_state, h.to_state) for h in history] == [("screened", "eligible"), ("eligible", "waitlisted")]
    assert all(h.by_id == admin.id for h in history)
    with pytest.raises(DomainError, match="kan ikke blive"):
        with db.atomic():
            change_state(admin, citizen, "paused")
