"""One test per punching rule of issue 3 (R3, R4, R5), through the operations the TUI and CLI share."""
from __future__ import annotations

import datetime as dt
import decimal
import json

import pytest

from models import base
from models.agreements import agreements_of, create_agreement, list_agreements
from models.base import DomainError, db
from models.cards import issue_card, ledger_total, reverse_punch
from models.citizen_view import citizen_detail, open_citizen_detail
from models.citizens import change_state, create_citizen
from models.entities import (
    AccessLog,
    Agreement,
    AuditLog,
    Budget,
    Card,
    CatalogueItem,
    Citizen,
    District,
    Pool,
    Punch,
    Staff,
)
from models.participation import due_for_reassessment
from models.pools import committed_clips
from models.punching import register_punch, resolve_citizen


@pytest.fixture
def district(admin, frozen_day):
    district = District.create(name="Hedensted", home_help_count=10)
    budget = Budget.create(year=frozen_day.year, budget_dkk=decimal.Decimal(100000),
                           price_per_clip_dkk=decimal.Decimal(100), created_by=admin)
    Pool.create(budget=budget, district=district, allocated=100)
    return district


@pytest.fixture
def citizen(admin, district):
    person = create_citizen(admin, "010145-1235", "Karen Jensen", district=district)
    with db.atomic():
        change_state(admin, person, "eligible")
        change_state(admin, person, "active")
    return Citizen.get_by_id(person.id)


@pytest.fixture
def card(admin, citizen, frozen_day):
    return issue_card(admin, citizen, on=frozen_day - dt.timedelta(days=30))


@pytest.fixture
def leader(admin, district):
    return Staff.create(login="mette", name="Mette Kjærgaard", role="leder")


@pytest.fixture
def therapist(admin, district):
    return Staff.create(login="anne", name="Anne Sørensen", role="terapeut", district=district)


def fresh(card):
    return Card.get_by_id(card.id)


# --- clips: a whole number from 1 to 10, at most what is left --------------------

@pytest.mark.parametrize("clips,message", [(0, "mindst 1"), (-2, "mindst 1"), ("2.5", "helt tal"), ("to", "helt tal")])
def test_clips_must_be_a_whole_number_of_at_least_one(therapist, card, clips, message):
    with pytest.raises(DomainError, match=message) as info:
        register_punch(therapist, card.citizen_id, clips, "Frisør")
    assert info.value.field == "clips"
    assert fresh(card).used == 0 and Punch.select().count() == 0


def test_at_most_the_clips_left_and_the_refusal_says_how_many(therapist, card):
    register_punch(therapist, card.citizen_id, 7, "Bingo")
    with pytest.raises(DomainError, match="kun 3 klip tilbage på kort 1001") as info:
        register_punch(therapist, card.citizen_id, 4, "Bingo")
    assert info.value.field == "clips"
    assert fresh(card).used == 7


def test_more_than_ten_needs_an_agreement(therapist, card):
    with pytest.raises(DomainError, match="individuel aftale") as info:
        register_punch(therapist, card.citizen_id, 11, "Hospitalsbesøg")
    assert info.value.field == "clips"
    assert fresh(card).used == 0


# --- agreements (R4) --------------------------------------------------------------

def test_only_a_leader_creates_an_agreement(therapist, leader, citizen):
    with pytest.raises(DomainError, match="Kun leder"):
        create_agreement(therapist, citizen, 14, "Hospitalsophold")
    agreement = create_agreement(leader, citizen, 14, "Hospitalsophold", activity="Hospitalsbesøg")
    assert agreement.approved_by_id == leader.id and agreement.pool is not None
    row = AuditLog.get(AuditLog.operation == "agreement.create")
    assert row.actor_id == leader.id and json.loads(row.after)["clips"] == 14


def test_an_agreement_draws_from_the_district_pool_of_the_year(leader, citizen, card):
    pool = Pool.get()
    assert committed_clips(pool) == 10  # the open card
    create_agreement(leader, citizen, 40, "Genoptræning med ledsagelse")
    assert committed_clips(pool) == 50
    with pytest.raises(DomainError, match="kun 50 klip tilbage") as info:
        create_agreement(leader, citizen, 60, "Mere")
    assert info.value.field == "clips"
    assert Agreement.select().count() == 1


@pytest.mark.parametrize("kwargs,message,field", [
    ({"clips": 10}, "mere end 10", "clips"),
    ({"reason": "  "}, "begrundelse", "reason"),
    ({"until": "2026-11-01"}, "før den begynder", "until"),
    ({"until": "1.12.2026x"}, "Ugyldig dato", "until"),
    ({"until": "31-11-2026"}, "findes ikke", "until"),
])
def test_agreement_validity_checks(leader, citizen, kwargs, message, field):
    args = {"clips": 14, "reason": "Hospitalsophold", **kwargs}
    with pytest.raises(DomainError, match=message) as info:
        create_agreement(leader, citizen, args.pop("clips"), args.pop("reason"), **args)
    assert info.value.field == field
    assert Agreement.select().count() == 0


def test_an_agreement_needs_a_participant(leader, admin, district):
    outsider = create_citizen(admin, "020245-1234", "Jens Karlsen", district=district)
    with pytest.raises(DomainError, match="ikke deltager"):
        create_agreement(leader, outsider, 14, "Hospitalsophold")


def test_a_punch_above_ten_draws_from_a_valid_agreement(leader, therapist, citizen, card, frozen_day):
    agreement = create_agreement(leader, citizen, 14, "Hospitalsophold",
                                 until=frozen_day + dt.timedelta(days=10))
    result = register_punch(therapist, citizen, 12, "Hospitalsbesøg")
    assert result.agreement.id == agreement.id and result.card is None and result.left == 2
    assert fresh(card).used == 0  # the card is untouched
    with pytest.raises(DomainError, match="individuel aftale"):
        register_punch(therapist, citizen, 12, "Hospitalsbesøg")  # only 2 left on it
    assert [(a.clips, a.used, a.left) for a in agreements_of(citizen.id)] == [(14, 12, 2)]
    assert [a.approved_by for a in list_agreements()] == ["Mette Kjærgaard"]


def test_an_expired_agreement_is_not_used(leader, therapist, citizen, card, frozen_day):
    create_agreement(leader, citizen, 14, "Hospitalsophold", until=frozen_day)
    base.freeze_today(frozen_day + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="individuel aftale"):
        register_punch(therapist, citizen, 12, "Hospitalsbesøg")
    assert Agreement.get().used == 0


# --- the last clip (R5) ---------------------------------------------------------------

def test_the_last_clip_uses_the_card_up_dated_and_makes_the_citizen_due(therapist, admin, citizen, card, frozen_day):
    register_punch(therapist, citizen, 6, "Bingo", on=frozen_day - dt.timedelta(days=5))
    assert citizen.id not in [c.id for c in due_for_reassessment()]
    result = register_punch(therapist, citizen, 4, "Frisør", on=frozen_day - dt.timedelta(days=2))
    assert result.left == 0
    used = fresh(card)
    assert used.status == "used_up" and used.ended_on == frozen_day - dt.timedelta(days=2)
    assert citizen.id in [c.id for c in due_for_reassessment()]
    with pytest.raises(DomainError, match="brugt op; borgeren skal revurderes"):
        register_punch(therapist, citizen, 1, "Kaffe")
    new = issue_card(admin, citizen)
    assert register_punch(therapist, citizen, 1, "Kaffe").card.id == new.id


# --- who can be punched --------------------------------------------------------------

@pytest.mark.parametrize("state,message", [("paused", "på pause"), ("ended", "afsluttet")])
def test_a_paused_or_ended_participant_cannot_be_punched(therapist, admin, citizen, card, state, message):
    with db.atomic():
        change_state(admin, citizen, state, reason="indlagt")
    with pytest.raises(DomainError, match=message):
        register_punch(therapist, citizen, 1, "Kaffe")
    assert fresh(card).used == 0


# --- the date -------------------------------------------------------------------------

def test_the_date_defaults_to_today_and_may_be_set_back(therapist, citizen, card, frozen_day):
    assert register_punch(therapist, citizen, 1, "Kaffe").punch.punched_on == frozen_day
    back = frozen_day - dt.timedelta(days=30)  # the card's first day
    assert register_punch(therapist, citizen, 1, "Kaffe", on=back).punch.punched_on == back


def test_the_date_is_never_in_the_future_nor_before_the_card(therapist, citizen, card, frozen_day):
    with pytest.raises(DomainError, match="fremtiden") as info:
        register_punch(therapist, citizen, 1, "Kaffe", on=frozen_day + dt.timedelta(days=1))
    assert info.value.field == "date"
    with pytest.raises(DomainError, match="før kortets start") as info:
        register_punch(therapist, citizen, 1, "Kaffe", on=frozen_day - dt.timedelta(days=31))
    assert info.value.field == "date"
    assert Punch.select().count() == 0


# --- reversal -------------------------------------------------------------------------

def test_a_reversal_restores_the_clips_and_the_ledger_adds_up(therapist, citizen, card):
    first = register_punch(therapist, citizen, 3, "Frisør")
    register_punch(therapist, citizen, 2, "Bingo")
    with pytest.raises(DomainError, match="begrundelse") as info:
        reverse_punch(therapist, first.punch.id, " ")
    assert info.value.field == "reason"
    back = reverse_punch(therapist, first.punch.id, "forkert borger")
    assert back.left == 8 and fresh(card).used == 2 == ledger_total(card)
    original = Punch.get_by_id(first.punch.id)
    assert original.clips == 3 and original.activity == "Frisør"  # never edited
    assert Punch.select().count() == 3


def test_reversing_a_clip_on_a_used_up_card_opens_it_again(therapist, citizen, card):
    last = register_punch(therapist, citizen, 10, "Tur til vandet")
    assert fresh(card).status == "used_up"
    reverse_punch(therapist, last.punch.id, "forkert antal")
    reopened = fresh(card)
    assert reopened.status == "open" and reopened.ended_on is None and reopened.used == 0


# --- register_punch: catalogue, the named card, retries -------------------------------

def test_the_activity_links_to_the_catalogue_case_insensitively_else_free_text(therapist, citizen, card):
    item = CatalogueItem.create(name="Lægebesøg", category="ledsagelse", suggested_clips=2)
    assert register_punch(therapist, citizen, 1, "lægebesøg").punch.catalogue_item_id == item.id
    assert Punch.get(Punch.catalogue_item == item).activity == "Lægebesøg"
    own = register_punch(therapist, citizen, 1, "Besøg hos søsteren").punch
    assert own.catalogue_item_id is None and own.activity == "Besøg hos søsteren"


def test_a_card_that_is_no_longer_open_is_refused_by_number(therapist, admin, citizen, card):
    register_punch(therapist, citizen, 10, "Bingo")
    new = issue_card(admin, citizen)
    with pytest.raises(DomainError, match=f"Kort 1001 er brugt op; Karen Jensens åbne kort er {new.number}"):
        register_punch(therapist, citizen, 1, "Kaffe", card_number=1001)
    assert register_punch(therapist, citizen, 1, "Kaffe", card_number=new.number).left == 9


def test_a_retry_with_the_same_punch_id_punches_once(therapist, citizen, card):
    first = register_punch(therapist, citizen, 2, "Frisør", punch_id="same", card_number=1001)
    again = register_punch(therapist, citizen, 2, "Frisør", punch_id="same", card_number=1001)
    assert again.punch.id == first.punch.id and fresh(card).used == 2 and Punch.select().count() == 1


def test_resolve_citizen_by_cpr_or_card_number(citizen, card):
    assert resolve_citizen("010145-1235") == (citizen, None)
    assert resolve_citizen("0101451235")[0] == citizen
    person, named = resolve_citizen("1001")
    assert person == citizen and named.id == card.id
    for text, message in (("9999", "intet kort"), ("020245-1234", "Ingen borger"), ("Karen", "CPR-nummer"),
                          ("01234", "hverken")):
        with pytest.raises(DomainError, match=message):
            resolve_citizen(text)


def test_every_punch_and_reversal_is_audited_with_the_actor(therapist, citizen, card):
    result = register_punch(therapist, citizen, 2, "Frisør")
    reverse_punch(therapist, result.punch.id, "fejl")
    ops = [(r.operation, r.actor_id) for r in AuditLog.select().where(AuditLog.operation.startswith("punch"))]
    assert ops == [("punch", therapist.id), ("punch.reverse", therapist.id)]


def test_opening_the_citizen_detail_is_logged_and_shows_who_punched(therapist, citizen, card):
    register_punch(therapist, citizen, 2, "Frisør")
    detail = open_citizen_detail(therapist, citizen.id)
    assert AccessLog.get(AccessLog.action == "open_citizen").citizen_id == citizen.id
    assert detail.cpr == "010145-1235" and detail.open_card.number == 1001 and detail.open_card.left == 8
    assert [(p.clips, p.registered_by) for p in detail.punches] == [(2, "Anne Sørensen")]
    assert [s.to_state for s in detail.states] == ["aktiv", "i målgruppen"]
    citizen_detail(citizen.id)  # a refresh is not logged again
    assert AccessLog.select().where(AccessLog.action == "open_citizen").count() == 1


# flows (issue #15): the activity field suggests the free texts used before, beside the catalogue
def test_free_texts_used_for_two_citizens_are_suggested_most_used_first(admin, therapist, district, citizen, card,
                                                                        frozen_day):
    from models.punching import FREE_TEXT_DAYS, activity_suggestions

    other = create_citizen(admin, "020245-1236", "Ove Hansen", district=district)
    with db.atomic():
        change_state(admin, other, "eligible")
        change_state(admin, other, "active")
    issue_card(admin, other, on=frozen_day - dt.timedelta(days=30))
    CatalogueItem.create(name="Fællestur", category="fællesskab")
    for person, text in ((citizen, "Frisør"), (other, "Frisør"), (other, "Frisør"), (citizen, "Kaffe med Lis"),
                         (other, "Fodpleje"), (citizen, "Fodpleje"), (citizen, "fællestur")):
        register_punch(therapist, person.id, 1, text)
    assert activity_suggestions() == ["Fællestur", "Frisør", "Fodpleje"]  # not "Kaffe med Lis": one citizen only
    later = frozen_day + dt.timedelta(days=FREE_TEXT_DAYS + 1)
    assert activity_suggestions(on=later) == ["Fællestur"]  # only the last year counts
