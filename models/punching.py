"""Punching as staff do it: from the quick-punch dialog or ``cirkel punch``.

:func:`register_punch` is the one operation both call. It checks that the
card the user named is still the citizen's open card, links the activity to
the catalogue when it names an offer (free text stays free text), and hands
over to the ledger core, ``models.cards.punch``, which enforces R3–R5 with
its conditional update. The rest are small reads for the dialogs.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from peewee import fn

from . import cpr as cprmod
from .access import check_reason, log_read
from .base import DomainError, built_sql, db, first_of
from .cards import PunchResult, card_numbered, citizen_by_id, punch
from .entities import (
    PUNCH_REVERSAL,
    Agreement,
    Card,
    CatalogueItem,
    Citizen,
    Punch,
    Staff,
)
from .i18n import _


def active_catalogue_names() -> list[str]:
    """Names of the active catalogue offers, for suggestions as you type."""
    query = (CatalogueItem.select(CatalogueItem.name).where(CatalogueItem.active == True)  # noqa: E712
             .order_by(CatalogueItem.name).limit(1000))
    return [name for (name,) in query.tuples()]


# flows (issue #15): the free texts suggested beside the catalogue. A free text is suggested when it was
# used for at least FREE_TEXT_MIN_CITIZENS different citizens in the last FREE_TEXT_DAYS days, in any
# district (an activity's name is no district's; a text used for one citizen only may be personal and
# is never suggested to others); the most used first, at most FREE_TEXT_LIMIT.
FREE_TEXT_DAYS = 365
FREE_TEXT_MIN_CITIZENS = 2
FREE_TEXT_LIMIT = 200


def activity_suggestions(on: _dt.date | None = None) -> list[str]:
    """What the activity field suggests as you type: the active catalogue offers (by name), then the
    free texts used before (see FREE_TEXT_*), most used first, without repeating an offer."""
    from .base import today

    names = active_catalogue_names()
    seen = {name.casefold() for name in names}
    since = (on or today()) - _dt.timedelta(days=FREE_TEXT_DAYS)
    uses = fn.COUNT(Punch.id)
    query = (Punch.select(Punch.activity, uses)
             .where((Punch.punched_on >= since) & Punch.catalogue_item.is_null() & (Punch.kind != PUNCH_REVERSAL)
                    & (Punch.activity != ""))
             .group_by(Punch.activity)
             .having(fn.COUNT(Punch.citizen.distinct()) >= FREE_TEXT_MIN_CITIZENS)
             .order_by(uses.desc(), Punch.activity)
             .limit(FREE_TEXT_LIMIT + len(names)))
    free = []
    for activity, _count in query.tuples():
        if activity.casefold() not in seen and len(free) < FREE_TEXT_LIMIT:
            seen.add(activity.casefold())
            free.append(activity)
    return names + free


def resolve_citizen(text: str) -> tuple[Citizen, Card | None]:
    """A citizen named by CPR number (with or without the dash) or card number.

    Returns the citizen and, when a card number was given, that card.
    """
    raw = (text or "").strip()
    compact = raw.replace("-", "").replace(" ", "")
    if not compact.isascii() or not compact.isdigit():
        raise DomainError(_("Angiv borgeren med CPR-nummer (DDMMÅÅ-XXXX) eller kortnummer."), field="citizen")
    if len(compact) == 10:
        citizen = first_of(Citizen, "citizen_by_cpr", lambda: Citizen.select().where(Citizen.cpr == "").limit(1),
                           compact, 1)
        if citizen is None:
            raise DomainError(_("Ingen borger har CPR-nummer {compact}.").format(compact=cprmod.masked(compact)), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        return citizen, None
    if len(compact) > 9 or compact.startswith("0"):
        raise DomainError(_("'{raw}' er hverken et CPR-nummer (10 cifre) eller et kortnummer.").format(raw=raw), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    card = card_numbered(int(compact))
    if card is None:
        raise DomainError(_("Der findes intet kort med nummer {compact}.").format(compact=int(compact)), field="citizen")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if card.citizen_id is None:
        raise DomainError(_("Kort {number} tilhørte en borger, der er slettet efter slettefristen.").format(number=card.number),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="citizen")
    return citizen_by_id(card.citizen_id), card


def lookup_citizen(actor: Staff, text: str, purpose: str, reason: str | None = None) -> tuple[Citizen, Card | None]:
    """:func:`resolve_citizen` for a command that then shows the person: need-to-know checked, logged.

    Every CLI lookup that reveals a citizen (``cirkel punch CPR``, ``cirkel agreement add``, …)
    goes through here, so it writes its access row before anything about the person is shown.
    """
    citizen, card = resolve_citizen(text)
    log_read(actor, "lookup", citizen, purpose, criterion=(text or "").strip()[:200], reason=reason)
    return citizen, card


def catalogue_item_named(activity: str) -> CatalogueItem | None:
    """The active catalogue offer whose name is ``activity`` (any case, Æ/Ø/Å too), else None."""
    folded = (activity or "").strip().casefold()
    if not folded:
        return None
    sql = built_sql("active_catalogue", lambda: CatalogueItem.select(CatalogueItem.id, CatalogueItem.name)
                    .where(CatalogueItem.active == True).limit(1000))  # noqa: E712
    for item_id, name in db.execute_sql(sql, (True, 1000)):
        if name.casefold() == folded:
            return CatalogueItem(id=item_id, name=name)
    return None


def register_punch(actor: Staff, citizen: Citizen | int, clips, activity: str, *, on=None,
                   punch_id: str | None = None, card_number: int | None = None,
                   reason: str | None = None) -> PunchResult:
    """Punch ``clips`` for ``activity`` (catalogue offer or free text) on the citizen's open card.

    ``card_number``: the card the user named; refused if it is no longer the citizen's open card.

    The one write transaction is :func:`models.cards.punch`, which checks every
    rule (the named card too) under its lock; only the catalogue lookup is made
    before it.

    Need-to-know: a citizen of another district than the actor's needs the
    ``reason`` already given when the citizen was looked up (and logged then).
    """
    person = citizen if isinstance(citizen, Citizen) else citizen_by_id(int(citizen))
    if person is not None:
        check_reason(actor, person, reason)
    item = catalogue_item_named(activity)
    text = item.name if item is not None else activity
    return punch(actor, person if person is not None else citizen, clips, text, on=on, punch_id=punch_id,
                 catalogue_item=item, card_number=card_number)


@dataclass(frozen=True)
class PunchSummary:
    id: str
    citizen_id: int
    citizen_name: str
    card_number: int | None
    agreement_id: int | None
    clips: int
    activity: str
    punched_on: _dt.date
    kind: str
    reversed: bool

    @property
    def reversible(self) -> bool:
        return self.kind != PUNCH_REVERSAL and not self.reversed


def punch_summary(punch_id: str) -> PunchSummary:
    """What a reversal dialog shows about the punch it would cancel."""
    entry = Punch.get_or_none(Punch.id == punch_id)
    if entry is None:
        raise DomainError(_("Registreringen findes ikke."))
    citizen = Citizen.get_by_id(entry.citizen_id)
    card = Card.get_by_id(entry.card_id) if entry.card_id else None
    agreement = Agreement.get_by_id(entry.agreement_id) if entry.agreement_id else None
    reversed_ = Punch.select().where(Punch.reverses == entry.id).exists()
    return PunchSummary(id=entry.id, citizen_id=citizen.id, citizen_name=citizen.name,
                        card_number=card.number if card else None,
                        agreement_id=agreement.id if agreement else None, clips=entry.clips,
                        activity=entry.activity, punched_on=entry.punched_on, kind=entry.kind,
                        reversed=reversed_)
