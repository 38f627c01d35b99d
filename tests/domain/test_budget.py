"""The year's budget, the district split, moves, intake stop, projection (R6, R7, R8)."""
from __future__ import annotations

import datetime as dt
import decimal
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.base import DomainError, db, freeze_today
from models.budget import (
    add_district,
    budget_input_errors,
    movable_clips,
    move_clips,
    preview_budget,
    set_budget,
    set_district,
    split_with_floors,
)
from models.cards import close_card, issue_card, punch
from models.entities import (
    STATE_ACTIVE,
    Agreement,
    AuditLog,
    Budget,
    Card,
    Citizen,
    District,
    Event,
    Pool,
    PoolMove,
    Punch,
    Staff,
)
from models.pool_overview import pools_overview, project_run_out, transport_spent
from models.pools import committed_clips, pool_figures, pool_of, split_largest_remainder

PLAN_DISTRICTS = (("Hedensted", 212), ("Juelsminde", 118), ("Tørring", 145))


@pytest.fixture
def leader(admin):
    return Staff.create(login="mette", name="Mette Kjærgaard", role="leder")


@pytest.fixture
def therapist(admin):
    return Staff.create(login="anne", name="Anne Sørensen", role="terapeut")


@pytest.fixture
def districts(admin):
    return [add_district(admin, name, count).district for name, count in PLAN_DISTRICTS]


def allocations(year: int) -> dict[str, int]:
    return {p.district.name: p.allocated
            for p in Pool.select(Pool, District).join(District).switch(Pool).join(Budget).where(Budget.year == year)}


_cpr_serial = itertools.count(1)


def participant(district: District, state: str = STATE_ACTIVE) -> Citizen:
    return Citizen.create(cpr=f"01014{next(_cpr_serial):05d}", name="Test Borger", district=district,
                          state=state, state_since=dt.date(2026, 1, 1), receives_home_help=True)


# --- R8/R6: the plan's figures ------------------------------------------------------

def test_the_plans_budgets_give_exact_clips_and_splits(leader, districts, frozen_day):
    # 2015: (600,000 − 30,000) / 187 = 3,048.1 → 3,048 clips.
    p2015 = set_budget(leader, 2015, "600.000", "187", "30.000")
    assert p2015.clips == 3048
    # 3048 × 212/475 = 1360.37, × 118/475 = 757.19, × 145/475 = 930.44: floors give 3047,
    # the one left goes to the largest remainder (Tørring, .44).
    assert allocations(2015) == {"Hedensted": 1360, "Juelsminde": 757, "Tørring": 931}
    assert [line.capacity for line in p2015.lines] == [26, 14, 17]  # floor(pool / 52)

    # 2016: (1,200,000 − 60,000) / 187 = 6,096.3 → 6,096 clips.
    p2016 = set_budget(leader, 2016, decimal.Decimal("1200000"), 187, 60000)
    assert p2016.clips == 6096
    # 2720.74, 1514.39, 1860.88: floors 6094, two left: Tørring (.88), Hedensted (.74).
    assert allocations(2016) == {"Hedensted": 2721, "Juelsminde": 1514, "Tørring": 1861}
    assert sum(allocations(2016).values()) == 6096
    assert [f.capacity for f in pool_figures(2016)] == [52, 29, 35]
    # A new year leaves the earlier year's pools alone.
    assert allocations(2015) == {"Hedensted": 1360, "Juelsminde": 757, "Tørring": 931}
    budget = Budget.get(Budget.year == 2016)
    assert (budget.budget_dkk, budget.price_per_clip_dkk, budget.transport_reserve_dkk,
            budget.clips_per_participant) == (1200000, 187, 60000, 52)
    assert AuditLog.select().where(AuditLog.operation == "budget.set").count() == 2


def test_the_preview_is_what_saving_stores_and_saves_nothing(leader, districts, frozen_day):
    preview = preview_budget(2016, "1.200.000", "187,00", "60.000", 52)
    assert Budget.select().count() == 0 and Pool.select().count() == 0
    assert [(line.district, line.allocated) for line in preview.lines] == [
        ("Hedensted", 2721), ("Juelsminde", 1514), ("Tørring", 1861)]
    saved = set_budget(leader, 2016, "1.200.000", "187,00", "60.000", 52)
    assert [line.allocated for line in saved.lines] == [line.allocated for line in preview.lines]


def test_setting_the_same_budget_again_changes_nothing(leader, districts, frozen_day):
    set_budget(leader, 2026, 1_200_000, 187, 60_000)
    before = allocations(2026)
    preview = set_budget(leader, 2026, 1_200_000, 187, 60_000)
    assert allocations(2026) == before
    assert preview.exists and all(line.current == line.allocated for line in preview.lines)


@settings(max_examples=300, deadline=None)
@given(total=st.integers(min_value=0, max_value=10**7),
       weights=st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12))
def test_largest_remainder_always_adds_up_exactly(total, weights):
    parts = split_largest_remainder(total, weights)
    assert sum(parts) == total
    assert all(p >= 0 for p in parts)
    if sum(weights) > 0:
        for part, weight in zip(parts, weights, strict=True):
            quota = total * weight / sum(weights)
            assert quota - 1 < part < quota + 1  # floor or ceiling of the exact quota


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_split_with_floors_adds_up_and_never_goes_below_a_floor(data):
    n = data.draw(st.integers(min_value=1, max_value=8))
    weights = data.draw(st.lists(st.integers(min_value=0, max_value=500), min_size=n, max_size=n))
    total = data.draw(st.integers(min_value=0, max_value=5000))
    floors = data.draw(st.lists(st.integers(min_value=0, max_value=total // n), min_size=n, max_size=n))
    moves = data.draw(st.lists(st.integers(min_value=-200, max_value=200), min_size=n, max_size=n))
    shift = sum(moves)
    moves[0] -= shift  # leaders' moves net to zero
    targets = [s + m for s, m in zip(split_largest_remainder(total, weights), moves, strict=True)]
    parts = split_with_floors(total, targets, floors, weights)
    assert sum(parts) == total
    assert all(p >= f for p, f in zip(parts, floors, strict=True))
    # A pool already at or above its floor is only ever lowered, never raised, to pay for others.
    for part, target, floor in zip(parts, targets, floors, strict=True):
        if target >= floor:
            assert part <= target


# --- bad input: refused, nothing saved ---------------------------------------------

@pytest.mark.parametrize("args, field, words", [
    ((2026, 0, 187, 0), "budget", "større end 0"),
    ((2026, -600000, 187, 0), "budget", "større end 0"),
    ((2026, "seks hundrede", 187, 0), "budget", "beløb"),
    ((2026, 600000, 0, 0), "price", "større end 0"),
    ((2026, 600000, "-187", 0), "price", "større end 0"),
    ((2026, 600000, 187, 600001), "reserve", "større end budgettet"),
    ((2026, 600000, 187, -1), "reserve", "negativ"),
    ((2026, 600000, "187,555", 0), "price", "to decimaler"),
    ((1999, 600000, 187, 0), "year", "mellem 2000 og 2100"),
    ((2026, 100, 187, 0), "budget", "ingen klip"),
])
def test_bad_budget_input_is_refused_with_nothing_saved(leader, districts, frozen_day, args, field, words):
    audit_rows = AuditLog.select().count()
    with pytest.raises(DomainError) as err:
        set_budget(leader, *args)
    assert err.value.field == field and words in err.value.message
    assert Budget.select().count() == 0 and Pool.select().count() == 0
    assert AuditLog.select().count() == audit_rows
    assert field in budget_input_errors(*args)


def test_every_field_error_is_reported_at_once(frozen_day, database):
    errors = budget_input_errors("20x6", "0", "-1", "abc", "0")
    assert set(errors) == {"year", "budget", "price", "reserve", "per_participant"}


def test_a_year_without_districts_is_refused(leader, frozen_day):
    with pytest.raises(DomainError, match="ingen distrikter") as err:
        set_budget(leader, 2026, 600000, 187, 0)
    assert err.value.field == "year"
    assert Budget.select().count() == 0


def test_a_bad_budget_change_leaves_the_saved_budget_alone(leader, districts, frozen_day):
    set_budget(leader, 2026, 600000, 187, 30000)
    before = (list(Budget.select().tuples()), allocations(2026))
    with pytest.raises(DomainError):
        set_budget(leader, 2026, 600000, 187, 700000)
    assert (list(Budget.select().tuples()), allocations(2026)) == before


def test_only_a_leader_or_admin_sets_the_budget(therapist, districts, frozen_day):
    with pytest.raises(DomainError, match="Kun leder"):
        set_budget(therapist, 2026, 600000, 187, 0)
    assert Budget.select().count() == 0


@pytest.mark.parametrize("text, amount", [
    ("1.200.000", "1200000"), ("187,50", "187.50"), ("600000", "600000"),
    ("1 200 000 kr", "1200000"), ("1.200.000,00", "1200000"), ("187", "187")])
def test_amounts_are_read_as_danes_write_them(text, amount):
    from models.inputs import parse_kroner

    assert parse_kroner(text, "budget") == decimal.Decimal(amount)


# --- districts and re-splits -----------------------------------------------------------

def test_district_add_and_set_are_for_admins_and_check_their_input(admin, leader, frozen_day):
    with pytest.raises(DomainError, match="Kun administrator"):
        add_district(leader, "Hedensted", 212)
    add_district(admin, "Hedensted", 212)
    with pytest.raises(DomainError, match="findes allerede"):
        add_district(admin, "hedensted", 5)
    with pytest.raises(DomainError, match="helt tal") as err:
        add_district(admin, "Tørring", -3)
    assert err.value.field == "home_help"
    with pytest.raises(DomainError, match="navn"):
        add_district(admin, "   ", 3)
    with pytest.raises(DomainError, match="findes ikke"):
        set_district(admin, "Atlantis", home_help=3)
    assert [d.name for d in District.select()] == ["Hedensted"]


def test_a_changed_home_help_count_resplits_only_uncommitted_clips(admin, leader, districts, frozen_day):
    set_budget(leader, 2026, 1_200_000, 187, 60_000)  # 6,096 clips: 2721 / 1514 / 1861
    hedensted, juelsminde, _ = districts
    # Hedensted has committed 2,500 clips (250 open cards).
    pool = pool_of(hedensted, 2026)
    for _ in range(250):
        Card.create(number=Card.select().count() + 1001, citizen=participant(hedensted), pool=pool,
                    issued_on=frozen_day)
    assert committed_clips(pool) == 2500
    last_year = set_budget(leader, 2025, 600_000, 187, 0)
    before_2025 = allocations(2025)

    # Juelsminde grows to 900 recipients: the plain split would give Hedensted only
    # 6096 × 212/1257 = 1028 clips, below its 2,500 committed; it keeps 2,500.
    change = set_district(admin, "Juelsminde", home_help=900)
    assert change.resplit_years == [2026]
    after = allocations(2026)
    assert after["Hedensted"] == 2500
    assert sum(after.values()) == 6096
    # The other 3,596 are split 900 : 145 between Juelsminde and Tørring.
    assert after == {"Hedensted": 2500, "Juelsminde": 3097, "Tørring": 499}
    assert allocations(2025) == before_2025 and last_year.year == 2025  # a past year keeps its pools
    assert AuditLog.select().where(AuditLog.operation == "pools.resplit").count() == 1

    # Back to 118: the proportional split is reachable again, nothing is below its floor.
    set_district(admin, "Juelsminde", home_help=118)
    assert allocations(2026) == {"Hedensted": 2721, "Juelsminde": 1514, "Tørring": 1861}


def test_a_budget_too_small_for_what_is_committed_is_refused(leader, districts, frozen_day):
    set_budget(leader, 2026, 200_000, 100, 0)  # 2,000 clips
    pool = pool_of(districts[0], 2026)
    Agreement.create(citizen=participant(districts[0]), pool=pool, approved_by=leader, clips=900,
                     reason="test", valid_from=frozen_day)
    with pytest.raises(DomainError, match="900 klip bundet") as err:
        set_budget(leader, 2026, 80_000, 100, 0)  # 800 clips
    assert err.value.field == "budget"
    assert sum(allocations(2026).values()) == 2000
    lower = set_budget(leader, 2026, 100_000, 100, 0)  # 1,000 clips: Hedensted keeps its 900
    assert lower.clips == 1000 and allocations(2026)["Hedensted"] == 900


def test_a_new_district_gets_its_share_of_the_uncommitted_clips(admin, leader, districts, frozen_day):
    set_budget(leader, 2026, 1_200_000, 187, 60_000)
    change = add_district(admin, "Løsning", 475)  # as many as the three others together
    assert change.resplit_years == [2026]
    after = allocations(2026)
    assert sum(after.values()) == 6096 and after["Løsning"] == 3048


# --- moves (R8) ---------------------------------------------------------------------------

def test_moves_never_overdraw_the_source_and_are_audited(leader, therapist, districts, frozen_day):
    set_budget(leader, 2026, 10_000, 100, 0)  # 100 clips: 45 / 25 / 30
    hedensted, juelsminde, torring = districts
    assert allocations(2026) == {"Hedensted": 45, "Juelsminde": 25, "Tørring": 30}
    citizen = participant(juelsminde)
    issue_card(leader, citizen)
    issue_card(leader, participant(juelsminde))  # 20 of Juelsminde's 25 committed
    assert movable_clips("Juelsminde", 2026) == 5
    with pytest.raises(DomainError, match="kun 5 klip") as err:
        move_clips(leader, 2026, "Juelsminde", "Tørring", 6, "flere deltagere i Tørring")
    assert err.value.field == "clips"
    assert PoolMove.select().count() == 0 and sum(allocations(2026).values()) == 100
    move = move_clips(leader, 2026, "Juelsminde", "Tørring", 5, "flere deltagere i Tørring")
    assert (move.clips, move.reason, move.by.login) == (5, "flere deltagere i Tørring", "mette")
    assert allocations(2026) == {"Hedensted": 45, "Juelsminde": 20, "Tørring": 35}
    row = AuditLog.select().where(AuditLog.operation == "pool.move").get()
    assert '"from": "Juelsminde"' in row.after and '"to": "Tørring"' in row.after
    with pytest.raises(DomainError, match="kun 0 klip"):
        move_clips(leader, 2026, "Juelsminde", "Hedensted", 1, "igen")
    # Closing a card early gives its unused clips back, and they may be moved.
    close_card(leader, Card.get(Card.citizen == citizen), "flyttet")
    assert movable_clips("Juelsminde", 2026) == 10
    for bad, message in (((2026, "Tørring", "Tørring", 1, "x"), "to forskellige"),
                         ((2026, "Tørring", "Hedensted", 0, "x"), "mindst 1"),
                         ((2026, "Tørring", "Hedensted", 1, "  "), "begrundelse"),
                         ((2027, "Tørring", "Hedensted", 1, "x"), "ingen pulje i 2027")):
        with pytest.raises(DomainError, match=message):
            move_clips(leader, *bad)
    with pytest.raises(DomainError, match="Kun leder"):
        move_clips(therapist, 2026, "Tørring", "Hedensted", 1, "x")
    assert PoolMove.select().count() == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["move", "card", "close"]), st.integers(0, 2),
                                st.integers(0, 2), st.integers(1, 40)), max_size=25))
def test_no_sequence_of_moves_and_cards_overdraws_a_pool(leader, districts, frozen_day, steps):
    with db.atomic() as txn:  # each example starts from the same budget and is rolled back
        set_budget(leader, 2026, 10_000, 100, 0)
        pools = [pool_of(d, 2026) for d in districts]
        for action, a, b, k in steps:
            try:
                if action == "move":
                    move_clips(leader, 2026, districts[a].name, districts[b].name, k, "test")
                elif action == "card":
                    issue_card(leader, participant(districts[a]))
                else:
                    card = Card.select().where(Card.status == "open").first()
                    if card is not None:
                        close_card(leader, card, "test")
            except DomainError:
                pass
            fresh = [Pool.get_by_id(p.id) for p in pools]
            assert sum(p.allocated for p in fresh) == 100
            assert all(p.allocated >= committed_clips(p) for p in fresh)
        txn.rollback()


def test_a_resplit_keeps_the_leaders_moves(admin, leader, districts, frozen_day):
    set_budget(leader, 2026, 10_000, 100, 0)  # 45 / 25 / 30
    move_clips(leader, 2026, "Hedensted", "Tørring", 10, "bus til Bilka")
    set_budget(leader, 2026, 20_000, 100, 0)  # 200 clips: 89 / 50 / 61, then the move
    assert allocations(2026) == {"Hedensted": 79, "Juelsminde": 50, "Tørring": 71}


# --- R7: intake stops exactly at capacity ---------------------------------------------------

def test_intake_closes_exactly_when_participants_reach_capacity(leader, districts, frozen_day):
    set_budget(leader, 2026, 50_000, 100, 0)  # 500 clips: 223 / 124 / 153
    figures = {f.district: f for f in pool_figures(2026)}
    assert figures["Juelsminde"].allocated == 124 and figures["Juelsminde"].capacity == 2  # floor(124 / 52)
    juelsminde = districts[1]
    participant(juelsminde)
    assert {f.district: f for f in pool_figures(2026)}["Juelsminde"].open_for_intake
    participant(juelsminde)  # the second participant fills the frame: 2 of 2
    closed = {f.district: f for f in pool_figures(2026)}["Juelsminde"]
    assert (closed.participants, closed.capacity, closed.open_for_intake) == (2, 2, False)
    participant(juelsminde, state="paused")  # a paused participant keeps the place
    assert {f.district: f for f in pool_figures(2026)}["Juelsminde"].participants == 3


def test_a_card_needs_ten_uncommitted_clips_exactly(leader, districts, frozen_day):
    set_budget(leader, 2026, 10_000, 100, 0)  # Juelsminde: 25
    juelsminde = districts[1]
    first, second, third = (participant(juelsminde) for _ in range(3))
    issue_card(leader, first)
    issue_card(leader, second)  # 20 committed, 5 left
    with pytest.raises(DomainError, match="kun 5 klip tilbage"):
        issue_card(leader, third)
    move_clips(leader, 2026, "Tørring", "Juelsminde", 5, "en ny deltager")  # exactly 10 left
    card = issue_card(leader, third)
    assert card.pool.allocated - committed_clips(card.pool) == 0
    figure = {f.district: f for f in pool_figures(2026)}["Juelsminde"]
    assert figure.left == 0 and not figure.open_for_intake


# --- year rollover ---------------------------------------------------------------------------

def test_a_new_year_makes_new_pools_and_a_card_keeps_its_years_pool(leader, districts):
    freeze_today(dt.date(2025, 12, 20))
    set_budget(leader, 2025, 10_000, 100, 0)
    citizen = participant(districts[0])
    card = issue_card(leader, citizen)
    punch(leader, citizen, 3, "Lægebesøg")
    freeze_today(dt.date(2026, 1, 5))
    set_budget(leader, 2026, 20_000, 100, 0)
    assert Pool.select().count() == 6
    punch(leader, citizen, 2, "Banko")
    card = Card.get_by_id(card.id)
    assert card.pool.budget.year == 2025
    figures = {f.district: f for f in pool_figures(2025)}["Hedensted"]
    assert (figures.committed, figures.punched) == (10, 5)
    assert {f.district: f for f in pool_figures(2026)}["Hedensted"].committed == 0
    other = participant(districts[0])
    assert issue_card(leader, other).pool.budget.year == 2026


# --- the projection and the money --------------------------------------------------------------

def test_projection_arithmetic():
    on = dt.date(2026, 6, 1)
    # 310 left at 20 a week (160 in 8 weeks): ceil(310 × 56 / 160) = 109 days.
    p = project_run_out(600, 290, 160, on, 2026)
    assert p.runs_out_on == dt.date(2026, 9, 18) and p.warning and p.rate_per_week == 20
    slow = project_run_out(600, 290, 16, on, 2026)  # 2 a week: 1,085 days
    assert slow.runs_out_on == on + dt.timedelta(days=1085) and not slow.warning
    assert project_run_out(600, 290, 0, on, 2026).runs_out_on is None
    done = project_run_out(600, 600, 40, on, 2026)
    assert done.used_up and done.warning
    # Running out on 31 December still warns; on 1 January it does not.
    assert project_run_out(213, 0, 56, dt.date(2026, 6, 1), 2026).runs_out_on == dt.date(2026, 12, 31)
    assert project_run_out(213, 0, 56, dt.date(2026, 6, 1), 2026).warning
    assert not project_run_out(214, 0, 56, dt.date(2026, 6, 1), 2026).warning


def test_projection_on_a_constructed_history(leader, districts):
    today = dt.date(2026, 6, 1)
    freeze_today(today)
    set_budget(leader, 2026, 120_000, 100, 0)  # 1,200 clips: Hedensted 536, Juelsminde 298, Tørring 366
    hedensted, juelsminde, _ = districts
    fast = Agreement.create(citizen=participant(hedensted), pool=pool_of(hedensted, 2026), approved_by=leader,
                            clips=536, reason="test", valid_from=dt.date(2026, 1, 1))
    slow = Agreement.create(citizen=participant(juelsminde), pool=pool_of(juelsminde, 2026), approved_by=leader,
                            clips=298, reason="test", valid_from=dt.date(2026, 1, 1))
    history = []
    for week in range(13):  # January–March: 10 clips a week
        history.append((fast, dt.date(2026, 1, 5) + dt.timedelta(weeks=week), 10))
    history.append((fast, today - dt.timedelta(days=56), 5))  # one day before the 8-week window
    for week in range(8):  # the last 8 weeks: 20 clips a week
        history.append((fast, today - dt.timedelta(days=7 * week), 20))
    history.append((slow, today - dt.timedelta(days=55), 8))  # first day of the window
    for n, (agreement, day, clips) in enumerate(history):
        Punch.create(id=f"p{n}", agreement=agreement, citizen=agreement.citizen, clips=clips, activity="test",
                     punched_on=day, registered_by=leader)
        Agreement.update(used=Agreement.used + clips).where(Agreement.id == agreement.id).execute()

    overview = pools_overview()
    lines = {line.figures.district: line for line in overview.lines}
    h = lines["Hedensted"]
    assert h.figures.punched == 130 + 5 + 160 == 295
    assert sum(h.weekly) == 295 and len(h.weekly) == (today - dt.date(2026, 1, 1)).days // 7 + 1
    # 241 left at 20 a week: ceil(241 × 56 / 160) = 85 days → 25-08-2026, before the year ends.
    assert h.projection.rate_per_week == 20
    assert h.projection.runs_out_on == dt.date(2026, 8, 25) and h.projection.warning
    j = lines["Juelsminde"]
    # 290 left at 1 a week: long after the year ends.
    assert j.projection.rate_per_week == 1 and not j.projection.warning
    assert lines["Tørring"].projection.runs_out_on is None
    assert overview.total.figures.punched == 303 and sum(overview.total.weekly) == 303
    # Another year has no projection.
    assert all(line.projection is None for line in pools_overview(2025).lines)


def test_money_and_transport_booked_when_an_outing_is_held(leader, districts, frozen_day):
    set_budget(leader, 2026, 100_000, 100, 5_000)
    citizen = participant(districts[0])
    issue_card(leader, citizen)
    punch(leader, citizen, 4, "Banko")

    def event(title, held_on, cost, starts=dt.datetime(2026, 3, 1, 9)):
        Event.create(title=title, starts_at=starts, seats=10, transport_cost_dkk=decimal.Decimal(cost),
                     status="held" if held_on else "planned", held_on=held_on, created_by=leader)

    event("Bilka", dt.date(2026, 3, 1), "1850")
    event("Banko", dt.date(2026, 4, 17), "900.50")
    event("Dyrskue", None, "2000", starts=dt.datetime(2026, 12, 1, 9))  # not held yet: not booked
    event("Fisketur", dt.date(2025, 6, 1), "700", starts=dt.datetime(2025, 6, 1, 9))  # last year
    assert transport_spent(2026) == (decimal.Decimal("2750.50"), 2)
    money = pools_overview().money
    assert money.punched_dkk == 400 and money.transport_spent_dkk == decimal.Decimal("2750.50")
    assert money.left_dkk == decimal.Decimal("100000") - 400 - decimal.Decimal("2750.50")
    assert money.reserve_left_dkk == decimal.Decimal("2249.50")


# flows (issue #15): a smaller budget that leaves districts without a free place names them before saving
def test_the_preview_names_the_districts_a_budget_would_close_for_intake(leader, districts, frozen_day):
    set_budget(leader, 2026, 100_000, 100, 0)  # 1000 clips: Juelsminde 248 → capacity 4
    juelsminde = districts[1]
    for _ in range(3):
        participant(juelsminde)
    assert preview_budget(2026, 100_000, 100, 0).closes_intake == []  # the same budget: 1 place stays
    smaller = preview_budget(2026, 60_000, 100, 0)  # 600 clips: Juelsminde 149 → capacity 2 < 3 participants
    assert smaller.closes_intake == ["Juelsminde"]
    line = next(x for x in smaller.lines if x.district == "Juelsminde")
    assert (line.places_before, line.places) == (1, 0)
    set_budget(leader, 2026, 60_000, 100, 0)
    assert not {f.district: f for f in pool_figures(2026)}["Juelsminde"].open_for_intake  # as the preview said
    assert preview_budget(2026, 50_000, 100, 0).closes_intake == []  # already closed: nothing new to warn of


# screensB (issue #17): the pools screen reads its table first (the projections from the window's
# punches alone, models.pool_overview.clips_in_window) and the weekly series behind it (pool_weeks)
def test_the_table_first_and_the_weeks_behind_it_give_the_one_read_figures(leader, districts):
    from models.pool_overview import WINDOW_DAYS, clips_in_window, pool_weeks, punches_by_day

    def in_window(days: dict, on: dt.date) -> int:  # the window's clips counted from the day-by-day ledger
        first = on - dt.timedelta(days=WINDOW_DAYS - 1)
        return sum(clips for day, clips in days.items() if first <= day <= on)

    today = dt.date(2026, 6, 1)
    freeze_today(today)
    set_budget(leader, 2026, 120_000, 100, 0)
    hedensted, juelsminde, _ = districts
    card_holder = participant(hedensted)
    card = issue_card(leader, card_holder, dt.date(2026, 1, 2))
    agreement = Agreement.create(citizen=participant(juelsminde), pool=pool_of(juelsminde, 2026), approved_by=leader,
                                 clips=298, reason="test", valid_from=dt.date(2026, 1, 1))
    # around the 56-day window: its first day, the day before it, today, and clips after today
    days = [dt.date(2026, 2, 1), today - dt.timedelta(days=56), today - dt.timedelta(days=55), today - dt.timedelta(3),
            today, today + dt.timedelta(days=2)]
    n = 0
    for day in days:
        for holder, where in ((card_holder, {"card": card}), (agreement.citizen, {"agreement": agreement})):
            n += 1
            Punch.create(id=f"w{n}", citizen=holder, clips=n % 3 + 1, activity="test", punched_on=day,
                         registered_by=leader, **where)
    pools = [pool_of(d, 2026).id for d in districts]
    by_day = punches_by_day(pools)
    assert clips_in_window(pools, today) == {pid: in_window(by_day[pid], today) for pid in pools}
    assert clips_in_window(pools, today)[pool_of(hedensted, 2026).id] > 0  # the window has clips to tell apart
    one_read = pools_overview(2026, today)
    first = pools_overview(2026, today, weekly=False)
    assert not first.weekly_read and all(line.weekly == [] for line in first.lines + [first.total])
    assert [(line.figures, line.projection) for line in first.lines + [first.total]] == [
        (line.figures, line.projection) for line in one_read.lines + [one_read.total]]
    assert first.money == one_read.money
    done = pool_weeks(first)
    assert done.weekly_read and first.lines[0].weekly == []  # a copy: the one shown meanwhile is kept
    assert [line.weekly for line in done.lines + [done.total]] == [
        line.weekly for line in one_read.lines + [one_read.total]]
    assert sum(done.total.weekly) > 0
