"""Issue #17: the punch is prepared before the write lock and written with three statements under it.

What is prepared (the card as read, the rows, the audit text) may be stale by the time the lock is
taken; these tests make another writer change the database in exactly that window — after the
preparation, before the write — and check that the guard sees it: the rules still hold, the refusal
is the checked path's, and the idempotent id still gives one punch.
"""
from __future__ import annotations

import json
import uuid

import pytest

from models import cards
from models.agreements import create_agreement
from models.base import DomainError, db, snapshot
from models.cards import ledger_total, punch
from models.citizens import change_state
from models.entities import AuditLog, Card, Punch
from models.punching import register_punch
from tests.domain import test_punch_rules as rules

# the punching rules' fixtures: a district with a pool, an active citizen, an open card, a therapist
district, citizen, card, therapist = rules.district, rules.citizen, rules.card, rules.therapist


@pytest.fixture
def meanwhile(monkeypatch):
    """Run ``action`` once right after the punch was prepared, before its write transaction."""

    def install(action):
        prepare = cards._prepare_card_punch

        def prepared_then_changed(*args, **kwargs):
            found = prepare(*args, **kwargs)
            assert found is not None, "the punch should have been prepared"
            monkeypatch.setattr(cards, "_prepare_card_punch", prepare)  # once
            action()
            return found

        monkeypatch.setattr(cards, "_prepare_card_punch", prepared_then_changed)

    return install


def _audit_after(punch_id: str) -> dict:
    row = AuditLog.get((AuditLog.operation == "punch") & (AuditLog.entity_id == punch_id))
    return json.loads(row.after)


def test_the_audit_row_is_the_punch_as_stored_with_its_card_and_clips_left(therapist, card):
    result = register_punch(therapist, card.citizen_id, 3, "Frisør", card_number=card.number)
    stored = Punch.get_by_id(result.punch.id)
    assert _audit_after(stored.id) == {**json.loads(json.dumps(snapshot(stored), default=str)),
                                       "card_number": card.number, "left": 7}
    row = AuditLog.get(AuditLog.entity_id == stored.id)
    assert (row.actor_id, row.entity, row.before) == (therapist.id, "punch", None)
    assert result.left == 7 and result.card.used == 3 and Card.get_by_id(card.id).used == 3
    assert result.punch.citizen.name == "Karen Jensen"


def test_the_prepared_and_the_checked_path_write_the_same_audit_keys(therapist, admin, card, frozen_day):
    fast = register_punch(therapist, card.citizen_id, 1, "Frisør")
    create_agreement(admin, card.citizen_id, clips=20, reason="Flytning", valid_from=frozen_day)
    checked = punch(therapist, card.citizen_id, 12, "Flytning")  # above 10: the agreement, the checked path
    assert list(_audit_after(fast.punch.id)) == list(_audit_after(checked.punch.id))


def test_the_last_clips_use_the_card_up_in_the_one_update(therapist, card, frozen_day):
    register_punch(therapist, card.citizen_id, 8, "Frisør")
    result = register_punch(therapist, card.citizen_id, 2, "Tur")
    stored = Card.get_by_id(card.id)
    assert (stored.used, stored.status, stored.ended_on) == (10, "used_up", frozen_day)
    assert (result.card.status, result.card.ended_on, result.left) == ("used_up", frozen_day, 0)
    assert _audit_after(result.punch.id)["left"] == 0
    with pytest.raises(DomainError, match="brugt op"):
        register_punch(therapist, card.citizen_id, 1, "Tur")


def test_clips_used_by_another_writer_meanwhile_are_not_overdrawn(therapist, admin, card, meanwhile):
    meanwhile(lambda: register_punch(admin, card.citizen_id, 9, "Frisør"))
    with pytest.raises(DomainError, match="kun 1 klip tilbage") as info:
        register_punch(therapist, card.citizen_id, 2, "Tur")
    assert info.value.field == "clips"
    stored = Card.get_by_id(card.id)
    assert stored.used == 9 == ledger_total(stored) and Punch.select().count() == 1
    assert AuditLog.select().where(AuditLog.operation == "punch").count() == 1


def test_a_citizen_paused_meanwhile_gets_no_clips(therapist, admin, card, citizen, meanwhile):
    def pause():
        with db.atomic():
            change_state(admin, citizen, "paused", reason="Indlagt")

    meanwhile(pause)
    with pytest.raises(DomainError, match="på pause"):
        register_punch(therapist, card.citizen_id, 1, "Tur")
    assert Card.get_by_id(card.id).used == 0 and Punch.select().count() == 0


def test_a_card_replaced_meanwhile_refuses_the_old_number(therapist, admin, card, meanwhile):
    new = {}
    meanwhile(lambda: new.setdefault("card", cards.replace_card(admin, card, "mistet")))
    with pytest.raises(DomainError, match="spærret") as info:
        register_punch(therapist, card.citizen_id, 1, "Tur", card_number=card.number)
    assert info.value.field == "citizen"
    assert Punch.select().count() == 0 and Card.get_by_id(new["card"].id).used == 0


def test_the_same_id_punched_meanwhile_is_answered_with_the_first_punch(therapist, admin, card, meanwhile):
    pid = str(uuid.uuid4())
    first = {}
    meanwhile(lambda: first.setdefault("result", register_punch(admin, card.citizen_id, 2, "Frisør", punch_id=pid)))
    again = register_punch(therapist, card.citizen_id, 2, "Frisør", punch_id=pid)
    assert again.punch.id == pid and again.punch.registered_by_id == admin.id
    assert again.left == first["result"].left == 8
    stored = Card.get_by_id(card.id)
    assert stored.used == 2 == ledger_total(stored) and Punch.select().count() == 1
    assert AuditLog.select().where(AuditLog.operation == "punch").count() == 1


def test_a_card_replaced_meanwhile_takes_the_punch_when_no_number_was_named(therapist, admin, card, meanwhile):
    new = {}
    meanwhile(lambda: new.setdefault("card", cards.replace_card(admin, card, "mistet")))
    result = register_punch(therapist, card.citizen_id, 2, "Tur")
    assert result.card.id == new["card"].id and result.left == 8
    assert Card.get_by_id(new["card"].id).used == 2 and Card.get_by_id(card.id).used == 0
    assert _audit_after(result.punch.id)["card_number"] == new["card"].number


def test_a_punch_refused_as_read_does_not_queue_for_the_write_lock(therapist, card, monkeypatch):
    import contextlib

    from models import base

    register_punch(therapist, card.citizen_id, 9, "Frisør")
    entered = []
    gate = base._write_gate

    @contextlib.contextmanager
    def counting_gate():
        entered.append(1)
        with gate():
            yield

    monkeypatch.setattr(base, "_write_gate", counting_gate)
    with pytest.raises(DomainError, match="kun 1 klip tilbage"):
        register_punch(therapist, card.citizen_id, 2, "Tur")
    assert entered == []
    register_punch(therapist, card.citizen_id, 1, "Tur")
    assert entered == [1]


def test_a_retry_of_the_punch_that_used_the_card_up_gets_that_punch_not_a_refusal(therapist, card, admin,
                                                                                  frozen_day):
    first = register_punch(therapist, card.citizen_id, 10, "Tur", punch_id="the-one")
    again = register_punch(therapist, card.citizen_id, 10, "Tur", punch_id="the-one")
    assert again.punch.id == first.punch.id and again.left == 0 and Punch.select().count() == 1
    create_agreement(admin, card.citizen_id, clips=30, reason="Flytning", valid_from=frozen_day)
    above = punch(therapist, card.citizen_id, 12, "Flytning", punch_id="above-ten")
    assert punch(therapist, card.citizen_id, 12, "Flytning", punch_id="above-ten").punch.id == above.punch.id
    assert Punch.select().count() == 2 and ledger_total(Card.get_by_id(card.id)) == 10
