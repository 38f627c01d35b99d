"""The catalogue (R9): offers, suggestions for the quick punch, own ideas made offers."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest

from models.base import DomainError, db
from models.cards import issue_card, punch
from models.catalogue import (
    active_offers,
    catalogue_suggestions,
    create_offer,
    list_offers,
    own_ideas,
    promote_idea,
    set_offer_active,
    update_offer,
)
from models.citizens import change_state, create_citizen
from models.entities import AuditLog, Budget, CatalogueItem, District, Pool, Punch


@pytest.fixture
def offers(admin):
    for name, category, clips in (("Lægebesøg", "ledsagelse", 2), ("Fællestur til banko", "fællestur", 5),
                                  ("Banko", "ledsagelse", 4), ("Ekstra rengøring", "hjemme", 2),
                                  ("Æbleplukning", "andet", 3)):
        create_offer(admin, name, category, clips)


def test_create_offer_checks_its_fields(admin):
    with pytest.raises(DomainError) as err:
        create_offer(admin, "  ", "andet", 1)
    assert err.value.field == "name"
    with pytest.raises(DomainError) as err:
        create_offer(admin, "Frisør", "wellness", 1)
    assert err.value.field == "category"
    with pytest.raises(DomainError) as err:
        create_offer(admin, "Frisør", "andet", 11)
    assert err.value.field == "suggested_clips"
    item = create_offer(admin, "  Frisør  besøg ", "Andet", "2", "Klip og vask")
    assert (item.name, item.category, item.suggested_clips) == ("Frisør besøg", "andet", 2)
    with pytest.raises(DomainError, match="allerede") as err:
        create_offer(admin, "FRISØR BESØG", "andet", 1)  # Ø folded too
    assert err.value.field == "name"
    assert AuditLog.get(AuditLog.operation == "catalogue.create").entity_id == str(item.id)


def test_suggestions_prefix_first_then_word_starts_and_only_active(admin, offers):
    names = [s.name for s in catalogue_suggestions("ban")]
    assert names == ["Banko", "Fællestur til banko"]
    assert [s.name for s in catalogue_suggestions("æBLE")] == ["Æbleplukning"]
    assert catalogue_suggestions("læ")[0].suggested_clips == 2
    banko = CatalogueItem.get(CatalogueItem.name == "Banko")
    set_offer_active(admin, banko.id, False)
    assert [s.name for s in catalogue_suggestions("ban")] == ["Fællestur til banko"]
    assert "Banko" not in [s.name for s in active_offers()]
    assert len(catalogue_suggestions("", limit=3)) == 3
    assert [line.active for line in list_offers() if line.name == "Banko"] == [False]


def test_update_offer(admin, offers):
    item = CatalogueItem.get(CatalogueItem.name == "Banko")
    update_offer(admin, item.id, suggested_clips=3, description="Torsdag i hallen", category="fællestur")
    item = CatalogueItem.get_by_id(item.id)
    assert (item.suggested_clips, item.category, item.description) == (3, "fællestur", "Torsdag i hallen")
    with pytest.raises(DomainError, match="allerede"):
        update_offer(admin, item.id, name="lægebesøg")


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
    issue_card(admin, citizen, on=dt.date(2026, 11, 1))
    return citizen


def test_an_own_idea_becomes_an_offer_in_one_action(admin, offers, participant):
    lb = CatalogueItem.get(CatalogueItem.name == "Lægebesøg")
    punch(admin, participant, 2, "Kaffe på havnen", on=dt.date(2026, 11, 3))
    punch(admin, participant, 3, "kaffe på  havnen", on=dt.date(2026, 11, 5))
    punch(admin, participant, 1, "Frisør", on=dt.date(2026, 11, 6))
    punch(admin, participant, 2, "Lægebesøg", on=dt.date(2026, 11, 7), catalogue_item=lb)
    punch(admin, participant, 1, "banko", on=dt.date(2026, 11, 8))  # free text, but an offer has that name
    ideas = own_ideas()
    assert [(i.activity, i.uses) for i in ideas] == [("Kaffe på havnen", 2), ("Frisør", 1)]
    assert ideas[0].last_used == dt.date(2026, 11, 5)
    item = promote_idea(admin, ideas[0].activity)
    assert (item.name, item.category, item.suggested_clips) == ("Kaffe på havnen", "andet", 2)
    assert [i.activity for i in own_ideas()] == ["Frisør"]
    assert "Kaffe på havnen" in [s.name for s in catalogue_suggestions("kaf")]
    assert Punch.select().where(Punch.catalogue_item.is_null()).count() == 4  # the ledger is not edited
    with pytest.raises(DomainError, match="allerede i kataloget"):
        promote_idea(admin, "KAFFE PÅ HAVNEN")
    assert AuditLog.select().where(AuditLog.operation == "catalogue.promote_idea").count() == 1


# screens (issue #17): the own ideas' figures come from one index (migration 0115)
def test_an_own_ideas_typical_clips_are_the_median_of_its_own_punches(admin, offers, participant):
    lb = CatalogueItem.get(CatalogueItem.name == "Lægebesøg")
    for day, clips in ((3, 3), (4, 1), (5, 3)):  # a card of 10 clips in all
        punch(admin, participant, clips, "Frisør", on=dt.date(2026, 11, day))
    punch(admin, participant, 1, "Kaffe på havnen", on=dt.date(2026, 11, 7))
    punch(admin, participant, 2, "Lægebesøg", on=dt.date(2026, 11, 8), catalogue_item=lb)
    ideas = {i.activity: i for i in own_ideas()}
    assert (ideas["Frisør"].uses, ideas["Frisør"].typical_clips) == (3, 3)  # the median of 3, 1, 3
    assert (ideas["Kaffe på havnen"].uses, ideas["Kaffe på havnen"].typical_clips) == (1, 1)
    assert [(o.name, o.uses) for o in list_offers() if o.uses] == [("Lægebesøg", 1)]
    assert promote_idea(admin, "Frisør").suggested_clips == 3
