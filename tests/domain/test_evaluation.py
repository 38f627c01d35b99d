"""The period's evaluation (issue #19), figure by figure on constructed data: known
admissions, pauses, endings, punches (with a reversal), measurements and an outing,
made through the operations day by day, with the counts, means and shares expected."""
from __future__ import annotations

import datetime as dt
import decimal

import pytest

from models import base
from models.admission import admit, pause, resume
from models.base import DomainError
from models.cards import punch, reverse_punch
from models.catalogue import create_offer
from models.entities import Budget, Measurement, Pool
from models.evaluation import (
    CATEGORY_OWN,
    FLAG_UCLA,
    FLAG_WHO5,
    evaluation,
    own_idea_texts,
    parse_period,
    range_period,
    reason_of,
    year_period,
)
from models.events import confirm_attendance, create_events, event_signups, mark_attendance, sign_up
from models.reassessment import reassess
from tests.intake_helpers import district_with_pool, screen

D = dt.date
LAST_DAY = D(2026, 11, 20)


def on(day: dt.date) -> None:
    base.freeze_today(day)


@pytest.fixture
def story(admin):
    """Two districts through 2026 (see the module doc); today is 20-11-2026 at the end."""
    on(D(2025, 11, 1))
    hed = district_with_pool(admin, "Hedensted", capacity=5, year=2026)
    tor = district_with_pool(admin, "Tørring", capacity=1, year=2026)
    b2025 = Budget.create(year=2025, budget_dkk=decimal.Decimal(100000), price_per_clip_dkk=decimal.Decimal(100),
                          clips_per_participant=52, created_by=admin)
    for d in (hed, tor):
        Pool.create(budget=b2025, district=d, allocated=5 * 52)
    doctor = create_offer(admin, "Lægebesøg", "ledsagelse", 2)
    cleaning = create_offer(admin, "Ekstra rengøring", "hjemme", 2)
    c = {}
    on(D(2025, 12, 1))
    c[2] = screen(admin, tor, 2, network_size=1, who5="11111", ucla="333").citizen  # WHO-5 20, UCLA 9
    on(D(2025, 12, 5))
    admit(admin, c[2])
    on(D(2025, 12, 10))
    punch(admin, c[2], 2, "Lægebesøg", catalogue_item=doctor)  # before the period
    on(D(2026, 1, 5))
    c[0] = screen(admin, hed, 0, network_size=2, who5="22222", ucla="333").citizen  # 40, 9
    on(D(2026, 1, 10))
    admit(admin, c[0])
    on(D(2026, 1, 15))
    punch(admin, c[0], 3, "Lægebesøg", catalogue_item=doctor)
    on(D(2026, 1, 20))
    c[4] = screen(admin, hed, 4, network_size=3, who5="33333", ucla="111").citizen  # 60, 3
    admit(admin, c[4])
    on(D(2026, 1, 25))
    punch(admin, c[4], 1, "Kaffe på havnen")
    on(D(2026, 2, 1))
    c[1] = screen(admin, hed, 1).citizen
    admit(admin, c[1])
    on(D(2026, 2, 10))
    hair = punch(admin, c[0], 2, "Frisør").punch
    on(D(2026, 2, 12))
    reverse_punch(admin, hair.id, "forkert borger")
    on(D(2026, 2, 15))
    punch(admin, c[2], 4, "Ekstra rengøring", catalogue_item=cleaning)
    on(D(2026, 3, 1))
    c[3] = screen(admin, tor, 3).citizen
    assert not admit(admin, c[3]).admitted  # Tørring is full: the waitlist
    on(D(2026, 3, 3))
    pause(admin, c[0], "indlagt")
    on(D(2026, 3, 20))
    resume(admin, c[0])
    on(D(2026, 4, 1))
    punch(admin, c[0], 4, "Ekstra rengøring", catalogue_item=cleaning)
    on(D(2026, 4, 15))
    pause(admin, c[1], "ferie")
    on(D(2026, 5, 5))
    reassess(admin, c[2], decision="continue", network_size=1, who5="11122", ucla="332")  # 28 (+8), 8 (−1)
    on(D(2026, 6, 1))
    reassess(admin, c[0], decision="continue", network_size=4, who5="44444", ucla="222")  # 80, 6
    on(D(2026, 6, 10))
    reassess(admin, c[1], decision="end", end_reason="flyttet")
    on(D(2026, 7, 1))
    reassess(admin, c[4], decision="continue", network_size=1, who5="22222", ucla="112")  # 40 (−20), 4 (+1)
    on(D(2026, 8, 5))
    c[6] = screen(admin, hed, 6).citizen
    admit(admin, c[6])
    on(D(2026, 8, 6))
    punch(admin, c[6], 2, "Frisør")
    on(D(2026, 8, 25))
    reassess(admin, c[6], decision="end", end_reason="andet", notes="Ønskede anden hjælp")
    on(D(2026, 9, 1))
    event = create_events(admin, title="Tur til Vejle Fjord", day="10-09-2026", time="10:00", seats=4,
                          clips_per_participant=2, transport_cost_dkk="850", district=hed)[0]
    for citizen in (c[0], c[4]):
        sign_up(admin, event.id, citizen.id)
    on(D(2026, 9, 10))
    for line in event_signups(admin, event.id):
        mark_attendance(admin, line.id, "attended" if line.citizen_id == c[0].id else "absent")
    confirm_attendance(admin, event.id)
    on(LAST_DAY)
    return {"hed": hed, "tor": tor, "c": c}


def _months(group, field: str) -> list[int]:
    return [getattr(m, field) for m in group.months]


def test_participants_per_month_counted_once_at_each_months_end(story):
    ev = evaluation(year_period(2026))
    assert [m.label for m in ev.months] == [f"{m} 2026" for m in (
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov")]
    hed, tor = ev.group("Hedensted"), ev.group("Tørring")
    # c0 paused and resumed within March: active at March's end, once; a resume is no start
    assert _months(hed, "active") == [2, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2]
    assert _months(hed, "paused") == [0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]
    assert _months(hed, "joined") == [2, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0]
    # c1 ended from a pause in June; c6 joined and ended within August (in neither stock)
    assert _months(hed, "ended") == [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0]
    assert _months(tor, "active") == [1] * 11
    assert _months(tor, "waitlisted") == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    assert _months(tor, "joined") == [0] * 11  # admitted in December 2025
    assert (hed.participants, tor.participants, ev.total.participants) == (4, 1, 5)
    assert _months(ev.total, "active") == [a + b for a, b in zip(_months(hed, "active"), _months(tor, "active"),
                                                                 strict=True)]
    assert (ev.total.joined, ev.total.ended) == (4, 2)


def test_clips_per_month_net_of_reversals_against_the_even_pace(story):
    ev = evaluation(year_period(2026), districts_ledger=True)
    assert _months(ev.total, "clips") == [4, 4, 0, 4, 0, 0, 0, 2, 2, 0, 0]
    assert ev.total.clips == 16  # the 2 clips of December 2025 are outside; the reversed 2 count zero
    hed = ev.group("Hedensted")
    assert _months(hed, "clips") == [4, 0, 0, 4, 0, 0, 0, 2, 2, 0, 0]
    assert ev.group("Tørring").clips == 4
    # each pool's 260 clips spread evenly over 2026's 365 days; January has 31, November counts 20
    assert hed.months[0].pace == pytest.approx(260 * 31 / 365)
    assert hed.months[-1].pace == pytest.approx(260 * 20 / 365)
    assert hed.pace == pytest.approx(260 * 324 / 365)
    assert ev.total.pace == pytest.approx((260 + 52) * 324 / 365)  # Tørring: one place, 52 clips


def test_a_districts_clips_are_read_on_demand_with_the_same_figures(story):
    from models.evaluation import load_district_ledger

    ev = evaluation(year_period(2026))
    hed = ev.group("Hedensted")
    assert not hed.ledger_loaded and hed.clips == 0 and ev.total.ledger_loaded
    load_district_ledger(ev, hed)
    assert hed.ledger_loaded and hed.clips == 12


def test_activities_by_offer_and_the_share_on_own_ideas(story):
    ev = evaluation(year_period(2026), districts_ledger=True)
    lines = {a.activity: (a.category, a.own_idea, a.registrations, a.clips) for a in ev.total.activities.values()}
    assert lines == {
        "Lægebesøg": ("ledsagelse", False, 1, 3),
        "Ekstra rengøring": ("hjemme", False, 2, 8),
        "Borgernes egne idéer": (CATEGORY_OWN, True, 2, 3),  # 1 + 2 − 2 (reversed) + 2 clips; 4 − 1 registrations
        "Fællestur uden katalogtilbud": ("fællestur", False, 1, 2),
    }
    assert sum(a.clips for a in ev.total.activities.values()) == ev.total.clips == 16
    assert ev.total.own_idea_share == pytest.approx(3 / 16)
    assert ev.group("Tørring").own_idea_share == 0.0
    assert ev.total.by_category()[0] == ("hjemme", 2, 8)
    texts = {a.activity: (a.registrations, a.clips) for a in own_idea_texts(year_period(2026))}
    assert texts == {"Frisør": (1, 2), "Kaffe på havnen": (1, 1)}
    assert own_idea_texts(year_period(2026), limit=1)[-1].activity == "Øvrige egne idéer"


def test_outcomes_means_shares_beyond_the_thresholds_and_the_bands(story):
    ev = evaluation(year_period(2026))
    t = ev.total
    assert t.followed_up == 3  # c0, c2, c4; c1 and c6 ended without outcomes
    net, who5, ucla = t.measures["network"], t.measures["who5"], t.measures["ucla"]
    assert (net.count, net.before, net.now, net.better, net.same, net.worse) == (3, 2.0, 2.0, 1, 1, 1)
    # c2's WHO-5 +8 is under the ±10 threshold: unchanged
    assert (who5.before, who5.now, who5.better, who5.same, who5.worse) == (40.0, pytest.approx(148 / 3), 1, 1, 1)
    assert who5.change == pytest.approx(28 / 3)
    # UCLA-3: lower is better; c2's −1 is one answer step: better
    assert (ucla.before, ucla.now, ucla.better, ucla.same, ucla.worse) == (7.0, 6.0, 2, 0, 1)
    assert ucla.share("better") == pytest.approx(2 / 3)
    assert (t.flags[FLAG_WHO5].before, t.flags[FLAG_WHO5].now) == (1, 1)  # c2: 20 then 28 (≤ 28 both times)
    assert (t.flags[FLAG_UCLA].before, t.flags[FLAG_UCLA].now) == (2, 1)  # c0 9→6, c2 9→8
    hed, tor = ev.group("Hedensted"), ev.group("Tørring")
    assert (hed.followed_up, tor.followed_up) == (2, 1)
    assert (hed.measures["who5"].before, hed.measures["who5"].now) == (50.0, 60.0)
    assert (tor.measures["ucla"].better, tor.flags[FLAG_UCLA].now) == (1, 1)


def test_outcomes_follow_the_period_and_the_instrument_version(story):
    c = story["c"]
    spring = evaluation(range_period("2026-05-01", "2026-05-31"))
    assert spring.total.followed_up == 1 and spring.total.measures["who5"].count == 1  # c2 only
    assert evaluation(range_period("2026-01-01", "2026-04-30")).total.followed_up == 0
    Measurement.update(who5_version="WHO-5 ny ordlyd").where(
        (Measurement.citizen == c[2].id) & (Measurement.kind == "followup")).execute()
    ev = evaluation(year_period(2026))
    assert ev.total.measures["who5"].count == 2 and ev.total.measures["ucla"].count == 3


def test_reasons_for_ending_counted(story):
    ev = evaluation(year_period(2026))
    assert ev.group("Hedensted").reasons == {"flyttet": 1, "andet": 1}
    assert ev.total.reasons_total == 2 and ev.group("Tørring").reasons == {}
    assert reason_of("mindre ensom — har fået en besøgsven") == "mindre ensom"
    assert reason_of("noget helt tredje") == "andet"


def test_outings_held_seats_attendance_and_transport(story):
    ev = evaluation(year_period(2026))
    assert [r.title for r in ev.outings] == ["Tur til Vejle Fjord"]
    t = ev.outing_totals["I alt"]
    assert (t.held, t.seats, t.taken, t.attended, t.absent) == (1, 4, 2, 1, 1)
    assert t.attendance_rate == 0.5 and t.transport_dkk == decimal.Decimal("850.00")
    assert ev.outing_totals["Hedensted"].held == 1 and "Tørring" not in ev.outing_totals
    assert evaluation(range_period("2026-01-01", "2026-08-31")).outings == []


def test_a_range_counts_only_its_own_days(story):
    ev = evaluation(range_period("15-02-2026", "31-03-2026"))
    assert [m.label for m in ev.months] == ["feb 2026", "mar 2026"]
    assert (ev.months[0].first, ev.months[0].last) == (D(2026, 2, 15), D(2026, 2, 28))
    assert _months(ev.total, "clips") == [4, 0]  # 15-02 only; the punch and reversal of 10/12-02 are outside
    assert _months(ev.group("Hedensted"), "joined") == [0, 0]  # c1 joined 01-02
    assert ev.group("Hedensted").months[0].pace == pytest.approx(260 * 14 / 365)


def test_periods_typed_and_refused():
    on(LAST_DAY)
    assert parse_period("2026").kind == "year"
    assert parse_period(" 01-01-2026 – 30-06-2026 ").end == D(2026, 6, 30)
    assert parse_period("2026-01-01 2026-06-30").start == D(2026, 1, 1)
    assert parse_period("01-01-2026 - 31-12-2026").kind == "year"
    for text, words in (("", "Skriv et år"), ("2027", "ikke begyndt"), ("30-06-2026 – 01-01-2026", "før"),
                        ("2019-01-01 2026-01-01", "højst 5 år"), ("sidste år", "Ugyldig periode"),
                        ("31-02-2026 – 01-03-2026", "findes ikke")):
        with pytest.raises(DomainError) as err:
            parse_period(text)
        assert words in err.value.message and err.value.field == "period"



def test_the_screens_two_reads_give_the_same_figures(story):
    """The screen reads the participants first (its first tab), then the rest on a copy: together
    the same figures as the one read the CLI and the workbook use."""
    import dataclasses

    from models.evaluation import complete_evaluation, evaluate_participants

    first = evaluate_participants("2026")
    whole = evaluation(year_period(2026))
    assert not first.complete and whole.complete
    assert [(g.district, g.participants, [(m.active, m.paused, m.waitlisted, m.joined, m.ended) for m in g.months])
            for g in first.groups] == [
        (g.district, g.participants, [(m.active, m.paused, m.waitlisted, m.joined, m.ended) for m in g.months])
        for g in whole.groups]
    assert first.total.clips == 0 and not first.total.reasons  # not read yet
    done = complete_evaluation(first)
    assert dataclasses.asdict(done) == dataclasses.asdict(whole)
    assert not first.complete  # the screen's copy is left as it was
