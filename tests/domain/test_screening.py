"""Screening (R1, R2) with the baseline outcomes (R12)."""
from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest

from models.base import DomainError, db
from models.citizens import change_state, create_citizen
from models.entities import AuditLog, Citizen, Measurement, Screening, StateChange
from models.outcomes import UCLA_VERSION, WHO5_VERSION, ucla_flag, ucla_score, who5_flag, who5_score
from models.screening import (
    CRITERIA,
    clean_outcomes,
    find_by_cpr,
    is_eligible,
    missing_criteria,
    result_text,
    screen_citizen,
)
from tests.intake_helpers import ALL_YES, BASELINE, CPRS, district_with_pool, screen

KEYS = [key for key, _label in CRITERIA]


@pytest.mark.parametrize("values", list(itertools.product([False, True], repeat=4)),
                         ids=lambda v: "".join("J" if x else "N" for x in v))
def test_all_16_combinations_of_the_four_criteria(admin, frozen_day, values):
    district = district_with_pool(admin)
    answers = dict(zip(KEYS, values, strict=True))
    expected = all(values)
    assert is_eligible(answers) is expected
    assert (result_text(answers) == "I målgruppen") is expected
    missing = missing_criteria(answers)
    assert len(missing) == values.count(False)
    for key, label in CRITERIA:
        assert (label in result_text(answers)) is (not answers[key])

    result = screen_citizen(admin, cpr=CPRS[0], name="Karen Jensen", district=district,
                            wants_to_take_part=True, **answers, **BASELINE)
    assert result.eligible is expected
    citizen = Citizen.get_by_id(result.citizen.id)
    assert citizen.state == ("eligible" if expected else "not_eligible")
    assert citizen.receives_home_help is answers["receives_home_help"]
    row = Screening.get()
    assert row.eligible is expected
    assert [getattr(row, k) for k in KEYS] == list(values)


def test_home_help_and_living_alone_alone_do_not_qualify(admin, frozen_day):
    answers = dict(receives_home_help=True, lives_alone=True, hard_to_get_out=False, limited_network=False)
    assert not is_eligible(answers)
    assert result_text(answers) == ("Ikke i målgruppen — borgeren har svært ved at færdes alene uden for hjemmet "
                                    "og har et begrænset netværk ikke")


def test_screening_records_who_when_provider_notes_and_baseline(admin, frozen_day):
    district = district_with_pool(admin)
    result = screen_citizen(admin, cpr="010145-1235", name="Karen Jensen", address="Østergade 4",
                            phone="75 12 34 56", district="Hedensted", provider="Plejegruppen Øst",
                            notes="Datteren bor i Aarhus", wants_to_take_part=True, **ALL_YES,
                            network_size=1, who5=[1, 2, 0, 1, 3], ucla=(3, 2, 3))
    assert result.created and result.eligible and result.missing == []
    s = result.screening
    assert (s.screened_on, s.screened_by_id, s.provider, s.notes, s.wants_to_take_part) == (
        frozen_day, admin.id, "Plejegruppen Øst", "Datteren bor i Aarhus", True)
    m = Measurement.get()
    assert (m.kind, m.screening_id, m.network_size) == ("baseline", s.id, 1)
    assert (m.who5_answers, m.who5_score, m.who5_version) == ("12013", 28, WHO5_VERSION)
    assert (m.ucla_answers, m.ucla_score, m.ucla_version) == ("323", 8, UCLA_VERSION)
    assert any("depression" in f for f in result.flags)  # 28 is flagged
    assert any("Svær ensomhed" in f for f in result.flags)
    history = [(h.from_state, h.to_state) for h in StateChange.select().order_by(StateChange.id)]
    assert history == [(None, "screened"), ("screened", "eligible")]
    ops = [a.operation for a in AuditLog.select().order_by(AuditLog.id)]
    assert ops[1:4] == ["citizen.create", "screening.create", "measurement.baseline"]
    assert json.loads(AuditLog.get(AuditLog.operation == "screening.create").after)["eligible"] is True
    assert result.citizen.district_id == district.id


def test_same_day_double_screening_is_refused(admin, frozen_day):
    district = district_with_pool(admin)
    first = screen(admin, district, 0, hard_to_get_out=False)
    before = (Screening.select().count(), AuditLog.select().count())
    with pytest.raises(DomainError, match="allerede screenet") as info:
        screen_citizen(admin, citizen=first.citizen, **ALL_YES, **BASELINE)
    assert info.value.field == "date"
    assert (Screening.select().count(), AuditLog.select().count()) == before
    assert Citizen.get_by_id(first.citizen.id).state == "not_eligible"
    # by CPR too
    with pytest.raises(DomainError, match="allerede screenet"):
        screen_citizen(admin, cpr=CPRS[0], **ALL_YES, **BASELINE)


def test_an_existing_citizen_is_rescreened_another_day(admin, frozen_day):
    district = district_with_pool(admin)
    earlier = frozen_day - dt.timedelta(days=30)
    first = screen(admin, district, 0, on=earlier, limited_network=False)
    assert first.citizen.state == "not_eligible"
    second = screen_citizen(admin, cpr=CPRS[0], phone="20304050", **ALL_YES, **BASELINE)
    assert not second.created and second.eligible
    citizen = Citizen.get_by_id(first.citizen.id)
    assert citizen.state == "eligible" and citizen.phone == "20304050"
    history = [(h.from_state, h.to_state) for h in StateChange.select().order_by(StateChange.id)]
    assert history[-2:] == [("not_eligible", "screened"), ("screened", "eligible")]
    assert Screening.select().count() == 2


def test_an_existing_citizen_made_elsewhere_can_be_screened(admin, frozen_day):
    district = district_with_pool(admin)
    citizen = create_citizen(admin, CPRS[1], "Poul Hansen", district=district)
    result = screen_citizen(admin, citizen=citizen, **ALL_YES, **BASELINE, wants_to_take_part=True)
    assert result.eligible and not result.created


def test_a_participant_is_not_screened_again(admin, frozen_day):
    district = district_with_pool(admin)
    citizen = create_citizen(admin, CPRS[1], "Poul Hansen", district=district)
    with db.atomic():
        change_state(admin, citizen, "eligible")
        change_state(admin, citizen, "active")
    with pytest.raises(DomainError, match="revurdering"):
        screen_citizen(admin, citizen=citizen, **ALL_YES, **BASELINE, on=frozen_day - dt.timedelta(days=1))


@pytest.mark.parametrize("text,reason", [
    ("320145-1234", "gyldig dato"), ("abcdef-ghij", "cifre"), ("0101451", "10 cifre"), ("", "mangler"),
])
def test_invalid_cpr_refuses_the_screening_and_writes_nothing(admin, frozen_day, text, reason):
    district = district_with_pool(admin)
    with pytest.raises(DomainError, match=reason) as info:
        screen_citizen(admin, cpr=text, name="X", district=district, **ALL_YES, **BASELINE)
    assert info.value.field == "cpr"
    assert Citizen.select().count() == 0 and Screening.select().count() == 0


def test_future_date_and_missing_district_are_refused(admin, frozen_day):
    district_with_pool(admin)
    with pytest.raises(DomainError, match="fremtiden"):
        screen_citizen(admin, cpr=CPRS[0], name="X", district="Hedensted", on=frozen_day + dt.timedelta(days=1),
                       **ALL_YES, **BASELINE)
    with pytest.raises(DomainError, match="distrikt") as info:
        screen_citizen(admin, cpr=CPRS[0], name="X", **ALL_YES, **BASELINE)
    assert info.value.field == "district"
    assert Citizen.select().count() == 0


def test_eligible_and_willing_needs_the_whole_baseline(admin, frozen_day):
    district = district_with_pool(admin)
    with pytest.raises(DomainError, match="baseline"):
        screen_citizen(admin, cpr=CPRS[0], name="X", district=district, wants_to_take_part=True, **ALL_YES,
                       network_size=2, who5="22222")
    # not willing: the baseline may be left out
    result = screen_citizen(admin, cpr=CPRS[0], name="X", district=district, wants_to_take_part=False,
                            **ALL_YES)
    assert result.measurement is None


@pytest.mark.parametrize("who5,ucla,field", [
    ("222226", "333", "who5"), ("2222", "333", "who5"), ([2, 2, None, 2, 2], "333", "who5"),
    ("22222", "334", "ucla"), ("22222", "033", "ucla"), ("22222", "33", "ucla"),
])
def test_answers_outside_the_scales_are_refused(admin, frozen_day, who5, ucla, field):
    with pytest.raises(DomainError) as info:
        clean_outcomes(2, who5, ucla)
    assert info.value.field == field


@pytest.mark.parametrize("network", ["-1", "201", "to", "2.5"])
def test_network_size_must_be_a_plausible_whole_number(network):
    with pytest.raises(DomainError) as info:
        clean_outcomes(network, None, None)
    assert info.value.field == "network_size"


def test_who5_and_ucla_scoring_at_the_edges():
    assert who5_score("00000") == 0
    assert who5_score("55555") == 100
    assert who5_score([1, 1, 1, 2, 2]) == 28 and who5_flag(28).startswith("Mulig depression")
    assert who5_score([1, 1, 2, 2, 2]) == 32 and who5_flag(32).startswith("Lav trivsel")
    assert who5_score([2, 2, 3, 3, 3]) == 52 and who5_flag(52) is None  # 52 is not poor
    assert who5_flag(48).startswith("Lav trivsel")
    assert ucla_score("111") == 3 and ucla_score("333") == 9
    assert ucla_flag(6) is None and ucla_flag(7) is not None
    for bad in ("000000", "6", "55556"):
        with pytest.raises(DomainError):
            who5_score(bad)
    for bad in ("000", "444", "11"):
        with pytest.raises(DomainError):
            ucla_score(bad)


def test_find_by_cpr_is_access_logged(admin, frozen_day):
    from models.entities import AccessLog

    district = district_with_pool(admin)
    made = screen(admin, district, 0)
    assert find_by_cpr(admin, CPRS[0]).id == made.citizen.id
    assert find_by_cpr(admin, CPRS[1]) is None
    actions = [(a.action, a.citizen_id) for a in AccessLog.select().order_by(AccessLog.id)]
    assert actions == [("open_citizen", made.citizen.id), ("search", None)]


# flows (issue #15): the screening form shows the address in one line with postcode and town
def test_an_address_typed_in_one_line_is_split_into_street_postcode_and_town():
    from models.screening import join_address, split_address

    assert split_address("Nørregade 36, 7130 Juelsminde") == ("Nørregade 36", "7130", "Juelsminde")
    assert split_address(" Vestergade  111 8722 Hedensted ") == ("Vestergade 111", "8722", "Hedensted")
    assert split_address("Østergade 4") == ("Østergade 4", "", "")
    assert join_address("Nørregade 36", "7130", "Juelsminde") == "Nørregade 36, 7130 Juelsminde"
    assert join_address("Østergade 4") == "Østergade 4"
