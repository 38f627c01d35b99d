"""Outcomes (R12): baseline vs. latest per citizen; mean change and counts per district."""
from __future__ import annotations

import pytest

from models.admission import admit
from models.entities import AccessLog, Measurement
from models.reassessment import reassess
from models.results import citizen_outcome, district_outcomes, outcome_report
from tests.intake_helpers import district_with_pool, screen


@pytest.fixture
def two_districts(admin, frozen_day):
    return district_with_pool(admin, "Hedensted", capacity=5), district_with_pool(admin, "Tørring", capacity=5)


def _participant(admin, district, n, network, who5, ucla):
    citizen = screen(admin, district, n, network_size=network, who5=who5, ucla=ucla).citizen
    admit(admin, citizen)
    return citizen


def test_citizen_baseline_vs_latest_with_the_change(admin, two_districts):
    hed, _ = two_districts
    citizen = _participant(admin, hed, 0, 1, "11111", "333")  # WHO-5 20, UCLA 9
    before = citizen_outcome(admin, citizen)
    assert before.latest is None and before.changes["who5"].delta is None
    reassess(admin, citizen, decision="continue", network_size=2, who5="22222", ucla="332")
    reassess(admin, citizen, decision="continue", network_size=4, who5="33322", ucla="322")
    out = citizen_outcome(admin, citizen)
    assert (out.baseline.who5_score, out.latest.who5_score) == (20, 52)
    assert {k: (c.baseline, c.latest, c.delta, c.verdict) for k, c in out.changes.items()} == {
        "network": (1, 4, 3, "better"), "who5": (20, 52, 32, "better"), "ucla": (9, 7, -2, "better")}
    assert AccessLog.select().where(AccessLog.citizen == citizen).count() >= 1


def test_per_district_and_total_mean_change_and_counts(admin, two_districts):
    hed, tor = two_districts
    a = _participant(admin, hed, 0, 1, "11111", "333")
    b = _participant(admin, hed, 1, 3, "33333", "111")
    c = _participant(admin, tor, 2, 2, "22222", "222")
    _participant(admin, tor, 3, 2, "22222", "222")  # no follow-up yet
    reassess(admin, a, decision="continue", network_size=3, who5="22222", ucla="222")  # better on all
    reassess(admin, b, decision="continue", network_size=1, who5="22222", ucla="222")  # worse on all
    reassess(admin, c, decision="continue", network_size=2, who5="22222", ucla="222")  # same
    report = outcome_report()
    by_name = {g.district: g for g in report.districts}
    h = by_name["Hedensted"]
    assert (h.citizens, h.with_baseline) == (2, 2)
    assert (h.measures["network"].better, h.measures["network"].same, h.measures["network"].worse) == (1, 0, 1)
    assert h.measures["network"].mean_change == 0.0
    assert h.measures["who5"].mean_change == (20 - 20) / 2  # +20 and −20
    assert (h.measures["ucla"].better, h.measures["ucla"].worse) == (1, 1)
    t = by_name["Tørring"]
    assert (t.citizens, t.with_baseline) == (1, 2)
    assert (t.measures["who5"].same, t.measures["who5"].mean_change) == (1, 0.0)
    assert report.total.citizens == 3 and report.total.with_baseline == 4
    assert (report.total.measures["ucla"].better, report.total.measures["ucla"].same,
            report.total.measures["ucla"].worse) == (1, 1, 1)


def test_a_new_instrument_version_is_not_compared(admin, two_districts):
    hed, _ = two_districts
    a = _participant(admin, hed, 0, 1, "11111", "333")
    reassess(admin, a, decision="continue", network_size=3, who5="22222", ucla="222")
    Measurement.update(who5_version="WHO-5 ny ordlyd").where(Measurement.kind == "followup").execute()
    out = citizen_outcome(None, a)
    assert out.changes["who5"].delta is None and out.changes["network"].delta == 2
    assert outcome_report().total.measures["who5"].count == 0


def test_district_list_shows_only_citizens_with_a_follow_up(admin, two_districts):
    hed, _ = two_districts
    a = _participant(admin, hed, 0, 1, "11111", "333")
    _participant(admin, hed, 1, 1, "11111", "333")
    reassess(admin, a, decision="end", end_reason="mindre ensom", network_size=5, who5="44444", ucla="111")
    lines = district_outcomes(admin, hed)
    assert [(line.citizen_id, line.changes["ucla"].delta) for line in lines] == [(a.id, -6)]
