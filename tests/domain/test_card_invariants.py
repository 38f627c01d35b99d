"""Hypothesis: any sequence of punches and reversals keeps a card's invariants.

For every card, after every step:
- 0 <= used <= clips, and ``used`` equals the sum of the card's ledger entries;
- the card is used up exactly when used == clips, dated then, open otherwise;
- a refused step changes nothing; an accepted one matches a simple model.
"""
from __future__ import annotations

import decimal
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.base import DomainError
from models.cards import issue_card, ledger_total, punch, reverse_punch
from models.entities import Budget, Card, Citizen, District, Pool, Punch

_cpr_serial = itertools.count(1)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("punch"), st.integers(min_value=-1, max_value=12)),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=40)),
    ),
    min_size=1, max_size=25,
)


def _setup(admin, year):
    district = District.get_or_none(District.name == "Hedensted")
    if district is None:
        district = District.create(name="Hedensted", home_help_count=10)
        budget = Budget.create(year=year, budget_dkk=decimal.Decimal(10**7),
                               price_per_clip_dkk=decimal.Decimal(1), created_by=admin)
        Pool.create(budget=budget, district=district, allocated=10**6)
    n = next(_cpr_serial)
    citizen = Citizen.create(cpr=f"0101{n:06d}", name=f"Borger {n}", district=district, state="active")
    return issue_card(admin, citizen)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=steps)
def test_card_invariants_hold_over_any_sequence(admin, frozen_day, sequence):
    card = _setup(admin, frozen_day.year)
    model_used = 0
    punches: list[str] = []  # ids of accepted punches, in order
    reversed_ids: set[str] = set()
    for action, value in sequence:
        before = Card.get_by_id(card.id)
        if action == "punch":
            should_work = 1 <= value <= 10 and model_used + value <= 10
            try:
                result = punch(admin, card, value, "Aktivitet")
            except DomainError:
                assert not should_work, (value, model_used)
            else:
                assert should_work, (value, model_used)
                model_used += value
                punches.append(result.punch.id)
                assert result.left == 10 - model_used
        else:
            if not punches:
                continue
            target = punches[value % len(punches)]
            should_work = target not in reversed_ids
            try:
                reverse_punch(admin, target, "rettelse")
            except DomainError:
                assert not should_work
            else:
                assert should_work
                reversed_ids.add(target)
                model_used -= Punch.get_by_id(target).clips
        after = Card.get_by_id(card.id)
        assert after.used == model_used
        assert 0 <= after.used <= after.clips
        assert ledger_total(after) == after.used
        if after.used == after.clips:
            assert after.status == "used_up" and after.ended_on is not None
        else:
            assert after.status == "open" and after.ended_on is None
        if after.used == before.used:
            assert after.status == before.status
