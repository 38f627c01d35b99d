"""The card ledger's core: issue, punch, use up, reverse, close."""
from __future__ import annotations

import decimal

import pytest

from models.base import DomainError, db
from models.cards import close_card, issue_card, ledger_total, punch, reverse_punch
from models.citizens import change_state, create_citizen
from models.entities import Budget, Card, District, Pool, Punch


@pytest.fixture
def participant(admin, frozen_day):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=100)
    citizen = create_citizen(admin, "010145-1235", "Karen Jensen", district=district)
    with db.atomic():
        change_state(admin, citizen, "eligible")
        change_state(admin, citizen, "active")
    return citizen


def test_punch_until_used_up_then_refuse(admin, participant):
    card = issue_card(admin, participant)
    assert card.number == 1001
    r = punch(admin, participant, 4, "Lægebesøg")
    assert r.left == 6
    with pytest.raises(DomainError, match="kun 6 klip tilbage"):
        punch(admin, participant, 7, "Bingo")
    r = punch(admin, participant, 6, "Bingo")
    assert r.left == 0 and r.card.status == "used_up" and r.card.ended_on is not None
    with pytest.raises(DomainError, match="revurderes"):
        punch(admin, participant, 1, "Kaffe")
    assert ledger_total(Card.get_by_id(card.id)) == 10


def test_a_retried_punch_id_punches_once(admin, participant):
    issue_card(admin, participant)
    first = punch(admin, participant, 2, "Frisør", punch_id="fixed-id")
    again = punch(admin, participant, 2, "Frisør", punch_id="fixed-id")
    assert again.punch.id == first.punch.id and again.left == 8
    assert Punch.select().count() == 1


def test_reversal_restores_clips_and_is_a_new_entry(admin, participant):
    issue_card(admin, participant)
    r = punch(admin, participant, 3, "Frisør")
    back = reverse_punch(admin, r.punch.id, "forkert borger")
    assert back.left == 10 and back.punch.clips == -3
    assert Punch.select().count() == 2
    with pytest.raises(DomainError, match="allerede tilbageført"):
        reverse_punch(admin, r.punch.id, "igen")


def test_closing_early_gives_the_unused_clips_back(admin, participant):
    from models.pools import committed_clips

    card = issue_card(admin, participant)
    punch(admin, participant, 3, "Frisør")
    pool = Pool.get()
    assert committed_clips(pool) == 10
    close_card(admin, card, "afsluttet")
    assert committed_clips(pool) == 3


def test_free_places_need_capacity_and_ten_uncommitted_clips():
    from models.pools import free_places

    assert free_places(capacity=5, participants=3, uncommitted_clips=100) == 2
    assert free_places(capacity=5, participants=5, uncommitted_clips=100) == 0
    assert free_places(capacity=5, participants=3, uncommitted_clips=19) == 1
    assert free_places(capacity=5, participants=3, uncommitted_clips=9) == 0
    assert free_places(capacity=5, participants=7, uncommitted_clips=100) == 0
