"""District pools (R6–R8): the year's clips, their split and where each pool stands."""
from __future__ import annotations

import decimal
from dataclasses import dataclass

from peewee import Case, fn

from .entities import (
    CARD_OPEN,
    CLIPS_PER_CARD,
    STATE_ACTIVE,
    STATE_PAUSED,
    STATE_WAITLISTED,
    Agreement,
    Budget,
    Card,
    Citizen,
    District,
    Pool,
)


def clips_for_year(budget_dkk, transport_reserve_dkk, price_per_clip_dkk) -> int:
    """R8: floor((budget − transport reserve) / price per clip)."""
    budget = decimal.Decimal(budget_dkk)
    reserve = decimal.Decimal(transport_reserve_dkk)
    price = decimal.Decimal(price_per_clip_dkk)
    return int((budget - reserve) // price)


def split_largest_remainder(total: int, weights: list[int]) -> list[int]:
    """R6: split ``total`` proportional to ``weights``; the parts add up exactly.

    Each part gets the floor of its quota; the clips left over go one each to
    the largest remainders (ties: the earlier entry). All-zero weights split evenly.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights:
        return []
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    weight_sum = sum(weights)
    parts = [total * w // weight_sum for w in weights]
    remainders = [(total * w % weight_sum, -i) for i, w in enumerate(weights)]
    left = total - sum(parts)
    for _, neg_i in sorted(remainders, reverse=True)[:left]:
        parts[-neg_i] += 1
    return parts


def free_places(capacity: int, participants: int, uncommitted_clips: int) -> int:
    """R7: free places are below capacity and covered by the pool's uncommitted clips
    (a new participant's first card needs 10). The one place this rule lives."""
    return max(0, min(capacity - participants, uncommitted_clips // CLIPS_PER_CARD))


@dataclass
class PoolFigures:
    district_id: int
    district: str
    year: int
    allocated: int
    committed: int  # clips bound on open cards (10 each) plus clips used on ended cards and agreements
    punched: int
    participants: int
    capacity: int
    waitlist: int

    @property
    def left(self) -> int:
        """Clips not yet committed: what new cards and agreements may draw on."""
        return self.allocated - self.committed

    @property
    def places(self) -> int:
        return free_places(self.capacity, self.participants, self.left)

    @property
    def open_for_intake(self) -> bool:
        return self.places > 0


def budget_for(year: int) -> Budget | None:
    return Budget.get_or_none(Budget.year == year)


def pool_of(district: District, year: int) -> Pool | None:
    return (Pool.select().join(Budget)
            .where((Pool.district == district) & (Budget.year == year)).first())


# Who is a participant (R7's count against capacity): admitted and not ended, paused or not.
PARTICIPATING = (STATE_ACTIVE, STATE_PAUSED)


def _committed(model):
    """What a card or an agreement binds of its pool: an open one all its clips, an ended one what was used."""
    still_open = (model.status == CARD_OPEN) if model is Card else model.closed_on.is_null()
    return fn.COALESCE(fn.SUM(Case(None, [(still_open, model.clips)], model.used)), 0)


def pool_clips(pool_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per pool: the clips committed (:func:`committed_clips`) and punched (:func:`punched_clips`),
    for many pools in two grouped queries (pools without cards or agreements are left out)."""
    sums: dict[int, tuple[int, int]] = {}
    if not pool_ids:
        return sums
    for model in (Card, Agreement):
        query = (model.select(model.pool, _committed(model), fn.COALESCE(fn.SUM(model.used), 0))
                 .where(model.pool.in_(pool_ids)).group_by(model.pool))
        for pool_id, committed, punched in query.tuples():
            before = sums.get(pool_id, (0, 0))
            sums[pool_id] = (before[0] + int(committed), before[1] + int(punched))
    return sums


def committed_clips(pool: Pool) -> int:
    """Open cards bind their full 10 clips; ended cards bind what was used; so do agreements
    (an open one its clips, a closed one what was used)."""
    return pool_clips([pool.id]).get(pool.id, (0, 0))[0]


def punched_clips(pool: Pool) -> int:
    return pool_clips([pool.id]).get(pool.id, (0, 0))[1]


def participants_in(district: District) -> int:
    return (Citizen.select().where((Citizen.district == district)
                                   & (Citizen.state.in_(PARTICIPATING))).count())


def waitlist_length(district: District) -> int:
    return Citizen.select().where((Citizen.district == district)
                                  & (Citizen.state == STATE_WAITLISTED)).count()


def _people_per_district() -> dict[int, tuple[int, int]]:
    """Per district: its participants (:func:`participants_in`) and its waitlist (:func:`waitlist_length`),
    in one grouped query."""
    counts: dict[int, list[int]] = {}
    query = (Citizen.select(Citizen.district, Citizen.state, fn.COUNT(Citizen.id))
             .where(Citizen.state.in_((*PARTICIPATING, STATE_WAITLISTED)) & Citizen.district.is_null(False))
             .group_by(Citizen.district, Citizen.state))
    for district_id, state, n in query.tuples():
        both = counts.setdefault(district_id, [0, 0])
        both[0 if state in PARTICIPATING else 1] += n
    return {district_id: (both[0], both[1]) for district_id, both in counts.items()}


def pool_figures(year: int) -> list[PoolFigures]:
    """Where each active district's pool stands in ``year`` (zeros where no budget is set).

    Issue #17: a handful of grouped queries for all districts (not seven per district): a screen's
    read runs in a thread beside the UI, and each query's return waits for the UI thread to let go."""
    budget = budget_for(year)
    per_participant = budget.clips_per_participant if budget else 52
    pools = {} if budget is None else {p.district_id: p for p in Pool.select().where(Pool.budget == budget)}
    clips = pool_clips([p.id for p in pools.values()])
    people = _people_per_district()
    rows = []
    for district in District.select().where(District.active == True).order_by(District.name):  # noqa: E712
        pool = pools.get(district.id)
        allocated = pool.allocated if pool else 0
        committed, punched = clips.get(pool.id, (0, 0)) if pool else (0, 0)
        participants, waitlist = people.get(district.id, (0, 0))
        rows.append(PoolFigures(
            district_id=district.id,
            district=district.name,
            year=year,
            allocated=allocated,
            committed=committed,
            punched=punched,
            participants=participants,
            capacity=allocated // per_participant if per_participant else 0,
            waitlist=waitlist,
        ))
    return rows
