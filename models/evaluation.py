"""The period's evaluation (issue #19): what the scheme achieved, against the plan's goals.

One read for the Evaluering screen, ``cirkel evaluation`` and its workbook.
Everything is counted in the database with grouped aggregates (one row per
district and state, month or offer), never by loading the punches; the rows
that do come back are bounded by the number of districts, months, offers,
reasons and outings, or (outcomes) by the citizens followed up in the period.

What the figures mean (the rules, in one place):

* **Months.** The period's calendar months up to today (a running month counts
  up to today). A citizen's district is their district now.
* **Participants per month.** ``Aktive``, ``På pause`` and ``Venteliste`` are
  the citizens in that state at the end of the month (today for the running
  month), from the dated state history: each citizen is counted once per month
  however often their state changed in it. ``Startet``: citizens admitted in
  the month (a move to active from eligible or the waitlist, as in
  :mod:`models.participation`; a resume after a pause is no start).
  ``Afsluttet``: participants (active or paused) whose participation ended in
  the month. Each counted once per month.
* **Clips per month** are the ledger's net clips dated in the month (punches
  and imported clips minus reversals), so a year adds up to that year's
  ``Klip`` sheet of ``cirkel export --year``. The even pace is the district
  pool's allocated clips spread evenly over the year's days
  (as :func:`models.pools.pool_figures` has it).
* **Activities.** The same clips by catalogue offer and category; a reversal
  counts against the offer of the punch it reverses. A citizen's own idea is a
  punch without a catalogue offer and outside an outing (the plan's
  self-determination goal); imported clips have no activity.
* **Outcomes** (R12): per citizen followed up in the period, the latest
  baseline against the latest follow-up up to the period's end, compared only
  within one instrument version (:func:`models.results.compare`). Improved or
  worse beyond a stated threshold: WHO-5 10 points (the usual clinically
  relevant change), UCLA-3 1 point (one answer step: the scale is 3–9),
  network 1 person (one more person in regular contact). The bands: WHO-5 ≤ 28
  (possible depression) and UCLA-3 ≥ 7 (severe loneliness), at baseline and now,
  among the same citizens.
* **Reasons for ending**: the participants' endings in the period, by the
  reason given (one of the reassessment's reasons; any other text is "andet").
* **Outings**: joint outings held in the period (``held_on``, the day their
  transport is booked); seats offered, seated sign-ups, attendance, transport.
"""
from __future__ import annotations

import calendar
import copy
import datetime as _dt
import decimal
import re
from dataclasses import dataclass, field

from peewee import JOIN, SQL, Case, Select, fn

from .base import DomainError, today
from .entities import (
    END_REASONS,
    PUNCH_IMPORT,
    PUNCH_REVERSAL,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_PAUSED,
    STATE_WAITLISTED,
    Budget,
    CatalogueItem,
    Citizen,
    District,
    Event,
    Measurement,
    Pool,
    Punch,
    StateChange,
)
from .events import EventRow  # first: models.events loads its listings module in the order they need

# isort: split
from .event_listings import _events_query as events_query
from .event_listings import _rows as event_rows
from .i18n import _, pgettext
from .inputs import parse_date
from .outcomes import UCLA_SEVERE_FROM, WHO5_DEPRESSION_AT_OR_BELOW
from .results import MEASURES, latest_measurement, outcome_totals, totals_query

TOTAL = "I alt"
NO_DISTRICT = "Uden distrikt"
MAX_MONTHS = 60  # five years: the longest period one evaluation covers
MAX_DISTRICTS = 200
MAX_GROUPS = 5000  # the most rows any grouped read returns (offers × districts × months stay far below)
MAX_OUTINGS = 2000
MAX_IDEAS = 1000

# Improved / worse only beyond these changes (points; persons for the network).
THRESHOLDS = {"who5": 10, "ucla": 1, "network": 1}
THRESHOLD_LABELS = {"who5": "±10 point", "ucla": "±1 point", "network": "±1 person"}
FLAG_WHO5 = "who5_low"
FLAG_UCLA = "ucla_high"
FLAG_LABELS = {FLAG_WHO5: f"WHO-5 ≤ {WHO5_DEPRESSION_AT_OR_BELOW}", FLAG_UCLA: f"UCLA-3 ≥ {UCLA_SEVERE_FROM}"}

CATEGORY_IMPORT = "importeret"
CATEGORY_OWN = "egen idé"
CATEGORY_OUTING = "fællestur"
OWN_IDEAS_ROW = "Borgernes egne idéer"
OUTING_WITHOUT_OFFER = "Fællestur uden katalogtilbud"
IMPORTED_ROW = "Importerede klip"
OTHER_REASON = "andet"


def category_label(category: str) -> str:
    """An activity category in the user's language, capitalised (the workbook keeps the Danish words)."""
    return {"ledsagelse": _("Ledsagelse"), "hjemme": _("Hjemme"), "fællestur": _("Fællestur"), "andet": _("Andet"),
            CATEGORY_IMPORT: _("Importeret"), CATEGORY_OWN: _("Egen idé")}.get(category, category.capitalize())

ALL = object()  # _ledger: every citizen, not one district's

MONTH_ABBR = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


# --- the period -----------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationPeriod:
    start: _dt.date
    end: _dt.date
    kind: str  # "year" | "range"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%d-%m-%Y} – {self.end:%d-%m-%Y}"

    def default_filename(self) -> str:
        if self.kind == "year":
            return f"cirkel-evaluering-{self.start.year}.xlsx"
        return f"cirkel-evaluering-{self.start:%Y-%m-%d}-{self.end:%Y-%m-%d}.xlsx"

    @property
    def until(self) -> _dt.date:
        """The last day counted: the period's end, or today while it runs."""
        return min(self.end, today())


def year_period(year: int) -> EvaluationPeriod:
    if not 1900 <= int(year) <= 2100:
        raise DomainError(_("Året {year} er uden for det mulige.").format(year=year), field="period")
    return _checked(EvaluationPeriod(_dt.date(year, 1, 1), _dt.date(year, 12, 31), "year"))


def range_period(start, end) -> EvaluationPeriod:
    first = parse_date(start, field="period")
    last = parse_date(end, field="period")
    if last < first:
        raise DomainError(_("Periodens slutdato ligger før startdatoen."), field="period")
    if first.month == 1 and first.day == 1 and last == _dt.date(first.year, 12, 31):
        return year_period(first.year)
    return _checked(EvaluationPeriod(first, last, "range"))


def _checked(period: EvaluationPeriod) -> EvaluationPeriod:
    if period.start > today():
        raise DomainError(_("Perioden {label} er ikke begyndt endnu.").format(label=period.label), field="period")
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    if months > MAX_MONTHS:
        raise DomainError(_("En evaluering dækker højst {value} år; vælg en kortere periode.").format(value=MAX_MONTHS // 12),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="period")
    return period


_SPLIT = re.compile(r"\s+(?:–|-|til)\s+|\s*–\s*|\s+")


def parse_period(text: str) -> EvaluationPeriod:
    """What a leader types: ``2026``, or two dates (``01-01-2026 – 30-06-2026``, ``2026-01-01 2026-06-30``)."""
    raw = " ".join((text or "").split())
    if not raw:
        raise DomainError(_("Skriv et år (ÅÅÅÅ) eller to datoer (fra – til)."), field="period")
    if re.fullmatch(r"\d{4}", raw):
        return year_period(int(raw))
    parts = [p for p in _SPLIT.split(raw) if p]
    if len(parts) != 2 or not all(re.search(r"\d", p) for p in parts):
        raise DomainError(_("Ugyldig periode '{raw}'; skriv ÅÅÅÅ eller DD-MM-ÅÅÅÅ – DD-MM-ÅÅÅÅ.").format(raw=raw[:40]),
                          field="period")
    return range_period(parts[0], parts[1])


@dataclass(frozen=True)
class Month:
    first: _dt.date  # the first day counted (the period's start in its first month)
    last: _dt.date  # the last day counted (the month's end, the period's end or today)

    @property
    def month_start(self) -> _dt.date:
        return self.first.replace(day=1)

    @property
    def label(self) -> str:
        return f"{pgettext('month', MONTH_ABBR[self.first.month - 1])} {self.first.year}"  # "maj 2026", "May 2026"


def months_of(period: EvaluationPeriod) -> list[Month]:
    months = []
    until = period.until
    day = period.start
    while day <= until:
        last_of_month = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        months.append(Month(day, min(last_of_month, until)))
        day = last_of_month + _dt.timedelta(days=1)
    return months


# --- the figures ----------------------------------------------------------------------

@dataclass
class MonthCounts:
    active: int = 0
    paused: int = 0
    waitlisted: int = 0
    joined: int = 0
    ended: int = 0
    clips: int = 0  # net clips dated in the month
    pace: float = 0.0  # the pool's even pace for the month's days counted


@dataclass
class ActivityLine:
    category: str  # a catalogue category, "fællestur", "egen idé" or "importeret"
    activity: str
    own_idea: bool
    registrations: int  # punches less reversals
    clips: int


@dataclass
class MeasureLine:
    measure: str  # "who5" | "ucla" | "network"
    count: int = 0  # citizens with both values, one instrument version
    before_total: int = 0
    now_total: int = 0
    better: int = 0
    same: int = 0
    worse: int = 0

    @property
    def before(self) -> float | None:
        return self.before_total / self.count if self.count else None

    @property
    def now(self) -> float | None:
        return self.now_total / self.count if self.count else None

    @property
    def change(self) -> float | None:
        return (self.now_total - self.before_total) / self.count if self.count else None

    def share(self, verdict: str) -> float | None:
        return getattr(self, verdict) / self.count if self.count else None


@dataclass
class FlagLine:
    flag: str  # FLAG_WHO5 | FLAG_UCLA
    count: int = 0  # citizens compared on the measure
    before: int = 0  # in the band at baseline
    now: int = 0  # in the band at the latest follow-up


@dataclass
class Group:
    """One district's figures, or the total (``district_id`` None)."""

    district_id: int | None
    district: str
    months: list[MonthCounts] = field(default_factory=list)
    participants: int = 0  # active or paused at any time in the period
    activities: dict[tuple, ActivityLine] = field(default_factory=dict)
    measures: dict[str, MeasureLine] = field(default_factory=dict)
    flags: dict[str, FlagLine] = field(default_factory=dict)
    followed_up: int = 0  # citizens with a baseline and a follow-up compared
    reasons: dict[str, int] = field(default_factory=dict)
    ledger_loaded: bool = False  # clips per month and activities read (see load_district_ledger)

    def __post_init__(self):
        if not self.measures:
            self.measures = {k: MeasureLine(k) for k in MEASURES}
        if not self.flags:
            self.flags = {f: FlagLine(f) for f in FLAG_LABELS}

    @property
    def clips(self) -> int:
        return sum(m.clips for m in self.months)

    @property
    def pace(self) -> float:
        return sum(m.pace for m in self.months)

    @property
    def joined(self) -> int:
        return sum(m.joined for m in self.months)

    @property
    def ended(self) -> int:
        return sum(m.ended for m in self.months)

    @property
    def own_idea_clips(self) -> int:
        return sum(a.clips for a in self.activities.values() if a.own_idea)

    @property
    def own_idea_share(self) -> float | None:
        chosen = sum(a.clips for a in self.activities.values() if a.category != CATEGORY_IMPORT)
        return self.own_idea_clips / chosen if chosen > 0 else None

    def by_category(self) -> list[tuple[str, int, int]]:
        """(category, registrations, clips), most clips first."""
        cats: dict[str, list[int]] = {}
        for a in self.activities.values():
            entry = cats.setdefault(a.category, [0, 0])
            entry[0] += a.registrations
            entry[1] += a.clips
        return sorted(((c, r, k) for c, (r, k) in cats.items()), key=lambda e: (-e[2], e[0]))

    @property
    def reasons_total(self) -> int:
        return sum(self.reasons.values())


@dataclass
class OutingTotals:
    held: int = 0
    seats: int = 0
    taken: int = 0
    attended: int = 0
    absent: int = 0
    transport_dkk: decimal.Decimal = decimal.Decimal("0.00")

    @property
    def attendance_rate(self) -> float | None:
        """Attended of the seated sign-ups whose attendance was marked."""
        marked = self.attended + self.absent
        return self.attended / marked if marked else None

    def add(self, row: EventRow) -> None:
        self.held += 1
        self.seats += row.seats
        self.taken += row.taken
        self.attended += row.attended
        self.absent += row.absent
        self.transport_dkk += decimal.Decimal(row.transport_cost_dkk or 0)


@dataclass
class Evaluation:
    period: EvaluationPeriod
    months: list[Month]
    districts: list[Group]
    total: Group
    outings: list[EventRow] = field(default_factory=list)
    outing_totals: dict[str, OutingTotals] = field(default_factory=dict)  # by district name and TOTAL
    complete: bool = True  # False: the participants' figures only (evaluate_participants, complete_evaluation)

    @property
    def groups(self) -> list[Group]:
        return [*self.districts, self.total]

    def group(self, district: str) -> Group:
        for g in self.groups:
            if g.district == district:
                return g
        raise KeyError(district)


# --- the reads --------------------------------------------------------------------

def _run(query) -> list[tuple]:
    return list(query.tuples())


def aggregate_queries(period: EvaluationPeriod) -> list:
    """The aggregate queries the screen runs (for the benchmark's raw-SQL floor: ``q.sql()``)."""
    months = months_of(period)
    return [_stocks_query(period, months), _flows_query(period, months),
            _ledger_query(period, months), _outcome_query(period), _reasons_query(period)]


def _month_case(column, months: list[Month]):
    """The month's index (0…) of a date column, as a CASE (portable SQL)."""
    return Case(None, [(column <= m.last, i) for i, m in enumerate(months)], len(months))


def _intervals(period: EvaluationPeriod, states: list[str]):
    """The state history as intervals: each change to one of ``states`` up to the
    period's last day, from its date up to (not including) the citizen's next change."""
    later = StateChange.alias("later")
    # later: after in (date, id) order — "on or after the date" first, so the probe seeks into the
    # citizen's (citizen, on) index at the date instead of reading all of the citizen's changes (issue #17)
    stop = (later.select(fn.MIN(later.on))
            .where((later.citizen == StateChange.citizen) & (later.on >= StateChange.on)
                   & ((later.on > StateChange.on) | (later.id > StateChange.id))))
    return (StateChange.select(StateChange.citizen.alias("cid"), Citizen.district.alias("did"),
                               StateChange.to_state.alias("st"), StateChange.on.alias("start"), stop.alias("stop"))
            .join(Citizen, on=(StateChange.citizen == Citizen.id))
            .where(StateChange.to_state.in_(states) & (StateChange.on <= period.until)))


STOCK_STATES = (STATE_ACTIVE, STATE_PAUSED, STATE_WAITLISTED)
STOCK_FIELDS = {STATE_ACTIVE: "active", STATE_PAUSED: "paused", STATE_WAITLISTED: "waitlisted"}
IN_PERIOD = "in_period"  # the stocks query's rows of participants in the period


def _stocks_query(period: EvaluationPeriod, months: list[Month]):
    """Per district and state: the intervals counted by the month they start in and the
    month they stop in (a CASE each, portable SQL), so a handful of rows carry every
    month's end count: an interval is open at month i's end when start <= i < stop.

    With them, from the same intervals (one scan of the state history, a CTE), rows
    ``(district, IN_PERIOD, -1, -1, n)``: the distinct citizens active or paused at any
    time in the period."""
    intervals = _intervals(period, list(STOCK_STATES)).cte("intervals", materialized=True)
    c = intervals.c
    first = Case(None, [(c.start <= m.last, i) for i, m in enumerate(months)], len(months))
    stop = Case(None, [(c.stop.is_null(), len(months))]
                + [(c.stop <= m.last, i) for i, m in enumerate(months)], len(months))
    # The CASE columns are grouped by position: PostgreSQL does not match a CASE with bound parameters
    # in GROUP BY to the same CASE in the select list (issue #18); SQLite takes either.
    stocks = (Select([intervals], [c.did, c.st, first.alias("first"), stop.alias("stop"), fn.COUNT(c.cid)])
              .group_by(c.did, c.st, SQL("3"), SQL("4")))
    in_period = (Select([intervals], [c.did, SQL(f"'{IN_PERIOD}'"), SQL("-1"), SQL("-1"), fn.COUNT(c.cid.distinct())])
                 .where(c.st.in_([STATE_ACTIVE, STATE_PAUSED])
                        & (c.stop.is_null() | ((c.stop > period.start) & (c.stop > c.start))))
                 .group_by(c.did))
    return (stocks + in_period).with_cte(intervals).limit(MAX_GROUPS).bind(Citizen._meta.database)


def _flows_query(period: EvaluationPeriod, months: list[Month]):
    """Per district and kind ("joined" / "ended"): distinct citizens per month."""
    joined = (StateChange.to_state == STATE_ACTIVE) & StateChange.from_state.in_([STATE_ELIGIBLE, STATE_WAITLISTED])
    ended = (StateChange.to_state == STATE_ENDED) & StateChange.from_state.in_([STATE_ACTIVE, STATE_PAUSED])
    kind = Case(None, [(joined, "joined")], "ended")
    per_month = [fn.COUNT(Case(None, [((StateChange.on >= m.first) & (StateChange.on <= m.last),
                                       StateChange.citizen)]).distinct()) for m in months]
    query = (StateChange.select(Citizen.district, kind, *per_month)  # kind grouped by position, as above
             .join(Citizen, on=(StateChange.citizen == Citizen.id))
             .where((joined | ended) & StateChange.on.between(period.start, period.until))
             .group_by(Citizen.district, SQL("2")).limit(MAX_GROUPS))
    return query


def _ledger_query(period: EvaluationPeriod, months: list[Month], district=ALL):
    """Net clips and registrations per month and offer: for all citizens (``ALL``) or one
    district's (None: citizens without one).

    Two levels, so the database streams instead of sorting: per day, offer, outing and
    kind in the order of the covering index ``punch (punched_on, catalogue_item, event,
    kind, …)`` (a few thousand groups a year), then those per month. A reversal counts
    against the offer, outing and kind of the punch it reverses (the few reversals are
    read with their original, beside the punches)."""
    where = Punch.punched_on.between(period.start, period.until)
    if district is not ALL:
        citizens = Citizen.select(Citizen.id).where(
            Citizen.district.is_null() if district is None else (Citizen.district == district))
        where &= Punch.citizen.in_(citizens)
    daily = (Punch.select(Punch.punched_on.alias("day"), Punch.catalogue_item.alias("item"),
                          Punch.event.alias("event"), Punch.kind.alias("kind"), fn.COUNT(SQL("*")).alias("n"),
                          fn.SUM(Punch.clips).alias("clips"))
             .where(where & (Punch.kind != PUNCH_REVERSAL))
             .group_by(Punch.punched_on, Punch.catalogue_item, Punch.event, Punch.kind))
    original = Punch.alias("original")
    reversals = (Punch.select(Punch.punched_on, original.catalogue_item, original.event, original.kind,
                              fn.COUNT(SQL("*")) * -1, fn.SUM(Punch.clips))
                 .join(original, on=(Punch.reverses == original.id))
                 .where(where & (Punch.kind == PUNCH_REVERSAL))
                 .group_by(Punch.punched_on, original.catalogue_item, original.event, original.kind))
    entries = daily + reversals  # UNION ALL
    c = entries.c
    month = Case(None, [(c.day <= m.last, i) for i, m in enumerate(months)], len(months))
    outing = Case(None, [(c.event.is_null(False), 1)], 0)
    imported = Case(None, [(c.kind == PUNCH_IMPORT, 1)], 0)
    # the CASE columns grouped by position (see _stocks_query)
    return (entries.select_from(month.alias("month"), c.item, outing.alias("outing"), imported.alias("imported"),
                                fn.SUM(c.n), fn.SUM(c.clips))
            .group_by(SQL("1"), c.item, SQL("3"), SQL("4")).limit(MAX_GROUPS))


def _catalogue() -> dict[int, tuple[str, str]]:
    return {i: (name, cat) for i, name, cat in CatalogueItem.select(
        CatalogueItem.id, CatalogueItem.name, CatalogueItem.category).limit(MAX_GROUPS).tuples()}


def _fill_ledger(g: "Group", rows, items) -> None:
    for month, item, outing, imported, registrations, clips in rows:
        key, line = _activity(item, bool(outing), bool(imported), items)
        if month < len(g.months):
            g.months[month].clips += int(clips or 0)
        entry = g.activities.setdefault(key, ActivityLine(*line, 0, 0))
        entry.registrations += int(registrations or 0)
        entry.clips += int(clips or 0)
    g.ledger_loaded = True


def load_district_ledger(ev: "Evaluation", group: "Group") -> "Group":
    """Fill one district's clips per month and activities (the screen asks when the
    leader picks the district: a join of every punch to its citizen costs more than
    the whole screen may, so the total is read first and each district on demand)."""
    if not group.ledger_loaded:
        _fill_ledger(group, _run(_ledger_query(ev.period, ev.months, group.district_id)), _catalogue())
    return group


def own_idea_texts(period: EvaluationPeriod, limit: int = MAX_IDEAS) -> list[ActivityLine]:
    """The citizens' own ideas of the period by their text, most clips first; beyond
    ``limit`` texts the rest are one line, so the lines add up to the own-idea clips."""
    original = Punch.alias("original")
    reversal = Punch.kind == PUNCH_REVERSAL
    item = Case(None, [(reversal, original.catalogue_item)], Punch.catalogue_item)
    event = Case(None, [(reversal, original.event)], Punch.event)
    kind = Case(None, [(reversal, original.kind)], Punch.kind)
    clips, registrations = fn.SUM(Punch.clips), fn.SUM(Case(None, [(reversal, -1)], 1))
    query = (Punch.select(Punch.activity, registrations, clips)
             .join(original, JOIN.LEFT_OUTER, on=(Punch.reverses == original.id))
             .where(Punch.punched_on.between(period.start, period.until) & item.is_null() & event.is_null()
                    & (kind != PUNCH_IMPORT))
             .group_by(Punch.activity).order_by(clips.desc(), Punch.activity))
    lines, rest = [], ActivityLine(CATEGORY_OWN, "Øvrige egne idéer", True, 0, 0)
    for i, (text, n, k) in enumerate(query.tuples().iterator()):
        if i < limit:
            lines.append(ActivityLine(CATEGORY_OWN, text or "", True, int(n or 0), int(k or 0)))
        else:
            rest.registrations += int(n or 0)
            rest.clips += int(k or 0)
    return lines + ([rest] if rest.registrations or rest.clips else [])


def _outcome_query(period: EvaluationPeriod):
    """Per district: the citizens followed up in the period, each by their latest baseline
    and latest follow-up up to the period's end, compared in the database
    (:func:`models.results.totals_query`, the SQL twin of ``compare`` and ``verdict_at``)."""
    until = period.until
    followed = (Measurement.select(Measurement.citizen)
                .where((Measurement.kind == "followup") & Measurement.measured_on.between(period.start, until)))
    pairs = (Citizen.select(Citizen.district.alias("did"), latest_measurement("baseline", Citizen.id, until).alias("b"),
                            latest_measurement("followup", Citizen.id, until).alias("f"))
             .where(Citizen.id.in_(followed)))
    return totals_query(pairs, THRESHOLDS)


def _reasons_query(period: EvaluationPeriod):
    query = (StateChange.select(Citizen.district, StateChange.reason, fn.COUNT(StateChange.id))
             .join(Citizen, on=(StateChange.citizen == Citizen.id))
             .where((StateChange.to_state == STATE_ENDED) & StateChange.from_state.in_([STATE_ACTIVE, STATE_PAUSED])
                    & StateChange.on.between(period.start, period.until))
             .group_by(Citizen.district, StateChange.reason).limit(MAX_GROUPS))
    return query


def reason_of(text: str | None) -> str:
    """The reason an ending was given: one of the reassessment's reasons, else "andet"."""
    folded = (text or "").strip().casefold()
    for reason in sorted(END_REASONS, key=len, reverse=True):
        if folded == reason or folded.startswith(reason + " ") or folded.startswith(reason + "—"):
            return reason
    return OTHER_REASON


def held_outings(period: EvaluationPeriod) -> list[EventRow]:
    """Joint outings held in the period (not a programme's café), in date order."""
    query = (events_query().where((Event.status == "held") & Event.programme.is_null()
                                  & Event.held_on.between(period.start, period.until))
             .order_by(Event.held_on, Event.starts_at, Event.id).limit(MAX_OUTINGS))
    return event_rows(query)


def _allocated(years: list[int]) -> dict[int, dict[int, int]]:
    """Per year and active district the pool's allocated clips (as :func:`models.pools.pool_figures`
    has them, in one query instead of its several per district)."""
    allocated: dict[int, dict[int, int]] = {year: {} for year in years}
    for year, d_id, clips in (Pool.select(Budget.year, Pool.district, Pool.allocated).join(Budget)
                              .switch(Pool).join(District)
                              .where(Budget.year.in_(years) & (District.active == True)).tuples()):  # noqa: E712
        allocated[year][d_id] = int(clips or 0)
    return allocated


def _pace(months: list[Month], allocated_by_year: dict[int, int]) -> list[float]:
    paces = []
    for m in months:
        days_in_year = 366 if calendar.isleap(m.first.year) else 365
        paces.append(allocated_by_year.get(m.first.year, 0) * ((m.last - m.first).days + 1) / days_in_year)
    return paces


def evaluate(period_text: str) -> Evaluation:
    """The period as typed (a Danish refusal at the field ``period``), all its figures."""
    return evaluation(parse_period(period_text))


def evaluate_participants(period_text: str) -> Evaluation:
    """The screen's first read: the period as typed, with the participants' figures only (the
    first tab and the status line); :func:`complete_evaluation` reads the rest."""
    return _participants(parse_period(period_text))


def complete_evaluation(ev: Evaluation) -> Evaluation:
    """The rest of a first read's figures (clips, activities, outcomes, endings, outings), on a
    copy: the screen keeps showing the one it has meanwhile."""
    ev = copy.deepcopy(ev)
    _the_rest(ev)
    return ev


def evaluation(period: EvaluationPeriod, districts_ledger: bool = False) -> Evaluation:
    """Every figure of the period, per district and in total (aggregates only: no personal data).

    The districts' clips and activities are read only with ``districts_ledger``
    (or later, one at a time, by :func:`load_district_ledger`)."""
    ev = _participants(period)
    _the_rest(ev, districts_ledger)
    return ev


def _targets(groups: dict, total: Group, months: list[Month]):
    def targets(d_id) -> tuple[Group, Group]:
        """The citizen's district (a group of its own for citizens without one) and the total."""
        if d_id not in groups:
            groups[d_id] = Group(None, NO_DISTRICT, [MonthCounts() for _ in months])
        return groups[d_id], total

    return targets


def _participants(period: EvaluationPeriod) -> Evaluation:
    """The participants per month and in the period (``complete`` False: the rest is unread)."""
    months = months_of(period)
    rows = {"stocks": _run(_stocks_query(period, months)), "flows": _run(_flows_query(period, months))}
    names = dict(District.select(District.id, District.name).order_by(District.name)
                 .limit(MAX_DISTRICTS).tuples())
    groups: dict[int | None, Group] = {d_id: Group(d_id, name, [MonthCounts() for _ in months])
                                       for d_id, name in names.items()}
    total = Group(None, TOTAL, [MonthCounts() for _ in months])
    targets = _targets(groups, total, months)

    for d_id, state, first, stop, n in rows["stocks"]:
        if state == IN_PERIOD:
            for g in targets(d_id):
                g.participants += int(n)
            continue
        attr = STOCK_FIELDS[state]
        for g in targets(d_id):
            for counts in g.months[first:stop]:
                setattr(counts, attr, getattr(counts, attr) + int(n))
    for d_id, kind, *per_month in rows["flows"]:
        for g in targets(d_id):
            for counts, n in zip(g.months, per_month, strict=True):
                setattr(counts, kind, getattr(counts, kind) + int(n or 0))
    districts = [groups[d] for d in names] + ([groups[None]] if None in groups else [])
    return Evaluation(period, months, districts, total, complete=False)


def _the_rest(ev: Evaluation, districts_ledger: bool = False) -> None:
    """Clips, activities, outcomes, endings, pace and outings into a first read's figures."""
    period, months, total = ev.period, ev.months, ev.total
    groups: dict[int | None, Group] = {g.district_id: g for g in ev.districts}
    targets = _targets(groups, total, months)

    items = _catalogue()
    _fill_ledger(total, _run(_ledger_query(period, months)), items)
    if districts_ledger:
        for g in list(groups.values()):
            _fill_ledger(g, _run(_ledger_query(period, months, g.district_id)), items)

    _add_outcomes(_outcome_query(period), targets)

    for d_id, text, n in _run(_reasons_query(period)):
        reason = reason_of(text)
        for g in targets(d_id):
            g.reasons[reason] = g.reasons.get(reason, 0) + int(n)

    allocated = _allocated(sorted({m.first.year for m in months}))
    for g in [*groups.values(), total]:
        by_year = {year: (sum(per.values()) if g is total else per.get(g.district_id, 0))
                   for year, per in allocated.items()}
        for counts, pace in zip(g.months, _pace(months, by_year), strict=True):
            counts.pace = pace

    ev.outings = held_outings(period)
    for row in ev.outings:
        ev.outing_totals.setdefault(row.district, OutingTotals()).add(row)
        ev.outing_totals.setdefault(TOTAL, OutingTotals()).add(row)
    ev.districts = [g for d, g in groups.items() if d is not None] + ([groups[None]] if None in groups else [])
    ev.complete = True


def _activity(item, outing: bool, imported: bool, items) -> tuple[tuple, tuple[str, str, bool]]:
    """The activity row a group of ledger entries belongs to: (key, (category, activity, own idea))."""
    if imported:
        return ("import",), (CATEGORY_IMPORT, IMPORTED_ROW, False)
    if item is not None and item in items:
        name, category = items[item]
        return ("item", item), (category, name, False)
    if outing:
        return ("outing",), (CATEGORY_OUTING, OUTING_WITHOUT_OFFER, False)
    return ("own",), (CATEGORY_OWN, OWN_IDEAS_ROW, True)


def _add_outcomes(query, targets) -> None:
    """The compared citizens' figures per district (a follow-up without outcomes, e.g. at an
    ending, or one before a new baseline, compares nothing and is not counted)."""
    for d_id, totals in outcome_totals(query).items():
        if not totals.compared:
            continue
        for g in targets(d_id):
            g.followed_up += totals.compared
            for k, m in totals.measures.items():
                line = g.measures[k]
                line.count += m.count
                line.before_total += m.before
                line.now_total += m.now
                line.better += m.better
                line.same += m.same
                line.worse += m.worse
            for flag, k in ((FLAG_WHO5, "who5"), (FLAG_UCLA, "ucla")):
                m, f = totals.measures[k], g.flags[flag]
                f.count += m.count
                f.before += m.band_before
                f.now += m.band_now
