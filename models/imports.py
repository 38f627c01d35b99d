"""Taking over a spreadsheet kept by hand: the write operations the importer uses.

A card from a spreadsheet keeps its printed number and its dates; its used
clips become one ledger entry of kind ``import`` (activity ``importeret``) dated
the card's start, so the ledger still adds up to ``Card.used``. Imported cards
are history: they are not checked against the pool's free clips (R7), but they
do bind clips in it like any other card.
"""
from __future__ import annotations

import datetime as _dt
import uuid

from .base import DomainError, audit, operation, snapshot, today
from .entities import (
    CARD_CLOSED,
    CARD_OPEN,
    CARD_USED_UP,
    CLIPS_PER_CARD,
    PUNCH_IMPORT,
    Card,
    Citizen,
    District,
    Pool,
    Punch,
    Staff,
)

IMPORT_ACTIVITY = "importeret"
IMPORT_REASON = "importeret"


@operation
def import_district(actor: Staff, name: str) -> District:
    """A district named in an imported file that does not exist yet (0 home-help recipients)."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Distriktets navn mangler.", field="district")
    existing = District.get_or_none(District.name == name)
    if existing is not None:
        return existing
    district = District.create(name=name, home_help_count=0)
    audit(actor, "district.import", "district", district.id, None, snapshot(district))
    return district


def card_status(used: int, ended_on: _dt.date | None) -> str:
    if used >= CLIPS_PER_CARD:
        return CARD_USED_UP
    return CARD_CLOSED if ended_on else CARD_OPEN


@operation
def import_card(actor: Staff, citizen: Citizen, number: int, issued_on: _dt.date, used: int,
                ended_on: _dt.date | None, pool: Pool | None) -> Card:
    """A card as it stands in the spreadsheet: number, start, used clips, end."""
    if number < 1:
        raise DomainError("Kortnummeret skal være et positivt helt tal.", field="number")
    if not 0 <= used <= CLIPS_PER_CARD:
        raise DomainError(f"Antal klip skal være mellem 0 og {CLIPS_PER_CARD}.", field="clips")
    if issued_on > today() or (ended_on is not None and ended_on > today()):
        raise DomainError("Datoen må ikke ligge i fremtiden.", field="date")
    if ended_on is not None and ended_on < issued_on:
        raise DomainError("Sluttidspunktet ligger før starttidspunktet.", field="date")
    if used >= CLIPS_PER_CARD and ended_on is None:
        raise DomainError("Et kort med 10 brugte klip er brugt op og skal have et sluttidspunkt.",
                          field="date")
    if Card.select().where(Card.number == number).exists():
        raise DomainError(f"Kort {number} findes allerede.", field="number")
    status = card_status(used, ended_on)
    if status == CARD_OPEN and Card.select().where(
            (Card.citizen == citizen) & (Card.status == CARD_OPEN)).exists():
        raise DomainError(f"{citizen.name} har allerede et åbent klippekort.", field="number")
    card = Card.create(number=number, citizen=citizen, pool=pool, clips=CLIPS_PER_CARD, used=used,
                       status=status, issued_on=issued_on, ended_on=ended_on,
                       end_reason=IMPORT_REASON if status == CARD_CLOSED else "", issued_by=actor)
    if used:
        Punch.create(id=str(uuid.uuid4()), card=card, citizen=citizen, kind=PUNCH_IMPORT, clips=used,
                     activity=IMPORT_ACTIVITY, punched_on=issued_on, registered_by=actor)
    audit(actor, "card.import", "card", card.id, None, snapshot(card))
    return card
