"""Reassessment (R5) with the follow-up outcomes (R12).

When a card's 10 clips are used (or the configured number of months has passed)
the participant is reassessed: continue (a new card when the old one is used
up) or end participation with a reason. Ending closes the open card, so its
unused clips go back to the pool, and frees the place for the waitlist.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from peewee import fn

from .base import DomainError, audit, log_access, operation, snapshot, today
from .cards import close_card, issue_card, open_card
from .citizens import change_state, state_label
from .commitments import Released, release_on_end
from .entities import (
    CARD_OPEN,
    CARD_USED_UP,
    END_REASONS,
    STATE_ACTIVE,
    STATE_ELIGIBLE,
    STATE_ENDED,
    STATE_PAUSED,
    STATE_WAITLISTED,
    Card,
    Citizen,
    District,
    Reassessment,
    Setting,
    Staff,
    StateChange,
)
from .i18n import _
from .participation import DEFAULT_REASSESS_MONTHS, due_for_reassessment, reassessment_interval_months
from .permissions import require
from .screening import Baseline, clean_outcomes, record_measurement

CONTINUE = "continue"
END = "end"
DECISIONS = (CONTINUE, END)
OTHER_REASON = "andet"


@dataclass
class ReassessmentResult:
    reassessment: Reassessment
    citizen: Citizen
    new_card: Card | None
    closed_card: Card | None
    kept_card: Card | None  # continuing on a card that is still open
    released: Released | None = None  # ending: the sign-ups cancelled and agreements closed

    @property
    def message(self) -> str:
        if self.new_card is not None:
            return (_("Nyt klippekort til {name}: nr. {number} — skriv nummeret på det fysiske kort.").format(name=self.citizen.name, number=self.new_card.number))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.kept_card is not None:
            return _("{name} fortsætter på kort nr. {number}.").format(name=self.citizen.name, number=self.kept_card.number)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        text = _("{name} er afsluttet ({end_reason}).").format(name=self.citizen.name, end_reason=self.reassessment.end_reason)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.closed_card is not None:
            back = self.closed_card.clips - self.closed_card.used
            text += _(" Kort nr. {number} er lukket; {back} klip går tilbage til puljen.").format(number=self.closed_card.number, back=back)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if self.released is not None and self.released.summary():
            text += " " + self.released.summary()
        return text


@operation
def reassess(actor: Staff, citizen: Citizen | int, *, decision: str, end_reason: str | None = None,
             notes: str = "", network_size=None, who5=None, ucla=None,
             on: _dt.date | None = None) -> ReassessmentResult:
    """Record a reassessment and carry out its decision.

    ``continue``: the follow-up outcomes are required; a participant whose card
    is used up gets a new card (``issue_card``: the pool must have 10 clips);
    one whose card is still open continues on it. ``end``: one of END_REASONS
    ("andet" needs a note); the outcomes are optional (the citizen may have
    moved or died); the open card is closed and the state becomes ended.
    """
    on = on or today()
    person = Citizen.get_or_none(Citizen.id == (citizen.id if isinstance(citizen, Citizen) else citizen))
    if person is None:
        raise DomainError(_("Borgeren findes ikke."))
    if person.state not in (STATE_ACTIVE, STATE_PAUSED):
        raise DomainError(_("{name} er {state}; kun deltagere revurderes.").format(name=person.name, state=state_label(person.state)))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if decision not in DECISIONS:
        raise DomainError(_("Vælg: nyt klippekort eller afslut."), field="decision")
    notes = (notes or "").strip()
    outcomes: Baseline = clean_outcomes(network_size, who5, ucla)
    card = open_card(person)
    if decision == CONTINUE:
        if not outcomes.complete:
            raise DomainError(_("Udfyld opfølgningen (netværk, WHO-5 og UCLA-3) før et nyt kort."), field="baseline")
        if card is None and person.state == STATE_PAUSED:
            raise DomainError(_("{name} holder pause; genoptag deltagelsen før et nyt kort.").format(name=person.name))
        end_reason = None
    else:
        if end_reason not in END_REASONS:
            raise DomainError(_("Vælg en årsag til at afslutte."), field="end_reason")
        if end_reason == OTHER_REASON and not notes:
            raise DomainError(_("Skriv en bemærkning, når årsagen er 'andet'."), field="notes")
    last_card = card or (Card.select().where(Card.citizen == person)
                         .order_by(Card.issued_on.desc(), Card.id.desc()).first())
    row = Reassessment.create(citizen=person, card=last_card, assessed_on=on, assessed_by=actor,
                              decision=decision, end_reason=end_reason, notes=notes)
    audit(actor, "reassessment.create", "reassessment", row.id, None, snapshot(row))
    record_measurement(actor, person, "followup", outcomes, on, reassessment=row)
    new_card = closed = kept = released = None
    if decision == CONTINUE:
        if card is None:
            new_card = issue_card(actor, person, on)
        else:
            kept = card
    else:
        if card is not None:
            closed = close_card(actor, card, f"afsluttet: {end_reason}", on)
        change_state(actor, person, STATE_ENDED, on=on, reason=end_reason + (f" — {notes}" if notes else ""))
        released = release_on_end(actor, person, end_reason, on)
    return ReassessmentResult(row, Citizen.get_by_id(person.id), new_card, closed, kept, released)


def end_reason_for(text: str) -> tuple[str, str]:
    """(end reason, notes) for a reason typed as text (the CLI): one of END_REASONS in any case,
    else "andet" with the text as the note (empty text: no reason, which ``reassess`` refuses)."""
    typed = " ".join((text or "").split())
    for reason in END_REASONS:
        if typed.casefold() == reason.casefold():
            return reason, ""
    return (OTHER_REASON, typed) if typed else ("", "")


@dataclass
class DueLine:
    citizen_id: int
    name: str
    cpr: str
    district: str
    state: str
    card_number: int | None  # the open card, or the last used-up one
    card_used: int | None
    card_open: bool
    since: _dt.date | None  # admission or last reassessment
    due: bool
    why: str  # "kort brugt op" / "6 mdr." / ""


def _admitted_on():
    return (StateChange.select(StateChange.citizen, fn.MAX(StateChange.on).alias("admitted"))
            .where((StateChange.to_state == STATE_ACTIVE)
                   & (StateChange.from_state.in_([STATE_ELIGIBLE, STATE_WAITLISTED])))
            .group_by(StateChange.citizen))


def participants(actor: Staff | None, district=None, *, only_due: bool = True, on: _dt.date | None = None,
                 limit: int = 2000) -> list[DueLine]:
    """Participants (active and paused) with their card and whether they are due (R5).

    ``only_due``: those whose card is used up, or not reassessed for the
    configured number of months since admission or the last reassessment.
    """
    from .access import district_ids, require_own_district

    on = on or today()
    require_own_district(actor, district)
    months = reassessment_interval_months()
    due_ids = {c.id for c in due_for_reassessment(district=district, on=on)}
    query = Citizen.select(Citizen, District).join(District).where(
        Citizen.state.in_([STATE_ACTIVE, STATE_PAUSED]))
    if district is not None:
        query = query.where(Citizen.district == district)
    elif actor is not None and district_ids(actor) is not None:  # a terapeut's "all": their own districts
        query = query.where(Citizen.district.in_(list(district_ids(actor)) or [-1]))
    if only_due:
        query = query.where(Citizen.id.in_(list(due_ids)) if due_ids else (Citizen.id < 0))
    citizens = list(query.order_by(Citizen.name, Citizen.id).limit(limit))
    ids = [c.id for c in citizens]
    admitted = {r.citizen_id: r.admitted for r in _admitted_on().where(StateChange.citizen.in_(ids))} if ids else {}
    last = ({r.citizen_id: r.last for r in Reassessment.select(
        Reassessment.citizen, fn.MAX(Reassessment.assessed_on).alias("last"))
        .where(Reassessment.citizen.in_(ids)).group_by(Reassessment.citizen)} if ids else {})
    cards: dict[int, Card] = {}
    if ids:
        for card in (Card.select().where(Card.citizen.in_(ids) & Card.status.in_([CARD_OPEN, CARD_USED_UP]))
                     .order_by(Card.issued_on, Card.id)):
            current = cards.get(card.citizen_id)
            if current is None or current.status != CARD_OPEN:
                cards[card.citizen_id] = card
    lines = []
    for c in citizens:
        card = cards.get(c.id)
        card_open = card is not None and card.status == CARD_OPEN
        adm = admitted.get(c.id)
        rea = last.get(c.id)
        since = max(d for d in (adm, rea) if d) if (adm or rea) else c.state_since
        why = ""
        if c.id in due_ids:
            why = _("kort brugt op") if not card_open else _("{months} mdr. gået").format(months=months)
        lines.append(DueLine(c.id, c.name, c.cpr, c.district.name, c.state,
                             card.number if card else None, card.used if card else None, card_open,
                             since, c.id in due_ids, why))
    if actor is not None:
        log_access(actor, "list", criterion="revurdering" + (" (alle deltagere)" if not only_due else ""),
                   purpose="revurdering")
    return lines


@operation
def set_reassessment_interval(actor: Staff, months: int) -> int:
    """A leader sets how many months may pass between reassessments (default 6)."""
    require(actor, "reassessment.interval")
    try:
        value = int(months)
    except (TypeError, ValueError):
        raise DomainError(_("Antal måneder skal være et helt tal."), field="months") from None
    if not 1 <= value <= 36:
        raise DomainError(_("Antal måneder skal være mellem 1 og 36."), field="months")
    before = reassessment_interval_months()
    Setting.insert(key="reassess_months", value=str(value)).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: str(value)}).execute()
    audit(actor, "setting.reassess_months", "setting", "reassess_months", {"value": before}, {"value": value})
    return value


__all__ = ["CONTINUE", "END", "DECISIONS", "END_REASONS", "DEFAULT_REASSESS_MONTHS", "reassess", "participants",
           "set_reassessment_interval", "ReassessmentResult", "DueLine"]


@dataclass
class ReassessContext:
    """What the reassessment form shows about the participant."""

    citizen_id: int
    name: str
    cpr: str
    district: str
    state: str
    state_label: str
    card_number: int | None
    card_used: int | None
    card_open: bool
    baseline: object | None  # models.entities.Measurement
    latest: object | None


def reassessment_context(actor: Staff, citizen_id: int) -> ReassessContext:
    """The participant, their card and their baseline/latest outcomes (an access-logged read)."""
    from .results import citizen_outcome

    person = Citizen.get_or_none(Citizen.id == citizen_id)
    if person is None:
        raise DomainError(_("Borgeren findes ikke."))
    card = open_card(person) or (Card.select().where(Card.citizen == person)
                                 .order_by(Card.issued_on.desc(), Card.id.desc()).first())
    outcome = citizen_outcome(actor, person)
    return ReassessContext(person.id, person.name, person.cpr,
                           person.district.name if person.district_id else "", person.state,
                           state_label(person.state), card.number if card else None,
                           card.used if card else None, bool(card and card.status == CARD_OPEN),
                           outcome.baseline, outcome.latest)
