"""The year's budget, the districts and leaders' moves between pools (R6, R7, R8).

Operations (each one ``BEGIN IMMEDIATE`` transaction, audited, Danish refusals):

- :func:`set_budget` (leder/admin): the year's budget, price per clip, transport
  reserve and clips per participant; creates or re-splits the year's pools.
  :func:`preview_budget` computes exactly what :func:`set_budget` will save,
  so a form can show the clips and the split before saving.
- :func:`add_district` / :func:`set_district` (admin): districts and their
  number of home-help recipients; a changed count re-splits the pools of this
  year and later years.
- :func:`move_clips` (leder/admin): clips from one district's pool to another's
  in the same year, with a reason; a ``PoolMove`` row and an audit row.

How a re-split works (R6 with R7's "a pool never drops below what it has
committed"): the year's clips are split by largest remainder over the active
districts' home-help counts; each pool's net moves (leaders' decisions) are
added back; then any pool whose target lies below its committed clips (open
cards' 10, used clips on ended cards, agreements) is held at its committed
clips and the shortfall is taken from the other pools' uncommitted clips,
again by largest remainder over home-help counts, repeated until no pool is
below its floor. Only uncommitted clips move; the parts always add up to the
year's clips exactly; setting the same figures again changes nothing.
"""
from __future__ import annotations

import decimal
from dataclasses import dataclass, field

from peewee import fn

from .base import DomainError, audit, operation, snapshot, today
from .entities import Budget, District, Pool, PoolMove, Staff
from .i18n import _
from .inputs import format_int, format_kroner, parse_kroner, parse_whole, refuse_control
from .permissions import require
from .pools import clips_for_year, committed_clips, free_places, participants_in, split_largest_remainder

MIN_YEAR, MAX_YEAR = 2000, 2100
DEFAULT_CLIPS_PER_PARTICIPANT = 52
MAX_NAME = 60


# --- the split ---------------------------------------------------------------------

def _amount(amount) -> str:
    """1.234.567,50 — how the budget form shows a saved amount (no "kr": the label says it)."""
    return format_kroner(amount, unit=False)


def split_with_floors(total: int, targets: list[int], floors: list[int], weights: list[int]) -> list[int]:
    """Move ``targets`` (which add up to ``total``) so that no part is below its floor.

    A part below its floor is raised to it; the shortfall is taken from the
    other parts by largest remainder over ``weights``, repeated until none is
    below its floor. The parts still add up to ``total``. Raises ValueError when
    the floors alone exceed ``total``.
    """
    if sum(targets) != total:
        raise ValueError("targets must add up to total")
    if sum(floors) > total:
        raise ValueError("floors exceed total")
    parts = list(targets)
    pinned: set[int] = set()
    while True:
        shortfall = 0
        for i, floor in enumerate(floors):
            if parts[i] < floor:
                shortfall += floor - parts[i]
                parts[i] = floor
                pinned.add(i)
        if shortfall == 0:
            return parts
        free = [i for i in range(len(parts)) if i not in pinned]
        cuts = split_largest_remainder(shortfall, [max(0, weights[i]) for i in free])
        for i, cut in zip(free, cuts, strict=True):
            parts[i] -= cut


@dataclass
class SplitLine:
    district_id: int
    district: str
    home_help: int
    active: bool
    share: int  # the plain largest-remainder share of the year's clips
    moved: int  # net clips leaders have moved into (+) or out of (−) this pool
    committed: int  # clips bound on cards and agreements: the pool's floor
    current: int | None  # what the pool holds now; None when there is no pool yet
    allocated: int  # what the pool holds after saving
    capacity: int  # floor(allocated / clips per participant)
    participants: int  # active and paused participants now (above capacity: intake closes)
    places_before: int | None = None  # flows (issue #15): free places (R7) now; None: no pool yet

    @property
    def places(self) -> int:
        """Free places (R7) after saving."""
        return free_places(self.capacity, self.participants, self.allocated - self.committed)

    @property
    def closes_intake(self) -> bool:
        """Saving leaves this district without a free place where it has one now (a year without pools yet
        closes nothing: its split shows participants against capacity)."""
        return self.active and self.places == 0 and (self.places_before or 0) > 0


@dataclass
class BudgetPreview:
    year: int
    budget_dkk: decimal.Decimal
    price_per_clip_dkk: decimal.Decimal
    transport_reserve_dkk: decimal.Decimal
    clips_per_participant: int
    clips: int  # floor((budget − reserve) / price), R8
    exists: bool  # a budget for the year is already saved (this re-splits it)
    lines: list[SplitLine] = field(default_factory=list)

    @property
    def total_allocated(self) -> int:
        return sum(line.allocated for line in self.lines)

    @property
    def total_capacity(self) -> int:
        return sum(line.capacity for line in self.lines)

    @property
    def closes_intake(self) -> list[str]:
        """flows (issue #15): the districts saving would close for intake (the screen asks first)."""
        return [line.district for line in self.lines if line.closes_intake]


def _net_moves(pool: Pool) -> int:
    moved_in = PoolMove.select(fn.COALESCE(fn.SUM(PoolMove.clips), 0)).where(PoolMove.target == pool).scalar()
    moved_out = PoolMove.select(fn.COALESCE(fn.SUM(PoolMove.clips), 0)).where(PoolMove.source == pool).scalar()
    return int(moved_in) - int(moved_out)


def _plan(budget: Budget | None, year: int, clips: int, per_participant: int) -> list[SplitLine]:
    """The pools of ``year`` after a (re)split of ``clips``; see the module doc."""
    pools = {} if budget is None else {p.district_id: p for p in Pool.select().where(Pool.budget == budget)}
    active = list(District.select().where(District.active == True).order_by(District.name))  # noqa: E712
    if not active:
        raise DomainError(
            _("Der er ingen distrikter at fordele klippene for {year} på. En administrator opretter dem under Distrikter eller med: cirkel district add NAVN --home-help N").format(year=year), field="year")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    # Districts no longer active keep their pool (weight 0), so committed clips never vanish.
    active_ids = {d.id for d in active}
    inactive_ids = [d for d in pools if d not in active_ids]
    inactive = (list(District.select().where(District.id.in_(inactive_ids)).order_by(District.name))
                if inactive_ids else [])
    districts = active + inactive
    weights = [d.home_help_count if d.active else 0 for d in districts]
    shares = split_largest_remainder(clips, [d.home_help_count for d in active]) + [0] * len(inactive)
    moved = [_net_moves(pools[d.id]) if d.id in pools else 0 for d in districts]
    floors = [committed_clips(pools[d.id]) if d.id in pools else 0 for d in districts]
    if sum(floors) > clips:
        raise DomainError(
            _("{year} har allerede {floors} klip bundet i kort og aftaler, men budgettet giver kun {clips} klip.").format(year=year, floors=format_int(sum(floors)), clips=format_int(clips)), field="budget")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    targets = [s + m for s, m in zip(shares, moved, strict=True)]
    if sum(targets) != clips:  # moves always net to zero; guard against a hand-edited database
        targets = shares
    allocated = split_with_floors(clips, targets, floors, weights)
    lines = [SplitLine(district_id=d.id, district=d.name, home_help=d.home_help_count, active=d.active,
                       share=s, moved=m, committed=c,
                       current=pools[d.id].allocated if d.id in pools else None,
                       allocated=a, capacity=a // per_participant, participants=participants_in(d))
             for d, s, m, c, a in zip(districts, shares, moved, floors, allocated, strict=True)]
    before = budget.clips_per_participant if budget is not None else per_participant
    for line in lines:
        if line.current is not None:
            line.places_before = free_places(line.current // before, line.participants, line.current - line.committed)
    return lines


def _parse_fields(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk, clips_per_participant):
    """Each field checked on its own: (values, errors by field in form order)."""
    values: dict = {}
    errors: dict[str, str] = {}

    def attempt(key, check):
        try:
            values[key] = check()
        except DomainError as err:
            errors[key] = err.message

    def check_year():
        number = parse_whole(year, "year", minimum=-(10**9),
                             message=_("Året skal være et årstal mellem {MIN_YEAR} og {MAX_YEAR}.").format(MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if not MIN_YEAR <= number <= MAX_YEAR:
            raise DomainError(_("Året skal være et årstal mellem {MIN_YEAR} og {MAX_YEAR}.").format(MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR), field="year")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        return number

    def check_budget():
        amount = parse_kroner(budget_dkk, "budget", label=_("Budgettet"), minimum=-(10**9))
        if amount <= 0:
            raise DomainError(_("Budgettet skal være større end 0 kr."), field="budget")
        return amount

    def check_price():
        amount = parse_kroner(price_per_clip_dkk, "price", label=_("Prisen pr. klip"), minimum=-(10**9))
        if amount <= 0:
            raise DomainError(_("Prisen pr. klip skal være større end 0 kr."), field="price")
        return amount

    def check_reserve():
        amount = parse_kroner(transport_reserve_dkk if transport_reserve_dkk not in (None, "") else 0,
                              "reserve", label=_("Transportreserven"), minimum=-(10**9))
        if amount < 0:
            raise DomainError(_("Transportreserven kan ikke være negativ."), field="reserve")
        return amount

    def check_per_participant():
        return parse_whole(
            clips_per_participant if clips_per_participant not in (None, "") else DEFAULT_CLIPS_PER_PARTICIPANT,
            "per_participant", minimum=1, message=_("Klip pr. deltager pr. år skal være et helt tal på mindst 1."))

    attempt("year", check_year)
    attempt("budget", check_budget)
    attempt("price", check_price)
    attempt("reserve", check_reserve)
    attempt("per_participant", check_per_participant)
    if "budget" in values and "reserve" in values and values["reserve"] > values["budget"]:
        errors["reserve"] = (_("Transportreserven ({reserve}) kan ikke være større end budgettet ({budget}).").format(reserve=format_kroner(values['reserve']), budget=format_kroner(values["budget"])))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if not errors:
        values["clips"] = clips_for_year(values["budget"], values["reserve"], values["price"])
        if values["clips"] < 1:
            errors["budget"] = (_("Budgettet giver ingen klip: ({budget} − {reserve}) / {price} er under 1.").format(budget=format_kroner(values['budget']), reserve=format_kroner(values['reserve']), price=format_kroner(values["price"])))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return values, errors


def budget_input_errors(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk=0,
                        clips_per_participant=DEFAULT_CLIPS_PER_PARTICIPANT) -> dict[str, str]:
    """Every field's refusal at once (field → Danish message), for a form."""
    return _parse_fields(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk, clips_per_participant)[1]


def _parse_budget(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk, clips_per_participant):
    values, errors = _parse_fields(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk,
                                   clips_per_participant)
    if errors:
        key = next(iter(errors))
        raise DomainError(errors[key], field=key)
    return (values["year"], values["budget"], values["price"], values["reserve"], values["per_participant"],
            values["clips"])


def preview_budget(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk=0,
                   clips_per_participant=DEFAULT_CLIPS_PER_PARTICIPANT) -> BudgetPreview:
    """What :func:`set_budget` would save, without saving: the clips and the split.

    Refuses bad input with the same ``DomainError`` (and ``field``) as saving would.
    """
    year, budget, price, reserve, per_participant, clips = _parse_budget(
        year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk, clips_per_participant)
    existing = Budget.get_or_none(Budget.year == year)
    lines = _plan(existing, year, clips, per_participant)
    return BudgetPreview(year=year, budget_dkk=budget, price_per_clip_dkk=price, transport_reserve_dkk=reserve,
                         clips_per_participant=per_participant, clips=clips, exists=existing is not None,
                         lines=lines)


def _pools_snapshot(budget: Budget) -> dict[str, int]:
    return {p.district.name: p.allocated
            for p in Pool.select(Pool, District).join(District).where(Pool.budget == budget)}


def _apply(budget: Budget, lines: list[SplitLine]) -> None:
    for line in lines:
        pool = Pool.get_or_none((Pool.budget == budget) & (Pool.district == line.district_id))
        if pool is None:
            Pool.create(budget=budget, district=line.district_id, allocated=line.allocated)
        elif pool.allocated != line.allocated:
            Pool.update(allocated=line.allocated).where(Pool.id == pool.id).execute()


@operation
def set_budget(actor: Staff, year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk=0,
               clips_per_participant=DEFAULT_CLIPS_PER_PARTICIPANT) -> BudgetPreview:
    """Save the year's budget and (re)split its pools over the active districts (R6, R8).

    Returns the preview that was saved. Refuses (nothing saved) a zero or negative
    budget or price, a reserve above the budget, a year without districts, and a
    budget too small for the clips already committed that year.
    """
    require(actor, "budget.set")
    preview = preview_budget(year, budget_dkk, price_per_clip_dkk, transport_reserve_dkk, clips_per_participant)
    budget = Budget.get_or_none(Budget.year == preview.year)
    before = None
    values = dict(budget_dkk=preview.budget_dkk, price_per_clip_dkk=preview.price_per_clip_dkk,
                  transport_reserve_dkk=preview.transport_reserve_dkk,
                  clips_per_participant=preview.clips_per_participant)
    if budget is None:
        budget = Budget.create(year=preview.year, created_by=actor, **values)
    else:
        before = {**snapshot(budget), "pools": _pools_snapshot(budget)}
        Budget.update(**values).where(Budget.id == budget.id).execute()
        budget = Budget.get_by_id(budget.id)
    _apply(budget, preview.lines)
    audit(actor, "budget.set", "budget", budget.id, before,
          {**snapshot(budget), "clips": preview.clips, "pools": _pools_snapshot(budget)})
    return preview


def resplit_open_years(actor: Staff, reason: str) -> list[int]:
    """Re-split the pools of this year and later years after a district change.

    Must run inside an operation. Past years are closed and keep their pools.
    Returns the years re-split.
    """
    years = []
    for budget in Budget.select().where(Budget.year >= today().year).order_by(Budget.year):
        clips = clips_for_year(budget.budget_dkk, budget.transport_reserve_dkk, budget.price_per_clip_dkk)
        before = _pools_snapshot(budget)
        lines = _plan(budget, budget.year, clips, budget.clips_per_participant)
        _apply(budget, lines)
        after = _pools_snapshot(budget)
        if after != before:
            audit(actor, "pools.resplit", "budget", budget.id, {"pools": before}, {"pools": after, "reason": reason})
        years.append(budget.year)
    return years


# --- districts ---------------------------------------------------------------------

@dataclass
class DistrictChange:
    district: District
    resplit_years: list[int]


@dataclass
class DistrictRow:
    district_id: int
    name: str
    home_help: int
    active: bool
    allocated: int | None  # this year's pool, None without a budget
    share_percent: float  # share of all active districts' home-help recipients


def _clean_name(name) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(_("Skriv distriktets navn."), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(_("Distriktets navn kan højst være {MAX_NAME} tegn.").format(MAX_NAME=MAX_NAME), field="name")
    refuse_control(name, "name", label=_("Distriktets navn"))
    return name


def _home_help(value) -> int:
    return parse_whole(value, "home_help", message=_("Antal hjemmehjælpsmodtagere skal være et helt tal, 0 eller flere."))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def find_district(name) -> District:
    if isinstance(name, District):
        return District.get_by_id(name.id)
    if isinstance(name, int):
        district = District.get_or_none(District.id == name)
    else:
        district = District.get_or_none(District.name == " ".join(str(name or "").split()))
    if district is None:
        raise DomainError(_("Distriktet '{name}' findes ikke.").format(name=name), field="district")
    return district


@operation
def add_district(actor: Staff, name, home_help) -> DistrictChange:
    """A new district with its home-help recipients (admin). This year's and later
    years' pools are re-split, so the new district gets its share of the
    clips not yet committed."""
    require(actor, "district.manage")
    name = _clean_name(name)
    count = _home_help(home_help)
    if District.get_or_none(District.name == name) is not None:
        raise DomainError(_("Distriktet '{name}' findes allerede.").format(name=name), field="name")
    district = District.create(name=name, home_help_count=count)
    audit(actor, "district.add", "district", district.id, None, snapshot(district))
    years = resplit_open_years(actor, f"nyt distrikt {name}")
    return DistrictChange(District.get_by_id(district.id), years)


@operation
def set_district(actor: Staff, name, home_help=None, new_name=None) -> DistrictChange:
    """Change a district's home-help count (and/or its name) (admin).

    A changed count re-splits this year's and later years' pools; only clips not
    yet committed move (see the module doc)."""
    require(actor, "district.manage")
    district = find_district(name)
    before = snapshot(district)
    changes: dict = {}
    if new_name is not None:
        clean = _clean_name(new_name)
        other = District.get_or_none(District.name == clean)
        if other is not None and other.id != district.id:
            raise DomainError(_("Distriktet '{clean}' findes allerede.").format(clean=clean), field="name")
        if clean != district.name:
            changes["name"] = clean
    if home_help is not None:
        count = _home_help(home_help)
        if count != district.home_help_count:
            changes["home_help_count"] = count
    if not changes:
        return DistrictChange(district, [])
    District.update(**changes).where(District.id == district.id).execute()
    district = District.get_by_id(district.id)
    audit(actor, "district.set", "district", district.id, before, snapshot(district))
    years = []
    if "home_help_count" in changes:
        years = resplit_open_years(actor, f"hjemmehjælpsmodtagere i {district.name}: "
                                          f"{before['home_help_count']} → {district.home_help_count}")
    return DistrictChange(district, years)


def list_districts(year: int | None = None) -> list[DistrictRow]:
    """All districts (active first, by name) with this year's pool, for the admin screen."""
    year = year or today().year
    budget = Budget.get_or_none(Budget.year == year)
    pools = {} if budget is None else {p.district_id: p.allocated for p in Pool.select().where(Pool.budget == budget)}
    districts = list(District.select().order_by(District.active.desc(), District.name))
    total = sum(d.home_help_count for d in districts if d.active)
    return [DistrictRow(d.id, d.name, d.home_help_count, d.active, pools.get(d.id) if budget else None,
                        (100.0 * d.home_help_count / total) if total and d.active else 0.0)
            for d in districts]


# --- moves ---------------------------------------------------------------------------

def pool_in_year(district: District, year: int) -> Pool:
    pool = (Pool.select().join(Budget)
            .where((Pool.district == district) & (Budget.year == year)).first())
    if pool is None:
        raise DomainError(_("{name} har ingen pulje i {year}; sæt årets budget først.").format(name=district.name, year=year), field="source")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return pool


def movable_clips(district, year: int) -> int:
    """The clips a leader may move out of a pool: its uncommitted clips."""
    pool = pool_in_year(find_district(district), year)
    return pool.allocated - committed_clips(pool)


@operation
def move_clips(actor: Staff, year, source, target, clips, reason) -> PoolMove:
    """Move clips between two district pools of the same year (leder/admin, R8).

    Never more than the source's uncommitted clips; the move is a ``PoolMove`` row
    and an audit row."""
    require(actor, "pool.move")
    year = parse_whole(year, "year", minimum=-(10**9),
                             message=_("Året skal være et årstal mellem {MIN_YEAR} og {MAX_YEAR}.").format(MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    k = parse_whole(clips, "clips", minimum=1, message=_("Antal klip skal være et helt tal på mindst 1."))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise DomainError(_("Skriv en begrundelse for flytningen."), field="reason")
    from_district = find_district(source)
    to_district = find_district(target)
    if from_district.id == to_district.id:
        raise DomainError(_("Vælg to forskellige distrikter."), field="target")
    from_pool = pool_in_year(from_district, year)
    try:
        to_pool = pool_in_year(to_district, year)
    except DomainError as err:
        raise DomainError(err.message, field="target") from None
    free = from_pool.allocated - committed_clips(from_pool)
    if k > free:
        raise DomainError(_("{name} har kun {value} klip i {year}, der ikke er bundet; der kan ikke flyttes {k}.").format(name=from_district.name, value=format_int(max(0, free)), year=year, k=format_int(k)), field="clips")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    # Writers are serialised by BEGIN IMMEDIATE; the guard repeats the check in the UPDATE itself.
    changed = (Pool.update(allocated=Pool.allocated - k)
               .where((Pool.id == from_pool.id) & (Pool.allocated - k >= committed_clips(from_pool)))
               .execute())
    if changed != 1:  # pragma: no cover - only if the figures changed under us
        raise DomainError(_("Puljen er ændret imens; prøv igen."), field="clips")
    Pool.update(allocated=Pool.allocated + k).where(Pool.id == to_pool.id).execute()
    move = PoolMove.create(source=from_pool, target=to_pool, clips=k, reason=reason, by=actor)
    audit(actor, "pool.move", "pool_move", move.id, None,
          {**snapshot(move), "year": year, "from": from_district.name, "to": to_district.name,
           "from_allocated": from_pool.allocated - k, "to_allocated": to_pool.allocated + k})
    return move


def moves_in_year(year: int, limit: int = 50) -> list[PoolMove]:
    """The year's moves, newest first (for the pools screen's log)."""
    Source = Pool.alias()
    return list(PoolMove.select(PoolMove).join(Source, on=(PoolMove.source == Source.id)).join(Budget)
                .where(Budget.year == year).order_by(PoolMove.at.desc(), PoolMove.id.desc()).limit(limit))


def budget_defaults(year: int) -> dict[str, str]:
    """What the budget form starts with: the year's saved budget, else the latest
    earlier year's price, reserve and clips per participant (budget left empty)."""
    budget = Budget.get_or_none(Budget.year == year)
    if budget is not None:
        return {"year": str(year), "budget": _amount(budget.budget_dkk),
                "price": _amount(budget.price_per_clip_dkk), "reserve": _amount(budget.transport_reserve_dkk),
                "per_participant": str(budget.clips_per_participant)}
    earlier = (Budget.select().where(Budget.year < year).order_by(Budget.year.desc()).first()
               or Budget.select().order_by(Budget.year.desc()).first())
    if earlier is None:
        return {"year": str(year), "budget": "", "price": "", "reserve": "0",
                "per_participant": str(DEFAULT_CLIPS_PER_PARTICIPANT)}
    return {"year": str(year), "budget": "", "price": _amount(earlier.price_per_clip_dkk),
            "reserve": _amount(earlier.transport_reserve_dkk), "per_participant": str(earlier.clips_per_participant)}


def budget_years() -> list[int]:
    return [b.year for b in Budget.select(Budget.year).order_by(Budget.year)]
