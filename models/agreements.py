"""Individual agreements (R4): more than 10 clips at once, approved by a leader.

An agreement records who approved it, how many clips, why, for which activity
and until when. It draws its clips from the citizen's district pool of the
year it starts in (``models.pools.committed_clips`` counts them), so a pool
can never promise more than it has. A punch of more than 10 clips draws from
a valid agreement (``models.cards.punch``).
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from .base import DomainError, as_date, audit, operation, snapshot, today
from .cards import _whole_clips
from .cpr import masked
from .entities import (
    CLIPS_PER_CARD,
    STATE_ACTIVE,
    STATE_PAUSED,
    Agreement,
    Citizen,
    Staff,
)
from .i18n import _
from .permissions import require
from .pools import committed_clips, pool_of

MAX_REASON = 500


@dataclass(frozen=True)
class AgreementLine:
    id: int
    citizen_id: int
    citizen_name: str
    cpr_masked: str
    clips: int
    used: int
    reason: str
    activity: str
    valid_from: _dt.date
    valid_until: _dt.date | None
    approved_by: str
    closed_on: _dt.date | None = None  # closed early (the participant ended)

    @property
    def left(self) -> int:
        return self.clips - self.used

    def valid_on(self, day: _dt.date) -> bool:
        return (self.closed_on is None and self.valid_from <= day
                and (self.valid_until is None or self.valid_until >= day))


def _clean_text(value: str, field: str, what: str, required: bool) -> str:
    from .inputs import clean_text

    if required and not (value or "").strip():
        raise DomainError(_("Skriv {what}.").format(what=what), field=field)
    return clean_text(value, field, kind="reason" if field == "reason" else "activity", required=False,
                      label=_("Teksten"))


@operation
def create_agreement(actor: Staff, citizen: Citizen | int, clips, reason: str, *,
                     until: _dt.date | str | None = None, activity: str = "",
                     valid_from: _dt.date | str | None = None) -> Agreement:
    """Record an individual agreement (leder only) drawing on the district pool."""
    require(actor, "agreement.write")
    k = _whole_clips(clips)
    if k <= CLIPS_PER_CARD:
        raise DomainError(
            _("En individuel aftale er til mere end {CLIPS_PER_CARD} klip ad gangen; op til {CLIPS_PER_CARD} klip trækkes fra klippekortet.").format(CLIPS_PER_CARD=CLIPS_PER_CARD), field="clips")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    reason = _clean_text(reason, "reason", _("en begrundelse for aftalen"), required=True)
    activity = _clean_text(activity, "activity", _("en aktivitet"), required=False)
    start = as_date(valid_from)
    end = None
    if until not in (None, ""):
        try:
            end = as_date(until)
        except DomainError as err:
            raise DomainError(err.message, field="until") from None
        if end < start:
            raise DomainError(_("Aftalen kan ikke slutte før den begynder."), field="until")
        if end < today():
            raise DomainError(_("Slutdatoen ligger i fortiden."), field="until")
    person = Citizen.get_or_none(Citizen.id == (citizen.id if isinstance(citizen, Citizen) else citizen))
    if person is None:
        raise DomainError(_("Borgeren findes ikke."), field="citizen")
    if person.state not in (STATE_ACTIVE, STATE_PAUSED):
        raise DomainError(_("{name} er ikke deltager; en aftale kræver en aktiv deltager.").format(name=person.name),
                          field="citizen")
    if person.district_id is None:
        raise DomainError(_("{name} er ikke knyttet til et distrikt.").format(name=person.name), field="citizen")
    pool = pool_of(person.district, start.year)
    if pool is None:
        raise DomainError(_("Der er ikke sat et budget for {year}; en leder sætter det under Puljer.").format(year=start.year))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    left = pool.allocated - committed_clips(pool)
    if left < k:
        raise DomainError(_("Puljen for {name} {year} har kun {left} klip tilbage; aftalen kræver {k}.").format(name=person.district.name, year=start.year, left=left, k=k), field="clips")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    agreement = Agreement.create(citizen=person, pool=pool, approved_by=actor, clips=k, used=0,
                                 reason=reason, activity=activity, valid_from=start, valid_until=end)
    audit(actor, "agreement.create", "agreement", agreement.id, None, snapshot(agreement))
    return agreement


def _line(a: Agreement) -> AgreementLine:
    return AgreementLine(id=a.id, citizen_id=a.citizen_id, citizen_name=a.citizen.name,
                         cpr_masked=masked(a.citizen.cpr), clips=a.clips, used=a.used, reason=a.reason,
                         activity=a.activity, valid_from=a.valid_from, valid_until=a.valid_until,
                         approved_by=a.approved_by.name, closed_on=a.closed_on)


def list_agreements(limit: int = 500) -> list[AgreementLine]:
    """The newest agreements first (a LIMIT: there are few, but never unbounded)."""
    query = (Agreement.select(Agreement, Citizen, Staff)
             .join(Citizen, on=(Agreement.citizen == Citizen.id))
             .switch(Agreement).join(Staff, on=(Agreement.approved_by == Staff.id))
             .order_by(Agreement.valid_from.desc(), Agreement.id.desc()).limit(limit))
    return [_line(a) for a in query]


def agreements_of(citizen_id: int) -> list[AgreementLine]:
    query = (Agreement.select(Agreement, Citizen, Staff)
             .join(Citizen, on=(Agreement.citizen == Citizen.id))
             .switch(Agreement).join(Staff, on=(Agreement.approved_by == Staff.id))
             .where(Agreement.citizen == citizen_id)
             .order_by(Agreement.valid_from.desc(), Agreement.id.desc()))
    return [_line(a) for a in query]
