"""Outcomes (R12): baseline vs. latest follow-up per citizen, and per district.

The plan's goals are a larger network and more quality of life, so a rise in
network size or WHO-5 is an improvement and a fall in UCLA-3 (loneliness) is an
improvement. Two answer sets are compared only when they were given with the
same instrument version, so a later wording change cannot mix results.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from peewee import JOIN, SQL, Case, fn

from .base import log_access
from .entities import Citizen, District, Measurement, Staff
from .i18n import _
from .outcomes import UCLA_SEVERE_FROM, WHO5_DEPRESSION_AT_OR_BELOW

MEASURES = ("network", "who5", "ucla")
MEASURE_LABELS = {"network": "Netværk", "who5": "WHO-5", "ucla": "UCLA-3"}


def measure_label(measure: str) -> str:
    """A measure's name in the user's language (MEASURE_LABELS keeps the Danish words for files)."""
    return _("Netværk") if measure == "network" else MEASURE_LABELS.get(measure, measure)


# +1: a higher value is better; -1: a lower value is better.
DIRECTION = {"network": 1, "who5": 1, "ucla": -1}


@dataclass
class Change:
    measure: str
    baseline: int | None
    latest: int | None

    @property
    def delta(self) -> int | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline

    @property
    def verdict(self) -> str | None:
        """'better', 'same' or 'worse' (None when there is nothing to compare)."""
        return self.verdict_at(1)

    def verdict_at(self, threshold: int) -> str | None:
        """'better' / 'worse' when the change in the good direction / the bad one is at
        least ``threshold`` (e.g. 10 WHO-5 points), else 'same'; None with nothing to compare."""
        if self.delta is None:
            return None
        signed = self.delta * DIRECTION[self.measure]
        return "better" if signed >= threshold else ("worse" if signed <= -threshold else "same")


@dataclass
class CitizenOutcome:
    citizen_id: int
    name: str
    cpr: str
    district: str
    baseline: Measurement | None
    latest: Measurement | None
    changes: dict[str, Change] = field(default_factory=dict)


def _values(m: Measurement | None) -> dict[str, tuple[int | None, str | None]]:
    if m is None:
        return {k: (None, None) for k in MEASURES}
    return {"network": (m.network_size, "network"), "who5": (m.who5_score, m.who5_version),
            "ucla": (m.ucla_score, m.ucla_version)}


def compare(baseline: Measurement | None, latest: Measurement | None) -> dict[str, Change]:
    base, last = _values(baseline), _values(latest)
    changes = {}
    for k in MEASURES:
        (b, bv), (v, lv) = base[k], last[k]
        if b is not None and v is not None and bv != lv:
            v = None  # another wording of the instrument: not comparable
        changes[k] = Change(k, b, v)
    return changes


def _latest_pairs(citizen_ids: list[int] | None = None) -> dict[int, tuple[Measurement | None, Measurement | None]]:
    """Per citizen: the latest baseline and the latest follow-up after it."""
    query = Measurement.select().order_by(Measurement.citizen, Measurement.measured_on, Measurement.id)
    if citizen_ids is not None:
        query = query.where(Measurement.citizen.in_(citizen_ids))
    pairs: dict[int, tuple[Measurement | None, Measurement | None]] = {}
    for m in query:
        base, last = pairs.get(m.citizen_id, (None, None))
        if m.kind == "baseline":
            pairs[m.citizen_id] = (m, None)
        else:
            pairs[m.citizen_id] = (base, m)
    return pairs


def citizen_outcome(actor: Staff | None, citizen: Citizen | int) -> CitizenOutcome:
    """Baseline vs. latest follow-up for one citizen (an access-logged read)."""
    person = citizen if isinstance(citizen, Citizen) else Citizen.get_by_id(citizen)
    base, last = _latest_pairs([person.id]).get(person.id, (None, None))
    if actor is not None:
        log_access(actor, "open_citizen", citizen=person, criterion="resultater", purpose="resultater")
    return CitizenOutcome(person.id, person.name, person.cpr,
                          person.district.name if person.district_id else "", base, last, compare(base, last))


@dataclass
class MeasureSummary:
    measure: str
    count: int = 0  # citizens with both values
    total_change: int = 0
    better: int = 0
    same: int = 0
    worse: int = 0

    @property
    def mean_change(self) -> float | None:
        return self.total_change / self.count if self.count else None

    def add(self, change: Change) -> None:
        if change.verdict is None:
            return
        self.count += 1
        self.total_change += change.delta
        setattr(self, change.verdict, getattr(self, change.verdict) + 1)


@dataclass
class GroupOutcome:
    district_id: int | None  # None: all districts
    district: str
    citizens: int = 0  # with a baseline and a follow-up
    with_baseline: int = 0
    measures: dict[str, MeasureSummary] = field(default_factory=dict)

    def __post_init__(self):
        if not self.measures:
            self.measures = {k: MeasureSummary(k) for k in MEASURES}


@dataclass
class OutcomeReport:
    districts: list[GroupOutcome]
    total: GroupOutcome


def latest_measurement(kind: str, citizen_ref, until=None):
    """The id of a citizen's latest measurement of ``kind`` (up to ``until``), as a
    correlated subquery: the order :func:`_latest_pairs` reads them in (date, then id)."""
    m = Measurement.alias(f"latest_{kind}")
    where = (m.citizen == citizen_ref) & (m.kind == kind)
    if until is not None:
        where &= m.measured_on <= until
    return m.select(m.id).where(where).order_by(m.measured_on.desc(), m.id.desc()).limit(1)


# --- the SQL twin of compare() and Change.verdict_at(), for the per-district totals ---------
# The rule's definition is the Python above; these count the same in the database, so a
# report reads one row per district instead of every measurement. tests/domain/
# test_results_sql.py checks that the two agree on constructed histories.

_VALUE = {"network": "network_size", "who5": "who5_score", "ucla": "ucla_score"}
_VERSION = {"who5": "who5_version", "ucla": "ucla_version"}
BANDS = {"who5": ("<=", WHO5_DEPRESSION_AT_OR_BELOW), "ucla": (">=", UCLA_SEVERE_FROM)}


def _comparable(k: str, base, last):
    """Both values given, with the same instrument version (as :func:`compare`)."""
    b, v = getattr(base, _VALUE[k]), getattr(last, _VALUE[k])
    ok = b.is_null(False) & v.is_null(False)
    if k in _VERSION:
        bv, lv = getattr(base, _VERSION[k]), getattr(last, _VERSION[k])
        ok &= (bv == lv) | (bv.is_null() & lv.is_null())
    return ok


def _count(condition):
    return fn.SUM(Case(None, [(condition, 1)], 0))


@dataclass
class MeasureTotals:
    """One measure over a group of citizens, as counted in the database."""

    count: int = 0  # citizens compared (both values, one version)
    before: int = 0  # sum of the baselines compared
    now: int = 0  # sum of the latest values compared
    better: int = 0
    worse: int = 0
    band_before: int = 0  # in the band (BANDS) at baseline / now, among those compared
    band_now: int = 0

    @property
    def same(self) -> int:
        return self.count - self.better - self.worse


@dataclass
class OutcomeTotals:
    pairs: int = 0  # citizens with a baseline (the rows of the pairs query)
    followed: int = 0  # ... with a follow-up after it
    compared: int = 0  # ... of which at least one measure is compared
    measures: dict[str, MeasureTotals] = field(default_factory=dict)


def totals_query(pairs, thresholds: dict[str, int]):
    """Per district, the figures :class:`OutcomeTotals` holds: ``pairs`` is a query of (``did``,
    baseline id ``b``, follow-up id ``f``), one row per citizen with a baseline; the follow-up
    counts when it comes after the baseline (date, then id). Better / worse as
    :meth:`Change.verdict_at` with ``thresholds``; read it with :func:`outcome_totals`."""
    c = pairs.c
    base, last = Measurement.alias("base"), Measurement.alias("last")
    after = (last.measured_on > base.measured_on) | ((last.measured_on == base.measured_on) & (last.id > base.id))
    compared = [_comparable(k, base, last) for k in MEASURES]
    any_compared = compared[0]
    for ok in compared[1:]:
        any_compared |= ok
    columns = [fn.COUNT(SQL("*")), fn.COUNT(last.id), _count(any_compared)]
    for k, ok in zip(MEASURES, compared, strict=True):
        b, v = getattr(base, _VALUE[k]), getattr(last, _VALUE[k])
        signed = (v - b) if DIRECTION[k] > 0 else (b - v)
        columns += [_count(ok), fn.SUM(Case(None, [(ok, b)], 0)), fn.SUM(Case(None, [(ok, v)], 0)),
                    _count(ok & (signed >= thresholds[k])), _count(ok & (signed <= -thresholds[k]))]
        if k in BANDS:
            op, mark = BANDS[k]
            columns += [_count(ok & ((b <= mark) if op == "<=" else (b >= mark))),
                        _count(ok & ((v <= mark) if op == "<=" else (v >= mark)))]
        else:
            columns += [SQL("0"), SQL("0")]
    return (pairs.select_from(c.did, *columns)
            .join(base, on=(base.id == c.b))
            .join(last, JOIN.LEFT_OUTER, on=((last.id == c.f) & after))
            .group_by(c.did))


def outcome_totals(query) -> dict[int | None, OutcomeTotals]:
    """The rows of :func:`totals_query`, by district id."""
    result: dict[int | None, OutcomeTotals] = {}
    for d_id, n, followed, n_compared, *values in query.tuples():
        totals = OutcomeTotals(int(n or 0), int(followed or 0), int(n_compared or 0))
        for i, k in enumerate(MEASURES):
            totals.measures[k] = MeasureTotals(*(int(x or 0) for x in values[7 * i:7 * i + 7]))
        result[d_id] = totals
    return result


def outcome_report() -> OutcomeReport:
    """Per district and in total: mean change and how many improved, stayed, worsened
    (one row per district from the database: :func:`outcome_totals`)."""
    names = {d.id: d.name for d in District.select().order_by(District.name)}
    groups = {d_id: GroupOutcome(d_id, name) for d_id, name in names.items()}
    total = GroupOutcome(None, _("I alt"))
    with_baseline = Citizen.id.in_(Measurement.select(Measurement.citizen).where(Measurement.kind == "baseline"))
    pairs = (Citizen.select(Citizen.district.alias("did"), latest_measurement("baseline", Citizen.id).alias("b"),
                            latest_measurement("followup", Citizen.id).alias("f"))
             .where(with_baseline))
    for d_id, totals in outcome_totals(totals_query(pairs, {k: 1 for k in MEASURES})).items():
        for g in [total] + ([groups[d_id]] if d_id in groups else []):
            g.with_baseline += totals.pairs
            g.citizens += totals.followed
            for k, m in totals.measures.items():
                summary = g.measures[k]
                summary.count += m.count
                summary.total_change += m.now - m.before
                summary.better += m.better
                summary.same += m.same
                summary.worse += m.worse
    return OutcomeReport([g for g in groups.values()], total)


DISTRICT_LIST_LIMIT = 100  # the screen shows these, with the district's count (outcome_report) beside them


def district_outcomes(actor: Staff | None, district, limit: int = DISTRICT_LIST_LIMIT,
                      offset: int = 0) -> list[CitizenOutcome]:
    """Citizens of a district with a baseline and a follow-up after it, by name, baseline vs.
    latest (access-logged). The pairs are found in the database (the latest of each kind,
    as :func:`_latest_pairs` orders them); only the ``limit`` listed are read."""
    from .access import require_own_district

    d_id = district.id if isinstance(district, District) else int(district)
    require_own_district(actor, d_id)
    base_id, last_id = latest_measurement("baseline", Citizen.id), latest_measurement("followup", Citizen.id)
    pairs = (Citizen.select(Citizen.id.alias("cid"), Citizen.name.alias("name"), Citizen.cpr.alias("cpr"),
                            base_id.alias("b"), last_id.alias("f"))
             .where((Citizen.district == d_id) & Citizen.id.in_(
                 Measurement.select(Measurement.citizen).where(Measurement.kind == "followup"))))
    c = pairs.c
    base, last = Measurement.alias("base"), Measurement.alias("last")
    after = (last.measured_on > base.measured_on) | ((last.measured_on == base.measured_on) & (last.id > base.id))
    rows = list(pairs.select_from(c.cid, c.name, c.cpr, c.b, c.f)
                .join(base, on=(base.id == c.b)).join(last, on=((last.id == c.f) & after))
                .order_by(c.name, c.cid).limit(limit).offset(offset).tuples())
    measured = {m.id: m for m in Measurement.select().where(
        Measurement.id.in_([r[3] for r in rows] + [r[4] for r in rows]))} if rows else {}
    lines = [CitizenOutcome(cid, name, cpr, "", measured[b], measured[f], compare(measured[b], measured[f]))
             for cid, name, cpr, b, f in rows]
    if actor is not None:
        name = District.get_by_id(d_id).name
        log_access(actor, "list", criterion=f"resultater {name}", purpose="resultater")
    return lines
