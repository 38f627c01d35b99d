"""The outcome totals are counted in the database (models.results.totals_query), the SQL
twin of the Python rule (models.results.compare, Change.verdict_at): on constructed
measurement histories — ties on the same day, a new baseline after the follow-up,
missing values, another instrument version, changes exactly at the thresholds, citizens
without a district — both Resultater and Evaluering must count what the Python
definition counts, citizen by citizen."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from models import base
from models.entities import Citizen, District, Measurement
from models.evaluation import FLAG_UCLA, FLAG_WHO5, THRESHOLDS, evaluation, range_period, year_period
from models.outcomes import UCLA_SEVERE_FROM, WHO5_DEPRESSION_AT_OR_BELOW
from models.results import DIRECTION, MEASURES, _latest_pairs, compare, outcome_report

D = dt.date
TODAY = D(2026, 11, 20)
VERSIONS = {"who5": ("WHO-5 da 1998", "WHO-5 ny"), "ucla": ("UCLA-3 da", "UCLA-3 ny")}


def _measure(admin, citizen, kind, day, network=None, who5=None, ucla=None, who5_version=None,
             ucla_version=None):
    return Measurement.create(
        citizen=citizen, kind=kind, measured_on=day, recorded_by=admin, network_size=network,
        who5_score=who5, who5_version=who5_version or (VERSIONS["who5"][0] if who5 is not None else None),
        ucla_score=ucla, ucla_version=ucla_version or (VERSIONS["ucla"][0] if ucla is not None else None))


@pytest.fixture
def histories(admin):
    """Hand-made edge cases, then 120 seeded random histories over three districts and none."""
    base.freeze_today(TODAY)
    districts = [District.create(name=n, home_help_count=10) for n in ("Hedensted", "Juelsminde", "Tørring")]
    serial = iter(range(10**6))

    def citizen(district):
        n = next(serial)
        return Citizen.create(cpr=f"{n % 28 + 1:02d}0140{n:04d}", name=f"Borger {n}", district=district)

    hed, jue, _tor = districts
    # exactly at the thresholds, both ways
    for sign in (1, -1):
        c = citizen(hed)
        _measure(admin, c, "baseline", D(2026, 2, 1), network=3, who5=40, ucla=6)
        _measure(admin, c, "followup", D(2026, 6, 1), network=3 + sign, who5=40 + 10 * sign, ucla=6 - sign)
        c = citizen(hed)  # one step short of the evaluation's thresholds
        _measure(admin, c, "baseline", D(2026, 2, 1), network=3, who5=40, ucla=6)
        _measure(admin, c, "followup", D(2026, 6, 1), network=3, who5=40 + 8 * sign, ucla=6)
    # a new baseline after the follow-up: nothing to compare yet
    c = citizen(hed)
    _measure(admin, c, "baseline", D(2026, 1, 10), network=1, who5=20, ucla=9)
    _measure(admin, c, "followup", D(2026, 5, 10), network=4, who5=60, ucla=5)
    _measure(admin, c, "baseline", D(2026, 8, 10), network=2, who5=28, ucla=7)
    # the same day: the later row (by id) is the later measurement
    c = citizen(jue)
    _measure(admin, c, "followup", D(2026, 4, 4), network=5, who5=80, ucla=3)
    _measure(admin, c, "baseline", D(2026, 4, 4), network=1, who5=24, ucla=8)
    c = citizen(jue)
    _measure(admin, c, "baseline", D(2026, 4, 4), network=1, who5=24, ucla=8)
    _measure(admin, c, "followup", D(2026, 4, 4), network=5, who5=80, ucla=3)
    # another instrument version: WHO-5 is not compared, the rest is
    c = citizen(jue)
    _measure(admin, c, "baseline", D(2026, 3, 1), network=2, who5=28, ucla=7)
    _measure(admin, c, "followup", D(2026, 7, 1), network=2, who5=60, ucla=7, who5_version=VERSIONS["who5"][1])
    # a follow-up without outcomes (an ending), and one with only the network
    c = citizen(None)
    _measure(admin, c, "baseline", D(2026, 3, 1), network=2, who5=28, ucla=7)
    _measure(admin, c, "followup", D(2026, 7, 1))
    c = citizen(None)
    _measure(admin, c, "baseline", D(2026, 3, 1), network=2)
    _measure(admin, c, "followup", D(2026, 7, 1), network=0, who5=50, ucla=4)
    # a baseline only
    _measure(admin, citizen(jue), "baseline", D(2026, 3, 1), network=2, who5=28, ucla=7)

    rng = random.Random(19)
    for _ in range(120):
        c = citizen(rng.choice([*districts, None]))
        for _m in range(rng.randint(1, 5)):
            day = D(2025, 10, 1) + dt.timedelta(days=rng.randrange(0, 420, 30))  # often the same day
            values = {"network": rng.choice([None, 0, 1, 2, 3, 4]),
                      "who5": rng.choice([None, *range(0, 101, 4)]), "ucla": rng.choice([None, *range(3, 10)])}
            _measure(admin, c, rng.choice(["baseline", "followup", "followup"]), day, values["network"],
                     values["who5"], values["ucla"],
                     who5_version=rng.choice(VERSIONS["who5"]) if values["who5"] is not None else None,
                     ucla_version=rng.choice(VERSIONS["ucla"]) if values["ucla"] is not None else None)
    return districts


def test_resultater_counts_what_compare_and_verdict_count(histories):
    """Per district and in total, from the Python definition citizen by citizen."""
    district_of = dict(Citizen.select(Citizen.id, Citizen.district).tuples())
    expected: dict = {}
    for cid, (b, f) in _latest_pairs().items():
        if b is None:
            continue
        for key in ("total", district_of[cid]):
            e = expected.setdefault(key, {"with_baseline": 0, "citizens": 0,
                                          **{k: [0, 0, 0, 0, 0] for k in MEASURES}})
            e["with_baseline"] += 1
            if f is None:
                continue
            e["citizens"] += 1
            for k, change in compare(b, f).items():
                if change.verdict is not None:
                    counts = e[k]
                    counts[0] += 1
                    counts[1] += change.delta
                    counts[2 + ("better", "same", "worse").index(change.verdict)] += 1
    report = outcome_report()

    def got(g):
        return {"with_baseline": g.with_baseline, "citizens": g.citizens,
                **{k: [m.count, m.total_change, m.better, m.same, m.worse] for k, m in g.measures.items()}}

    assert got(report.total) == expected["total"]
    for g in report.districts:
        assert got(g) == expected.get(g.district_id, got(type(g)(g.district_id, g.district))), g.district
    # the data is not trivial: every verdict occurs, and versions and re-screenings left some out
    assert all(expected["total"][k][2] and expected["total"][k][3] and expected["total"][k][4] for k in MEASURES)
    assert expected["total"]["who5"][0] < expected["total"]["network"][0] < expected["total"]["citizens"]


def _evaluation_expected(period):
    """The evaluation's outcome figures per district name, from compare() and verdict_at()."""
    until = period.until
    names = dict(District.select(District.id, District.name).tuples())
    rows = list(Measurement.select().where(Measurement.measured_on <= until)
                .order_by(Measurement.citizen, Measurement.measured_on, Measurement.id))
    followed = {m.citizen_id for m in rows if m.kind == "followup" and m.measured_on >= period.start}
    latest: dict[int, dict[str, Measurement]] = {}
    for m in rows:
        latest.setdefault(m.citizen_id, {})[m.kind] = m
    expected: dict = {}
    for cid in followed:
        b, f = latest[cid].get("baseline"), latest[cid]["followup"]
        if b is None or (f.measured_on, f.id) < (b.measured_on, b.id):
            continue
        changes = compare(b, f)
        if all(c.delta is None for c in changes.values()):
            continue
        district = Citizen.get_by_id(cid).district_id
        for key in ("I alt", names.get(district, "Uden distrikt")):
            e = expected.setdefault(key, {"followed_up": 0, **{k: [0, 0, 0, 0, 0, 0] for k in MEASURES},
                                          FLAG_WHO5: [0, 0, 0], FLAG_UCLA: [0, 0, 0]})
            e["followed_up"] += 1
            for k, change in changes.items():
                verdict = change.verdict_at(THRESHOLDS[k])
                if verdict is None:
                    continue
                line = e[k]
                line[0] += 1
                line[1] += change.baseline
                line[2] += change.latest
                line[3 + ("better", "same", "worse").index(verdict)] += 1
            for flag, k, in_band in ((FLAG_WHO5, "who5", lambda v: v <= WHO5_DEPRESSION_AT_OR_BELOW),
                                     (FLAG_UCLA, "ucla", lambda v: v >= UCLA_SEVERE_FROM)):
                if changes[k].delta is not None:
                    e[flag][0] += 1
                    e[flag][1] += in_band(changes[k].baseline)
                    e[flag][2] += in_band(changes[k].latest)
    return expected


@pytest.mark.parametrize("period", [lambda: year_period(2026), lambda: year_period(2025),
                                    lambda: range_period("01-03-2026", "30-06-2026")])
def test_evaluering_counts_what_compare_and_verdict_at_count(histories, period):
    period = period()
    expected = _evaluation_expected(period)
    ev = evaluation(period)
    got = {}
    for g in ev.groups:
        if not g.followed_up:
            continue
        got[g.district] = {"followed_up": g.followed_up,
                           **{k: [m.count, m.before_total, m.now_total, m.better, m.same, m.worse]
                              for k, m in g.measures.items()},
                           **{f: [line.count, line.before, line.now] for f, line in g.flags.items()}}
    assert got == expected
    assert expected, "the period has followed-up citizens"


def test_the_thresholds_are_inclusive_in_the_database(histories):
    """The hand-made citizens exactly at ±threshold count as better and worse; one step short as unchanged."""
    ev = evaluation(range_period("01-06-2026", "01-06-2026"))
    hed = ev.group("Hedensted")
    assert {k: (m.better, m.same, m.worse) for k, m in hed.measures.items()} == {
        "network": (1, 2, 1), "who5": (1, 2, 1), "ucla": (1, 2, 1)}
    assert DIRECTION["ucla"] == -1 and THRESHOLDS["who5"] == 10
