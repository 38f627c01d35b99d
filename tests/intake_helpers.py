"""Helpers for the intake tests: a district with a small pool, and citizens screened in."""
from __future__ import annotations

import datetime as dt
import decimal

from models.entities import Budget, District, Pool

ALL_YES = dict(receives_home_help=True, lives_alone=True, hard_to_get_out=True, limited_network=True)
BASELINE = dict(network_size=2, who5="22222", ucla="333")

# Valid CPR numbers (no modulus-11 check), born 1930–1945.
CPRS = [f"{day:02d}0{month}{year}{serial}" for year, serial in (("40", "1234"), ("35", "2345"))
        for month in range(1, 10) for day in (3, 14, 25)]


def district_with_pool(admin, name="Hedensted", capacity=2, year=2026, extra_clips=0,
                       per_participant=52) -> District:
    district = District.create(name=name, home_help_count=10)
    budget = Budget.get_or_none(Budget.year == year) or Budget.create(
        year=year, budget_dkk=decimal.Decimal(100000), price_per_clip_dkk=decimal.Decimal(100),
        clips_per_participant=per_participant, created_by=admin)
    Pool.create(budget=budget, district=district, allocated=capacity * per_participant + extra_clips)
    return district


def screen(admin, district, n: int, *, on: dt.date | None = None, wants=True, name=None, **overrides):
    """Screen citizen number ``n`` (a fresh CPR) into ``district``."""
    from models.screening import screen_citizen

    answers = {**ALL_YES, **BASELINE, **overrides}
    return screen_citizen(admin, cpr=CPRS[n], name=name or f"Borger {n}", district=district,
                          wants_to_take_part=wants, provider="Kommunal hjemmepleje", on=on, **answers)
