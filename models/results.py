"""Outcomes (R12): baseline vs. latest follow-up per citizen, and per district.

The plan's goals are a larger network and more quality of life, so a rise in
network size or WHO-5 is an improvement and a fall in UCLA-3 (loneliness) is an
improvement. Two answer sets are compared only when they were given with the
same instrument version, so a later wording change cannot mix results.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .base import log_access
from .entities import Citizen, District, Measurement, Staff
from .i18n import _

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


def outcome_report() -> OutcomeReport:
    """Per district and in total: mean change and how many improved, stayed, worsened."""
    names = {d.id: d.name for d in District.select().order_by(District.name)}
    groups = {d_id: GroupOutcome(d_id, name) for d_id, name in names.items()}
    total = GroupOutcome(None, _("I alt"))
    district_of = dict(Citizen.select(Citizen.id, Citizen.district)
                       .where(Citizen.id.in_(Measurement.select(Measurement.citizen))).tuples())
    for cid, (base, last) in _latest_pairs().items():
        if base is None:
            continue
        d_id = district_of.get(cid)
        targets = [total] + ([groups[d_id]] if d_id in groups else [])
        for g in targets:
            g.with_baseline += 1
        if last is None:
            continue
        changes = compare(base, last)
        for g in targets:
            g.citizens += 1
            for k, change in changes.items():
                g.measures[k].add(change)
    return OutcomeReport([g for g in groups.values()], total)


def district_outcomes(actor: Staff | None, district, limit: int = 500) -> list[CitizenOutcome]:
    """Citizens of a district with a baseline and a follow-up, baseline vs. latest (access-logged)."""
    from .access import require_own_district

    d_id = district.id if isinstance(district, District) else int(district)
    require_own_district(actor, d_id)
    citizens = {c.id: c for c in Citizen.select().where(
        (Citizen.district == d_id) & Citizen.id.in_(
            Measurement.select(Measurement.citizen).where(Measurement.kind == "followup")))
        .order_by(Citizen.name, Citizen.id).limit(limit)}
    pairs = _latest_pairs(list(citizens)) if citizens else {}
    lines = []
    for cid, c in citizens.items():
        base, last = pairs.get(cid, (None, None))
        if base is None or last is None:
            continue
        lines.append(CitizenOutcome(cid, c.name, c.cpr, "", base, last, compare(base, last)))
    if actor is not None:
        name = District.get_by_id(d_id).name
        log_access(actor, "list", criterion=f"resultater {name}", purpose="resultater")
    return lines
