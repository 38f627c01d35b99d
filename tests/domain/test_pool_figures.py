"""Where each pool stands (R6–R8): the grouped read of all districts against the rule counted row by row."""
from __future__ import annotations

from models.entities import (
    CARD_OPEN,
    STATE_ACTIVE,
    STATE_PAUSED,
    STATE_WAITLISTED,
    Agreement,
    Budget,
    Card,
    Citizen,
    District,
    Pool,
    Staff,
)
from models.pools import committed_clips, participants_in, pool_figures, punched_clips, waitlist_length


def _by_hand(year: int) -> dict[str, tuple]:
    """The figures counted in Python over every row: what each rule says, with no SQL aggregate."""
    budget = Budget.get_or_none(Budget.year == year)
    pools = {} if budget is None else {p.district_id: p for p in Pool.select().where(Pool.budget == budget)}
    figures = {}
    for district in District.select().where(District.active == True):  # noqa: E712
        people = list(Citizen.select().where(Citizen.district == district))
        participants = sum(1 for c in people if c.state in (STATE_ACTIVE, STATE_PAUSED))
        waitlist = sum(1 for c in people if c.state == STATE_WAITLISTED)
        committed = punched = 0
        pool = pools.get(district.id)
        if pool is not None:
            for card in Card.select().where(Card.pool == pool):
                committed += card.clips if card.status == CARD_OPEN else card.used
                punched += card.used
            for agreement in Agreement.select().where(Agreement.pool == pool):
                committed += agreement.clips if agreement.closed_on is None else agreement.used
                punched += agreement.used
        figures[district.name] = (pool.allocated if pool else 0, committed, punched, participants, waitlist)
    return figures


def test_pool_figures_are_the_rules_counted_row_by_row(demo, frozen_day):
    year = frozen_day.year
    # the demo has every kind of row the rules tell apart
    assert Card.select().where(Card.status != CARD_OPEN).exists() and Card.select().where(
        Card.status == CARD_OPEN).exists()
    assert Citizen.select().where(Citizen.state == STATE_WAITLISTED).exists()
    read = {f.district: (f.allocated, f.committed, f.punched, f.participants, f.waitlist) for f in pool_figures(year)}
    assert read == _by_hand(year)
    assert any(committed for _a, committed, _p, _n, _w in read.values())


def test_one_pool_read_alone_gives_the_same_figures(demo, frozen_day):
    """committed_clips / punched_clips / participants_in / waitlist_length (what the admission and
    budget rules ask of one pool) agree with the grouped read of all."""
    year = frozen_day.year
    budget = Budget.get(Budget.year == year)
    for f in pool_figures(year):
        pool = Pool.get((Pool.budget == budget) & (Pool.district == f.district_id))
        district = District.get_by_id(f.district_id)
        assert (committed_clips(pool), punched_clips(pool)) == (f.committed, f.punched)
        assert (participants_in(district), waitlist_length(district)) == (f.participants, f.waitlist)


def test_a_paused_participant_and_a_closed_agreement_count_as_the_rules_say(demo, frozen_day):
    year = frozen_day.year
    active = Citizen.select().where((Citizen.state == STATE_ACTIVE) & Citizen.district.is_null(False)).first()
    name = District.get_by_id(active.district_id).name
    before = {f.district: f for f in pool_figures(year)}[name]
    Citizen.update(state=STATE_PAUSED).where(Citizen.id == active.id).execute()
    pool = Pool.get((Pool.budget == Budget.get(Budget.year == year)) & (Pool.district == active.district_id))
    leader = Staff.select().first()
    Agreement.create(citizen=active, pool=pool, approved_by=leader, clips=20, used=7, reason="test",
                     valid_from=frozen_day, closed_on=frozen_day)  # closed: binds what was used, 7
    Agreement.create(citizen=active, pool=pool, approved_by=leader, clips=15, used=2, reason="test",
                     valid_from=frozen_day)  # open: binds all its 15
    after = {f.district: f for f in pool_figures(year)}[name]
    assert after.participants == before.participants  # paused: still a participant
    assert after.committed == before.committed + 7 + 15
    assert after.punched == before.punched + 7 + 2
    read = {f.district: (f.allocated, f.committed, f.punched, f.participants, f.waitlist) for f in pool_figures(year)}
    assert read == _by_hand(year)


def test_a_year_without_a_budget_has_zeros_but_counts_people(demo, frozen_day):
    year = frozen_day.year + 5
    figures = pool_figures(year)
    assert figures and all((f.allocated, f.committed, f.punched, f.capacity) == (0, 0, 0, 0) for f in figures)
    assert {f.district: (f.participants, f.waitlist) for f in figures} == {
        name: (n, w) for name, (_a, _c, _p, n, w) in _by_hand(year).items()}
