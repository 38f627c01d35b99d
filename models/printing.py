"""The printed klippekort and the paper lists (issue #16): what goes on paper, and the print queue.

A card's physical life is ``requested`` → ``printed`` → ``handed_out``
(``Card.print_state``). Issuing a card (admission, reassessment) and replacing a
lost one put the new card in the queue ("Til udskrivning"); printing marks it
printed (audited, and the print is in the access log); the therapist marks it
handed out when the citizen has it. A reprint (a ruined card) puts it back to
printed. Cards made before printing existed, or imported, are outside the
queue (``None``) but can be printed like any other.

Only open cards are printed: a used-up or closed card is not a card the
citizen can use, and a lost card's number is blocked. A reprint shows the
clips already used as struck boxes, so the paper always shows what is left.

The PDF itself is drawn in ``exports/pdf.py``; this module gathers the data
(no CPR number: it never leaves here) and records the prints. Nothing here
imports Textual or the PDF library.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from peewee import JOIN

from .base import DomainError, as_date, audit, log_access, now, operation, snapshot
from .budget import find_district
from .cards import blocked_message, card_by_number
from .entities import (
    CARD_OPEN,
    CARD_STATUS_LABELS,
    CLIPS_PER_CARD,
    PRINT_HANDED_OUT,
    PRINT_PRINTED,
    PRINT_REQUESTED,
    PUNCH_REVERSAL,
    Card,
    Citizen,
    District,
    Punch,
    Staff,
    card_status_label,
)
from .i18n import _
from .inputs import clean_text, format_date
from .permissions import require
from .settings import SettingSpec, declare, get_setting

DEFAULT_SCHEME_NAME = "Sammen gør vi cirklen større"
CARDS_PER_SHEET = 4
QUEUE_LIMIT = 2000  # one print run; the queue is never this long in a municipality

PRINT_STATE_LABELS = {PRINT_REQUESTED: "til udskrivning", PRINT_PRINTED: "udskrevet",
                      PRINT_HANDED_OUT: "udleveret", None: ""}


def print_state_label(state: str | None) -> str:
    """A card's print state in the user's language (PRINT_STATE_LABELS keeps the Danish words)."""
    return {PRINT_REQUESTED: _("til udskrivning"), PRINT_PRINTED: _("udskrevet"),
            PRINT_HANDED_OUT: _("udleveret")}.get(state, "")


def _scheme_name(text: str) -> str:
    return clean_text(text, "value", kind="title", label=_("Ordningens navn"))


SCHEME_NAME = declare(SettingSpec("card.scheme_name", DEFAULT_SCHEME_NAME, _scheme_name,
                                  "Ordningens navn på klippekortet"))

# The rules printed on every card (Danish: the card is the citizen's). R3, R4, R5, R9.
CARD_RULES = (
    "Kortet har 10 klip. Ét klip er en ½ times ekstra hjælp.",
    "Du bestemmer selv, hvad klippene bruges til: ledsagelse (læge, indkøb, kirkegården, "
    "en tur i det grønne), hjælp i hjemmet eller fællesture.",
    "Du vælger selv, hvor mange klip en aktivitet bruger. Mere end 10 klip på én gang "
    "kræver en aftale med din terapeut.",
    "Når kortet er brugt op, kommer din terapeut forbi og taler med dig om et nyt kort.",
)


def log_print(actor, citizen, what: str) -> None:
    """The access-log row of one print, with the purpose "udskrift"."""
    log_access(actor, "print", citizen=citizen, criterion=what, purpose="udskrift")


# --- the card -----------------------------------------------------------------

@dataclass(frozen=True)
class CardFace:
    """Everything printed on one card. No CPR number."""

    card_id: int
    citizen_id: int
    number: int
    citizen_name: str
    district: str
    district_phone: str
    issued_on: _dt.date
    left: int  # clips left on the card: the last ``left`` of the 10 boxes are open
    replaces: int | None  # the lost card's number

    @property
    def struck(self) -> int:
        """Boxes printed as used (a replacement card, or a reprint after punches)."""
        return CLIPS_PER_CARD - self.left


@dataclass(frozen=True)
class CardSheet:
    scheme_name: str
    faces: list[CardFace]
    printed_by: str
    printed_at: _dt.datetime


def _faces(query) -> list[CardFace]:
    faces = []
    for card in query:
        person = card.citizen
        district = person.district if person.district_id else None
        replaced = Card.get_or_none(Card.id == card.replaces_id) if card.replaces_id else None
        faces.append(CardFace(
            card_id=card.id, citizen_id=person.id, number=card.number, citizen_name=person.name,
            district=district.name if district else "", district_phone=district.phone if district else "",
            issued_on=card.issued_on, left=max(0, min(CLIPS_PER_CARD, card.clips - card.used)),
            replaces=replaced.number if replaced else None))
    return faces


def _card_query():
    return (Card.select(Card, Citizen, District).join(Citizen)
            .join(District, JOIN.LEFT_OUTER, on=(Citizen.district == District.id)))


def card_faces(numbers) -> list[CardFace]:
    """The faces of the cards named by number, in the order given; refused unless every one is open."""
    faces = []
    seen = set()
    for number in numbers:
        card = card_by_number(number)
        if card.id in seen:
            continue
        seen.add(card.id)
        if card.blocked_on is not None:
            raise DomainError(blocked_message(card), field="card")
        if card.status != CARD_OPEN:
            state = card_status_label(card.status)
            raise DomainError(_("Kort {number} er {state}; kun åbne kort udskrives.").format(number=card.number, state=state), field="card")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        faces += _faces(_card_query().where(Card.id == card.id))
    if not faces:
        raise DomainError(_("Angiv mindst ét kortnummer."), field="card")
    return faces


def pending_faces() -> list[CardFace]:
    """The cards waiting under "Til udskrivning", oldest first (open cards only)."""
    return _faces(_card_query().where((Card.print_state == PRINT_REQUESTED) & (Card.status == CARD_OPEN))
                  .order_by(Card.issued_on, Card.number).limit(QUEUE_LIMIT))


def card_sheet(actor: Staff, faces: list[CardFace]) -> CardSheet:
    require(actor, "card.print")
    return CardSheet(scheme_name=get_setting(SCHEME_NAME.key), faces=faces, printed_by=actor.name,
                     printed_at=now())


@operation
def record_print(actor: Staff, card_ids: list[int]) -> list[Card]:
    """The cards were printed: each is marked printed (audited) and the print is in the access log.

    Called after the PDF is written, so a failed write never marks a card printed.
    """
    require(actor, "card.print")
    done = []
    for card_id in card_ids:
        card = Card.get_by_id(card_id)
        before = snapshot(card)
        Card.update(print_state=PRINT_PRINTED, printed_at=now(), printed_by=actor,
                    print_count=Card.print_count + 1).where(Card.id == card.id).execute()
        card = Card.get_by_id(card.id)
        audit(actor, "card.print", "card", card.id, before, snapshot(card))
        log_print(actor, card.citizen_id, f"klippekort {card.number}")
        done.append(card)
    return done


@operation
def hand_out(actor: Staff, numbers, on: _dt.date | None = None) -> list[Card]:
    """The citizen has the printed card: requested → printed → handed out (audited)."""
    require(actor, "card.print")
    on = as_date(on)
    cards = [card_by_number(n) for n in numbers]
    if not cards:
        raise DomainError(_("Angiv mindst ét kortnummer."), field="card")
    for card in cards:
        if card.blocked_on is not None:
            raise DomainError(blocked_message(card), field="card")
        if card.print_state == PRINT_HANDED_OUT:
            raise DomainError(_("Kort {number} er allerede udleveret ({value}).").format(number=card.number, value=format_date(card.handed_out_on)), field="card")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if card.print_state != PRINT_PRINTED:
            raise DomainError(_("Kort {number} er ikke udskrevet endnu; udskriv det først.").format(number=card.number), field="card")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        before = snapshot(card)
        Card.update(print_state=PRINT_HANDED_OUT, handed_out_on=on, handed_out_by=actor).where(
            Card.id == card.id).execute()
        audit(actor, "card.hand_out", "card", card.id, before, snapshot(Card.get_by_id(card.id)))
    return [Card.get_by_id(c.id) for c in cards]


@dataclass(frozen=True)
class QueueLine:
    number: int
    citizen_id: int
    citizen_name: str
    district: str
    issued_on: _dt.date
    state: str
    state_label: str
    printed_at: _dt.datetime | None
    replaces: int | None


def print_queue(actor: Staff) -> list[QueueLine]:
    """Open cards not yet handed out: waiting to be printed first, then printed ones waiting to be handed out.

    Names only (no CPR); the read of the list is in the access log.
    """
    order = {PRINT_REQUESTED: 0, PRINT_PRINTED: 1}
    query = (_card_query().where((Card.status == CARD_OPEN) & Card.print_state.in_(list(order)))
             .order_by(Card.issued_on, Card.number).limit(QUEUE_LIMIT))
    lines = []
    for card in query:
        replaced = Card.get_or_none(Card.id == card.replaces_id) if card.replaces_id else None
        lines.append(QueueLine(
            number=card.number, citizen_id=card.citizen_id, citizen_name=card.citizen.name,
            district=card.citizen.district.name if card.citizen.district_id else "",
            issued_on=card.issued_on, state=card.print_state, state_label=print_state_label(card.print_state),
            printed_at=card.printed_at, replaces=replaced.number if replaced else None))
    lines.sort(key=lambda line: order[line.state])
    log_access(actor, "list", criterion="udskrivningskø")
    return lines


# --- the district's phone on the card ----------------------------------------

@operation
def set_district_phone(actor: Staff, name: str, phone: str) -> District:
    """The phone number printed on the district's cards (leder/admin; audited)."""
    require(actor, "card.setup")
    district = find_district(name)
    phone = clean_text(phone, "phone", kind="phone", required=False, label=_("Telefonnummeret"))
    before = snapshot(district)
    District.update(phone=phone).where(District.id == district.id).execute()
    district = District.get_by_id(district.id)
    audit(actor, "district.phone", "district", district.id, before, snapshot(district))
    return district


# --- the citizen's own history -------------------------------------------------

@dataclass(frozen=True)
class HistoryCard:
    number: int
    issued_on: _dt.date
    ended_on: _dt.date | None
    clips: int
    used: int
    status_label: str
    note: str


@dataclass(frozen=True)
class HistoryPunch:
    punched_on: _dt.date
    card_number: int | None
    clips: int
    activity: str
    note: str


@dataclass(frozen=True)
class CitizenHistory:
    scheme_name: str
    name: str
    address: str
    postcode_city: str
    district: str
    district_phone: str
    cards: list[HistoryCard]
    punches: list[HistoryPunch]
    printed_by: str
    printed_at: _dt.datetime


def citizen_history(actor: Staff, citizen_id: int) -> CitizenHistory:
    """A citizen's cards and punches, for a paper copy handed to the citizen (no CPR number).

    The read is in the access log as a print.
    """
    require(actor, "card.print")
    person = (Citizen.select(Citizen, District).join(District, JOIN.LEFT_OUTER)
              .where(Citizen.id == citizen_id).first())
    if person is None:
        raise DomainError(_("Borgeren findes ikke."), field="citizen")
    cards = list(Card.select().where(Card.citizen == person.id).order_by(Card.issued_on, Card.id))
    numbers = {c.id: c.number for c in cards}
    entries = list(Punch.select().where(Punch.citizen == person.id)
                   .order_by(Punch.punched_on, Punch.registered_at, Punch.id))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    punches = []
    for e in entries:
        if e.kind == PUNCH_REVERSAL:
            note = f"tilbageført: {e.reason}" if e.reason else "tilbageført"
        elif e.id in reversed_ids:
            note = "annulleret"
        elif e.agreement_id and not e.card_id:
            note = "under aftale"
        else:
            note = ""
        punches.append(HistoryPunch(e.punched_on, numbers.get(e.card_id), e.clips, e.activity, note))
    history_cards = [HistoryCard(c.number, c.issued_on, c.ended_on, c.clips, c.used,
                                 "spærret" if c.blocked_on else CARD_STATUS_LABELS.get(c.status, c.status),
                                 c.end_reason) for c in cards]
    district = person.district if person.district_id else None
    log_print(actor, person.id, "historik")
    return CitizenHistory(
        scheme_name=get_setting(SCHEME_NAME.key), name=person.name, address=person.address,
        postcode_city=f"{person.postcode} {person.city}".strip(), district=district.name if district else "",
        district_phone=district.phone if district else "", cards=history_cards, punches=punches,
        printed_by=actor.name, printed_at=now())
