"""One citizen, everything the citizen screen shows, gathered in one read."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from . import cpr as cprmod
from .agreements import AgreementLine, agreements_of
from .citizens import open_citizen, state_label
from .entities import (
    CARD_OPEN,
    PUNCH_REVERSAL,
    Agreement,
    Card,
    Citizen,
    District,
    Measurement,
    Punch,
    Staff,
    StateChange,
    card_status_label,
)
from .results import _latest_pairs

PUNCH_LIMIT = 500


@dataclass(frozen=True)
class StateLine:
    on: _dt.date
    from_state: str
    to_state: str
    by: str
    reason: str


@dataclass(frozen=True)
class CardLine:
    id: int
    number: int
    issued_on: _dt.date
    ended_on: _dt.date | None
    clips: int
    used: int
    status: str
    status_label: str
    end_reason: str

    @property
    def left(self) -> int:
        return self.clips - self.used if self.status == CARD_OPEN else 0


@dataclass(frozen=True)
class PunchLine:
    id: str
    punched_on: _dt.date
    card_number: int | None
    agreement_id: int | None
    clips: int
    activity: str
    kind: str
    registered_by: str
    reason: str
    reversed: bool  # a reversal entry cancels this punch

    @property
    def reversible(self) -> bool:
        return self.kind != PUNCH_REVERSAL and not self.reversed


@dataclass
class CitizenDetail:
    id: int
    name: str
    cpr: str  # DDMMYY-XXXX, full: the citizen was opened (and that was logged)
    address: str
    postcode: str
    city: str
    phone: str
    district: str
    state: str
    state_label: str
    state_since: _dt.date | None
    open_card: CardLine | None
    states: list[StateLine] = field(default_factory=list)
    cards: list[CardLine] = field(default_factory=list)
    punches: list[PunchLine] = field(default_factory=list)
    agreements: list[AgreementLine] = field(default_factory=list)
    # flows (issue #15): the outcomes at the start (the baseline) and the latest follow-up after it
    baseline: object | None = None  # models.entities.Measurement
    latest: object | None = None


def _card_line(card: Card) -> CardLine:
    return CardLine(id=card.id, number=card.number, issued_on=card.issued_on, ended_on=card.ended_on,
                    clips=card.clips, used=card.used, status=card.status,
                    status_label=card_status_label(card.status), end_reason=card.end_reason)


def citizen_detail(citizen_id: int) -> CitizenDetail | None:
    """Everything about one citizen (no access-log row: see :func:`open_citizen_detail`)."""
    citizen = (Citizen.select(Citizen, District).join(District, JOIN.LEFT_OUTER)
               .where(Citizen.id == citizen_id).first())
    if citizen is None:
        return None
    states = [StateLine(s.on, state_label(s.from_state),
                        state_label(s.to_state), s.by.name, s.reason)
              for s in (StateChange.select(StateChange, Staff).join(Staff)
                        .where(StateChange.citizen == citizen_id)
                        .order_by(StateChange.on.desc(), StateChange.id.desc()))]
    cards = [_card_line(c) for c in Card.select().where(Card.citizen == citizen_id)
             .order_by(Card.issued_on.desc(), Card.id.desc())]
    numbers = {c.id: c.number for c in cards}
    entries = list(Punch.select(Punch, Staff).join(Staff, on=(Punch.registered_by == Staff.id))
                   .where(Punch.citizen == citizen_id)
                   .order_by(Punch.punched_on.desc(), Punch.registered_at.desc(), Punch.id)
                   .limit(PUNCH_LIMIT))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    punches = [PunchLine(id=e.id, punched_on=e.punched_on, card_number=numbers.get(e.card_id),
                         agreement_id=e.agreement_id, clips=e.clips, activity=e.activity, kind=e.kind,
                         registered_by=e.registered_by.name, reason=e.reason, reversed=e.id in reversed_ids)
               for e in entries]
    open_line = next((c for c in cards if c.status == CARD_OPEN), None)
    baseline, latest = _latest_pairs([citizen.id]).get(citizen.id, (None, None))
    return CitizenDetail(
        id=citizen.id, name=citizen.name, cpr=cprmod.formatted(citizen.cpr), address=citizen.address,
        postcode=citizen.postcode, city=citizen.city, phone=citizen.phone,
        district=citizen.district.name if citizen.district_id else "",
        state=citizen.state, state_label=state_label(citizen.state),
        state_since=citizen.state_since, open_card=open_line, states=states, cards=cards,
        punches=punches, agreements=agreements_of(citizen_id), baseline=baseline, latest=latest)


def citizen_change_mark(citizen_id: int) -> tuple:
    """A cheap mark that changes whenever what the citizen page shows changes (a punch or a reversal made
    elsewhere, a new card, a state change, an agreement drawn on, a new measurement). No personal data:
    the citizen page compares it every few seconds and reads the citizen again when it differs."""
    def counted(model, *extra):
        return tuple(model.select(fn.COUNT(model.id), *extra).where(model.citizen == citizen_id).tuples().first())

    return (counted(Punch), counted(Card, fn.SUM(Card.used), fn.COUNT(Card.ended_on)), counted(StateChange),
            counted(Agreement, fn.SUM(Agreement.used)), counted(Measurement),
            tuple(Citizen.select(Citizen.state, Citizen.district, Citizen.name, Citizen.address, Citizen.phone)
                  .where(Citizen.id == citizen_id).tuples().first() or ()))


def open_citizen_detail(actor: Staff, citizen_id: int, reason: str | None = None) -> CitizenDetail:
    """Open a citizen to show them: the read is written to the access log.

    A citizen of another district needs a ``reason`` (need-to-know, ``models.access``).
    """
    open_citizen(actor, citizen_id, reason=reason)  # raises DomainError if the citizen does not exist
    return citizen_detail(citizen_id)
