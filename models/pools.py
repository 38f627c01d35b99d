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


def committed_clips(pool: Pool) -> int:
    """Open cards bind their full 10 clips; ended cards bind what was used; so do agreements
    (an open one its clips, a closed one what was used)."""
    cards = (Card.select(fn.COALESCE(fn.SUM(
        Case(None, [(Card.status == CARD_OPEN, Card.clips)], Card.used)), 0))
        .where(Card.pool == pool).scalar())
    agreements = (Agreement.select(fn.COALESCE(fn.SUM(
        Case(None, [(Agreement.closed_on.is_null(), Agreement.clips)], Agreement.used)), 0))
        .where(Agreement.pool == pool).scalar())
    return int(cards) + int(agreements)


def punched_clips(pool: Pool) -> int:
    cards = Card.select(fn.COALESCE(fn.SUM(Card.used), 0)).where(Card.pool == pool).scalar()
    agreements = (Agreement.select(fn.COALESCE(fn.SUM(Agreement.used), 0))
                  .where(Agreement.pool == pool).scalar())
    return int(cards) + int(agreements)


def participants_in(district: District) -> int:
    return (Citizen.select().where((Citizen.district == district)
                                   & (Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED]))).count())


def waitlist_length(district: District) -> int:
    return Citizen.select().where((Citizen.district == district)
                                  & (Citizen.state == STATE_WAITLISTED)).count()


def pool_figures(year: int) -> list[PoolFigures]:
    """Where each active district's pool stands in ``year`` (zeros where no budget is set)."""
    budget = budget_for(year)
    per_participant = budget.clips_per_participant if budget else 52
    rows = []
    for district in District.select().where(District.active == True).order_by(District.name):  # noqa: E712
        pool = pool_of(district, year) if budget else None
        allocated = pool.allocated if pool else 0
        rows.append(PoolFigures(
            district_id=district.id,
            district=district.name,
            year=year,
            allocated=allocated,
            committed=committed_clips(pool) if pool else 0,
            punched=punched_clips(pool) if pool else 0,
            participants=participants_in(district),
            capacity=allocated // per_participant if per_participant else 0,
            waitlist=waitlist_length(district),
        ))
    return rows
