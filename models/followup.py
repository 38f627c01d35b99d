"""Follow-up on use (issue #13, item 6): where clips go unused.

The leader's lists, each computed in the database (aggregates, ``NOT EXISTS``
probes on indexed columns, a LIMIT on every list and a COUNT for its total):

* **idle cards** (stille kort): open cards of active participants with no clip
  registered for ``followup.idle_weeks`` weeks (default 6), counted from the
  last clip on the card (a reversal, or a punch reversed since, is no clip),
  or from its issue day when it has none;
* **long-open cards** (længe åbne): open cards issued more than
  ``followup.open_months`` months ago (default 4: two cards' time at the Finance
  Act minimum of ½ hour a week, 10 weeks a card);
* **no contact** (ingen kontakt): active participants whose last reassessment
  is more than the idle weeks ago and who have had no clip registered and no
  outing sign-up since;
* **per district**: the share of the year's pool punched so far against the
  share of the year gone; a district is behind when it is on course to use
  less than ``followup.target_percent`` (default 80, Aarhus's target) of its
  clips by the year's end, i.e. used share < target × year share.

Paused participants are left out of the idle lists: a pause is meant to be idle.
"""
from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass, field

from peewee import JOIN, SQL, fn

from .base import log_access, today
from .entities import (
    CARD_OPEN,
    PUNCH_REVERSAL,
    STATE_ACTIVE,
    Card,
    Citizen,
    District,
    Punch,
    Reassessment,
    Signup,
    Staff,
)
from .i18n import _
from .inputs import parse_whole
from .permissions import require
from .settings import SettingSpec, declare, get_setting

LIST_LIMIT = 200

IDLE_WEEKS = declare(SettingSpec(
    "followup.idle_weeks", 6, lambda text: parse_whole(text, "weeks", minimum=1, maximum=52, label=_("Antal uger")),
    "Uger uden klip, før et åbent kort regnes som stille"))
OPEN_MONTHS = declare(SettingSpec(
    "followup.open_months", 4,
    lambda text: parse_whole(text, "months", minimum=1, maximum=36, label=_("Antal måneder")),
    "Måneder et kort må være åbent, før det følges op"))
TARGET_PERCENT = declare(SettingSpec(
    "followup.target_percent", 80, lambda text: parse_whole(text, "percent", minimum=1, maximum=100, label=_("Målet")),
    "Mål for årets forbrug af klip i procent"))


def months_back(day: _dt.date, months: int) -> _dt.date:
    """``day`` moved ``months`` months back; a day the month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return _dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class CardLine:
    citizen_id: int
    name: str
    cpr: str
    district: str
    card_number: int
    issued_on: _dt.date
    used: int
    last_punch: _dt.date | None  # the last clip on the card (None: none yet)

    @property
    def quiet_since(self) -> _dt.date:
        return self.last_punch or self.issued_on


@dataclass(frozen=True)
class ContactLine:
    citizen_id: int
    name: str
    cpr: str
    district: str
    reassessed_on: _dt.date


@dataclass(frozen=True)
class DistrictUse:
    district_id: int
    district: str
    allocated: int
    punched: int
    year_share: float  # 0–1 of the year gone
    target: float  # 0–1

    @property
    def used_share(self) -> float:
        return self.punched / self.allocated if self.allocated else 0.0

    @property
    def expected(self) -> int:
        """Clips that would be punched by now at an even pace to the full pool."""
        return round(self.allocated * self.year_share)

    @property
    def behind(self) -> bool:
        return self.allocated > 0 and self.used_share < self.target * self.year_share


@dataclass
class FollowUp:
    on: _dt.date
    weeks: int
    months: int
    target_percent: int
    idle: list[CardLine] = field(default_factory=list)
    idle_total: int = 0
    long_open: list[CardLine] = field(default_factory=list)
    long_open_total: int = 0
    no_contact: list[ContactLine] = field(default_factory=list)
    no_contact_total: int = 0
    districts: list[DistrictUse] = field(default_factory=list)

    @property
    def year_share(self) -> float:
        return year_share(self.on)


def year_share(on: _dt.date) -> float:
    """The share of ``on``'s year gone by the end of ``on`` (1 January: 1/365)."""
    days = 366 if calendar.isleap(on.year) else 365
    return on.timetuple().tm_yday / days


def _a_clip():
    """A ledger entry that is a clip that stands: not a reversal, and not reversed since."""
    reversal = Punch.alias("reversal")
    return (Punch.kind != PUNCH_REVERSAL) & ~fn.EXISTS(
        reversal.select(reversal.id).where(reversal.reverses == Punch.id))


def _last_punch(card_ref):
    """The day of the last clip on a card, as a correlated subquery."""
    return Punch.select(fn.MAX(Punch.punched_on)).where((Punch.card == card_ref) & _a_clip())


def _open_cards():
    return (Card.select(Card.id).join(Citizen, on=(Card.citizen == Citizen.id))
            .where((Card.status == CARD_OPEN) & (Citizen.state == STATE_ACTIVE)))


def _idle_where(cutoff: _dt.date):
    """Open since before ``cutoff`` with no clip on or after it."""
    recent = Punch.select(Punch.id).where((Punch.card == Card.id) & (Punch.punched_on >= cutoff) & _a_clip())
    return (Card.issued_on < cutoff) & ~fn.EXISTS(recent)


def count_idle_cards(on: _dt.date | None = None, weeks: int | None = None) -> int:
    """How many open cards have had no clip for ``weeks`` weeks (the dashboard's figure; no names)."""
    on = on or today()
    cutoff = on - _dt.timedelta(weeks=weeks or get_setting(IDLE_WEEKS.key))
    return _open_cards().where(_idle_where(cutoff)).count()


def _card_lines(where, order, limit: int) -> tuple[list[CardLine], int]:
    last = _last_punch(Card.id)
    query = (Card.select(Citizen.id, Citizen.name, Citizen.cpr, District.name, Card.number, Card.issued_on,
                         Card.used, last.alias("last_punch"))
             .join(Citizen, on=(Card.citizen == Citizen.id))
             .join(District, JOIN.LEFT_OUTER, on=(Citizen.district == District.id))
             .where((Card.status == CARD_OPEN) & (Citizen.state == STATE_ACTIVE) & where))
    rows = list(query.select_extend(fn.COUNT(SQL("*")).over()).order_by(*order(last)).limit(limit).tuples())
    return [CardLine(cid, name, cpr, district or "", number, issued, used, last_punch and _as_date(last_punch))
            for cid, name, cpr, district, number, issued, used, last_punch, _n in rows], _total(rows)


def idle_cards(on: _dt.date, weeks: int, limit: int = LIST_LIMIT) -> tuple[list[CardLine], int]:
    """Open cards with no clip for ``weeks`` weeks, the longest quiet first (and how many in all)."""
    cutoff = on - _dt.timedelta(weeks=weeks)
    return _card_lines(_idle_where(cutoff), lambda last: (fn.COALESCE(last, Card.issued_on), Card.number), limit)


def long_open_cards(on: _dt.date, months: int, limit: int = LIST_LIMIT) -> tuple[list[CardLine], int]:
    """Open cards issued more than ``months`` months before ``on``, the oldest first."""
    cutoff = months_back(on, months)
    return _card_lines(Card.issued_on < cutoff, lambda last: (Card.issued_on, Card.number), limit)


def no_contact(on: _dt.date, weeks: int, limit: int = LIST_LIMIT) -> tuple[list[ContactLine], int]:
    """Active participants reassessed more than ``weeks`` weeks ago with no clip and no outing
    sign-up since their last reassessment; the longest ago first."""
    cutoff = on - _dt.timedelta(weeks=weeks)
    last = (Reassessment.select(Reassessment.citizen, fn.MAX(Reassessment.assessed_on).alias("last"))
            .group_by(Reassessment.citizen).alias("last_r"))
    clip = Punch.select(Punch.id).where((Punch.citizen == Citizen.id) & (Punch.punched_on > last.c.last) & _a_clip())
    signup = Signup.select(Signup.id).where((Signup.citizen == Citizen.id) & (Signup.created_at > last.c.last))
    query = (Citizen.select(Citizen.id, Citizen.name, Citizen.cpr, District.name, last.c.last)
             .join(last, on=(last.c.citizen_id == Citizen.id))
             .join(District, JOIN.LEFT_OUTER, on=(Citizen.district == District.id))
             .where((Citizen.state == STATE_ACTIVE) & (last.c.last < cutoff)
                    & ~fn.EXISTS(clip) & ~fn.EXISTS(signup)))
    rows = list(query.select_extend(fn.COUNT(SQL("*")).over()).order_by(last.c.last, Citizen.name).limit(limit)
                .tuples())
    return [ContactLine(cid, name, cpr, district or "", _as_date(day))
            for cid, name, cpr, district, day, _n in rows], _total(rows)


def _total(rows: list[tuple]) -> int:
    """The list's length without its LIMIT: each row's last column, ``COUNT(*) OVER ()`` (one scan
    finds the page and the count)."""
    return int(rows[0][-1]) if rows else 0


def _as_date(value) -> _dt.date:
    return value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value)[:10])


def district_use(on: _dt.date, target_percent: int) -> list[DistrictUse]:
    """Per active district: the year's pool, the clips punched from it so far, against the year gone."""
    from .pools import pool_figures

    share = year_share(on)
    return [DistrictUse(p.district_id, p.district, p.allocated, p.punched, share, target_percent / 100)
            for p in pool_figures(on.year)]


def followup(actor: Staff, *, on: _dt.date | None = None, weeks: int | None = None,
             limit: int = LIST_LIMIT) -> FollowUp:
    """The leader's follow-up on use (``weeks``: the idle weeks, default the setting).

    Names and CPR numbers are personal data: the read is written to the access log.
    """
    require(actor, "followup.view")
    on = on or today()
    weeks = IDLE_WEEKS.parse(weeks) if weeks is not None else get_setting(IDLE_WEEKS.key)
    months = get_setting(OPEN_MONTHS.key)
    target = get_setting(TARGET_PERCENT.key)
    result = FollowUp(on=on, weeks=weeks, months=months, target_percent=target)
    result.idle, result.idle_total = idle_cards(on, weeks, limit)
    result.long_open, result.long_open_total = long_open_cards(on, months, limit)
    result.no_contact, result.no_contact_total = no_contact(on, weeks, limit)
    result.districts = district_use(on, target)
    log_access(actor, "list", criterion=f"opfølgning ({weeks} uger, {months} mdr.)")
    return result
